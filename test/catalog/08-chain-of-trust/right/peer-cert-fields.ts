// Reads the names and dates from getPeerCertificate's own fields (subject.CN, valid_from,
// valid_to) and uses X509Certificate only for the signatures; sequential firstBrokenLink;
// checkRevocation wraps other errors, keeping the original as `cause`.
import crypto from "node:crypto";
import tls from "node:tls";

export interface Link {
  subject: string;
  issuer: string;
  validFrom: Date;
  validTo: Date;
  signedBy: number | "self" | "missing";
}
export type ChainEnd = "trusted-root" | "unknown-root" | "missing-intermediate";
export interface ChainReport {
  authorized: boolean;
  authorizationError: string | null;
  links: Link[];
  ends: ChainEnd;
}
export type Problem = "expired" | "not-yet-valid" | "missing-intermediate" | "unknown-root" | "self-signed";
export interface BrokenLink {
  link: number;
  problem: Problem;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : (v ?? ""));

export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host, servername: host, rejectUnauthorized: false, ca: Array.from(roots) });
    socket.once("error", reject);
    socket.once("secureConnect", () => {
      const peer: tls.DetailedPeerCertificate[] = [];
      for (let c = socket.getPeerCertificate(true); c && c.raw; c = c.issuerCertificate) {
        if (peer.includes(c)) break;
        peer.push(c);
      }
      const report: ChainReport = { authorized: socket.authorized, authorizationError: socket.authorizationError ? String(socket.authorizationError) : null, links: [], ends: "missing-intermediate" };
      socket.destroy();
      const xs = peer.map((c) => new crypto.X509Certificate(c.raw));
      const trusted = new Set(roots.map((r) => new crypto.X509Certificate(r).fingerprint256));
      peer.forEach((c, i) => {
        const x = xs[i];
        const next = xs[i + 1];
        const signedBy: Link["signedBy"] = x.verify(x.publicKey) ? "self" : next !== undefined && x.checkIssued(next) && x.verify(next.publicKey) ? i + 1 : "missing";
        report.links.push({ subject: first(c.subject.CN), issuer: first(c.issuer.CN), validFrom: new Date(c.valid_from), validTo: new Date(c.valid_to), signedBy });
      });
      const seen = new Set<number>();
      for (let i = 0; !seen.has(i) && i < report.links.length; ) {
        seen.add(i);
        const s = report.links[i].signedBy;
        if (s === "missing") break;
        if (s === "self") {
          report.ends = trusted.has(xs[i].fingerprint256) ? "trusted-root" : "unknown-root";
          break;
        }
        i = s;
      }
      resolve(report);
    });
  });
}

export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  for (const [i, l] of report.links.entries()) {
    if (l.validTo < now) return { link: i, problem: "expired" };
    if (l.validFrom > now) return { link: i, problem: "not-yet-valid" };
    if (l.signedBy === "missing") return { link: i, problem: "missing-intermediate" };
    if (l.signedBy === "self") return report.ends === "trusted-root" ? null : { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
  }
  return null;
}

export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl = Array.from(crlPem.matchAll(/-----BEGIN X509 CRL-----[\s\S]*?-----END X509 CRL-----/g), (m) => m[0]);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host, servername: host, ca: Array.from(roots), crl });
    socket.once("secureConnect", () => {
      socket.destroy();
      resolve("good");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(new Error(`TLS failed: ${err.message}`, { cause: err }));
    });
  });
}
