// Lesson 03 · What is in a real certificate
// Style: Promise with `on` listeners and a settled flag; every failure is wrapped in an Error
// naming host:port with the original kept as `cause` (still a rejection, never a report).
// Days from whole seconds (epoch seconds of expiry minus now), floored.
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

const SECONDS_PER_DAY = 86_400;

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  return new Promise<CertReport>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    let settled = false;

    const fail = (cause: Error) => {
      socket.destroy();
      if (settled) return;
      settled = true;
      const code = (cause as NodeJS.ErrnoException).code;
      reject(new Error(`cannot inspect ${host}:${port}: ${code ?? cause.message}`, { cause }));
    };

    socket.setTimeout(10_000);
    socket.on("timeout", () => fail(new Error("timed out")));
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("connection closed before the TLS handshake finished")));

    socket.on("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      const expires = new Date(cert.valid_to);
      const expSec = Math.floor(expires.getTime() / 1000);
      const nowSec = Math.floor(Date.now() / 1000);
      const daysLeft = Math.floor((expSec - nowSec) / SECONDS_PER_DAY);
      const cn = cert.subject?.CN;
      const org = cert.issuer?.O;
      const report: CertReport = {
        host,
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: cn ? String(cn) : "",
        issuedBy: org ? String(org) : "",
        expires,
        daysLeft,
        expiringSoon: daysLeft < 30,
      };
      settled = true;
      socket.setTimeout(0);
      socket.end();
      resolve(report);
    });
  });
}

export function formatReport(report: CertReport): string {
  const parts = [
    "=== " + report.host + " ===",
    "TLS version: " + report.tlsVersion,
    "issued to:   " + report.issuedTo,
    "issued by:   " + report.issuedBy,
    "expires:     " + report.expires.toISOString().slice(0, 10) + " (" + String(report.daysLeft) + " days left)",
  ];
  return report.expiringSoon ? parts.concat("certificate expiring soon!").join("\n") : parts.join("\n");
}
