// Lesson 08 · The chain of trust, hands-on
// Style: small classes and helper functions, defensive: a handshake timeout, every
// listener removed and every socket destroyed on every path.
import crypto from "node:crypto";
import net from "node:net";
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

/** How long a handshake may take before we give up (the socket is destroyed). */
const HANDSHAKE_TIMEOUT_MS = 15_000;

const CRL_BLOCK = /-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g;
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

class HandshakeTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(host: string, port: number, ms: number) {
    super(`TLS handshake with ${host}:${port} did not complete within ${ms} ms`);
    this.name = "HandshakeTimeoutError";
  }
}

/**
 * One TLS connection attempt. `done` settles exactly once: with the socket once
 * 'secureConnect' fired, or with the error that ended it (an 'error', a premature
 * 'close', a timeout). Whoever receives the socket must call `close()`.
 */
class TlsAttempt {
  readonly socket: tls.TLSSocket;
  readonly done: Promise<tls.TLSSocket>;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: Array<[string, (...args: any[]) => void]> = [];

  constructor(
    private readonly host: string,
    private readonly port: number,
    options: tls.ConnectionOptions,
    timeoutMs = HANDSHAKE_TIMEOUT_MS,
  ) {
    const servername = net.isIP(host) === 0 ? host : undefined; // SNI takes names, not addresses
    this.socket = tls.connect({ ...options, host, port, servername });
    // A listener that stays for the socket's whole life: no 'error' can ever go unhandled.
    this.socket.on("error", () => {});

    this.done = new Promise<tls.TLSSocket>((resolve, reject) => {
      let settled = false;
      const settle = (err: Error | null): void => {
        if (settled) return;
        settled = true;
        this.detach();
        if (err) {
          this.close();
          reject(err);
        } else {
          resolve(this.socket);
        }
      };
      this.listen("secureConnect", () => settle(null));
      this.listen("error", (err: Error) => settle(err));
      this.listen("close", () => settle(new Error(`${this.host}:${this.port} closed the connection before the handshake`)));
      this.timer = setTimeout(() => settle(new HandshakeTimeoutError(this.host, this.port, timeoutMs)), timeoutMs);
      this.timer.unref();
    });
  }

  private listen(event: string, fn: (...args: any[]) => void): void {
    this.listeners.push([event, fn]);
    this.socket.on(event, fn);
  }

  private detach(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const [event, fn] of this.listeners) this.socket.off(event, fn);
    this.listeners.length = 0;
  }

  close(): void {
    this.detach();
    if (!this.socket.destroyed) this.socket.destroy();
  }
}

/** Helpers around X509Certificate that never throw. */
class Cert {
  readonly x509: crypto.X509Certificate;
  constructor(raw: Buffer | string) {
    this.x509 = new crypto.X509Certificate(raw);
  }
  get fingerprint(): string {
    return this.x509.fingerprint256;
  }
  /** Did `signer`'s key sign this certificate? */
  signedWithKeyOf(signer: Cert): boolean {
    try {
      return this.x509.verify(signer.x509.publicKey);
    } catch {
      return false;
    }
  }
  /** Could `other` be the issuer (names and key identifiers fit)? */
  couldBeIssuedBy(other: Cert): boolean {
    try {
      return this.x509.checkIssued(other.x509);
    } catch {
      return false;
    }
  }
  get isSelfSigned(): boolean {
    return this.signedWithKeyOf(this);
  }
}

/** Leaf first, each certificate once, following issuerCertificate until it points to itself or stops. */
function chainOf(peer: tls.DetailedPeerCertificate | undefined): Cert[] {
  const chain: Cert[] = [];
  const seen = new Set<string>();
  let c = peer;
  while (c && Buffer.isBuffer(c.raw) && c.raw.length > 0) {
    const cert = new Cert(c.raw);
    if (seen.has(cert.fingerprint)) break;
    seen.add(cert.fingerprint);
    chain.push(cert);
    if (c.issuerCertificate === undefined || c.issuerCertificate === c) break;
    c = c.issuerCertificate;
  }
  return chain;
}

