// Lesson 05 · Rejecting bad certificates
// Style: both spellings of each code the README mentions, normalised (trim + upper case)
// before lookup; arrays of aliases per Rejection.
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

const ALIASES: Array<[Rejection, string[]]> = [
  ["expired", ["CERT_HAS_EXPIRED"]],
  ["not-yet-valid", ["CERT_NOT_YET_VALID"]],
  ["wrong-host", ["ERR_TLS_CERT_ALTNAME_INVALID"]],
  ["self-signed", ["DEPTH_ZERO_SELF_SIGNED_CERT"]],
  ["untrusted-root", ["SELF_SIGNED_CERT_IN_CHAIN"]],
  ["incomplete-chain", ["UNABLE_TO_VERIFY_LEAF_SIGNATURE"]],
  // Node 20 against the lab says the first; older real servers give the second.
  ["old-protocol", ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL"]],
  ["unreachable", ["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET"]],
];

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, rejectUnauthorized: true });
    let handshakeDone = false;
    const onTimeout = () => {
      if (handshakeDone) socket.destroy(); // peer is slow to close after our end(): just drop it
      else socket.destroy(Object.assign(new Error("connection timed out"), { code: "ETIMEDOUT" }));
    };
    socket.setTimeout(15_000, onTimeout);

    socket.once("secureConnect", () => {
      handshakeDone = true;
      const tlsVersion = socket.getProtocol() ?? "unknown";
      // wait for the socket to be fully closed before resolving
      socket.once("close", () => resolve({ tlsVersion, authorized: true }));
      socket.setTimeout(2_000, onTimeout);
      socket.end();
    });
    socket.on("error", (err) => {
      if (!handshakeDone) reject(err); // after the handshake, an error while closing does not matter
    });
  });
}

export function classifyTlsError(err: unknown): Rejection {
  if (typeof err !== "object" || err === null) return "other";
  let raw: unknown;
  try {
    raw = (err as Record<string, unknown>)["code"];
  } catch {
    return "other";
  }
  if (typeof raw !== "string") return "other";
  const code = raw.trim().toUpperCase();
  for (const [rejection, codes] of ALIASES) {
    if (codes.includes(code)) return rejection;
  }
  return "other";
}
