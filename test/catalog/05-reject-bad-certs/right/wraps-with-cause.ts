// Wraps the error for a friendlier message but keeps Node's error as `cause`, and the classifier looks there.
import tls from "node:tls";

export type Rejection = "expired" | "not-yet-valid" | "wrong-host" | "self-signed" | "untrusted-root" | "incomplete-chain" | "old-protocol" | "unreachable" | "other";

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol() ?? "";
      socket.end();
      resolve({ tlsVersion, authorized: true });
    });
    socket.once("error", (err) => reject(new Error(`could not connect to ${host}:${port}: ${err.message}`, { cause: err })));
  });
}

function codeOf(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const own = (err as NodeJS.ErrnoException).code;
  if (typeof own === "string") return own;
  return err.cause instanceof Error ? (err.cause as NodeJS.ErrnoException).code : undefined;
}

export function classifyTlsError(err: unknown): Rejection {
  switch (codeOf(err)) {
    case "CERT_HAS_EXPIRED": return "expired";
    case "CERT_NOT_YET_VALID": return "not-yet-valid";
    case "ERR_TLS_CERT_ALTNAME_INVALID": return "wrong-host";
    case "DEPTH_ZERO_SELF_SIGNED_CERT": return "self-signed";
    case "SELF_SIGNED_CERT_IN_CHAIN": return "untrusted-root";
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE": return "incomplete-chain";
    case "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION":
    case "ERR_SSL_UNSUPPORTED_PROTOCOL": return "old-protocol";
    case "ECONNREFUSED":
    case "ENOTFOUND": return "unreachable";
    default: return "other";
  }
}
