// Lesson 05 · Rejecting bad certificates
// Style: await events.once(socket, "secureConnect") (rejects with the error itself); lookup object.
import tls from "node:tls";
import { once } from "node:events";

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

const KNOWN: Record<string, Rejection> = {
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
  EHOSTUNREACH: "unreachable",
  ETIMEDOUT: "unreachable",
  ECONNRESET: "unreachable",
};

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  const socket = tls.connect({ host, port, servername: host });
  // A timed-out wait destroys the socket with an error; that error makes once() reject with it.
  const timer = setTimeout(() => {
    socket.destroy(Object.assign(new Error("timed out waiting for secureConnect"), { code: "ETIMEDOUT" }));
  }, 10_000);
  try {
    // once() rejects with the emitted error object itself if 'error' fires first.
    await once(socket, "secureConnect");
    const tlsVersion = socket.getProtocol() ?? "unknown";
    socket.on("error", () => {}); // nothing after this point is our concern
    socket.end();
    return { tlsVersion, authorized: true };
  } catch (err) {
    socket.destroy();
    throw err; // the original error, untouched
  } finally {
    clearTimeout(timer);
  }
}

export function classifyTlsError(err: unknown): Rejection {
  let code: unknown;
  try {
    if (typeof err !== "object" || err === null || !("code" in err)) return "other";
    code = (err as { code: unknown }).code;
  } catch {
    return "other";
  }
  if (typeof code !== "string" || !Object.prototype.hasOwnProperty.call(KNOWN, code)) return "other";
  return KNOWN[code];
}
