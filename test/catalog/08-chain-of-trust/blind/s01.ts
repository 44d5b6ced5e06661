// Lesson 08 · The chain of trust, hands-on
// Style: async/await, with one small promise wrapper around the socket's events.
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

/** Resolves on 'secureConnect'; rejects on 'error', or on 'close' before the handshake. */
function handshake(socket: tls.TLSSocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onSecure = (): void => {
      cleanup();
      resolve();
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error("connection closed before the TLS handshake completed"));
    };
    const cleanup = (): void => {
      socket.off("secureConnect", onSecure);
      socket.off("error", onError);
      socket.off("close", onClose);
    };
    socket.on("secureConnect", onSecure);
    socket.on("error", onError);
    socket.on("close", onClose);
  });
}

function safeVerify(cert: crypto.X509Certificate, key: crypto.KeyObject): boolean {
  try {
    return cert.verify(key);
  } catch {
    return false;
  }
}

function safeCheckIssued(cert: crypto.X509Certificate, other: crypto.X509Certificate): boolean {
  try {
    return cert.checkIssued(other);
  } catch {
    return false;
  }
}

function rootFingerprints(roots: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const entry of roots) {
    const blocks = entry.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [entry];
    for (const pem of blocks) {
      try {
        out.add(new crypto.X509Certificate(pem).fingerprint256);
      } catch {
        // not a certificate we can read: it cannot match anything
      }
    }
  }
  return out;
}

function errorCode(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (value instanceof Error) return (value as NodeJS.ErrnoException).code ?? value.message;
  return String(value);
}

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export async function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });
  // Keep a listener for the socket's whole life, so a late error can never crash the process.
  socket.on("error", () => {});

  let authorized: boolean;
  let authorizationError: string | null;
  const chain: crypto.X509Certificate[] = [];
  try {
    await handshake(socket);
    authorized = socket.authorized;
    authorizationError = authorized ? null : errorCode(socket.authorizationError);
    const seen = new Set<string>();
    let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
    while (c?.raw) {
      const x = new crypto.X509Certificate(c.raw);
      if (seen.has(x.fingerprint256)) break;
      seen.add(x.fingerprint256);
      chain.push(x);
      if (c.issuerCertificate === c) break; // a root points to itself
      c = c.issuerCertificate;
    }
  } finally {
    socket.destroy(); // nothing written, closed at once
  }

  const links: Link[] = chain.map((x, i) => {
    const parent = chain[i + 1];
    let signedBy: Link["signedBy"];
    if (safeVerify(x, x.publicKey)) signedBy = "self";
    else if (parent !== undefined && safeCheckIssued(x, parent) && safeVerify(x, parent.publicKey)) signedBy = i + 1;
    else signedBy = "missing";
    return {
      subject: x.subject,
      issuer: x.issuer,
      validFrom: new Date(x.validFrom),
      validTo: new Date(x.validTo),
      signedBy,
    };
  });

  const trusted = rootFingerprints(roots);
  let ends: ChainEnd = "missing-intermediate";
  let i = 0;
  const visited = new Set<number>();
  while (i < links.length && !visited.has(i)) {
    visited.add(i);
    const by = links[i]!.signedBy;
    if (by === "missing") break;
    if (by === "self") {
      ends = trusted.has(chain[i]!.fingerprint256) ? "trusted-root" : "unknown-root";
      break;
    }
    i = by;
  }

  return { authorized, authorizationError, links, ends };
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const t = now.getTime();
  const visited = new Set<number>();
  let i = 0;
  while (true) {
    const link = report.links[i];
    if (link === undefined || visited.has(i)) return { link: i, problem: "missing-intermediate" };
    visited.add(i);
    if (new Date(link.validTo).getTime() < t) return { link: i, problem: "expired" };
    if (new Date(link.validFrom).getTime() > t) return { link: i, problem: "not-yet-valid" };
    const by = link.signedBy;
    if (by === "missing") return { link: i, problem: "missing-intermediate" };
    if (by === "self") {
      if (report.ends === "trusted-root") return null;
      return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    }
    if (report.links[by] === undefined) return { link: i, problem: "missing-intermediate" };
    i = by;
  }
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export async function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl = crlPem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
  const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl, rejectUnauthorized: true });
  socket.on("error", () => {});
  try {
    await handshake(socket);
    return "good";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "CERT_REVOKED") return "revoked";
    throw err;
  } finally {
    socket.destroy();
  }
}
