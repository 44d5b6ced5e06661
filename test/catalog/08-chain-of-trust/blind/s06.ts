// Lesson 08 · The chain of trust, hands-on
// Style: terse and functional (map/reduce), events.once from node:events.
import crypto from "node:crypto";
import { once } from "node:events";
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

type X509 = crypto.X509Certificate;

const blocks = (text: string, label: string): string[] =>
  text.match(new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, "g")) ?? [];

const attempt = <T>(f: () => T, fallback: T): T => {
  try {
    return f();
  } catch {
    return fallback;
  }
};

const verifies = (x: X509, by: X509): boolean => attempt(() => x.verify(by.publicKey), false);

/** Resolves on 'secureConnect'; rejects with the 'error' (events.once does that) or on an early 'close'. */
const handshake = (socket: tls.TLSSocket): Promise<void> =>
  Promise.race([
    once(socket, "secureConnect").then(() => undefined),
    once(socket, "close").then(() => Promise.reject(new Error("closed before the handshake"))),
  ]);

/** The issuerCertificate list, leaf first, each once (by fingerprint), stopping where it points to itself. */
const unroll = (leaf: tls.DetailedPeerCertificate): X509[] => {
  const out: X509[] = [];
  for (let c: tls.DetailedPeerCertificate | undefined = leaf; c?.raw; c = c.issuerCertificate === c ? undefined : c.issuerCertificate) {
    const x = new crypto.X509Certificate(c.raw);
    if (out.some((y) => y.fingerprint256 === x.fingerprint256)) break;
    out.push(x);
  }
  return out;
};

const signer = (chain: readonly X509[]) => (x: X509, i: number): Link["signedBy"] =>
  verifies(x, x)
    ? "self"
    : chain[i + 1] !== undefined && attempt(() => x.checkIssued(chain[i + 1]!), false) && verifies(x, chain[i + 1]!)
      ? i + 1
      : "missing";

const toLink = (signedBy: Link["signedBy"], x: X509): Link => ({
  subject: x.subject,
  issuer: x.issuer,
  validFrom: new Date(x.validFrom),
  validTo: new Date(x.validTo),
  signedBy,
});

/** The indices visited from the leaf along signedBy (a numeric signedBy always points further up). */
const path = (links: readonly Link[]): number[] =>
  links.reduce<number[]>((p, link, i) => (i === p[p.length - 1] && typeof link.signedBy === "number" && link.signedBy > i && link.signedBy < links.length ? [...p, link.signedBy] : p), links.length > 0 ? [0] : []);

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export async function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });
  socket.on("error", () => {}); // never an unhandled 'error', before or after the handshake
  const seen = await handshake(socket)
    .then(() => {
      const why: unknown = socket.authorizationError;
      return {
        authorized: socket.authorized,
        authorizationError: socket.authorized || why == null ? null : typeof why === "string" ? why : String((why as NodeJS.ErrnoException).code ?? why),
        chain: unroll(socket.getPeerCertificate(true)),
      };
    })
    .finally(() => socket.destroy()); // nothing written, closed at once

  const links = seen.chain.map((x, i) => toLink(signer(seen.chain)(x, i), x));
  const trusted = new Set(roots.flatMap((r) => blocks(r, "CERTIFICATE")).flatMap((pem) => attempt(() => [new crypto.X509Certificate(pem).fingerprint256], [] as string[])));
  const top = path(links).at(-1);
  const last = top === undefined ? undefined : links[top];
  const ends: ChainEnd =
    last?.signedBy !== "self" ? "missing-intermediate" : trusted.has(seen.chain[top!]!.fingerprint256) ? "trusted-root" : "unknown-root";
  return { authorized: seen.authorized, authorizationError: seen.authorizationError, links, ends };
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const t = now.getTime();
  const problemAt = (i: number): Problem | null | undefined => {
    const l = report.links[i]!;
    if (new Date(l.validTo).getTime() < t) return "expired";
    if (new Date(l.validFrom).getTime() > t) return "not-yet-valid";
    if (l.signedBy === "missing") return "missing-intermediate";
    if (l.signedBy === "self") return report.ends === "trusted-root" ? null : i === 0 ? "self-signed" : "unknown-root";
    return report.links[l.signedBy] === undefined || l.signedBy <= i ? "missing-intermediate" : undefined; // undefined: go on
  };
  const steps = path(report.links);
  if (steps.length === 0) return { link: 0, problem: "missing-intermediate" };
  return steps.reduce<BrokenLink | null | undefined>((found, i) => {
    if (found !== undefined) return found;
    const p = problemAt(i);
    return p === undefined ? undefined : p === null ? null : { link: i, problem: p };
  }, undefined) ?? null;
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export async function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl: blocks(crlPem, "X509 CRL"), rejectUnauthorized: true });
  socket.on("error", () => {});
  return handshake(socket)
    .then((): "good" => "good")
    .catch((err: NodeJS.ErrnoException): "revoked" => {
      if (err?.code === "CERT_REVOKED") return "revoked";
      throw err;
    })
    .finally(() => socket.destroy());
}
