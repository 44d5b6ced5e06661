// Lesson 08 · The chain of trust, hands-on
// s14: names and dates from the peer certificate object itself; X509Certificate only for the signature checks.
import crypto from "node:crypto";
import tls from "node:tls";

/** One certificate of the chain the server sent, leaf first. */
export interface Link {
  /** The subject, e.g. its CN or X509Certificate's "CN=…" text. */
  subject: string;
  /** The issuer, the same way. */
  issuer: string;
  validFrom: Date;
  validTo: Date;
  /** The index of the link whose key signed this one, "self" for a self-signed one, "missing" if none in the chain did. */
  signedBy: number | "self" | "missing";
}

export type ChainEnd = "trusted-root" | "unknown-root" | "missing-intermediate";

export interface ChainReport {
  /** Node's own verdict on the chain, and its error code when it refused it. */
  authorized: boolean;
  authorizationError: string | null;
  links: Link[];
  /** Where the path of signatures from the leaf ends. */
  ends: ChainEnd;
}

export type Problem = "expired" | "not-yet-valid" | "missing-intermediate" | "unknown-root" | "self-signed";

export interface BrokenLink {
  link: number;
  problem: Problem;
}

type PeerCert = tls.DetailedPeerCertificate;

/** "Just the CN" of a peer-certificate name; the whole name when it has no CN. */
function commonName(name: tls.Certificate | undefined, fallback: string): string {
  const cn: unknown = name?.CN;
  if (typeof cn === "string") return cn;
  if (Array.isArray(cn) && cn.length > 0) return cn.map(String).join(", ");
  return fallback;
}

function toLink(peer: PeerCert, x509: crypto.X509Certificate): Omit<Link, "signedBy"> {
  return {
    subject: commonName(peer.subject, x509.subject),
    issuer: commonName(peer.issuer, x509.issuer),
    validFrom: new Date(peer.valid_from),
    validTo: new Date(peer.valid_to),
  };
}

/** Leaf first, following issuerCertificate, each certificate once. */
function walkPeer(leaf: PeerCert): PeerCert[] {
  const list: PeerCert[] = [];
  const prints = new Set<string>();
  let cur: PeerCert | undefined = leaf;
  while (cur && cur.raw && cur.raw.length > 0) {
    const fp = cur.fingerprint256;
    if (prints.has(fp) || list.includes(cur)) break;
    prints.add(fp);
    list.push(cur);
    if (cur.issuerCertificate === cur) break;
    cur = cur.issuerCertificate;
  }
  return list;
}

function authError(socket: tls.TLSSocket): string | null {
  if (socket.authorized) return null;
  const value: unknown = socket.authorizationError;
  if (typeof value === "string") return value;
  if (value instanceof Error) return (value as NodeJS.ErrnoException).code ?? value.message;
  return value == null ? null : String(value);
}

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });

    socket.once("secureConnect", () => {
      if (settled) return;
      settled = true;
      let report: ChainReport;
      try {
        const authorized = socket.authorized;
        const authorizationError = authError(socket);
        const peers = walkPeer(socket.getPeerCertificate(true));
        socket.destroy();

        const x509s = peers.map((p) => new crypto.X509Certificate(p.raw));
        const links: Link[] = peers.map((p, i) => {
          const x = x509s[i]!;
          const up = x509s[i + 1];
          let signedBy: Link["signedBy"] = "missing";
          if (x.verify(x.publicKey)) signedBy = "self";
          else if (up && x.checkIssued(up) && x.verify(up.publicKey)) signedBy = i + 1;
          return { ...toLink(p, x), signedBy };
        });

        let ends: ChainEnd = "missing-intermediate";
        let i = 0;
        for (let steps = 0; steps <= links.length && i < links.length; steps++) {
          const by = links[i]!.signedBy;
          if (by === "missing") break;
          if (by === "self") {
            const top = peers[i]!.fingerprint256;
            const trusted = roots.some((pem) => {
              try {
                return new crypto.X509Certificate(pem).fingerprint256 === top;
              } catch {
                return false;
              }
            });
            ends = trusted ? "trusted-root" : "unknown-root";
            break;
          }
          i = by;
        }
        report = { authorized, authorizationError, links, ends };
      } catch (err) {
        socket.destroy();
        reject(err);
        return;
      }
      resolve(report);
    });

    socket.on("error", (err) => {
      socket.destroy();
      if (settled) return;
      settled = true;
      reject(err);
    });
    socket.once("close", () => {
      if (settled) return;
      settled = true;
      reject(new Error(`no TLS handshake with ${host}:${port}`));
    });
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const at = now.getTime();
  const seen = new Set<number>();
  for (let i = 0; ; ) {
    const link = report.links[i];
    if (!link || seen.has(i)) return { link: i, problem: "missing-intermediate" };
    seen.add(i);
    if (new Date(link.validTo).getTime() < at) return { link: i, problem: "expired" };
    if (new Date(link.validFrom).getTime() > at) return { link: i, problem: "not-yet-valid" };
    if (link.signedBy === "missing") return { link: i, problem: "missing-intermediate" };
    if (link.signedBy === "self") {
      if (report.ends === "trusted-root") return null;
      return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    }
    i = link.signedBy;
  }
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl = crlPem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl });
    socket.once("secureConnect", () => {
      socket.destroy();
      if (settled) return;
      settled = true;
      resolve("good");
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (settled) return;
      settled = true;
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(err);
    });
    socket.once("close", () => {
      if (settled) return;
      settled = true;
      reject(new Error(`no TLS handshake with ${host}:${port}`));
    });
  });
}
