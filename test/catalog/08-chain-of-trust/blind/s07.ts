// Lesson 08 · The chain of trust, hands-on
// Solution s07: a straightforward version that prints each link while walking the chain.
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
    // Inspecting only: verification off, nothing sent, closed at once.
    const socket = tls.connect({
      host: host,
      port: port,
      servername: host,
      ca: [...roots],
      rejectUnauthorized: false,
    });

    let gotHandshake = false;

    socket.once("secureConnect", () => {
      gotHandshake = true;
      try {
        // Node's verdict, read before anything else.
        const authorized = socket.authorized;
        let authorizationError: string | null = null;
        if (!authorized && socket.authorizationError) {
          authorizationError = String(socket.authorizationError);
        }

        // Walk up the chain Node built for us.
        const certs: crypto.X509Certificate[] = [];
        const seen: string[] = [];
        let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
        while (c && c.raw) {
          const x = new crypto.X509Certificate(c.raw);
          if (seen.includes(x.fingerprint256)) {
            break; // already have this one
          }
          seen.push(x.fingerprint256);
          certs.push(x);
          console.log(`link ${certs.length - 1}: ${x.subject.replace(/\n/g, ", ")} (issuer ${x.issuer.replace(/\n/g, ", ")})`);
          if (c.issuerCertificate === c) {
            break; // a root points to itself
          }
          c = c.issuerCertificate;
        }

        // We have what we came for: close right away, nothing written.
        socket.destroy();

        // Who signed each link?
        const links: Link[] = [];
        for (let i = 0; i < certs.length; i++) {
          const x = certs[i];
          const parent = certs[i + 1];
          let signedBy: number | "self" | "missing";
          if (x.verify(x.publicKey)) {
            signedBy = "self";
          } else if (parent !== undefined && x.checkIssued(parent) && x.verify(parent.publicKey)) {
            signedBy = i + 1;
          } else {
            signedBy = "missing";
          }
          links.push({
            subject: x.subject,
            issuer: x.issuer,
            validFrom: new Date(x.validFrom),
            validTo: new Date(x.validTo),
            signedBy: signedBy,
          });
        }

        // Where does the path end?
        let ends: ChainEnd = "missing-intermediate";
        let i = 0;
        while (i < links.length) {
          const s = links[i].signedBy;
          if (s === "missing") {
            ends = "missing-intermediate";
            break;
          }
          if (s === "self") {
            const top = certs[i];
            let trusted = false;
            for (const pem of roots) {
              try {
                if (new crypto.X509Certificate(pem).fingerprint256 === top.fingerprint256) {
                  trusted = true;
                  break;
                }
              } catch {
                // not a certificate we can read: skip it
              }
            }
            ends = trusted ? "trusted-root" : "unknown-root";
            break;
          }
          i = s; // always i + 1, so this loop ends
        }

        resolve({ authorized, authorizationError, links, ends });
      } catch (err) {
        socket.destroy();
        reject(err);
      }
    });

    socket.on("error", (err) => {
      // Only a failure before the handshake counts; anything later is ignored.
      if (!gotHandshake) {
        reject(err);
      }
    });
  });
}

// From the leaf up, each link's dates and then who signed it; null when nothing is broken.
export function firstBrokenLink(report: ChainReport, now: Date = new Date()): BrokenLink | null {
  const links = report.links;
  if (links.length === 0) {
    return { link: 0, problem: "missing-intermediate" };
  }
  let i = 0;
  let steps = 0;
  while (steps <= links.length) {
    steps++;
    const link = links[i];
    if (link === undefined) {
      // signedBy pointed outside the chain: nobody here signed the previous one
      break;
    }
    // dates first
    if (link.validTo < now) {
      return { link: i, problem: "expired" };
    }
    if (link.validFrom > now) {
      return { link: i, problem: "not-yet-valid" };
    }
    // then the signer
    if (link.signedBy === "missing") {
      return { link: i, problem: "missing-intermediate" };
    }
    if (link.signedBy === "self") {
      if (report.ends === "trusted-root") {
        return null;
      }
      if (i === 0) {
        return { link: 0, problem: "self-signed" };
      }
      return { link: i, problem: "unknown-root" };
    }
    i = link.signedBy;
  }
  return { link: Math.min(i, links.length - 1), problem: "missing-intermediate" };
}

// "revoked" or "good", by a verifying connection that also checks the CRLs in crlPem.
export function checkRevocation(host: string, port: number, crlPem: string, roots: readonly string[] = tls.rootCertificates): Promise<"revoked" | "good"> {
  return new Promise<"revoked" | "good">((resolve, reject) => {
    // Node reads one CRL per string, so give it one string per CRL.
    const crls = crlPem.match(/-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g) ?? [];

    let connected = false;
    const socket = tls.connect({
      host: host,
      port: port,
      servername: host,
      ca: [...roots],
      crl: crls,
      rejectUnauthorized: true, // verification stays on
    });

    socket.once("secureConnect", () => {
      connected = true;
      socket.destroy();
      resolve("good");
    });

    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (connected) {
        return;
      }
      if (err.code === "CERT_REVOKED") {
        resolve("revoked");
      } else {
        reject(err);
      }
    });
  });
}
