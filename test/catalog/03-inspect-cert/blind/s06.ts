// Lesson 03 · What is in a real certificate
// Style: events.once with an AbortSignal.timeout() as the guard against silent servers;
// days computed from integer division with a floor-correct remainder (works below zero too).
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

const DAY = 24 * 3600 * 1000;

/** Floor division for integers: floorDiv(-1, DAY) === -1, floorDiv(DAY - 1, DAY) === 0. */
function floorDiv(a: number, b: number): number {
  const r = ((a % b) + b) % b;
  return (a - r) / b;
}

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  const socket = tls.connect({ host, port, servername: host });
  try {
    await once(socket, "secureConnect", { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    socket.destroy();
    throw err;
  }

  const cert = socket.getPeerCertificate();
  const tlsVersion = socket.getProtocol() ?? "";
  socket.end(); // done with the connection: we only wanted the handshake
  socket.on("error", () => socket.destroy()); // nothing more to report after this point

  const expires = new Date(cert.valid_to);
  const daysLeft = floorDiv(expires.getTime() - Date.now(), DAY);
  const cn = cert.subject?.CN;
  const o = cert.issuer?.O;
  return {
    host,
    tlsVersion,
    issuedTo: Array.isArray(cn) ? cn.join(", ") : (cn ?? ""),
    issuedBy: Array.isArray(o) ? o.join(", ") : (o ?? ""),
    expires,
    daysLeft,
    expiringSoon: daysLeft < 30,
  };
}

export function formatReport(report: CertReport): string {
  const lines: string[] = [];
  lines.push(`=== ${report.host} ===`);
  lines.push(`TLS version: ${report.tlsVersion}`);
  lines.push(`issued to:   ${report.issuedTo}`);
  lines.push(`issued by:   ${report.issuedBy}`);
  const ymd = report.expires.toISOString().slice(0, 10);
  lines.push(`expires:     ${ymd} (${report.daysLeft} days left)`);
  if (report.expiringSoon) {
    lines.push("certificate expiring soon!");
  }
  return lines.join("\n");
}
