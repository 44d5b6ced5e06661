// Positional tls.connect(port, host, options, listener); each link's signer searched among all
// the certificates (checkIssued and verify); roots compared as PEM text (X509Certificate.toString()).
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

function signerOf(x: crypto.X509Certificate, i: number, all: crypto.X509Certificate[]): Link["signedBy"] {
  if (x.checkIssued(x) && x.verify(x.publicKey)) return "self";
  if (x.verify(x.publicKey)) return "self";
  const j = all.findIndex((p, k) => k !== i && x.checkIssued(p) && x.verify(p.publicKey));
  return j >= 0 ? j : "missing";
}

export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(port, host, { servername: host, ca: roots.slice(), rejectUnauthorized: false }, function (this: tls.TLSSocket) {
      const verdict = { authorized: this.authorized, authorizationError: this.authorized ? null : String(this.authorizationError ?? "") };
      const all: crypto.X509Certificate[] = [];
      const visited = new Set<object>();
      let c: tls.DetailedPeerCertificate | undefined = this.getPeerCertificate(true);
      while (c && c.raw && !visited.has(c)) {
        visited.add(c);
        all.push(new crypto.X509Certificate(c.raw));
        c = c.issuerCertificate;
      }
      this.destroy();
      const links = all.map((x, i): Link => ({ subject: x.subject, issuer: x.issuer, validFrom: new Date(x.validFrom), validTo: new Date(x.validTo), signedBy: signerOf(x, i, all) }));
      const pems = new Set(roots.map((r) => new crypto.X509Certificate(r).toString()));
      let ends: ChainEnd = "missing-intermediate";
      const path = new Set<number>();
      let at = 0;
      while (!path.has(at)) {
        path.add(at);
        const s = links[at]?.signedBy;
        if (s === "self") {
          ends = pems.has(all[at].toString()) ? "trusted-root" : "unknown-root";
          break;
        }
        if (typeof s !== "number") break;
        at = s;
      }
      resolve({ ...verdict, links, ends });
    });
    socket.on("error", reject);
  });
}

export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const t = +now;
  const visited = new Set<number>();
  let i = 0;
  while (!visited.has(i) && report.links[i]) {
    visited.add(i);
    const { validFrom, validTo, signedBy } = report.links[i];
    if (+new Date(validTo) < t) return { link: i, problem: "expired" };
    if (+new Date(validFrom) > t) return { link: i, problem: "not-yet-valid" };
    if (signedBy === "missing") return { link: i, problem: "missing-intermediate" };
    if (signedBy === "self") break;
    i = signedBy;
  }
  if (report.ends === "trusted-root") return null;
  if (report.ends === "missing-intermediate") return { link: i, problem: "missing-intermediate" };
  return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
}

export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl: string[] = [];
  let rest = crlPem;
  for (;;) {
    const start = rest.indexOf("-----BEGIN X509 CRL-----");
    const end = rest.indexOf("-----END X509 CRL-----", start);
    if (start < 0 || end < 0) break;
    crl.push(rest.slice(start, end + "-----END X509 CRL-----".length));
    rest = rest.slice(end + 1);
  }
  return new Promise((resolve, reject) => {
    const socket = tls.connect(port, host, { servername: host, ca: roots.slice(), crl }, () => {
      socket.end();
      resolve("good");
    });
    socket.on("error", (err: NodeJS.ErrnoException) => (err.code === "CERT_REVOKED" ? resolve("revoked") : reject(err)));
  });
}
