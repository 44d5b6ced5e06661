// An async/await connectStrict built on events.once, which rejects by itself when the socket emits 'error'.
import { once } from "node:events";
import tls from "node:tls";

export type Rejection = "expired" | "not-yet-valid" | "wrong-host" | "self-signed" | "untrusted-root" | "incomplete-chain" | "old-protocol" | "unreachable" | "other";

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  const socket = tls.connect({ host, port, servername: host });
  try {
    await once(socket, "secureConnect");
    return { tlsVersion: socket.getProtocol() ?? "", authorized: true };
  } finally {
    socket.end();
  }
}

export function classifyTlsError(err: unknown): Rejection {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  if (code === "CERT_HAS_EXPIRED") return "expired";
  if (code === "CERT_NOT_YET_VALID") return "not-yet-valid";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return "wrong-host";
  if (code === "DEPTH_ZERO_SELF_SIGNED_CERT") return "self-signed";
  if (code === "SELF_SIGNED_CERT_IN_CHAIN") return "untrusted-root";
  if (code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE") return "incomplete-chain";
  if (code === "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION" || code === "ERR_SSL_UNSUPPORTED_PROTOCOL") return "old-protocol";
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT") return "unreachable";
  return "other";
}
