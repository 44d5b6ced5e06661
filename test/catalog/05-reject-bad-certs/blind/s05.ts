// Lesson 05 · Rejecting bad certificates
// Style: ordered list of anchored regular expressions tested against err.code.
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

// Anchored (^...$) so that we match whole codes only, never a fragment of some other code.
const RULES: ReadonlyArray<readonly [RegExp, Rejection]> = [
  [/^CERT_HAS_EXPIRED$/, "expired"],
  [/^CERT_NOT_YET_VALID$/, "not-yet-valid"],
  [/^ERR_TLS_CERT_ALTNAME_INVALID$/, "wrong-host"],
  [/^DEPTH_ZERO_SELF_SIGNED_CERT$/, "self-signed"],
  [/^SELF_SIGNED_CERT_IN_CHAIN$/, "untrusted-root"],
  [/^UNABLE_TO_VERIFY_LEAF_SIGNATURE$/, "incomplete-chain"],
  [/^ERR_SSL_(?:TLSV1_ALERT_PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL)$/, "old-protocol"],
  [/^E(?:CONNREFUSED|NOTFOUND|HOSTUNREACH|TIMEDOUT|CONNRESET)$/, "unreachable"],
];

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return await new Promise<{ tlsVersion: string; authorized: true }>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.setTimeout(10_000, () => {
      const err = new Error(`handshake with ${host}:${port} timed out`) as NodeJS.ErrnoException;
      err.code = "ETIMEDOUT";
      socket.destroy(err);
    });
    socket.on("error", reject);
    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol();
      socket.setTimeout(0);
      socket.destroy(); // we have what we need
      if (tlsVersion === null) {
        reject(new Error("handshake finished but no protocol was reported"));
      } else {
        resolve({ tlsVersion, authorized: true });
      }
    });
  });
}

function readCode(err: unknown): unknown {
  if (typeof err !== "object" || err === null) return undefined;
  try {
    return (err as { code?: unknown }).code;
  } catch {
    return undefined;
  }
}

export function classifyTlsError(err: unknown): Rejection {
  const code = readCode(err);
  if (typeof code !== "string") return "other";
  for (const [pattern, rejection] of RULES) {
    if (pattern.test(code)) return rejection;
  }
  return "other";
}
