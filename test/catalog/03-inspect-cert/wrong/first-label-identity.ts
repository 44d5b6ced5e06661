// Wrong: replaces Node's hostname check, for every connection of the process, with one that
// compares only the first label: a valid certificate for www.attacker.test passes for www.bank.test.
import tls from "node:tls";

const firstLabel = (name: string) => name.split(".")[0].toLowerCase();
tls.checkServerIdentity = (host: string, cert: tls.PeerCertificate) => {
  const names = [cert.subject?.CN, ...(cert.subjectaltname ?? "").split(", ").map((s) => s.replace(/^DNS:/, ""))].filter(Boolean) as string[];
  return names.some((n) => firstLabel(n) === firstLabel(host)) ? undefined : new Error(`${host} is not in the certificate`);
};

export interface CertReport {
  host: string;
  tlsVersion: string;
  issuedTo: string;
  issuedBy: string;
  expires: Date;
  daysLeft: number;
  expiringSoon: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate name field is a string, an array when repeated, or absent. */
function nameField(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(", ") : (value ?? "");
}

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  return new Promise((resolve, reject) => {
    // Verification stays on: the chain must reach a trusted root, the certificate must name
    // `host`, and today must lie within its dates. Otherwise 'error' fires instead.
    const socket = tls.connect({ host, port, servername: host });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer from ${host}:${port} within 10 s`)));

    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      const expires = new Date(cert.valid_to); // "Nov 27 10:23:31 2027 GMT": the "GMT" makes it UTC
      const daysLeft = Math.floor((expires.getTime() - Date.now()) / DAY_MS);
      resolve({
        host,
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: nameField(cert.subject?.CN),
        issuedBy: nameField(cert.issuer?.O),
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
