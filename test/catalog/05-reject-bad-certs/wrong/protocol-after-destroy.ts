// Closes first and asks for the protocol afterwards: a destroyed socket's getProtocol() is null.
import tls from "node:tls";

export type Rejection = "expired" | "not-yet-valid" | "wrong-host" | "self-signed" | "untrusted-root" | "incomplete-chain" | "old-protocol" | "unreachable" | "other";

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.once("secureConnect", () => {
      socket.destroy();
      resolve({ tlsVersion: socket.getProtocol() as string, authorized: true });
    });
    socket.once("error", reject);
  });
}

export function classifyTlsError(err: unknown): Rejection {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
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
