// Lesson 05 · Rejecting bad certificates
// Style: async/await with events.once; classifier is a frozen table checked with Object.hasOwn.
import tls from "node:tls";
import { once } from "node:events";

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

const TIMEOUT_MS = 10_000;

// Connect with full verification; resolve once the handshake succeeds (then close),
// reject with the original error otherwise.
export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  const socket = tls.connect({ host, port, servername: host });
  socket.setTimeout(TIMEOUT_MS, () => {
    socket.destroy(Object.assign(new Error(`timed out after ${TIMEOUT_MS} ms`), { code: "ETIMEDOUT" }));
  });
  try {
    // once() rejects with the very error object the socket emitted.
    await once(socket, "secureConnect");
    const tlsVersion = socket.getProtocol() ?? ""; // read before closing: a destroyed socket says null
    if (!socket.authorized) throw socket.authorizationError;
    return { tlsVersion, authorized: true };
  } finally {
    socket.destroy();
  }
}

const TABLE: Readonly<Record<string, Rejection>> = Object.freeze({
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
});

// Say what went wrong, from an error that connectStrict rejected with.
export function classifyTlsError(err: unknown): Rejection {
  if (typeof err !== "object" || err === null) return "other";
  let code: unknown;
  try {
    code = (err as { code?: unknown }).code; // a Proxy or a throwing getter must not escape
  } catch {
    return "other";
  }
  if (typeof code !== "string") return "other";
  return Object.hasOwn(TABLE, code) ? TABLE[code]! : "other";
}
