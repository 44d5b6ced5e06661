// Lesson 08 · The chain of trust, hands-on
// Solution s08: walks issuerCertificate with a while loop and a visited list of raw DER
// buffers (Buffer.equals); subjects and issuers are X509Certificate's full text.
import { Buffer } from "node:buffer";
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

const CRL_BLOCK = /-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g;

/** The DER of every certificate in the peer chain, leaf first, each once. */
function collectRaw(socket: tls.TLSSocket): Buffer[] {
  const visited: Buffer[] = [];
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert !== undefined && cert !== null && Buffer.isBuffer(cert.raw) && cert.raw.length > 0) {
    const raw: Buffer = cert.raw;
    // A root's issuerCertificate is itself; any repeat ends the walk.
    if (visited.some((seen) => seen.equals(raw))) break;
    visited.push(raw);
    cert = cert.issuerCertificate;
  }
  return visited;
}

function nodeError(socket: tls.TLSSocket): string | null {
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
  return new Promise((resolve, reject) => {
    let handshaken = false;
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });

    socket.on("error", (err) => {
      if (!handshaken) reject(err);
    });

    socket.once("secureConnect", () => {
      handshaken = true;
      let raws: Buffer[];
      let authorized: boolean;
      let authorizationError: string | null;
      try {
        authorized = socket.authorized;
        authorizationError = nodeError(socket);
        raws = collectRaw(socket);
      } catch (err) {
        socket.destroy();
        reject(err);
        return;
      }
      socket.destroy();

      try {
        const certs = raws.map((raw) => new crypto.X509Certificate(raw));
        const links: Link[] = [];
        let idx = 0;
        while (idx < certs.length) {
          const x = certs[idx];
          const up = idx + 1 < certs.length ? certs[idx + 1] : undefined;
          let signedBy: Link["signedBy"] = "missing";
          if (x.verify(x.publicKey)) signedBy = "self";
          else if (up && x.checkIssued(up) && x.verify(up.publicKey)) signedBy = idx + 1;
          links.push({
            subject: x.subject,
            issuer: x.issuer,
            validFrom: new Date(x.validFrom),
            validTo: new Date(x.validTo),
            signedBy,
          });
          idx++;
        }

        let ends: ChainEnd = "missing-intermediate";
        let at = 0;
        while (at < links.length) {
          const by = links[at].signedBy;
          if (by === "missing") break;
          if (by === "self") {
            const top = certs[at].fingerprint256;
            const known = roots.some((pem) => {
              try {
                return new crypto.X509Certificate(pem).fingerprint256 === top;
              } catch {
                return false;
              }
            });
            ends = known ? "trusted-root" : "unknown-root";
            break;
          }
          at = by;
        }

        resolve({ authorized, authorizationError, links, ends });
      } catch (err) {
        reject(err);
      }
    });
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const visited = new Set<number>();
  let at = 0;
  while (!visited.has(at)) {
    visited.add(at);
    const link = report.links[at];
    if (link === undefined) break;
    if (link.validTo.getTime() < now.getTime()) return { link: at, problem: "expired" };
    if (link.validFrom.getTime() > now.getTime()) return { link: at, problem: "not-yet-valid" };
    const by = link.signedBy;
    if (by === "missing") return { link: at, problem: "missing-intermediate" };
    if (by === "self") {
      if (report.ends === "trusted-root") return null;
      return { link: at, problem: at === 0 ? "self-signed" : "unknown-root" };
    }
    if (by < 0 || by >= report.links.length) return { link: at, problem: "missing-intermediate" };
    at = by;
  }
  // An empty chain or a loop: no trusted root was reached.
  return { link: report.links.length === 0 ? 0 : at, problem: "missing-intermediate" };
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  return new Promise((resolve, reject) => {
    const crl = crlPem.match(CRL_BLOCK) ?? [];
    let done = false;
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl, rejectUnauthorized: true });
    socket.once("secureConnect", () => {
      done = true;
      socket.destroy();
      resolve("good");
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (done) return;
      done = true;
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(err);
    });
  });
}
