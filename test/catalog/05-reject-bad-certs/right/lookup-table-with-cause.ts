// A Map from code to Rejection that also looks at err.cause?.code (the way fetch reports TLS errors).
import * as tls from "node:tls";

export type Rejection = "expired" | "not-yet-valid" | "wrong-host" | "self-signed" | "untrusted-root" | "incomplete-chain" | "old-protocol" | "unreachable" | "other";

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.on("error", reject);
    socket.on("secureConnect", () => {
      const tlsVersion = socket.getProtocol()!;
      socket.end(() => resolve({ tlsVersion, authorized: true }));
    });
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
  ["ECONNREFUSED", "unreachable"],
  ["ENOTFOUND", "unreachable"],
  ["ECONNRESET", "unreachable"],
]);

type MaybeCoded = { code?: unknown; cause?: { code?: unknown } } | null | undefined;

export function classifyTlsError(err: unknown): Rejection {
  const e = (typeof err === "object" ? err : undefined) as MaybeCoded;
  for (const code of [e?.code, e?.cause?.code]) {
    if (typeof code === "string" && CODES.has(code)) return CODES.get(code)!;
  }
  return "other";
}