function signerIndex(chain: readonly Cert[], i: number): Link["signedBy"] {
  const cert = chain[i]!;
  if (cert.isSelfSigned) return "self";
  const parent = chain[i + 1];
  if (parent !== undefined && cert.couldBeIssuedBy(parent) && cert.signedWithKeyOf(parent)) return i + 1;
  return "missing";
}

class TrustedRoots {
  private readonly fingerprints = new Set<string>();
  constructor(roots: readonly string[]) {
    for (const entry of roots) {
      for (const pem of entry.match(CERT_BLOCK) ?? [entry]) {
        try {
          this.fingerprints.add(new crypto.X509Certificate(pem).fingerprint256);
        } catch {
          // an unreadable entry matches nothing
        }
      }
    }
  }
  has(cert: Cert): boolean {
    return this.fingerprints.has(cert.fingerprint);
  }
}

function endOfPath(links: readonly Link[], chain: readonly Cert[], roots: TrustedRoots): ChainEnd {
  const visited = new Set<number>();
  let i = 0;
  for (;;) {
    const link = links[i];
    if (link === undefined || visited.has(i)) return "missing-intermediate";
    visited.add(i);
    if (link.signedBy === "missing") return "missing-intermediate";
    if (link.signedBy === "self") return roots.has(chain[i]!) ? "trusted-root" : "unknown-root";
    i = link.signedBy;
  }
}

function authorizationCode(socket: tls.TLSSocket): string | null {
  if (socket.authorized) return null;
  const value: unknown = socket.authorizationError;
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (value instanceof Error) return (value as NodeJS.ErrnoException).code ?? value.message;
  return String(value);
}

function toTime(d: Date | string | number): number {
  return d instanceof Date ? d.getTime() : new Date(d).getTime();
}

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export async function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  const attempt = new TlsAttempt(host, port, { ca: [...roots], rejectUnauthorized: false });
  let authorized: boolean;
  let authorizationError: string | null;
  let chain: Cert[];
  const socket = await attempt.done; // rejects only when there was no handshake
  try {
    authorized = socket.authorized;
    authorizationError = authorizationCode(socket);
    chain = chainOf(socket.getPeerCertificate(true));
  } finally {
    attempt.close(); // nothing was written; closed as soon as we have the certificates
  }

  const links: Link[] = chain.map((cert, i) => ({
    subject: cert.x509.subject,
    issuer: cert.x509.issuer,
    validFrom: new Date(cert.x509.validFrom),
    validTo: new Date(cert.x509.validTo),
    signedBy: signerIndex(chain, i),
  }));
  return { authorized, authorizationError, links, ends: endOfPath(links, chain, new TrustedRoots(roots)) };
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const t = now.getTime();
  const visited = new Set<number>();
  let i = 0;
  for (;;) {
    const link = report.links[i];
    if (link === undefined || visited.has(i)) return { link: i, problem: "missing-intermediate" };
    visited.add(i);

    // 1. dates
    if (toTime(link.validTo) < t) return { link: i, problem: "expired" };
    if (toTime(link.validFrom) > t) return { link: i, problem: "not-yet-valid" };

    // 2. signer
    const by = link.signedBy;
    if (by === "missing") return { link: i, problem: "missing-intermediate" };
    if (by === "self") {
      if (report.ends === "trusted-root") return null;
      return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    }
    if (!Number.isInteger(by) || report.links[by] === undefined) return { link: i, problem: "missing-intermediate" };
    i = by;
  }
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export async function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl = crlPem.match(CRL_BLOCK) ?? [];
  // Verification on: Node checks signatures, dates, the roots and now the CRLs.
  const attempt = new TlsAttempt(host, port, { ca: [...roots], crl, rejectUnauthorized: true });
  try {
    await attempt.done;
    return "good";
  } catch (err) {
    if ((err as NodeJS.ErrnoException | undefined)?.code === "CERT_REVOKED") return "revoked";
    throw err;
  } finally {
    attempt.close();
  }
}
