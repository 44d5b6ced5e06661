// Lesson 05 · Rejecting bad certificates
// Style: lookup object (Record<string, Rejection>) guarded with hasOwnProperty; `import * as tls`.
import * as tls from "node:tls";

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

const BY_CODE: Readonly<Record<string, Rejection>> = {
  CERT_HAS_EXPIRED: "expired",
  CERT_NOT_YET_VALID: "not-yet-valid",
  ERR_TLS_CERT_ALTNAME_INVALID: "wrong-host",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "untrusted-root",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "incomplete-chain",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "old-protocol",
  ERR_SSL_UNSUPPORTED_PROTOCOL: "old-protocol",
  ECONNREFUSED: "unreachable",
  ENOTFOUND: "unreachable",
  EHOSTUNREACH: "unreachable",
  ETIMEDOUT: "unreachable",
  ECONNRESET: "unreachable",
};

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = tls.connect({ host, port, servername: host });

    socket.setTimeout(10_000, () => {
      socket.destroy(Object.assign(new Error("TLS handshake timed out"), { code: "ETIMEDOUT" }));
    });

    socket.once("secureConnect", () => {
      const version = socket.getProtocol();
      socket.setTimeout(0);
      socket.end();
      settled = true;
      resolve({ tlsVersion: String(version), authorized: true });
    });

    socket.on("error", (err) => {
      if (settled) return; // late error after we already resolved: ignore, socket is closing
      settled = true;
      reject(err);
    });
  });
}

export function classifyTlsError(err: unknown): Rejection {
  if (err === null || typeof err !== "object") return "other";
  let code: unknown;
  try {
    code = (err as { code?: unknown }).code;
  } catch {
    return "other";
  }
  if (typeof code !== "string") return "other";
  // hasOwnProperty so that a code like "toString" or "__proto__" does not hit Object.prototype
  return Object.prototype.hasOwnProperty.call(BY_CODE, code) ? BY_CODE[code] : "other";
}
