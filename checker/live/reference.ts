// The grader's own verifying client: what a correct Node client gets from a live target
// right now. Consulted only when the learner's code did not do what the table expects, to
// tell the learner's mistake (the table still holds) from a changed or unreachable
// endpoint (then the check is skipped, never failed).
import fs from "node:fs";
import net from "node:net";
import tls from "node:tls";
import type { LiveTarget } from "./targets.ts";

export type Reference =
  | { kind: "connected"; tlsVersion: string; validTo?: Date; subjectCN?: string; issuerO?: string }
  | { kind: "rejected"; code: string; message: string }
  | { kind: "unreachable"; code: string };

/** Errors that say nothing about certificates or protocols: the network itself failed. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
]);

export const REFERENCE_TIMEOUT_MS = 8000;

export interface ReferenceOptions {
  /** The CA bundle the learner's child trusts on top of Node's own roots (the lab's trust bundle). */
  extraCaFile?: string;
  timeoutMs?: number;
}

/** Node's bundled roots plus the child's extra CAs: the same trust the learner's code has. */
function trustFor(extraCaFile: string | undefined): string[] | undefined {
  if (!extraCaFile) return undefined;
  try {
    return [...tls.rootCertificates, fs.readFileSync(extraCaFile, "utf8")];
  } catch {
    return undefined;
  }
}

export function referenceHandshake(t: Pick<LiveTarget, "host" | "port">, o: ReferenceOptions = {}): Promise<Reference> {
  const timeoutMs = o.timeoutMs ?? REFERENCE_TIMEOUT_MS;
  const ca = trustFor(o.extraCaFile);
  return new Promise((resolve) => {
    const socket = tls.connect({ host: t.host, port: t.port, ...(net.isIP(t.host) ? {} : { servername: t.host }), ...(ca ? { ca } : {}) });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ kind: "unreachable", code: `no answer within ${timeoutMs / 1000} s` });
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(", ") : v);
      resolve({
        kind: "connected",
        tlsVersion: socket.getProtocol() ?? "",
        validTo: cert.valid_to ? new Date(cert.valid_to) : undefined,
        subjectCN: one(cert.subject?.CN),
        issuerO: one(cert.issuer?.O),
      });
      socket.destroy();
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const code = err.code ?? "";
      resolve(NETWORK_CODES.has(code) ? { kind: "unreachable", code } : { kind: "rejected", code, message: String(err.message).split("\n")[0] });
    });
  });
}
