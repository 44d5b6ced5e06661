// Writes an HTTP request on the unverified inspection connection, then destroys the socket at once.
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

/**
 * Inspecting is not trusting: this connects with verification off only to look at the
 * chain, sends nothing, closes at once and reports Node's verdict beside the chain.
 */
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });
    socket.once("secureConnect", () => {
      const authorized = socket.authorized;
      const authorizationError = socket.authorizationError ? String(socket.authorizationError) : null;
      const top = socket.getPeerCertificate(true);
      socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`); socket.destroy();
      try {
        resolve(report(collect(top), roots, authorized, authorizationError));
      } catch (err) {
        reject(err);
      }
    });
    socket.once("error", reject);
  });
}

/** The chain Node handed over: follow issuerCertificate until it points to itself or ends. */
function collect(leaf: tls.DetailedPeerCertificate): crypto.X509Certificate[] {
  const out: crypto.X509Certificate[] = [];
  const seen = new Set<tls.DetailedPeerCertificate>();
  for (let c: tls.DetailedPeerCertificate | undefined = leaf; c && c.raw && !seen.has(c); c = c.issuerCertificate) {
    seen.add(c);
    out.push(new crypto.X509Certificate(c.raw));
  }
  return out;
}

/** checkIssued compares names and key identifiers; only verify() proves the signature. */
const signed = (child: crypto.X509Certificate, parent: crypto.X509Certificate) => child.checkIssued(parent) && child.verify(parent.publicKey);

function report(chain: crypto.X509Certificate[], roots: readonly string[], authorized: boolean, authorizationError: string | null): ChainReport {
  const links: Link[] = chain.map((x, i) => ({
    subject: x.subject,
    issuer: x.issuer,
    validFrom: new Date(x.validFrom),
    validTo: new Date(x.validTo),
    signedBy: signed(x, x) ? "self" : i + 1 < chain.length && signed(x, chain[i + 1]) ? i + 1 : "missing",
  }));
  const trusted = new Set(roots.map((pem) => new crypto.X509Certificate(pem).fingerprint256));
  let ends: ChainEnd = "missing-intermediate";
  for (let i = 0, steps = 0; steps <= links.length; steps++) {
    const s = links[i]?.signedBy;
    if (s === "self") {
      ends = trusted.has(chain[i].fingerprint256) ? "trusted-root" : "unknown-root";
      break;
    }
    if (typeof s !== "number") break;
    i = s;
  }
  return { authorized, authorizationError, links, ends };
}

/** From the leaf up: each link's dates, then who signed it. null when the chain holds. */
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const t = now.getTime();
  for (let i = 0, steps = 0; steps <= report.links.length; steps++) {
    const l = report.links[i];
    if (!l) return { link: i, problem: "missing-intermediate" };
    if (new Date(l.validTo).getTime() < t) return { link: i, problem: "expired" };
    if (new Date(l.validFrom).getTime() > t) return { link: i, problem: "not-yet-valid" };
    if (l.signedBy === "missing") return { link: i, problem: "missing-intermediate" };
    if (l.signedBy === "self") {
      if (report.ends === "trusted-root") return null;
      return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    }
    i = l.signedBy;
  }
  return null;
}

/** "revoked" or "good", by a verifying connection that also checks the CRLs in `crlPem`. */
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  // Node reads one CRL per string: split the text into its PEM blocks.
  const crl = crlPem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
  return new Promise((resolve, reject) => {
    // The roots as ca: Node 20 finds no CRL for a chain it trusts through NODE_EXTRA_CA_CERTS.
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl });
    socket.once("secureConnect", () => {
      socket.end();
      resolve("good");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(err);
    });
  });
}
