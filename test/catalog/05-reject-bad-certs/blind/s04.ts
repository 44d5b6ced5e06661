// Lesson 05 · Rejecting bad certificates
// Style: if/else chain over Sets of codes. Only genuine Error instances are classified
// ("values that are not errors at all" are "other").
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

const OLD_PROTOCOL = new Set(["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL"]);
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET"]);

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  const socket = tls.connect({ host, port, servername: host });
  try {
    const tlsVersion = await new Promise<string>((resolve, reject) => {
      socket.setTimeout(10_000, () => {
        const e: NodeJS.ErrnoException = new Error("timed out waiting for the handshake");
        e.code = "ETIMEDOUT";
        socket.destroy(e);
      });
      socket.once("secureConnect", () => resolve(socket.getProtocol() ?? "unknown"));
      socket.once("error", reject);
    });
    return { tlsVersion, authorized: true };
  } finally {
    socket.setTimeout(0);
    socket.on("error", () => {}); // swallow anything after we are done
    socket.end();
  }
}

export function classifyTlsError(err: unknown): Rejection {
  if (!(err instanceof Error)) return "other";
  let code: unknown;
  try {
    code = (err as NodeJS.ErrnoException).code;
  } catch {
    return "other";
  }
  if (typeof code !== "string") return "other";

  if (code === "CERT_HAS_EXPIRED") return "expired";
  else if (code === "CERT_NOT_YET_VALID") return "not-yet-valid";
  else if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return "wrong-host";
  else if (code === "DEPTH_ZERO_SELF_SIGNED_CERT") return "self-signed";
  else if (code === "SELF_SIGNED_CERT_IN_CHAIN") return "untrusted-root";
  else if (code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE") return "incomplete-chain";
  else if (OLD_PROTOCOL.has(code)) return "old-protocol";
  else if (UNREACHABLE.has(code)) return "unreachable";
  else return "other";
}
