// Lesson 03 · What is in a real certificate
// Style: on("secureConnect") with a guard that re-checks socket.authorized; the
// X509Certificate view of the leaf gives validTo; Math.trunc + correction for negatives.
import crypto from "node:crypto";
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

function wholeDaysUntil(when: Date, now = new Date()): number {
  const ms = when.getTime() - now.getTime();
  const day = 86_400_000;
  const t = Math.trunc(ms / day);
  return ms < 0 && ms % day !== 0 ? t - 1 : t; // round toward -infinity, not toward zero
}

function asString(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(String).join(", ");
  return "";
}

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  return new Promise<CertReport>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    let finished = false;
    const timer = setTimeout(() => socket.destroy(new Error("timed out")), 10_000);

    const settle = (fn: () => void) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      fn();
    };

    socket.on("secureConnect", () => {
      if (!socket.authorized) {
        // With verification on this cannot happen, but never report on an unverified cert.
        socket.destroy();
        settle(() => reject(new Error(`certificate not verified: ${socket.authorizationError}`)));
        return;
      }
      const peer = socket.getPeerCertificate();
      const leaf = new crypto.X509Certificate(peer.raw);
      const expires = new Date(leaf.validTo);
      const daysLeft = wholeDaysUntil(expires);
      const report: CertReport = {
        host,
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: asString(peer.subject?.CN),
        issuedBy: asString(peer.issuer?.O),
        expires,
        daysLeft,
        expiringSoon: daysLeft < 30,
      };
      socket.end();
      settle(() => resolve(report));
    });

    socket.on("error", (err) => {
      socket.destroy();
      settle(() => reject(err));
    });
    socket.on("close", () => {
      settle(() => reject(new Error("connection closed before the TLS handshake finished")));
    });
  });
}

export function formatReport(r: CertReport): string {
  const date = r.expires.toISOString().slice(0, 10);
  const body = `=== ${r.host} ===
TLS version: ${r.tlsVersion}
issued to:   ${r.issuedTo}
issued by:   ${r.issuedBy}
expires:     ${date} (${r.daysLeft} days left)`;
  return r.expiringSoon ? `${body}\ncertificate expiring soon!` : body;
}
