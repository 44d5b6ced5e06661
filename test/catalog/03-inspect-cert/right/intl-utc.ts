// Right: awaits events.once(socket, "secureConnect") and formats the date with Intl.DateTimeFormat in the UTC time zone.
import { once } from "node:events";
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

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  const socket = tls.connect({ host, port, servername: host });
  try {
    await once(socket, "secureConnect"); // rejects with the socket's 'error'
    const cert = socket.getPeerCertificate();
    const expires = new Date(Date.parse(cert.valid_to));
    const daysLeft = Math.trunc((expires.getTime() - Date.now()) / 864e5);
    return {
      host,
      tlsVersion: socket.getProtocol() as string,
      issuedTo: `${cert.subject?.CN ?? ""}`,
      issuedBy: `${cert.issuer?.O ?? ""}`,
      expires,
      daysLeft: daysLeft < 0 ? Math.floor((expires.getTime() - Date.now()) / 864e5) : daysLeft,
      expiringSoon: daysLeft < 30,
    };
  } finally {
    socket.destroy();
  }
}

// en-CA writes dates as YYYY-MM-DD; timeZone: "UTC" makes it the UTC date.
const utcDay = new Intl.DateTimeFormat("en-CA", { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit" });

export function formatReport(report: CertReport): string {
  const rows: [string, string][] = [
    ["TLS version", report.tlsVersion],
    ["issued to", report.issuedTo],
    ["issued by", report.issuedBy],
    ["expires", `${utcDay.format(report.expires)} (${report.daysLeft} days left)`],
  ];
  const block = [`=== ${report.host} ===`, ...rows.map(([k, v]) => `${(k + ":").padEnd(13)}${v}`)];
  if (report.expiringSoon) block.push("certificate expiring soon!");
  return block.join("\n") + "\n";
}
