// Lesson 08 · The chain of trust, hands-on
// Solution s11: async/await on events.once; links are named by their CN; firstBrokenLink is
// a for loop over indices that follows signedBy and refuses to visit an index twice.
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

/** "C=..\nO=..\nCN=name" → "name"; the whole text when there is no CN. */
function commonName(dn: string): string {
  const m = /^CN=(.*)$/m.exec(dn);
  return m ? m[1] : dn;
}

const CRL_BEGIN = "-----BEGIN X509 CRL-----";
const CRL_END = "-----END X509 CRL-----";

/** Errors that arrive after we are done (a reset while closing, say) are of no interest. */
function ignore(): void {}

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export async function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });
  socket.on("error", ignore); // once() below still rejects on an error before the handshake
  try {
    await once(socket, "secureConnect");

    const authorized = socket.authorized;
    const reason = socket.authorizationError as unknown;
    const authorizationError = authorized || reason == null ? null : String(reason);

    const chain: crypto.X509Certificate[] = [];
    for (
      let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      c !== undefined && c.raw !== undefined;
      c = c.issuerCertificate === c ? undefined : c.issuerCertificate
    ) {
      const x = new crypto.X509Certificate(c.raw);
      if (chain.some((y) => y.fingerprint256 === x.fingerprint256)) break;
      chain.push(x);
    }
    socket.destroy(); // closed as soon as we have the certificates; nothing was written

    const links: Link[] = [];
    for (let i = 0; i < chain.length; i++) {
      const x = chain[i];
      const next = chain[i + 1];
      const signedBy: Link["signedBy"] = x.verify(x.publicKey)
        ? "self"
        : next !== undefined && x.checkIssued(next) && x.verify(next.publicKey)
          ? i + 1
          : "missing";
      links.push({
        subject: commonName(x.subject),
        issuer: commonName(x.issuer),
        validFrom: new Date(x.validFrom),
        validTo: new Date(x.validTo),
        signedBy,
      });
    }

    let ends: ChainEnd = "missing-intermediate";
    for (let i = 0; i < links.length; ) {
      const s = links[i].signedBy;
      if (s === "missing") break;
      if (s === "self") {
        const fp = chain[i].fingerprint256;
        const trusted = roots.some((pem) => {
          try {
            return new crypto.X509Certificate(pem).fingerprint256 === fp;
          } catch {
            return false;
          }
        });
        ends = trusted ? "trusted-root" : "unknown-root";
        break;
      }
      i = s;
    }

    return { authorized, authorizationError, links, ends };
  } finally {
    socket.destroy();
  }
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const links = report.links;
  const visited = new Array<boolean>(links.length).fill(false);
  let last = 0;
  for (let i = 0; i >= 0 && i < links.length && !visited[i]; ) {
    visited[i] = true;
    last = i;
    const link = links[i];
    if (link.validTo.getTime() < now.getTime()) return { link: i, problem: "expired" };
    if (link.validFrom.getTime() > now.getTime()) return { link: i, problem: "not-yet-valid" };
    if (link.signedBy === "missing") return { link: i, problem: "missing-intermediate" };
    if (link.signedBy === "self") {
      if (report.ends === "trusted-root") return null;
      return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    }
    i = link.signedBy;
  }
  // Left the chain or came round in a circle: the last link visited has no signer we know.
  return { link: last, problem: "missing-intermediate" };
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export async function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  // One CRL per string: split the text in front of each BEGIN line, keep each block up to its END.
  const crl = crlPem
    .split(/(?=-----BEGIN X509 CRL-----)/)
    .filter((part) => part.startsWith(CRL_BEGIN) && part.includes(CRL_END))
    .map((part) => part.slice(0, part.indexOf(CRL_END) + CRL_END.length));
  const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl, rejectUnauthorized: true });
  socket.on("error", ignore);
  try {
    await once(socket, "secureConnect");
    return "good";
  } catch (err) {
    if ((err as NodeJS.ErrnoException | undefined)?.code === "CERT_REVOKED") return "revoked";
    throw err;
  } finally {
    socket.destroy();
  }
}
