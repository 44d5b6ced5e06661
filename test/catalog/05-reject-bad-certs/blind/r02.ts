// Lesson 05 · Rejecting bad certificates
// Style: new Promise with socket.on handlers and a settled flag; classifier is a switch.
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
    let settled = false;
    const socket = tls.connect({ host, port, servername: host });

    socket.setTimeout(TIMEOUT_MS, () => {
      const err: NodeJS.ErrnoException = new Error("TLS connection timed out");
      err.code = "ETIMEDOUT";
      socket.destroy(err);
    });

    socket.on("secureConnect", () => {
      if (settled) return;
      settled = true;
      const tlsVersion = socket.getProtocol() ?? "";
      if (!socket.authorized) {
        socket.destroy();
        reject(socket.authorizationError);
        return;
      }
      socket.end(); // polite close: close_notify, then FIN
      resolve({ tlsVersion, authorized: true });
    });

    // Stays attached after success, so a reset during the close is not an uncaught error.
    socket.on("error", (err) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(err); // the original object, code and all
    });

    socket.on("close", () => {
      if (settled) return;
      settled = true;
      reject(Object.assign(new Error("connection closed before the handshake"), { code: "ECONNRESET" }));
    });
  });
}

// Say what went wrong, from an error that connectStrict rejected with.
export function classifyTlsError(err: unknown): Rejection {
  let code: unknown;
  try {
    if (err === null || typeof err !== "object" || !("code" in err)) return "other";
    code = err.code;
  } catch {
    return "other"; // exotic objects (a Proxy, a throwing getter) are not errors we know
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
    case "ERR_SSL_NO_PROTOCOLS_AVAILABLE":
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
