// Reads the protocol, then destroy()s the socket at once instead of a polite end().
import tls from "node:tls";

export type Rejection = "expired" | "not-yet-valid" | "wrong-host" | "self-signed" | "untrusted-root" | "incomplete-chain" | "old-protocol" | "unreachable" | "other";

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol();
      socket.destroy();
      if (tlsVersion) resolve({ tlsVersion, authorized: true });
      else reject(new Error("handshake finished without a protocol"));
    });
    socket.once("error", reject);
  });
}

const byCode: Partial<Record<string, Rejection>> = {
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
};

export function classifyTlsError(err: unknown): Rejection {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return (typeof code === "string" && byCode[code]) || "other";
}
