// Lesson 08 · The chain of trust, hands-on
// s15: positional tls.connect(port, host, options, callback); firstBrokenLink walks recursively.
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

const isCode = (err: unknown, code: string): boolean =>
  typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise((resolve, reject) => {
    let finished = false;
    const finish = (fn: () => void): void => {
      if (finished) return;
      finished = true;
      fn();
    };

    const options: tls.ConnectionOptions = { servername: host, ca: [...roots], rejectUnauthorized: false };
    const socket: tls.TLSSocket = tls.connect(port, host, options, () => {
      finish(() => {
        try {
          const authorized = socket.authorized;
          const rawError: unknown = socket.authorizationError;
          const authorizationError: string | null = authorized
            ? null
            : typeof rawError === "string"
              ? rawError
              : rawError instanceof Error
                ? ((rawError as NodeJS.ErrnoException).code ?? rawError.message)
                : rawError == null
                  ? null
                  : String(rawError);

          const certs: crypto.X509Certificate[] = [];
          const prints = new Set<string>();
          let peer: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
          while (peer?.raw) {
            const x = new crypto.X509Certificate(peer.raw);
            if (prints.has(x.fingerprint256)) break;
            prints.add(x.fingerprint256);
            certs.push(x);
            if (peer.issuerCertificate === peer) break;
            peer = peer.issuerCertificate;
          }
          socket.destroy();

          const links: Link[] = certs.map((x, i) => {
            const next = certs[i + 1];
            const signedBy: Link["signedBy"] = x.verify(x.publicKey)
              ? "self"
              : next !== undefined && x.checkIssued(next) && x.verify(next.publicKey)
                ? i + 1
                : "missing";
            return {
              subject: x.subject,
              issuer: x.issuer,
              validFrom: new Date(x.validFrom),
              validTo: new Date(x.validTo),
              signedBy,
            };
          });

          const ends = (function follow(i: number, hops: number): ChainEnd {
            const link = links[i];
            if (link === undefined || hops > links.length) return "missing-intermediate";
            if (link.signedBy === "missing") return "missing-intermediate";
            if (link.signedBy === "self") {
              const fp = certs[i]!.fingerprint256;
              for (const pem of roots) {
                try {
                  if (new crypto.X509Certificate(pem).fingerprint256 === fp) return "trusted-root";
                } catch {
                  /* unreadable root: skip */
                }
              }
              return "unknown-root";
            }
            return follow(link.signedBy, hops + 1);
          })(0, 0);

          resolve({ authorized, authorizationError, links, ends });
        } catch (err) {
          socket.destroy();
          reject(err);
        }
      });
    });

    socket.on("error", (err) => finish(() => reject(err)));
    socket.on("close", () => finish(() => reject(new Error(`${host}:${port} closed without a TLS handshake`))));
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const t = now.getTime();
  const check = (i: number, depth: number): BrokenLink | null => {
    const link = report.links[i];
    if (link === undefined || depth > report.links.length) return { link: i, problem: "missing-intermediate" };
    if (new Date(link.validTo).getTime() < t) return { link: i, problem: "expired" };
    if (new Date(link.validFrom).getTime() > t) return { link: i, problem: "not-yet-valid" };
    switch (link.signedBy) {
      case "missing":
        return { link: i, problem: "missing-intermediate" };
      case "self":
        if (report.ends === "trusted-root") return null;
        return { link: i, problem: i === 0 ? "self-signed" : "unknown-root" };
      default:
        return check(link.signedBy, depth + 1);
    }
  };
  return check(0, 0);
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  const crl: string[] = crlPem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
  return new Promise((resolve, reject) => {
    let finished = false;
    const options: tls.ConnectionOptions = { servername: host, ca: [...roots], crl, rejectUnauthorized: true };
    const socket: tls.TLSSocket = tls.connect(port, host, options, () => {
      socket.destroy();
      if (finished) return;
      finished = true;
      resolve("good");
    });
    socket.on("error", (err) => {
      if (finished) return;
      finished = true;
      socket.destroy();
      if (isCode(err, "CERT_REVOKED")) resolve("revoked");
      else reject(err);
    });
    socket.on("close", () => {
      if (finished) return;
      finished = true;
      reject(new Error(`${host}:${port} closed without a TLS handshake`));
    });
  });
}
