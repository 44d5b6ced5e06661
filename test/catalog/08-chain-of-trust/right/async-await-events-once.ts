// async/await with events.once, a while loop up the chain, raw-byte comparison with the roots.
import crypto from "node:crypto";
import { once } from "node:events";
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

export async function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });
  try {
    await once(socket, "secureConnect");
    const authorized = socket.authorized;
    const authorizationError = socket.authorizationError ? `${socket.authorizationError}` : null;
    const certs: crypto.X509Certificate[] = [];
    let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
    while (c && c.raw && certs.length < 20) {
      certs.push(new crypto.X509Certificate(c.raw));
      if (c.issuerCertificate === c) break;
      c = c.issuerCertificate;
    }
    const links: Link[] = [];
    for (let i = 0; i < certs.length; i++) {
      const x = certs[i];
      const up = certs[i + 1];
      let signedBy: Link["signedBy"] = "missing";
      if (x.verify(x.publicKey)) signedBy = "self";
      else if (up && x.checkIssued(up) && x.verify(up.publicKey)) signedBy = i + 1;
      links.push({ subject: x.subject, issuer: x.issuer, validFrom: new Date(x.validFrom), validTo: new Date(x.validTo), signedBy });
    }
    const rootDer = roots.map((pem) => new crypto.X509Certificate(pem).raw);
    let ends: ChainEnd = "missing-intermediate";
    let i = 0;
    for (let guard = 0; guard < links.length; guard++) {
      const s = links[i].signedBy;
      if (s === "missing") break;
      if (s === "self") {
        ends = rootDer.some((d) => d.equals(certs[i].raw)) ? "trusted-root" : "unknown-root";
        break;
      }
      i = s;
    }
    return { authorized, authorizationError, links, ends };
  } finally {
    socket.destroy();
  }
}

export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  let i = 0;
  for (let guard = 0; guard <= report.links.length; guard++) {
    const l = report.links[i];
    if (l.validTo.getTime() < now.getTime()) return { link: i, problem: "expired" };
    if (l.validFrom.getTime() > now.getTime()) return { link: i, problem: "not-yet-valid" };
    if (l.signedBy === "missing") return { link: i, problem: "missing-intermediate" };
    if (l.signedBy === "self") return report.ends === "trusted-root" ? null : { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    i = l.signedBy;
  }
  return null;
}

export async function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl = crlPem.match(/-----BEGIN X509 CRL-----[^-]+-----END X509 CRL-----/g) ?? [];
  const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl });
  try {
    await once(socket, "secureConnect");
    return "good";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "CERT_REVOKED") return "revoked";
    throw err;
  } finally {
    socket.destroy();
  }
}
