// Lesson 05 · Rejecting bad certificates
// Style: a Map from code to Rejection; tls.connect(options, callback) form.
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
  ["EHOSTUNREACH", "unreachable"],
  ["ETIMEDOUT", "unreachable"],
  ["ECONNRESET", "unreachable"],
]);

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const e: NodeJS.ErrnoException = new Error(`no TLS handshake with ${host}:${port} within 10 s`);
      e.code = "ETIMEDOUT";
      socket.destroy(e);
    }, 10_000);

    // The callback is a 'secureConnect' listener.
    const socket = tls.connect({ host, port, servername: host }, () => {
      clearTimeout(timer);
      const tlsVersion = socket.getProtocol() ?? "";
      socket.end();
      resolve({ tlsVersion, authorized: true });
    });

    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err); // no-op if we already resolved
    });
  });
}

export function classifyTlsError(err: unknown): Rejection {
  try {
    if (typeof err === "object" && err !== null && "code" in err) {
      const code = (err as { code: unknown }).code;
      if (typeof code === "string") return CODES.get(code) ?? "other";
    }
  } catch {
    // exotic objects (throwing getters, Proxies) land here: still "other", never a throw
  }
  return "other";
}
