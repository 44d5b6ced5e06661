// Lesson 03 · What is in a real certificate
// Style: plain tls.connect + Promise with once listeners; new Date(valid_to);
// Math.floor over milliseconds; socket.end() after reading; formatReport joins an array.
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

const DAY_MS = 24 * 60 * 60 * 1000;

function text(value: string | string[] | undefined): string {
  if (value === undefined) return "";
  return Array.isArray(value) ? value.join(", ") : value;
}

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  return new Promise<CertReport>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));

    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      const expires = new Date(cert.valid_to);
      const daysLeft = Math.floor((expires.getTime() - Date.now()) / DAY_MS);
      const report: CertReport = {
        host,
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: text(cert.subject?.CN),
        issuedBy: text(cert.issuer?.O),
        expires,
        daysLeft,
        expiringSoon: daysLeft < 30,
      };
      socket.setTimeout(0);
      socket.end();
      resolve(report);
    });

    socket.once("error", (err) => {
      socket.destroy();
      reject(err);
    });

    // A server that hangs up during the handshake: "end" can come before "error".
    socket.once("end", () => {
      if (!socket.authorized) {
        socket.destroy();
        reject(new Error("connection closed before the TLS handshake finished"));
      }
    });
  });
}

export function formatReport(report: CertReport): string {
  const lines = [
    `=== ${report.host} ===`,
    `TLS version: ${report.tlsVersion}`,
    `issued to:   ${report.issuedTo}`,
    `issued by:   ${report.issuedBy}`,
    `expires:     ${report.expires.toISOString().slice(0, 10)} (${report.daysLeft} days left)`,
  ];
  if (report.expiringSoon) lines.push("certificate expiring soon!");
  return lines.join("\n");
}
