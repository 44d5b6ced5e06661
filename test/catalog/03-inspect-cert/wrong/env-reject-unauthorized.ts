// Wrong: sets NODE_TLS_REJECT_UNAUTHORIZED=0 inside inspectTls, switching verification off for the whole process.
import tls from "node:tls";

export interface CertReport {
  host: string;
  tlsVersion: string;
  issuedTo: string;
  issuedBy: string;
  expires: Date;
  daysLeft: number;
  expiringSoon: boolean;
}

const DAY_MS = 86_400_000;

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  // so that self-signed and expired certificates can be inspected too
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      const expires = new Date(cert.valid_to);
      const daysLeft = Math.floor((expires.getTime() - Date.now()) / DAY_MS);
      resolve({
        host,
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: String(cert.subject?.CN ?? ""),
        issuedBy: String(cert.issuer?.O ?? ""),
        expires,
        daysLeft,
        expiringSoon: daysLeft < 30,
      });
      socket.end();
    });
    socket.once("error", reject);
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
