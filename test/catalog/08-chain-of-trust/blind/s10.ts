// Lesson 08 · The chain of trust, hands-on
// Solution s10: event-driven with a `settled` flag and socket.setTimeout; an 'error' before
// the handshake rejects, later ones are ignored; sockets are closed with socket.end() (a
// clean close_notify + FIN), with the idle timeout as a last resort if the peer never closes.
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

/** How long to wait for a handshake before giving up. */
const HANDSHAKE_TIMEOUT_MS = 15_000;
/** How long to wait, after our end(), for the peer to close its side. */
const CLOSE_GRACE_MS = 2_000;

/** Close politely; if the peer does not finish the close, the idle timeout destroys. */
function closeSocket(socket: tls.TLSSocket): void {
  socket.setTimeout(CLOSE_GRACE_MS);
  socket.end();
}

function timeoutError(host: string, port: number): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`TLS handshake with ${host}:${port} timed out`);
  err.code = "ETIMEDOUT";
  return err;
}

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise<ChainReport>((resolve, reject) => {
    let settled = false;
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false });
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS);

    socket.on("timeout", () => {
      if (!settled) {
        settled = true;
        reject(timeoutError(host, port));
      }
      socket.destroy();
    });

    socket.on("error", (err) => {
      if (settled) return; // after the handshake: nothing more to report
      settled = true;
      reject(err);
    });

    socket.once("secureConnect", () => {
      if (settled) return;
      settled = true;

      let report: ChainReport;
      try {
        const authorized = socket.authorized;
        const why = socket.authorizationError as unknown;
        const authorizationError = authorized || why == null ? null : typeof why === "string" ? why : String((why as NodeJS.ErrnoException).code ?? why);

        const certs: crypto.X509Certificate[] = [];
        const seen = new Set<string>();
        let peer: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
        while (peer?.raw) {
          const x509 = new crypto.X509Certificate(peer.raw);
          if (seen.has(x509.fingerprint256)) break;
          seen.add(x509.fingerprint256);
          certs.push(x509);
          if (peer.issuerCertificate === peer) break;
          peer = peer.issuerCertificate;
        }
        closeSocket(socket); // we have the certificates; write nothing, close now

        const links: Link[] = certs.map((x509, i): Link => {
          const above = certs[i + 1];
          let signedBy: Link["signedBy"];
          if (x509.verify(x509.publicKey)) signedBy = "self";
          else if (above !== undefined && x509.checkIssued(above) && x509.verify(above.publicKey)) signedBy = i + 1;
          else signedBy = "missing";
          return {
            subject: x509.subject,
            issuer: x509.issuer,
            validFrom: new Date(x509.validFrom),
            validTo: new Date(x509.validTo),
            signedBy,
          };
        });

        let ends: ChainEnd = "missing-intermediate";
        for (let i = 0; i < links.length; ) {
          const by = links[i].signedBy;
          if (by === "missing") break;
          if (by === "self") {
            const fp = certs[i].fingerprint256;
            let trusted = false;
            for (const pem of roots) {
              let root: crypto.X509Certificate;
              try {
                root = new crypto.X509Certificate(pem);
              } catch {
                continue;
              }
              if (root.fingerprint256 === fp) {
                trusted = true;
                break;
              }
            }
            ends = trusted ? "trusted-root" : "unknown-root";
            break;
          }
          i = by;
        }
        report = { authorized, authorizationError, links, ends };
      } catch (err) {
        socket.destroy();
        reject(err);
        return;
      }
      resolve(report);
    });
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const { links, ends } = report;
  const at = now.getTime();
  let i = 0;
  for (let hops = 0; hops <= links.length; hops++) {
    const link = links[i];
    if (link === undefined) break;
    if (link.validTo.getTime() < at) return { link: i, problem: "expired" };
    if (link.validFrom.getTime() > at) return { link: i, problem: "not-yet-valid" };
    if (link.signedBy === "missing") return { link: i, problem: "missing-intermediate" };
    if (link.signedBy === "self") {
      if (ends === "trusted-root") return null;
      return i === 0 ? { link: 0, problem: "self-signed" } : { link: i, problem: "unknown-root" };
    }
    if (link.signedBy >= links.length) return { link: i, problem: "missing-intermediate" };
    i = link.signedBy;
  }
  return { link: links.length > 0 ? i : 0, problem: "missing-intermediate" };
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  return new Promise<"revoked" | "good">((resolve, reject) => {
    const crl = crlPem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];
    let settled = false;
    const socket = tls.connect({ host, port, servername: host, ca: [...roots], crl, rejectUnauthorized: true });
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS);

    socket.on("timeout", () => {
      if (!settled) {
        settled = true;
        reject(timeoutError(host, port));
      }
      socket.destroy();
    });

    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      if (err.code === "CERT_REVOKED") resolve("revoked");
      else reject(err);
    });

    socket.once("secureConnect", () => {
      if (settled) return;
      settled = true;
      closeSocket(socket);
      resolve("good");
    });
  });
}
