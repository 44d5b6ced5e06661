// Lesson 05 · Rejecting bad certificates
// Style: defensive. Idle timeout plus a hard deadline, settle exactly once, one cleanup routine
// (clear timers, destroy the socket) on every path; a classifier that cannot throw.
import tls from "node:tls";
import net from "node:net";

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

const IDLE_TIMEOUT_MS = 10_000;
const DEADLINE_MS = 20_000;

function timeoutError(message: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(message);
  err.code = "ETIMEDOUT"; // classifies as "unreachable"
  return err;
}

// Connect with full verification; resolve once the handshake succeeds (then close),
// reject with the original error otherwise.
export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({
        host,
        port,
        // SNI must be a DNS name; for an IP literal Node still checks the IP against the certificate.
        servername: net.isIP(host) === 0 ? host : undefined,
      });
    } catch (err) {
      reject(err); // e.g. a port out of range: the original error, unchanged
      return;
    }

    const deadline = setTimeout(() => socket.destroy(timeoutError(`no handshake within ${DEADLINE_MS} ms`)), DEADLINE_MS);

    const cleanup = (): void => {
      clearTimeout(deadline);
      socket.setTimeout(0);
      socket.destroy();
    };

    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(err);
    };

    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy(timeoutError(`idle for ${IDLE_TIMEOUT_MS} ms`)));

    socket.once("secureConnect", () => {
      if (settled) return;
      const tlsVersion = socket.getProtocol(); // before cleanup: a destroyed socket answers null
      if (!socket.authorized) {
        fail(socket.authorizationError ?? new Error("peer certificate not authorized"));
        return;
      }
      settled = true;
      cleanup();
      resolve({ tlsVersion: tlsVersion ?? "", authorized: true });
    });

    // Attached for the socket's whole life: nothing it emits can go unhandled.
    socket.on("error", fail);

    socket.once("close", () => {
      const err: NodeJS.ErrnoException = new Error("socket closed before the TLS handshake completed");
      err.code = "ECONNRESET";
      fail(err);
    });
  });
}

const CODE_TO_REJECTION: ReadonlyMap<string, Rejection> = new Map<string, Rejection>([
  // dates
  ["CERT_HAS_EXPIRED", "expired"],
  ["CERT_NOT_YET_VALID", "not-yet-valid"],
  // name (checked only after the chain verified)
  ["ERR_TLS_CERT_ALTNAME_INVALID", "wrong-host"],
  // chain
  ["DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed"],
  ["SELF_SIGNED_CERT_IN_CHAIN", "untrusted-root"],
  ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "incomplete-chain"],
  // protocol: server refused us / we refused an old server / our own OpenSSL refused
  ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "old-protocol"],
  ["ERR_SSL_UNSUPPORTED_PROTOCOL", "old-protocol"],
  ["ERR_SSL_NO_PROTOCOLS_AVAILABLE", "old-protocol"],
  // network
  ["ECONNREFUSED", "unreachable"],
  ["ENOTFOUND", "unreachable"],
  ["EHOSTUNREACH", "unreachable"],
  ["ETIMEDOUT", "unreachable"],
  ["ECONNRESET", "unreachable"],
]);

// Say what went wrong, from an error that connectStrict rejected with.
// Classifies by err.code only (never by the message), and never throws.
export function classifyTlsError(err: unknown): Rejection {
  try {
    if (typeof err !== "object" || err === null) return "other";
    const code: unknown = (err as { code?: unknown }).code; // a throwing getter lands in catch
    if (typeof code !== "string") return "other";
    return CODE_TO_REJECTION.get(code) ?? "other";
  } catch {
    return "other";
  }
}
