// Lesson 08 · The chain of trust, hands-on
// Style: recursion to walk the issuerCertificate chain (and the signedBy path),
// a Map keyed by fingerprint256 to keep each certificate once.
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

const CERT_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const CRL_PEM = /-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g;

/**
 * Walks `issuerCertificate` recursively. The Map (insertion-ordered, keyed by fingerprint)
 * is the de-duplication: a certificate seen before stops the walk, which also covers a
 * root pointing to itself and any loop.
 */
function collect(
  cert: tls.DetailedPeerCertificate | undefined,
  seen: Map<string, crypto.X509Certificate> = new Map(),
): Map<string, crypto.X509Certificate> {
  if (!cert || !cert.raw || cert.raw.length === 0) return seen;
  const x = new crypto.X509Certificate(cert.raw);
  if (seen.has(x.fingerprint256)) return seen;
  seen.set(x.fingerprint256, x);
  return cert.issuerCertificate === cert ? seen : collect(cert.issuerCertificate, seen);
}

function verifiesWith(child: crypto.X509Certificate, signer: crypto.X509Certificate): boolean {
  try {
    return child.verify(signer.publicKey);
  } catch {
    return false;
  }
}

function signerOf(chain: readonly crypto.X509Certificate[], i: number): Link["signedBy"] {
  const x = chain[i]!;
  if (verifiesWith(x, x)) return "self";
  const next = chain[i + 1];
  if (next !== undefined && x.checkIssued(next) && verifiesWith(x, next)) return i + 1;
  return "missing";
}

/** Follows signedBy recursively from link `i` to where the path ends. */
function endOf(
  links: readonly Link[],
  chain: readonly crypto.X509Certificate[],
  trusted: ReadonlySet<string>,
  i: number,
  visited: ReadonlySet<number> = new Set(),
): ChainEnd {
  const link = links[i];
  if (link === undefined || visited.has(i) || link.signedBy === "missing") return "missing-intermediate";
  if (link.signedBy === "self") return trusted.has(chain[i]!.fingerprint256) ? "trusted-root" : "unknown-root";
  return endOf(links, chain, trusted, link.signedBy, new Set([...visited, i]));
}

function fingerprintsOf(roots: readonly string[]): Set<string> {
  const set = new Set<string>();
  for (const pem of roots.flatMap((r) => r.match(CERT_PEM) ?? [r])) {
    try {
      set.add(new crypto.X509Certificate(pem).fingerprint256);
    } catch {
      /* unreadable: matches nothing */
    }
  }
  return set;
}

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise<ChainReport>((resolve, reject) => {
    let done = false;
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });

    socket.on("error", (err) => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(err);
    });
    socket.on("close", () => {
      if (done) return;
      done = true;
      reject(new Error(`${host}:${port} closed the connection before the handshake`));
    });

    socket.once("secureConnect", () => {
      if (done) return;
      done = true;
      try {
        const authorized = socket.authorized;
        const why: unknown = socket.authorizationError;
        const authorizationError = authorized || why == null ? null : why instanceof Error ? why.message : String(why);
        const chain = [...collect(socket.getPeerCertificate(true)).values()];
        socket.destroy();

        const links = chain.map<Link>((x, i) => ({
          subject: x.subject,
          issuer: x.issuer,
          validFrom: new Date(x.validFrom),
          validTo: new Date(x.validTo),
          signedBy: signerOf(chain, i),
        }));
        resolve({ authorized, authorizationError, links, ends: endOf(links, chain, fingerprintsOf(roots), 0) });
      } catch (err) {
        socket.destroy();
        reject(err);
      }
    });
  });
}

/** One step of the walk, recursive along signedBy. */
function brokenFrom(report: ChainReport, now: number, i: number, visited: ReadonlySet<number>): BrokenLink | null {
  const link = report.links[i];
  if (link === undefined || visited.has(i)) return { link: i, problem: "missing-intermediate" };
  if (new Date(link.validTo).getTime() < now) return { link: i, problem: "expired" };
  if (new Date(link.validFrom).getTime() > now) return { link: i, problem: "not-yet-valid" };
  switch (link.signedBy) {
    case "missing":
      return { link: i, problem: "missing-intermediate" };
    case "self":
      if (report.ends === "trusted-root") return null;
      return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    default:
      if (report.links[link.signedBy] === undefined) return { link: i, problem: "missing-intermediate" };
      return brokenFrom(report, now, link.signedBy, new Set([...visited, i]));
  }
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  return brokenFrom(report, now.getTime(), 0, new Set());
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl = crlPem.match(CRL_PEM) ?? [];
  return new Promise((resolve, reject) => {
    let done = false;
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl, rejectUnauthorized: true });
    socket.once("secureConnect", () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve("good");
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(err);
    });
    socket.on("close", () => {
      if (done) return;
      done = true;
      reject(new Error(`${host}:${port} closed the connection before the handshake`));
    });
  });
}
