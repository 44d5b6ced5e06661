// The textbook version: a Promise around tls.connect, and a switch on err.code with a type guard first.
import tls from "node:tls";

export type Rejection = "expired" | "not-yet-valid" | "wrong-host" | "self-signed" | "untrusted-root" | "incomplete-chain" | "old-protocol" | "unreachable" | "other";

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol() ?? "unknown";
      socket.end();
      resolve({ tlsVersion, authorized: true });
    });
    socket.once("error", (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

export function classifyTlsError(err: unknown): Rejection {
  if (typeof err !== "object" || err === null || !("code" in err) || typeof err.code !== "string") return "other";
  switch (err.code) {
    case "CERT_HAS_EXPIRED":
      return "expired";
    case "CERT_NOT_YET_VALID":
      return "not-yet-valid";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return "wrong-host";
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
      return "self-signed";
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
      return "untrusted-root";
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT":
      return "incomplete-chain";
    case "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION":
    case "ERR_SSL_UNSUPPORTED_PROTOCOL":
      return "old-protocol";
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ECONNRESET":
      return "unreachable";
    default:
      return "other";
  }
}
