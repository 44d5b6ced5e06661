// Right: reads the dates with crypto.X509Certificate from getPeerCertificate().raw, and the names from the parsed subject and issuer.
import { X509Certificate } from "node:crypto";
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

const MS_PER_DAY = 1000 * 60 * 60 * 24;

/** "CN=www.example.com\nO=Example" → { CN: "www.example.com", O: "Example" } */
function parseName(dn: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of dn.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export function inspectTls(host: string, port = 443): Promise<CertReport> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host }, () => {
      const x509 = new X509Certificate(socket.getPeerCertificate().raw);
      const expires = new Date(x509.validTo);
      const daysLeft = Math.floor((expires.valueOf() - Date.now()) / MS_PER_DAY);
      const report: CertReport = {
        host,
        tlsVersion: String(socket.getProtocol()),
        issuedTo: parseName(x509.subject).CN ?? "",
        issuedBy: parseName(x509.issuer).O ?? "",
        expires,
        daysLeft,
        expiringSoon: daysLeft < 30,
      };
      socket.destroy();
      resolve(report);
    });
    socket.on("error", (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

export function formatReport(r: CertReport): string {
  let out = `=== ${r.host} ===\n`;
  out += `TLS version: ${r.tlsVersion}\n`;
  out += `issued to: ${r.issuedTo}\n`;
  out += `issued by: ${r.issuedBy}\n`;
  out += `expires: ${r.expires.toISOString().slice(0, 10)} (${r.daysLeft} days left)\n`;
  if (r.expiringSoon) out += "certificate expiring soon!\n";
  return out;
}
