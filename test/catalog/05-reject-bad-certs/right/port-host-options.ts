// Uses the tls.connect(port, host, options) overload, with servername passed in the options object.
import { connect, type TLSSocket } from "node:tls";

export type Rejection = "expired" | "not-yet-valid" | "wrong-host" | "self-signed" | "untrusted-root" | "incomplete-chain" | "old-protocol" | "unreachable" | "other";

export function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect(port, host, { servername: host }, () => {
      const tlsVersion = socket.getProtocol() ?? "";
      socket.end();
      resolve({ tlsVersion, authorized: true });
    });
    socket.on("error", (err) => reject(err));
  });
}

export function classifyTlsError(err: unknown): Rejection {
  const code = err instanceof Error && "code" in err ? String(err.code) : "";
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
