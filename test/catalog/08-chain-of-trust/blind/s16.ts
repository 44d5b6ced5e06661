// Lesson 08 · The chain of trust, hands-on
// s16: roots may hold several PEMs per string (a bundle); compare fingerprint256 through a Set; close with socket.end().
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

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const CRL_BLOCK = /-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g;

/** Every PEM certificate of every string, so a bundle file counts as all of its roots. */
function splitRoots(roots: readonly string[]): string[] {
  return roots.flatMap((text) => text.match(CERT_BLOCK) ?? [text]);
}

function rootPrints(pems: readonly string[]): Set<string> {
  const set = new Set<string>();
  for (const pem of pems) {
    try {
      set.add(new crypto.X509Certificate(pem).fingerprint256);
    } catch {
      // ignore anything that is not a certificate
    }
  }
  return set;
}

/** Close politely (close_notify + FIN, no application data), and make sure it really closes. */
function closeSocket(socket: tls.TLSSocket): void {
  if (socket.destroyed) return;
  socket.end();
  const timer = setTimeout(() => socket.destroy(), 2_000);
  socket.once("close", () => clearTimeout(timer));
}

function codeOf(authorized: boolean, e: unknown): string | null {
  if (authorized || e === null || e === undefined) return null;
  if (typeof e === "string") return e;
  if (e instanceof Error) return (e as NodeJS.ErrnoException).code ?? e.message;
  return String(e);
}

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  const pems = splitRoots(roots);
  return new Promise((resolve, reject) => {
    let answered = false;
    const socket = tls.connect({ host, port, servername: host, ca: pems, rejectUnauthorized: false });

    socket.once("secureConnect", () => {
      if (answered) return;
      answered = true;
      try {
        const authorized = socket.authorized;
        const authorizationError = codeOf(authorized, socket.authorizationError);

        const chain: crypto.X509Certificate[] = [];
        const inChain = new Set<string>();
        let peer: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
        while (peer && peer.raw) {
          const x = new crypto.X509Certificate(peer.raw);
          if (inChain.has(x.fingerprint256)) break;
          inChain.add(x.fingerprint256);
          chain.push(x);
          const next: tls.DetailedPeerCertificate | undefined = peer.issuerCertificate;
          if (next === peer) break;
          peer = next;
        }
        closeSocket(socket);

        const links: Link[] = [];
        for (const [i, x] of chain.entries()) {
          const parent = chain[i + 1];
          let signedBy: Link["signedBy"];
          if (x.verify(x.publicKey)) signedBy = "self";
          else if (parent && x.checkIssued(parent) && x.verify(parent.publicKey)) signedBy = i + 1;
          else signedBy = "missing";
          links.push({
            subject: x.subject,
            issuer: x.issuer,
            validFrom: new Date(x.validFrom),
            validTo: new Date(x.validTo),
            signedBy,
          });
        }

        let ends: ChainEnd = "missing-intermediate";
        let at = 0;
        const trusted = rootPrints(pems);
        for (let hop = 0; hop < links.length; hop++) {
          const by = links[at]?.signedBy ?? "missing";
          if (by === "missing") break;
          if (by === "self") {
            ends = trusted.has(chain[at]!.fingerprint256) ? "trusted-root" : "unknown-root";
            break;
          }
          at = by;
        }

        resolve({ authorized, authorizationError, links, ends });
      } catch (err) {
        socket.destroy();
        reject(err);
      }
    });

    socket.on("error", (err) => {
      socket.destroy();
      if (answered) return;
      answered = true;
      reject(err);
    });
    socket.once("close", () => {
      if (answered) return;
      answered = true;
      reject(new Error(`closed before any handshake: ${host}:${port}`));
    });
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const visited = new Set<number>();
  let i = 0;
  for (;;) {
    const link = report.links[i];
    if (link === undefined || visited.has(i)) return { link: i, problem: "missing-intermediate" };
    visited.add(i);
    if (+new Date(link.validTo) < +now) return { link: i, problem: "expired" };
    if (+new Date(link.validFrom) > +now) return { link: i, problem: "not-yet-valid" };
    if (link.signedBy === "missing") return { link: i, problem: "missing-intermediate" };
    if (link.signedBy === "self") {
      return report.ends === "trusted-root" ? null : { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    }
    i = link.signedBy;
  }
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl = crlPem.match(CRL_BLOCK) ?? [];
  const ca = splitRoots(roots);
  return new Promise((resolve, reject) => {
    let answered = false;
    const socket = tls.connect({ host, port, servername: host, ca, crl, rejectUnauthorized: true });
    socket.once("secureConnect", () => {
      if (answered) return;
      answered = true;
      closeSocket(socket);
      resolve("good");
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (answered) return;
      answered = true;
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(err);
    });
    socket.once("close", () => {
      if (answered) return;
      answered = true;
      reject(new Error(`closed before any handshake: ${host}:${port}`));
    });
  });
}
