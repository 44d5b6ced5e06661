// Recursion up the chain; who signed is decided by verify() alone (issuer name = subject name
// and the signature verifies); CN-only names; the CRL file split on its END lines.
import { X509Certificate } from "node:crypto";
import * as tls from "node:tls";

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

function chainOf(c: tls.DetailedPeerCertificate | undefined, seen: tls.DetailedPeerCertificate[] = []): tls.DetailedPeerCertificate[] {
  if (!c || !c.raw || seen.includes(c)) return seen;
  return chainOf(c.issuerCertificate, [...seen, c]);
}

const cn = (dn: string) => /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? dn;

function signer(x: X509Certificate, i: number, xs: X509Certificate[]): Link["signedBy"] {
  if (x.issuer === x.subject && x.verify(x.publicKey)) return "self";
  const p = xs[i + 1];
  return p && x.issuer === p.subject && x.verify(p.publicKey) ? i + 1 : "missing";
}

function endOf(links: Link[], xs: X509Certificate[], trusted: string[], i = 0, depth = 0): ChainEnd {
  const s = links[i]?.signedBy;
  if (s === "self") return trusted.includes(xs[i].fingerprint256) ? "trusted-root" : "unknown-root";
  if (typeof s !== "number" || depth > links.length) return "missing-intermediate";
  return endOf(links, xs, trusted, s, depth + 1);
}

export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, ca: roots as string[], rejectUnauthorized: false }, () => {
      const authorized = socket.authorized;
      const authorizationError = socket.authorized ? null : String(socket.authorizationError);
      const xs = chainOf(socket.getPeerCertificate(true)).map((c) => new X509Certificate(c.raw));
      socket.end();
      const links = xs.map((x, i, all): Link => ({ subject: cn(x.subject), issuer: cn(x.issuer), validFrom: new Date(x.validFrom), validTo: new Date(x.validTo), signedBy: signer(x, i, all) }));
      const trusted = roots.map((r) => new X509Certificate(r).fingerprint256);
      resolve({ authorized, authorizationError, links, ends: endOf(links, xs, trusted) });
    });
    socket.on("error", reject);
  });
}

function walk(report: ChainReport, now: number, i: number, depth: number): BrokenLink | null {
  const l = report.links[i];
  if (!l || depth > report.links.length) return null;
  if (+l.validTo < now) return { link: i, problem: "expired" };
  if (+l.validFrom > now) return { link: i, problem: "not-yet-valid" };
  switch (l.signedBy) {
    case "missing":
      return { link: i, problem: "missing-intermediate" };
    case "self":
      if (report.ends === "trusted-root") return null;
      return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    default:
      return walk(report, now, l.signedBy, depth + 1);
  }
}

export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  return walk(report, now.getTime(), 0, 0);
}

export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const END = "-----END X509 CRL-----";
  const crl = crlPem
    .split(END)
    .map((s) => s.trim())
    .filter((s) => s.startsWith("-----BEGIN X509 CRL-----"))
    .map((s) => `${s}\n${END}\n`);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, ca: roots as string[], crl }, () => {
      socket.end();
      resolve("good");
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      err.code === "CERT_REVOKED" ? resolve("revoked") : reject(err);
    });
  });
}
