// Lesson 08 · The chain of trust, hands-on
// s17: once(secureConnect)/once(error) pairs whose listeners are removed after settling; CRLs split on their END line.
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

const CRL_END = "-----END X509 CRL-----";
const CRL_BEGIN = "-----BEGIN X509 CRL-----";

/** Node reads one CRL per string: cut the text after each END line, keep each block from its BEGIN line. */
function splitCrls(text: string): string[] {
  const pieces = text.split(CRL_END);
  const blocks: string[] = [];
  for (const piece of pieces.slice(0, -1)) {
    const start = piece.indexOf(CRL_BEGIN);
    if (start === -1) continue;
    blocks.push(`${piece.slice(start)}${CRL_END}\n`);
  }
  return blocks;
}

function nodeVerdict(socket: tls.TLSSocket): { authorized: boolean; authorizationError: string | null } {
  const authorized = socket.authorized === true;
  const err: unknown = socket.authorizationError;
  let authorizationError: string | null = null;
  if (!authorized && err != null) {
    if (typeof err === "string") authorizationError = err;
    else if (err instanceof Error) authorizationError = (err as NodeJS.ErrnoException).code ?? err.message;
    else authorizationError = String(err);
  }
  return { authorized, authorizationError };
}

function buildLinks(certs: crypto.X509Certificate[]): Link[] {
  return certs.map((cert, i): Link => {
    const above = certs[i + 1];
    let signedBy: Link["signedBy"] = "missing";
    if (cert.verify(cert.publicKey)) signedBy = "self";
    else if (above !== undefined && cert.checkIssued(above) && cert.verify(above.publicKey)) signedBy = i + 1;
    return {
      subject: cert.subject,
      issuer: cert.issuer,
      validFrom: new Date(cert.validFrom),
      validTo: new Date(cert.validTo),
      signedBy,
    };
  });
}

function endOf(certs: crypto.X509Certificate[], links: Link[], roots: readonly string[]): ChainEnd {
  let i = 0;
  for (let guard = 0; guard <= links.length; guard++) {
    const link = links[i];
    if (link === undefined || link.signedBy === "missing") return "missing-intermediate";
    if (link.signedBy === "self") {
      const fp = certs[i]!.fingerprint256;
      const known = roots.some((pem) => {
        try {
          return new crypto.X509Certificate(pem).fingerprint256 === fp;
        } catch {
          return false;
        }
      });
      return known ? "trusted-root" : "unknown-root";
    }
    i = link.signedBy;
  }
  return "missing-intermediate";
}

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise<ChainReport>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });

    const cleanup = (): void => {
      socket.removeListener("secureConnect", onSecure);
      socket.removeListener("error", onError);
      socket.removeListener("close", onClose);
      socket.on("error", () => {}); // whatever happens after we settled must not crash anyone
    };
    const onSecure = (): void => {
      cleanup();
      try {
        const verdict = nodeVerdict(socket);
        const certs: crypto.X509Certificate[] = [];
        let cur: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
        while (cur?.raw) {
          const x = new crypto.X509Certificate(cur.raw);
          if (certs.some((c) => c.fingerprint256 === x.fingerprint256)) break;
          certs.push(x);
          if (cur.issuerCertificate === cur) break;
          cur = cur.issuerCertificate;
        }
        socket.destroy();
        const links = buildLinks(certs);
        resolve({ ...verdict, links, ends: endOf(certs, links, roots) });
      } catch (err) {
        socket.destroy();
        reject(err);
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error(`${host}:${port}: closed before the handshake finished`));
    };

    socket.once("secureConnect", onSecure);
    socket.once("error", onError);
    socket.once("close", onClose);
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const nowMs = now.getTime();
  let i = 0;
  for (let guard = 0; guard <= report.links.length; guard++) {
    const link = report.links[i];
    if (link === undefined) break;
    if (new Date(link.validTo).getTime() < nowMs) return { link: i, problem: "expired" };
    if (new Date(link.validFrom).getTime() > nowMs) return { link: i, problem: "not-yet-valid" };
    if (link.signedBy === "missing") return { link: i, problem: "missing-intermediate" };
    if (link.signedBy === "self") {
      if (report.ends === "trusted-root") return null;
      return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
    }
    i = link.signedBy;
  }
  return { link: i, problem: "missing-intermediate" };
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl = splitCrls(crlPem);
  return new Promise<"revoked" | "good">((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl, rejectUnauthorized: true });

    const settle = (): void => {
      socket.removeListener("secureConnect", onSecure);
      socket.removeListener("error", onError);
      socket.removeListener("close", onClose);
      socket.on("error", () => {}); // a late error after settling is not ours to report
    };
    const onSecure = (): void => {
      settle();
      socket.destroy();
      resolve("good");
    };
    const onError = (err: NodeJS.ErrnoException): void => {
      settle();
      socket.destroy();
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(err);
    };
    const onClose = (): void => {
      settle();
      reject(new Error(`${host}:${port}: closed before the handshake finished`));
    };

    socket.once("secureConnect", onSecure);
    socket.once("error", onError);
    socket.once("close", onClose);
  });
}
