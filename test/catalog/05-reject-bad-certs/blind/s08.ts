// Lesson 05 · Rejecting bad certificates
// Style: very defensive classifier (never throws, even on hostile getters or Proxies).
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

const TABLE: { readonly [code: string]: Rejection | undefined } = Object.freeze(
  Object.assign(Object.create(null) as Record<string, Rejection>, {
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
  } as const),
);

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn();
    };
    const socket = tls.connect({ host, port, servername: host });
    const timer = setTimeout(() => {
      const e: NodeJS.ErrnoException = new Error("handshake timed out");
      e.code = "ETIMEDOUT";
      socket.destroy(e);
    }, 10_000);

    socket.once("secureConnect", () => {
      const version = socket.getProtocol();
      const ok = socket.authorized;
      const authErr = socket.authorizationError;
      socket.end();
      finish(() => {
        if (ok && version) resolve({ tlsVersion: version, authorized: true });
        else reject(authErr ?? new Error("handshake completed without verification"));
      });
    });
    socket.on("error", (err) => finish(() => reject(err)));
  });
}

export function classifyTlsError(err: unknown): Rejection {
  try {
    if (err === null || err === undefined) return "other";
    if (typeof err !== "object" && typeof err !== "function") return "other"; // strings, numbers, booleans, symbols, bigints
    const code: unknown = Reflect.get(err as object, "code");
    if (typeof code !== "string" || code.length === 0) return "other";
    return TABLE[code] ?? "other";
  } catch {
    // a throwing getter or Proxy trap: we still must not throw
    return "other";
  }
}
