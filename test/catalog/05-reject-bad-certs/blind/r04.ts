// Lesson 05 · Rejecting bad certificates
// Style: positional tls.connect(port, host, options); classifier is a prototype-free lookup object.
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

// Connect with full verification; resolve once the handshake succeeds (then close),
// reject with the original error otherwise.
export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  const socket = tls.connect(port, host, { servername: host });
  socket.setTimeout(10_000, () => {
    const timeout: NodeJS.ErrnoException = new Error(`no TLS handshake with ${host}:${port} within 10 s`);
    timeout.code = "ETIMEDOUT";
    socket.destroy(timeout);
  });

  return new Promise((resolve, reject) => {
    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol() ?? "";
      if (socket.authorized !== true) {
        socket.destroy();
        reject(socket.authorizationError);
        return;
      }
      socket.end();
      resolve({ tlsVersion, authorized: true });
    });
    // on, not once: a second error (a reset while closing) must still have a listener.
    socket.on("error", reject);
  });
}

// No prototype, so "constructor", "toString" or "__proto__" are simply not in it.
const BY_CODE: Record<string, Rejection> = Object.assign(Object.create(null) as Record<string, Rejection>, {
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
} satisfies Record<string, Rejection>);

// Say what went wrong, from an error that connectStrict rejected with.
export function classifyTlsError(err: unknown): Rejection {
  if (typeof err !== "object" || err === null) return "other";
  let code: unknown;
  try {
    code = Reflect.get(err, "code");
  } catch {
    return "other";
  }
  if (typeof code !== "string" || !(code in BY_CODE)) return "other";
  return BY_CODE[code] ?? "other";
}
