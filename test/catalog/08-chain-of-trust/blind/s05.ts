// Lesson 08 · The chain of trust, hands-on
// Style: checkIssued and verify used in a deliberate order (own key first, then the
// next link's names, then its key); subject and issuer reported as just their CN.
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

/** "C=US\nO=Example\nCN=Example CA" → "Example CA"; the whole name when it has no CN. */
function commonName(dn: string): string {
  const cn = dn
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line.startsWith("CN="));
  return cn !== undefined ? cn.slice(3) : dn;
}

/** Did `signer`'s key make `cert`'s signature? The only proof of signing. */
function keyVerifies(cert: crypto.X509Certificate, signer: crypto.X509Certificate): boolean {
  try {
    return cert.verify(signer.publicKey);
  } catch {
    return false;
  }
}

/** Do names and key identifiers fit? Only says `issuer` could be the one. */
function namesFit(cert: crypto.X509Certificate, issuer: crypto.X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer);
  } catch {
    return false;
  }
}

/**
 * The order matters:
 * 1. `verify` with its own key first: that alone makes a certificate self-signed (a
 *    self-signed leaf without the right to sign certificates fails checkIssued(itself)).
 * 2. `checkIssued(next)`: the next link claims to be the issuer by name and key id...
 * 3. ...and `verify(next.publicKey)` proves it. An impostor passes 2 and fails 3.
 */
function signedBy(chain: readonly crypto.X509Certificate[], i: number): Link["signedBy"] {
  const cert = chain[i]!;
  if (keyVerifies(cert, cert)) return "self";
  const next = chain[i + 1];
  if (next === undefined) return "missing";
  if (!namesFit(cert, next)) return "missing";
  if (!keyVerifies(cert, next)) return "missing";
  return i + 1;
}

function peerChain(socket: tls.TLSSocket): crypto.X509Certificate[] {
  const chain: crypto.X509Certificate[] = [];
  const fingerprints = new Set<string>();
  let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (c?.raw) {
    const x = new crypto.X509Certificate(c.raw);
    if (fingerprints.has(x.fingerprint256)) break; // each once
    fingerprints.add(x.fingerprint256);
    chain.push(x);
    if (c.issuerCertificate === c) break; // a root points to itself
    c = c.issuerCertificate;
  }
  return chain;
}

function isOneOf(cert: crypto.X509Certificate, roots: readonly string[]): boolean {
  for (const entry of roots) {
    for (const pem of entry.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [entry]) {
      try {
        if (new crypto.X509Certificate(pem).fingerprint256 === cert.fingerprint256) return true;
      } catch {
        // skip what does not parse
      }
    }
  }
  return false;
}

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise<ChainReport>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });
    let handshook = false;

    socket.once("error", (err) => {
      if (!handshook) reject(err);
      socket.destroy();
    });
    socket.once("close", () => {
      if (!handshook) reject(new Error("the connection closed before the handshake"));
    });
    socket.once("secureConnect", () => {
      handshook = true;
      let chain: crypto.X509Certificate[];
      let authorized: boolean;
      let authorizationError: string | null;
      try {
        authorized = socket.authorized;
        const why: unknown = socket.authorizationError;
        authorizationError = authorized || why == null ? null : typeof why === "string" ? why : ((why as NodeJS.ErrnoException).code ?? String(why));
        chain = peerChain(socket);
      } catch (err) {
        reject(err);
        return;
      } finally {
        socket.destroy(); // wrote nothing; close as soon as the certificates are read
      }

      const links: Link[] = chain.map((x, i) => ({
        subject: commonName(x.subject),
        issuer: commonName(x.issuer),
        validFrom: new Date(x.validFrom),
        validTo: new Date(x.validTo),
        signedBy: signedBy(chain, i),
      }));

      let ends: ChainEnd = "missing-intermediate";
      for (let i = 0, guard = 0; i < links.length && guard <= links.length; guard++) {
        const by = links[i]!.signedBy;
        if (by === "missing") break;
        if (by === "self") {
          ends = isOneOf(chain[i]!, roots) ? "trusted-root" : "unknown-root";
          break;
        }
        i = by;
      }
      resolve({ authorized, authorizationError, links, ends });
    });
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const { links, ends } = report;
  const at = now.getTime();
  let i = 0;
  for (let guard = 0; guard <= links.length; guard++) {
    const link = links[i];
    if (link === undefined) break;
    // dates first...
    if (link.validTo.getTime() < at) return { link: i, problem: "expired" };
    if (link.validFrom.getTime() > at) return { link: i, problem: "not-yet-valid" };
    // ...then the signer
    if (link.signedBy === "missing") return { link: i, problem: "missing-intermediate" };
    if (link.signedBy === "self") {
      if (ends === "trusted-root") return null;
      return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    }
    if (links[link.signedBy] === undefined) break;
    i = link.signedBy;
  }
  return { link: i, problem: "missing-intermediate" };
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  // Node 20 to 24 read one CRL per string: hand it each PEM block separately.
  const crl = crlPem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl, rejectUnauthorized: true });
    let settled = false;
    socket.once("secureConnect", () => {
      settled = true;
      socket.destroy();
      resolve("good");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (settled) return;
      settled = true;
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(err);
    });
    socket.once("close", () => {
      if (settled) return;
      settled = true;
      reject(new Error("the connection closed before the handshake"));
    });
  });
}
