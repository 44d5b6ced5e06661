// Lesson 08 · The chain of trust, hands-on
// s13: first the list of raw DER certificates, then everything from X509Certificate objects.
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

/** The DER bytes of every certificate Node hands us, leaf first, each once. */
function rawChain(socket: tls.TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert !== undefined && cert !== null && Buffer.isBuffer(cert.raw) && cert.raw.length > 0) {
    const der: Buffer = cert.raw;
    if (out.some((seen) => seen.equals(der))) break; // a root points back to itself
    out.push(der);
    const up: tls.DetailedPeerCertificate | undefined = cert.issuerCertificate;
    if (up === cert) break;
    cert = up;
  }
  return out;
}

function signerOf(chain: readonly crypto.X509Certificate[], i: number): Link["signedBy"] {
  const x = chain[i]!;
  if (x.verify(x.publicKey)) return "self";
  const parent = chain[i + 1];
  if (parent !== undefined && x.checkIssued(parent) && x.verify(parent.publicKey)) return i + 1;
  return "missing";
}

function fingerprintsOf(roots: readonly string[]): Set<string> {
  const prints = new Set<string>();
  for (const pem of roots) {
    try {
      prints.add(new crypto.X509Certificate(pem).fingerprint256);
    } catch {
      // not a certificate we can read: it cannot be the root we reached
    }
  }
  return prints;
}

function whereItEnds(chain: readonly crypto.X509Certificate[], links: readonly Link[], roots: readonly string[]): ChainEnd {
  let i = 0;
  const visited = new Set<number>();
  while (i < links.length && !visited.has(i)) {
    visited.add(i);
    const by = links[i]!.signedBy;
    if (by === "missing") return "missing-intermediate";
    if (by === "self") return fingerprintsOf(roots).has(chain[i]!.fingerprint256) ? "trusted-root" : "unknown-root";
    i = by;
  }
  return "missing-intermediate";
}

function verdictError(socket: tls.TLSSocket): string | null {
  if (socket.authorized) return null;
  const e: unknown = socket.authorizationError;
  if (e === undefined || e === null) return null;
  if (typeof e === "string") return e;
  if (e instanceof Error) return (e as NodeJS.ErrnoException).code ?? e.message;
  return String(e);
}

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise<ChainReport>((resolve, reject) => {
    let done = false;
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });
    socket.setTimeout(15_000, () => socket.destroy(new Error(`timed out waiting for a handshake with ${host}:${port}`)));

    socket.once("secureConnect", () => {
      if (done) return;
      done = true;
      try {
        const authorized = socket.authorized;
        const authorizationError = verdictError(socket);
        const raws = rawChain(socket);
        socket.destroy();
        const chain = raws.map((der) => new crypto.X509Certificate(der));
        const links: Link[] = chain.map((x, i) => ({
          subject: x.subject,
          issuer: x.issuer,
          validFrom: new Date(x.validFrom),
          validTo: new Date(x.validTo),
          signedBy: signerOf(chain, i),
        }));
        resolve({ authorized, authorizationError, links, ends: whereItEnds(chain, links, roots) });
      } catch (err) {
        socket.destroy();
        reject(err);
      }
    });
    socket.on("error", (err) => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(err);
    });
    socket.once("close", () => {
      if (done) return;
      done = true;
      reject(new Error(`connection to ${host}:${port} closed before the handshake`));
    });
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const t = now.getTime();
  const visited = new Set<number>();
  let i = 0;
  while (!visited.has(i)) {
    visited.add(i);
    const link = report.links[i];
    if (link === undefined) return { link: i, problem: "missing-intermediate" };
    if (new Date(link.validTo).getTime() < t) return { link: i, problem: "expired" };
    if (new Date(link.validFrom).getTime() > t) return { link: i, problem: "not-yet-valid" };
    const by = link.signedBy;
    if (by === "missing") return { link: i, problem: "missing-intermediate" };
    if (by === "self") {
      if (report.ends === "trusted-root") return null;
      return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    }
    i = by;
  }
  return { link: i, problem: "missing-intermediate" };
}

function crlBlocks(crlPem: string): string[] {
  return crlPem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  return new Promise<"revoked" | "good">((resolve, reject) => {
    let done = false;
    const socket = tls.connect({
      host,
      port,
      servername: host,
      ca: [...roots],
      crl: crlBlocks(crlPem),
      rejectUnauthorized: true,
    });
    socket.setTimeout(15_000, () => socket.destroy(new Error(`timed out waiting for a handshake with ${host}:${port}`)));
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
    socket.once("close", () => {
      if (done) return;
      done = true;
      reject(new Error(`connection to ${host}:${port} closed before the handshake`));
    });
  });
}
