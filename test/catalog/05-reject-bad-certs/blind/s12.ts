// Lesson 05 · Rejecting bad certificates
// Style: "check → rejection" table, then destroy() right after reading the protocol and
// resolve only once 'close' has fired; explicit authorized check using authorizationError.
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

// One entry per row of the README table.
const CHECKS: ReadonlyArray<{ rejection: Rejection; codes: ReadonlySet<string> }> = [
  { rejection: "expired", codes: new Set(["CERT_HAS_EXPIRED"]) },
  { rejection: "not-yet-valid", codes: new Set(["CERT_NOT_YET_VALID"]) },
  { rejection: "wrong-host", codes: new Set(["ERR_TLS_CERT_ALTNAME_INVALID"]) },
  { rejection: "self-signed", codes: new Set(["DEPTH_ZERO_SELF_SIGNED_CERT"]) },
  { rejection: "untrusted-root", codes: new Set(["SELF_SIGNED_CERT_IN_CHAIN"]) },
  { rejection: "incomplete-chain", codes: new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE"]) },
  { rejection: "old-protocol", codes: new Set(["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL"]) },
  { rejection: "unreachable", codes: new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET"]) },
];

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    let outcome: { ok: true; tlsVersion: string } | { ok: false; err: unknown } | undefined;

    const socket = tls.connect({ host, port, servername: host });
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error(`timeout: ${host}:${port}`), { code: "ETIMEDOUT" }));
    }, 10_000);

    socket.once("secureConnect", () => {
      if (socket.authorized) {
        outcome = { ok: true, tlsVersion: socket.getProtocol() ?? "unknown" };
      } else {
        outcome = { ok: false, err: socket.authorizationError };
      }
      socket.destroy();
    });
    socket.on("error", (err) => {
      if (!outcome) outcome = { ok: false, err };
    });
    socket.once("close", () => {
      clearTimeout(timer);
      if (outcome?.ok) resolve({ tlsVersion: outcome.tlsVersion, authorized: true });
      else reject(outcome ? outcome.err : new Error(`connection to ${host}:${port} closed before the handshake`));
    });
  });
}

export function classifyTlsError(err: unknown): Rejection {
  if (typeof err !== "object" || err === null) return "other";
  let code: unknown;
  try {
    code = (err as { code?: unknown }).code;
  } catch {
    return "other";
  }
  if (typeof code !== "string") return "other";
  for (const check of CHECKS) if (check.codes.has(code)) return check.rejection;
  return "other";
}
