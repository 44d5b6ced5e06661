// Lesson 03 · What is in a real certificate
// Style: a Node-style callback function (err, report) built on tls.connect(options, listener),
// wrapped by util.promisify; days via whole hours first, then whole days (both floored).
import tls from "node:tls";
import { promisify } from "node:util";

export interface CertReport {
  host: string; // the host you were given
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the certificate's subject CN
  issuedBy: string; // the issuer's organization (O)
  expires: Date; // the certificate's notAfter (valid_to)
  daysLeft: number; // whole days until expiry, rounded down (negative once expired)
  expiringSoon: boolean; // daysLeft < 30
}

function inspectCb(host: string, port: number, cb: (err: Error | null, report?: CertReport) => void): void {
  let called = false;
  const once = (err: Error | null, report?: CertReport) => {
    if (called) return;
    called = true;
    cb(err, report);
  };

  const socket = tls.connect({ host, port, servername: host }, () => {
    const cert = socket.getPeerCertificate();
    const expires = new Date(cert.valid_to);
    const hoursLeft = Math.floor((expires.getTime() - Date.now()) / 3_600_000);
    const daysLeft = Math.floor(hoursLeft / 24);
    const pick = (v: string | string[] | undefined) => (v == null ? "" : Array.isArray(v) ? v.join(", ") : v);
    const report: CertReport = {
      host,
      tlsVersion: String(socket.getProtocol()),
      issuedTo: pick(cert.subject?.CN),
      issuedBy: pick(cert.issuer?.O),
      expires,
      daysLeft,
      expiringSoon: daysLeft < 30,
    };
    socket.end();
    once(null, report);
  });

  socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));
  socket.on("error", (err) => {
    socket.destroy();
    once(err);
  });
  socket.on("close", () => once(new Error("connection closed before the TLS handshake finished")));
}

const inspectAsync = promisify(inspectCb) as (host: string, port: number) => Promise<CertReport>;

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  return inspectAsync(host, port);
}

export function formatReport(report: CertReport): string {
  const { host, tlsVersion, issuedTo, issuedBy, expires, daysLeft, expiringSoon } = report;
  return [
    `=== ${host} ===`,
    `TLS version: ${tlsVersion}`,
    `issued to:   ${issuedTo}`,
    `issued by:   ${issuedBy}`,
    `expires:     ${expires.toISOString().slice(0, 10)} (${daysLeft} days left)`,
    ...(expiringSoon ? ["certificate expiring soon!"] : []),
  ].join("\n");
}
