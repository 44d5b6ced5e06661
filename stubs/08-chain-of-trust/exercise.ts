// Lesson 08 · The chain of trust, hands-on
// Read README.md in this folder, then replace each TODO. Grade with: npm run lesson 8
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

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  // TODO: tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false }).
  // TODO: on 'secureConnect': read socket.authorized, socket.authorizationError and
  //       socket.getPeerCertificate(true), then destroy the socket. Write nothing.
  // TODO: follow .issuerCertificate until it points to itself (or is missing); make a
  //       new crypto.X509Certificate(cert.raw) of each.
  // TODO: for each link: subject, issuer, validFrom, validTo, signedBy (checkIssued + verify).
  // TODO: ends: follow signedBy from the leaf; compare the root with `roots` (fingerprint256).
  void crypto;
  void host;
  void port;
  void roots;
  throw new Error("not implemented: inspectChain");
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  // TODO: walk from link 0 along signedBy; dates first (expired, not-yet-valid), then the signer.
  void report;
  void now;
  throw new Error("not implemented: firstBrokenLink");
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  // TODO: split crlPem into its PEM blocks (Node reads one CRL per string).
  // TODO: tls.connect({ host, port, servername: host, ca: [...roots], crl: blocks }), verification on.
  // TODO: 'secureConnect' → "good"; err.code CERT_REVOKED → "revoked"; any other error → reject with it.
  void host;
  void port;
  void crlPem;
  void roots;
  throw new Error("not implemented: checkRevocation");
}
