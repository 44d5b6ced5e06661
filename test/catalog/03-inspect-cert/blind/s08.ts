// Lesson 03 · What is in a real certificate
// Style: tls.connect(port, host, options) positional signature; the report is built by a
// pure helper that takes `now` (easy to reason about); the connection is destroyed at once.
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

function buildReport(
  host: string,
  tlsVersion: string,
  cert: tls.PeerCertificate,
  now: number = Date.now(),
): CertReport {
  const expires = new Date(cert.valid_to);
  if (Number.isNaN(expires.getTime())) throw new Error(`unreadable valid_to: ${cert.valid_to}`);
  const daysLeft = Math.floor((expires.getTime() - now) / (24 * 60 * 60 * 1000));
  const cn: string | string[] | undefined = cert.subject?.CN;
  const org: string | string[] | undefined = cert.issuer?.O;
  return {
    host,
    tlsVersion,
    issuedTo: typeof cn === "string" ? cn : (cn?.[0] ?? ""),
    issuedBy: typeof org === "string" ? org : (org?.[0] ?? ""),
    expires,
    daysLeft,
    expiringSoon: daysLeft < 30,
  };
}

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  return new Promise<CertReport>((resolve, reject) => {
    const socket = tls.connect(port, host, { servername: host });
    socket.setTimeout(10_000);
    socket.once("timeout", () => socket.destroy(new Error("timed out")));
    socket.once("secureConnect", () => {
      try {
        resolve(buildReport(host, socket.getProtocol() ?? "", socket.getPeerCertificate()));
      } catch (err) {
        reject(err);
      } finally {
        socket.destroy();
      }
    });
    socket.once("error", (err) => {
      socket.destroy();
      reject(err);
    });
    socket.once("end", () => {
      if (!socket.authorized) reject(new Error("connection closed before the TLS handshake finished"));
    });
  });
}

export function formatReport(report: CertReport): string {
  const day = report.expires.toISOString().slice(0, 10);
  const rows: Array<[string, string]> = [
    ["TLS version", report.tlsVersion],
    ["issued to", report.issuedTo],
    ["issued by", report.issuedBy],
    ["expires", `${day} (${report.daysLeft} days left)`],
  ];
  const block = [`=== ${report.host} ===`, ...rows.map(([k, v]) => `${k}: ${v}`)];
  if (report.expiringSoon) block.push("certificate expiring soon!");
  return block.join("\n");
}
