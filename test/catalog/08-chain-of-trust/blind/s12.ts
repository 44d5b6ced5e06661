// Lesson 08 · The chain of trust, hands-on
// Solution s12: small named helpers (parseChain, signerOf, linkFor, isTrustedRoot, endOf,
// splitCrls, ...) and every date comparison done on Date.getTime() milliseconds.
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

type SignedBy = Link["signedBy"];

// ---------------------------------------------------------------------------------------
// Helpers for inspectChain

/** Every certificate of getPeerCertificate(true), leaf first, each once. */
function parseChain(leaf: tls.DetailedPeerCertificate | undefined): crypto.X509Certificate[] {
  const chain: crypto.X509Certificate[] = [];
  const fingerprints = new Set<string>();
  let current = leaf;
  while (current !== undefined && current.raw !== undefined && current.raw.length > 0) {
    const cert = new crypto.X509Certificate(current.raw);
    if (fingerprints.has(cert.fingerprint256)) break;
    fingerprints.add(cert.fingerprint256);
    chain.push(cert);
    if (current.issuerCertificate === current) break; // a root is its own issuer
    current = current.issuerCertificate;
  }
  return chain;
}

function isSelfSigned(cert: crypto.X509Certificate): boolean {
  return cert.verify(cert.publicKey);
}

/** True when parent's names fit cert's issuer *and* parent's key verifies cert's signature. */
function isSignedBy(cert: crypto.X509Certificate, parent: crypto.X509Certificate | undefined): boolean {
  return parent !== undefined && cert.checkIssued(parent) && cert.verify(parent.publicKey);
}

function signerOf(chain: readonly crypto.X509Certificate[], index: number): SignedBy {
  const cert = chain[index];
  if (isSelfSigned(cert)) return "self";
  if (isSignedBy(cert, chain[index + 1])) return index + 1;
  return "missing";
}

function linkFor(chain: readonly crypto.X509Certificate[], index: number): Link {
  const cert = chain[index];
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    validFrom: new Date(cert.validFrom),
    validTo: new Date(cert.validTo),
    signedBy: signerOf(chain, index),
  };
}

function fingerprintOf(pem: string): string | null {
  try {
    return new crypto.X509Certificate(pem).fingerprint256;
  } catch {
    return null;
  }
}

function isTrustedRoot(cert: crypto.X509Certificate, roots: readonly string[]): boolean {
  return roots.some((pem) => fingerprintOf(pem) === cert.fingerprint256);
}

/** Follow signedBy from the leaf to where the path of signatures stops. */
function endOf(chain: readonly crypto.X509Certificate[], links: readonly Link[], roots: readonly string[]): ChainEnd {
  let index = 0;
  while (index < links.length) {
    const signedBy = links[index].signedBy;
    if (signedBy === "missing") return "missing-intermediate";
    if (signedBy === "self") return isTrustedRoot(chain[index], roots) ? "trusted-root" : "unknown-root";
    index = signedBy; // always index + 1: the walk only goes up
  }
  return "missing-intermediate";
}

/** Node's error code as a string, null when it accepted the chain. */
function verdictOf(socket: tls.TLSSocket): string | null {
  if (socket.authorized) return null;
  const error: unknown = socket.authorizationError;
  if (error === undefined || error === null) return null;
  if (typeof error === "string") return error;
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

function reportFor(socket: tls.TLSSocket, roots: readonly string[]): ChainReport {
  const authorized = socket.authorized;
  const authorizationError = verdictOf(socket);
  const chain = parseChain(socket.getPeerCertificate(true));
  socket.destroy(); // we have what we came for
  const links = chain.map((_, index) => linkFor(chain, index));
  return { authorized, authorizationError, links, ends: endOf(chain, links, roots) };
}

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise<ChainReport>((resolve, reject) => {
    let handshakeDone = false;
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });
    socket.on("error", (error) => {
      if (!handshakeDone) reject(error);
    });
    socket.once("secureConnect", () => {
      handshakeDone = true;
      try {
        resolve(reportFor(socket, roots));
      } catch (error) {
        socket.destroy();
        reject(error);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------
// Helpers for firstBrokenLink

function dateProblem(link: Link, nowMs: number): Problem | null {
  if (link.validTo.getTime() < nowMs) return "expired";
  if (link.validFrom.getTime() > nowMs) return "not-yet-valid";
  return null;
}

function broken(link: number, problem: Problem): BrokenLink {
  return { link, problem };
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const nowMs = now.getTime();
  const visited = new Set<number>();
  let index = 0;
  let previous = 0;
  while (index >= 0 && index < report.links.length && !visited.has(index)) {
    visited.add(index);
    previous = index;
    const link = report.links[index];
    const problem = dateProblem(link, nowMs);
    if (problem !== null) return broken(index, problem);
    if (link.signedBy === "missing") return broken(index, "missing-intermediate");
    if (link.signedBy === "self") {
      if (report.ends === "trusted-root") return null;
      return broken(index, index === 0 ? "self-signed" : "unknown-root");
    }
    index = link.signedBy;
  }
  // No links, or a signer index that leads nowhere: no signer for the last link visited.
  return broken(previous, "missing-intermediate");
}

// ---------------------------------------------------------------------------------------
// Helpers for checkRevocation

/** Node reads one CRL per string, so hand it one string per PEM block. */
function splitCrls(pem: string): string[] {
  return pem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
}

function isRevokedError(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as NodeJS.ErrnoException).code === "CERT_REVOKED";
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  return new Promise<"revoked" | "good">((resolve, reject) => {
    let finished = false;
    const socket = tls.connect({
      host,
      port,
      servername: host,
      ca: [...roots],
      crl: splitCrls(crlPem),
      rejectUnauthorized: true,
    });
    socket.once("secureConnect", () => {
      finished = true;
      socket.destroy();
      resolve("good");
    });
    socket.on("error", (error) => {
      if (finished) return;
      finished = true;
      if (isRevokedError(error)) resolve("revoked");
      else reject(error);
    });
  });
}
