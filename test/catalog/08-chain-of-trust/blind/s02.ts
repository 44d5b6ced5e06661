// Lesson 08 · The chain of trust, hands-on
// Style: plain callbacks inside new Promise, socket.once, kept minimal.
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

const signs = (child: crypto.X509Certificate, key: crypto.KeyObject): boolean => {
  try {
    return child.verify(key);
  } catch {
    return false;
  }
};

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise<ChainReport>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });

    socket.once("error", (err) => {
      socket.destroy();
      reject(err);
    });
    socket.once("close", () => reject(new Error("closed before the handshake")));

    socket.once("secureConnect", () => {
      const authorized = socket.authorized;
      const rawError: unknown = socket.authorizationError;
      const authorizationError = authorized || rawError == null ? null : String(rawError);

      const chain: crypto.X509Certificate[] = [];
      let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      while (c && c.raw) {
        const x = new crypto.X509Certificate(c.raw);
        if (chain.some((y) => y.fingerprint256 === x.fingerprint256)) break;
        chain.push(x);
        if (c.issuerCertificate === c) break;
        c = c.issuerCertificate;
      }
      socket.destroy(); // nothing written

      const links: Link[] = [];
      for (let i = 0; i < chain.length; i++) {
        const x = chain[i]!;
        const parent = chain[i + 1];
        let signedBy: Link["signedBy"] = "missing";
        if (signs(x, x.publicKey)) signedBy = "self";
        else if (parent && x.checkIssued(parent) && signs(x, parent.publicKey)) signedBy = i + 1;
        links.push({
          subject: x.subject,
          issuer: x.issuer,
          validFrom: new Date(x.validFrom),
          validTo: new Date(x.validTo),
          signedBy,
        });
      }

      let ends: ChainEnd = "missing-intermediate";
      let i = 0;
      while (i < links.length) {
        const by = links[i]!.signedBy;
        if (by === "missing") break;
        if (by === "self") {
          const fp = chain[i]!.fingerprint256;
          const known = roots.some((pem) => {
            try {
              return new crypto.X509Certificate(pem).fingerprint256 === fp;
            } catch {
              return false;
            }
          });
          ends = known ? "trusted-root" : "unknown-root";
          break;
        }
        if (by <= i) break; // never walk backwards
        i = by;
      }

      resolve({ authorized, authorizationError, links, ends });
    });
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  let i = 0;
  for (let steps = 0; steps <= report.links.length; steps++) {
    const link = report.links[i];
    if (!link) break;
    if (link.validTo.getTime() < now.getTime()) return { link: i, problem: "expired" };
    if (link.validFrom.getTime() > now.getTime()) return { link: i, problem: "not-yet-valid" };
    if (link.signedBy === "missing") return { link: i, problem: "missing-intermediate" };
    if (link.signedBy === "self") {
      if (report.ends === "trusted-root") return null;
      return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    }
    if (!report.links[link.signedBy]) return { link: i, problem: "missing-intermediate" };
    i = link.signedBy;
  }
  return { link: i, problem: "missing-intermediate" };
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl = crlPem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl });
    socket.once("secureConnect", () => {
      socket.destroy();
      resolve("good");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(err);
    });
    socket.once("close", () => reject(new Error("closed before the handshake")));
  });
}
