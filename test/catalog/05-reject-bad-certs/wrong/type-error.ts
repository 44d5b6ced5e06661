// Wrong: runs and behaves, but does not type-check: socket.authorized is a boolean, the
// promised type says true (TS2322). The grader reports TypeScript's error at its line.
import tls from "node:tls";

export type Rejection =
  | "expired"
  | "not-yet-valid"
  | "wrong-host"
  | "self-signed"
  | "untrusted-root"
  | "incomplete-chain"
  | "old-protocol"
  | "unreachable"
  | "other";

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol() ?? ""; // read it before closing: afterwards it is null
      socket.end();
      resolve({ tlsVersion, authorized: socket.authorized });
    });
    socket.once("error", (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

// Codes, not messages: SELF_SIGNED_CERT_IN_CHAIN's message says "self-signed" too.
const BY_CODE: Record<string, Rejection> = {
  CERT_HAS_EXPIRED: "expired",
  CERT_NOT_YET_VALID: "not-yet-valid",
  ERR_TLS_CERT_ALTNAME_INVALID: "wrong-host",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "untrusted-root",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "untrusted-root",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "incomplete-chain",
  UNABLE_TO_GET_ISSUER_CERT: "incomplete-chain",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "old-protocol",
  ERR_SSL_UNSUPPORTED_PROTOCOL: "old-protocol",
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: "old-protocol",
  ECONNREFUSED: "unreachable",
  ENOTFOUND: "unreachable",
  EAI_AGAIN: "unreachable",
  ETIMEDOUT: "unreachable",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ECONNRESET: "unreachable",
};

export function classifyTlsError(err: unknown): Rejection {
  const code = err && typeof err === "object" && "code" in err ? String((err as { code: unknown }).code) : "";
  // Own keys only: a code such as "constructor" must not find Object.prototype's.
  return Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : "other";
}
