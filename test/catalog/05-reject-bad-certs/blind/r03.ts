// Lesson 05 · Rejecting bad certificates
// Style: callback form tls.connect(options, secureConnectListener); classifier uses a Map.
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
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host }, () => {
      // Runs on 'secureConnect': the chain, the name and the dates all checked out.
      const tlsVersion = socket.getProtocol() ?? "";
      const authorizationError = socket.authorizationError;
      const authorized = socket.authorized;
      socket.destroy(); // we have what we need
      if (authorized) resolve({ tlsVersion, authorized: true });
      else reject(authorizationError);
    });
    socket.setTimeout(10_000, () => {
      socket.destroy(Object.assign(new Error("handshake timed out"), { code: "ETIMEDOUT" }));
    });
    socket.on("error", (err) => reject(err));
  });
}

const CODES = new Map<string, Rejection>([
  ["CERT_HAS_EXPIRED", "expired"],
  ["CERT_NOT_YET_VALID", "not-yet-valid"],
  ["ERR_TLS_CERT_ALTNAME_INVALID", "wrong-host"],
  ["DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed"],
  ["SELF_SIGNED_CERT_IN_CHAIN", "untrusted-root"],
  ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "incomplete-chain"],
  ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "old-protocol"],
  ["ERR_SSL_UNSUPPORTED_PROTOCOL", "old-protocol"],
  ["ERR_SSL_NO_PROTOCOLS_AVAILABLE", "old-protocol"],
  ["ECONNREFUSED", "unreachable"],
  ["ENOTFOUND", "unreachable"],
  ["EHOSTUNREACH", "unreachable"],
  ["ETIMEDOUT", "unreachable"],
  ["ECONNRESET", "unreachable"],
]);

// Say what went wrong, from an error that connectStrict rejected with.
export function classifyTlsError(err: unknown): Rejection {
  try {
    const code = typeof err === "object" && err !== null ? (err as NodeJS.ErrnoException).code : undefined;
    return (typeof code === "string" && CODES.get(code)) || "other";
  } catch {
    return "other"; // never throw, whatever we were handed
  }
}
