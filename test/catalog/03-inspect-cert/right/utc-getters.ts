// Right: formats the date from getUTCFullYear/getUTCMonth/getUTCDate, padded by hand.
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
    socket.once("error", reject);
  });
}

function ymd(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function formatReport(report: CertReport): string {
  const lines = [
    `=== ${report.host} ===`,
    `TLS version: ${report.tlsVersion}`,
    `issued to:   ${report.issuedTo}`,
    `issued by:   ${report.issuedBy}`,
    `expires:     ${ymd(report.expires)} (${report.daysLeft} days left)`,
  ];
  if (report.expiringSoon) lines.push("certificate expiring soon!");
  return lines.join("\n");
}
