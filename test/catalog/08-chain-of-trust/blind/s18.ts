// Lesson 08 · The chain of trust, hands-on
// s18: one body per export, no helpers: let and plain loops.
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

// Inspecting is not trusting: connect only to look at the chain (verification off in this
// function alone), send nothing, close at once, and report Node's verdict beside the chain.
export function inspectChain(host: string, port = 443, roots: readonly string[] = tls.rootCertificates): Promise<ChainReport> {
  return new Promise<ChainReport>((resolve, reject) => {
    let settled = false;
    let socket = tls.connect({ host: host, port: port, servername: host, ca: [...roots], rejectUnauthorized: false });

    socket.on("secureConnect", () => {
      if (settled) return;
      settled = true;
      try {
        let authorized = socket.authorized;
        let rawError: unknown = socket.authorizationError;
        let authorizationError: string | null = null;
        if (!authorized && rawError !== undefined && rawError !== null) {
          if (typeof rawError === "string") {
            authorizationError = rawError;
          } else if (rawError instanceof Error) {
            let code = (rawError as NodeJS.ErrnoException).code;
            authorizationError = code !== undefined ? code : rawError.message;
          } else {
            authorizationError = String(rawError);
          }
        }

        let certs: crypto.X509Certificate[] = [];
        let current: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
        while (current !== undefined && current !== null && current.raw !== undefined && current.raw.length > 0) {
          let x = new crypto.X509Certificate(current.raw);
          let already = false;
          for (let k = 0; k < certs.length; k++) {
            if (certs[k]!.fingerprint256 === x.fingerprint256) already = true;
          }
          if (already) break;
          certs.push(x);
          if (current.issuerCertificate === current) break;
          current = current.issuerCertificate;
        }
        socket.destroy();

        let links: Link[] = [];
        for (let i = 0; i < certs.length; i++) {
          let x = certs[i]!;
          let parent = i + 1 < certs.length ? certs[i + 1] : undefined;
          let signedBy: number | "self" | "missing" = "missing";
          if (x.verify(x.publicKey)) {
            signedBy = "self";
          } else if (parent !== undefined && x.checkIssued(parent) && x.verify(parent.publicKey)) {
            signedBy = i + 1;
          }
          links.push({
            subject: x.subject,
            issuer: x.issuer,
            validFrom: new Date(x.validFrom),
            validTo: new Date(x.validTo),
            signedBy: signedBy,
          });
        }

        let ends: ChainEnd = "missing-intermediate";
        let at = 0;
        for (let steps = 0; steps < links.length; steps++) {
          let by = links[at]!.signedBy;
          if (by === "missing") {
            ends = "missing-intermediate";
            break;
          }
          if (by === "self") {
            let fp = certs[at]!.fingerprint256;
            ends = "unknown-root";
            for (let r = 0; r < roots.length; r++) {
              let rootPrint = "";
              try {
                rootPrint = new crypto.X509Certificate(roots[r]!).fingerprint256;
              } catch {
                rootPrint = "";
              }
              if (rootPrint !== "" && rootPrint === fp) {
                ends = "trusted-root";
                break;
              }
            }
            break;
          }
          at = by;
        }

        resolve({ authorized: authorized, authorizationError: authorizationError, links: links, ends: ends });
      } catch (err) {
        socket.destroy();
        reject(err);
      }
    });

    socket.on("error", (err) => {
      socket.destroy();
      if (settled) return;
      settled = true;
      reject(err);
    });

    socket.on("close", () => {
      if (settled) return;
      settled = true;
      reject(new Error("no TLS handshake with " + host + ":" + port));
    });
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  let nowMs = now.getTime();
  let i = 0;
  let steps = 0;
  while (steps <= report.links.length) {
    steps++;
    let link = report.links[i];
    if (link === undefined) {
      return { link: i, problem: "missing-intermediate" };
    }
    if (new Date(link.validTo).getTime() < nowMs) {
      return { link: i, problem: "expired" };
    }
    if (new Date(link.validFrom).getTime() > nowMs) {
      return { link: i, problem: "not-yet-valid" };
    }
    if (link.signedBy === "missing") {
      return { link: i, problem: "missing-intermediate" };
    }
    if (link.signedBy === "self") {
      if (report.ends === "trusted-root") {
        return null;
      }
      if (i === 0) {
        return { link: i, problem: "self-signed" };
      }
      return { link: i, problem: "unknown-root" };
    }
    i = link.signedBy;
  }
  return { link: i, problem: "missing-intermediate" };
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  return new Promise<"revoked" | "good">((resolve, reject) => {
    let begin = "-----BEGIN X509 CRL-----";
    let end = "-----END X509 CRL-----";
    let crl: string[] = [];
    let from = 0;
    while (true) {
      let start = crlPem.indexOf(begin, from);
      if (start === -1) break;
      let stop = crlPem.indexOf(end, start);
      if (stop === -1) break;
      crl.push(crlPem.slice(start, stop + end.length) + "\n");
      from = stop + end.length;
    }

    let settled = false;
    let socket = tls.connect({ host: host, port: port, servername: host, ca: [...roots], crl: crl, rejectUnauthorized: true });

    socket.on("secureConnect", () => {
      socket.destroy();
      if (settled) return;
      settled = true;
      resolve("good");
    });

    socket.on("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      if (settled) return;
      settled = true;
      if (err.code === "CERT_REVOKED") {
        resolve("revoked");
      } else {
        reject(err);
      }
    });

    socket.on("close", () => {
      if (settled) return;
      settled = true;
      reject(new Error("no TLS handshake with " + host + ":" + port));
    });
  });
}
