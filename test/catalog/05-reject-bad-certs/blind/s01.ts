// Lesson 05 · Rejecting bad certificates
// Style: Promise + once() listeners, classifier is a switch statement.
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

const TIMEOUT_MS = 10_000;

// Connect with full verification; resolve once the handshake succeeds (then close),
// reject with the original error otherwise.
export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });

    socket.setTimeout(TIMEOUT_MS, () => {
      const err: NodeJS.ErrnoException = new Error(`timed out after ${TIMEOUT_MS} ms`);
      err.code = "ETIMEDOUT";
      socket.destroy(err);
    });

    socket.once("secureConnect", () => {
      socket.setTimeout(0);
      const tlsVersion = socket.getProtocol();
      if (!socket.authorized) {
        // Cannot happen with verification on, but never report an unverified peer.
        const err = socket.authorizationError;
        socket.destroy();
        reject(err);
        return;
      }
      socket.end();
      resolve({ tlsVersion: tlsVersion ?? "unknown", authorized: true });
    });

    // `on`, not `once`: a late error after end() must not become an uncaught exception.
    socket.on("error", (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

// Say what went wrong, from an error that connectStrict rejected with.
export function classifyTlsError(err: unknown): Rejection {
  if (typeof err !== "object" || err === null) return "other";
  let code: unknown;
  try {
    code = (err as { code?: unknown }).code;
  } catch {
    return "other"; // a throwing getter (or Proxy) must not escape: never throw
  }
  if (typeof code !== "string") return "other";

  switch (code) {
    case "CERT_HAS_EXPIRED":
      return "expired";
    case "CERT_NOT_YET_VALID":
      return "not-yet-valid";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return "wrong-host";
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
      return "self-signed";
    case "SELF_SIGNED_CERT_IN_CHAIN":
      return "untrusted-root";
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
      return "incomplete-chain";
    case "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION":
    case "ERR_SSL_UNSUPPORTED_PROTOCOL":
      return "old-protocol";
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EHOSTUNREACH":
    case "ETIMEDOUT":
    case "ECONNRESET":
      return "unreachable";
    default:
      return "other";
  }
}
