// Lesson 03 · What is in a real certificate
// Style: a tiny "deferred" + a single handler object; days counted with Date.UTC-normalised
// timestamps (both moments taken as UTC epoch ms) and Math.floor; the UTC date is built from
// getUTCFullYear/getUTCMonth/getUTCDate (same as toISOString().slice(0, 10)).
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

function utcMs(d: Date): number {
  return Date.UTC(
    d.getUTCFullYear(),
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

function daysBetween(from: Date, to: Date): number {
  return Math.floor((utcMs(to) - utcMs(from)) / (24 * 60 * 60 * 1000));
}

function utcDate(d: Date): string {
  const y = String(d.getUTCFullYear()).padStart(4, "0");
  const m = String(d.getUTCMonth() + 1).padStart(2, "0");
  const day = String(d.getUTCDate()).padStart(2, "0");
  return `${y}-${m}-${day}`;
}

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  let resolve!: (r: CertReport) => void;
  let reject!: (e: unknown) => void;
  const result = new Promise<CertReport>((res, rej) => {
    resolve = res;
    reject = rej;
  });

  const socket = tls.connect({ host, port, servername: host });
  let secured = false;
  const timer = setTimeout(() => socket.destroy(new Error("timed out")), 10_000);

  socket.once("secureConnect", () => {
    secured = true;
    clearTimeout(timer);
    try {
      const cert = socket.getPeerCertificate();
      const expires = new Date(cert.valid_to);
      const daysLeft = daysBetween(new Date(), expires);
      const cn = cert.subject?.CN;
      const org = cert.issuer?.O;
      resolve({
        host,
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: ([] as string[]).concat(cn ?? []).join(", "),
        issuedBy: ([] as string[]).concat(org ?? []).join(", "),
        expires,
        daysLeft,
        expiringSoon: daysLeft < 30,
      });
    } catch (err) {
      reject(err);
    } finally {
      socket.end();
    }
  });
  socket.on("error", (err) => {
    clearTimeout(timer);
    socket.destroy();
    reject(err); // no-op if already resolved
  });
  socket.once("close", () => {
    clearTimeout(timer);
    if (!secured) reject(new Error("connection closed before the TLS handshake finished"));
  });

  return result;
}

export function formatReport(report: CertReport): string {
  const lines = [
    `=== ${report.host} ===`,
    `TLS version: ${report.tlsVersion}`,
    `issued to:   ${report.issuedTo}`,
    `issued by:   ${report.issuedBy}`,
    `expires:     ${utcDate(report.expires)} (${report.daysLeft} days left)`,
  ];
  if (report.expiringSoon) lines.push(`certificate expiring soon!`);
  return lines.join("\n");
}
