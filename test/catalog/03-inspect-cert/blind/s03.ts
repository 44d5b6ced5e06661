// Lesson 03 · What is in a real certificate
// Style: a CertInspector class owning the socket; days as Math.floor of a Date difference
// (Date arithmetic via +date); formatReport with padEnd-aligned labels.
import tls from "node:tls";

export interface CertReport {
  host: string; // the host you were given
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the certificate's subject CN
  issuedBy: string; // the issuer's organization (O)
  expires: Date; // the certificate's notAfter (valid_to)
  daysLeft: number; // whole days until expiry, rounded down (negative once expired)
  expiringSoon: boolean; // daysLeft < 30
}

class CertInspector {
  static readonly SOON_DAYS = 30;
  private socket: tls.TLSSocket | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs = 10_000,
  ) {}

  inspect(): Promise<CertReport> {
    return new Promise<CertReport>((resolve, reject) => {
      let settled = false;
      const socket = tls.connect({ host: this.host, port: this.port, servername: this.host });
      this.socket = socket;
      socket.setTimeout(this.timeoutMs, () => socket.destroy(new Error("timed out")));

      socket.once("secureConnect", () => {
        settled = true;
        try {
          resolve(this.buildReport(socket));
        } catch (err) {
          reject(err);
        } finally {
          this.close();
        }
      });
      socket.on("error", (err) => {
        this.close();
        if (!settled) {
          settled = true;
          reject(err);
        }
      });
      socket.once("close", () => {
        if (!settled) {
          settled = true;
          reject(new Error("connection closed before the TLS handshake finished"));
        }
      });
    });
  }

  private buildReport(socket: tls.TLSSocket): CertReport {
    const cert = socket.getPeerCertificate();
    const expires = new Date(cert.valid_to);
    const daysLeft = Math.floor((+expires - +new Date()) / (1000 * 60 * 60 * 24));
    return {
      host: this.host,
      tlsVersion: socket.getProtocol() ?? "",
      issuedTo: CertInspector.str(cert.subject?.CN),
      issuedBy: CertInspector.str(cert.issuer?.O),
      expires,
      daysLeft,
      expiringSoon: daysLeft < CertInspector.SOON_DAYS,
    };
  }

  private close(): void {
    this.socket?.destroy();
  }

  private static str(v: string | string[] | undefined): string {
    return v === undefined ? "" : ([] as string[]).concat(v).join(", ");
  }
}

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  return new CertInspector(host, port).inspect();
}

export function formatReport(report: CertReport): string {
  const row = (label: string, value: string) => `${(label + ":").padEnd(13)}${value}`;
  const out = [
    `=== ${report.host} ===`,
    row("TLS version", report.tlsVersion),
    row("issued to", report.issuedTo),
    row("issued by", report.issuedBy),
    row("expires", `${report.expires.toISOString().slice(0, 10)} (${report.daysLeft} days left)`),
  ];
  if (report.expiringSoon) out.push("certificate expiring soon!");
  return out.join("\n");
}
