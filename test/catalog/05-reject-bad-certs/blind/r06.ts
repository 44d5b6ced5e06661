// Lesson 05 · Rejecting bad certificates — terse.
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
    const s = tls.connect({ host, port, servername: host }, () => {
      const tlsVersion = s.getProtocol() ?? "";
      s.destroy();
      s.authorized ? resolve({ tlsVersion, authorized: true }) : reject(s.authorizationError);
    });
    s.on("error", reject).setTimeout(10_000, () => s.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
  });
}

const R: Record<string, Rejection> = {
  CERT_HAS_EXPIRED: "expired",
  CERT_NOT_YET_VALID: "not-yet-valid",
  ERR_TLS_CERT_ALTNAME_INVALID: "wrong-host",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "untrusted-root",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "incomplete-chain",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "old-protocol",
  ERR_SSL_UNSUPPORTED_PROTOCOL: "old-protocol",
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: "old-protocol",
  ECONNREFUSED: "unreachable",
  ENOTFOUND: "unreachable",
  EHOSTUNREACH: "unreachable",
  ETIMEDOUT: "unreachable",
  ECONNRESET: "unreachable",
};

export function classifyTlsError(err: unknown): Rejection {
  try {
    const code = (err as { code?: unknown } | null | undefined)?.code;
    return typeof code === "string" && Object.hasOwn(R, code) ? R[code]! : "other";
  } catch {
    return "other";
  }
}
