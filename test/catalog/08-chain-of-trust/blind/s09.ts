// Lesson 08 · The chain of trust, hands-on
// Solution s09: a functional style; the roots are parsed once per call into a list of DER
// encodings, and the top of the chain is recognised by X509Certificate.raw equality (the
// same test as comparing fingerprint256, which is a hash of those very bytes).
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

type Signer = Link["signedBy"];

const tryParse = (pem: string): crypto.X509Certificate | null => {
  try {
    return new crypto.X509Certificate(pem);
  } catch {
    return null;
  }
};

/** The DER bytes of each root, built once for a call. */
const rootDers = (roots: readonly string[]): Buffer[] =>
  roots.map(tryParse).flatMap((x) => (x === null ? [] : [x.raw]));

const peerChain = (socket: tls.TLSSocket): crypto.X509Certificate[] => {
  const out: crypto.X509Certificate[] = [];
  const prints = new Set<string>();
  for (
    let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
    c?.raw;
    c = c.issuerCertificate === c ? undefined : c.issuerCertificate
  ) {
    const x = new crypto.X509Certificate(c.raw);
    if (prints.has(x.fingerprint256)) break;
    prints.add(x.fingerprint256);
    out.push(x);
  }
  return out;
};

const signerOf = (chain: readonly crypto.X509Certificate[], i: number): Signer => {
  const x = chain[i];
  if (x.verify(x.publicKey)) return "self";
  const parent = chain.at(i + 1);
  return parent !== undefined && x.checkIssued(parent) && x.verify(parent.publicKey) ? i + 1 : "missing";
};

const endOfChain = (chain: readonly crypto.X509Certificate[], signers: readonly Signer[], ders: readonly Buffer[]): ChainEnd => {
  let i = 0;
  for (;;) {
    const s = signers[i];
    if (s === undefined || s === "missing") return "missing-intermediate";
    if (s === "self") return ders.some((d) => d.equals(chain[i].raw)) ? "trusted-root" : "unknown-root";
    i = s;
  }
};

const verdict = (socket: tls.TLSSocket): string | null => {
  if (socket.authorized) return null;
  const e = socket.authorizationError as unknown;
  return e == null ? null : typeof e === "string" ? e : e instanceof Error ? ((e as NodeJS.ErrnoException).code ?? e.message) : String(e);
};

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  const ders = rootDers(roots);
  return new Promise<ChainReport>((resolve, reject) => {
    let seenHandshake = false;
    const socket = tls.connect({
      host,
      port,
      servername: net.isIP(host) === 0 ? host : undefined, // SNI takes names, not addresses
      ca: [...roots],
      rejectUnauthorized: false,
    });
    socket.on("error", (err) => {
      if (!seenHandshake) reject(err);
    });
    socket.once("secureConnect", () => {
      seenHandshake = true;
      try {
        const authorized = socket.authorized;
        const authorizationError = verdict(socket);
        const chain = peerChain(socket);
        socket.destroy();
        const signers = chain.map((_, i) => signerOf(chain, i));
        const links = chain.map<Link>((x, i) => ({
          subject: x.subject,
          issuer: x.issuer,
          validFrom: new Date(x.validFrom),
          validTo: new Date(x.validTo),
          signedBy: signers[i],
        }));
        resolve({ authorized, authorizationError, links, ends: endOfChain(chain, signers, ders) });
      } catch (err) {
        socket.destroy();
        reject(err);
      }
    });
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const t = now.getTime();
  const broken = (link: number, problem: Problem): BrokenLink => ({ link, problem });
  const path: number[] = [];
  for (let i = 0; ; ) {
    const link = report.links[i];
    if (link === undefined || path.includes(i)) {
      return broken(path.at(-1) ?? 0, "missing-intermediate");
    }
    path.push(i);
    if (+link.validTo < t) return broken(i, "expired");
    if (+link.validFrom > t) return broken(i, "not-yet-valid");
    switch (link.signedBy) {
      case "missing":
        return broken(i, "missing-intermediate");
      case "self":
        return report.ends === "trusted-root" ? null : broken(i, i === 0 ? "self-signed" : "unknown-root");
      default:
        i = link.signedBy;
    }
  }
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl = [...crlPem.matchAll(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g)].map((m) => m[0]);
  return new Promise<"revoked" | "good">((resolve, reject) => {
    let over = false;
    const socket = tls.connect({
      host,
      port,
      servername: net.isIP(host) === 0 ? host : undefined,
      ca: [...roots],
      crl,
      rejectUnauthorized: true,
    });
    socket.once("secureConnect", () => {
      over = true;
      socket.destroy();
      resolve("good");
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (over) return;
      over = true;
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(err);
    });
  });
}
