// Lesson 03 · What is in a real certificate
// Style: handshake promise raced against a setTimeout guard; after reading, the connection
// is closed gracefully (socket.end()) and the function waits for "close" before returning.
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

const TIMEOUT_MS = 10_000;
const DAY_MS = 1000 * 60 * 60 * 24;

function handshake(socket: tls.TLSSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("secureConnect", () => resolve());
    socket.once("error", reject);
    socket.once("close", () => reject(new Error("connection closed before the TLS handshake finished")));
  });
}

function deadline(ms: number): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  const socket = tls.connect({ host, port, servername: host });
  const guard = deadline(TIMEOUT_MS);
  try {
    await Promise.race([handshake(socket), guard.promise]);
  } catch (err) {
    socket.destroy();
    throw err;
  } finally {
    guard.cancel();
  }

  const cert = socket.getPeerCertificate();
  const report: CertReport = (() => {
    const expires = new Date(cert.valid_to);
    const daysLeft = Math.floor((expires.getTime() - Date.now()) / DAY_MS);
    const cn = cert.subject?.CN ?? "";
    const o = cert.issuer?.O ?? "";
    return {
      host,
      tlsVersion: socket.getProtocol() ?? "",
      issuedTo: Array.isArray(cn) ? cn.join(", ") : cn,
      issuedBy: Array.isArray(o) ? o.join(", ") : o,
      expires,
      daysLeft,
      expiringSoon: daysLeft < 30,
    };
  })();

  // Close politely, but never wait forever for the other side.
  const closed = once(socket, "close").catch(() => undefined);
  const force = setTimeout(() => socket.destroy(), 2000);
  socket.end();
  await closed;
  clearTimeout(force);
  return report;
}

export function formatReport(report: CertReport): string {
  const expiresLine = `expires:     ${report.expires.toISOString().slice(0, 10)} (${report.daysLeft} days left)`;
  return [
    `=== ${report.host} ===`,
    `TLS version: ${report.tlsVersion}`,
    `issued to:   ${report.issuedTo}`,
    `issued by:   ${report.issuedBy}`,
    expiresLine,
    report.expiringSoon ? "certificate expiring soon!" : null,
  ]
    .filter((line): line is string => line !== null)
    .join("\n");
}
