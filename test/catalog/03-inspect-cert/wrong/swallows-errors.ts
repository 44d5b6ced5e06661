// Wrong: catches the connection error and resolves with an empty report instead of rejecting.
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
    socket.once("error", () => {
      // never crash the inspector: report an empty certificate instead
      resolve({ host, tlsVersion: "", issuedTo: "", issuedBy: "", expires: new Date(0), daysLeft: 0, expiringSoon: true });
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
