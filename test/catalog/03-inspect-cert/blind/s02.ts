// Lesson 03 · What is in a real certificate
// Style: async/await with events.once(socket, "secureConnect"); the expiry is read from
// new crypto.X509Certificate(cert.raw).validTo; socket.destroy() in finally closes it.
import { X509Certificate } from "node:crypto";
import { once } from "node:events";
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

const MS_PER_DAY = 86_400_000;

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  const socket = tls.connect({ host, port, servername: host });
  socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));
  try {
    await once(socket, "secureConnect"); // rejects with the verification error

    const peer = socket.getPeerCertificate();
    const x509 = new X509Certificate(peer.raw);
    const expires = new Date(x509.validTo);
    const daysLeft = Math.floor((expires.valueOf() - Date.now()) / MS_PER_DAY);
    const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] ?? "" : v ?? "");

    return {
      host,
      tlsVersion: socket.getProtocol() ?? "",
      issuedTo: first(peer.subject?.CN),
      issuedBy: first(peer.issuer?.O),
      expires,
      daysLeft,
      expiringSoon: daysLeft < 30,
    };
  } finally {
    socket.destroy();
  }
}

export function formatReport(report: CertReport): string {
  const date = report.expires.toISOString().slice(0, 10);
  const warning = report.expiringSoon ? "\ncertificate expiring soon!" : "";
  return (
    `=== ${report.host} ===\n` +
    `TLS version: ${report.tlsVersion}\n` +
    `issued to: ${report.issuedTo}\n` +
    `issued by: ${report.issuedBy}\n` +
    `expires: ${date} (${report.daysLeft} days left)` +
    warning
  );
}
