// A small class that walks the chain; reduce() for the roots; firstBrokenLink takes dates as
// Dates or strings alike; Node 20-safe (no tls.getCACertificates, no X509Certificate.validToDate).
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

class ChainWalker {
  readonly certs: crypto.X509Certificate[] = [];
  constructor(top: tls.DetailedPeerCertificate) {
    const seen: tls.DetailedPeerCertificate[] = [];
    let c: tls.DetailedPeerCertificate | undefined = top;
    while (c?.raw && !seen.includes(c)) {
      seen.push(c);
      this.certs.push(new crypto.X509Certificate(c.raw));
      c = c.issuerCertificate;
    }
  }
  private signedBy(i: number): Link["signedBy"] {
    const x = this.certs[i];
    if (x.verify(x.publicKey)) return "self";
    const up = this.certs[i + 1];
    return up && x.checkIssued(up) && x.verify(up.publicKey) ? i + 1 : "missing";
  }
  links(): Link[] {
    return this.certs.map((x, i) => ({ subject: x.subject, issuer: x.issuer, validFrom: new Date(x.validFrom), validTo: new Date(x.validTo), signedBy: this.signedBy(i) }));
  }
  end(links: Link[], trusted: Set<string>): ChainEnd {
    let i = 0;
    for (let n = 0; n < links.length; n++) {
      const s = links[i].signedBy;
      if (s === "missing") return "missing-intermediate";
      if (s === "self") return trusted.has(this.certs[i].fingerprint256) ? "trusted-root" : "unknown-root";
      i = s;
    }
    return "missing-intermediate";
  }
}

export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  const trusted = roots.reduce((set, pem) => set.add(new crypto.X509Certificate(pem).fingerprint256), new Set<string>());
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });
    socket.on("error", reject);
    socket.on("secureConnect", () => {
      const walker = new ChainWalker(socket.getPeerCertificate(true));
      const authorized = socket.authorized;
      const err = socket.authorizationError as unknown;
      socket.destroy();
      const links = walker.links();
      resolve({ authorized, authorizationError: err ? String(err) : null, links, ends: walker.end(links, trusted) });
    });
  });
}

const ms = (d: Date | string) => new Date(d).getTime();

export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const t = now.valueOf();
  let i = 0;
  for (let n = 0; n < report.links.length; n++) {
    const l = report.links[i];
    const problem: Problem | undefined =
      ms(l.validTo) < t ? "expired" : ms(l.validFrom) > t ? "not-yet-valid" : l.signedBy === "missing" ? "missing-intermediate" : l.signedBy === "self" && report.ends !== "trusted-root" ? (i === 0 ? "self-signed" : "unknown-root") : undefined;
    if (problem) return { link: i, problem };
    if (typeof l.signedBy !== "number") return null;
    i = l.signedBy;
  }
  return null;
}

export async function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl = crlPem.match(/-----BEGIN X509 CRL-----[A-Za-z0-9+/=\s]+-----END X509 CRL-----/g) ?? [];
  return new Promise<"revoked" | "good">((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl });
    socket.setTimeout(3000, () => socket.destroy(new Error("timed out")));
    socket.on("secureConnect", () => {
      socket.end();
      resolve("good");
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(err);
    });
  });
}
