// Lesson 05 · Rejecting bad certificates
// Style: Node-style callbacks (err-first) underneath, promisified at the edge.
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

type Done = (err: Error | null, tlsVersion?: string) => void;

function handshake(host: string, port: number, timeoutMs: number, done: Done): void {
  let called = false;
  const callback: Done = (err, v) => {
    if (called) return;
    called = true;
    done(err, v);
  };

  const socket = tls.connect({ host, port, servername: host }, function onSecure() {
    socket.setTimeout(0);
    const v = socket.getProtocol();
    socket.end();
    callback(null, v ?? "unknown");
  });
  socket.setTimeout(timeoutMs, function onIdle() {
    const e: NodeJS.ErrnoException = new Error(`no answer from ${host}:${port} in ${timeoutMs} ms`);
    e.code = "ETIMEDOUT";
    socket.destroy(e);
  });
  socket.on("error", function onError(err) {
    callback(err);
  });
}

export function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    handshake(host, port, 10_000, (err, tlsVersion) => {
      if (err) reject(err);
      else resolve({ tlsVersion: tlsVersion as string, authorized: true });
    });
  });
}

const groups: Array<{ codes: readonly string[]; is: Rejection }> = [
  { codes: ["CERT_HAS_EXPIRED"], is: "expired" },
  { codes: ["CERT_NOT_YET_VALID"], is: "not-yet-valid" },
  { codes: ["ERR_TLS_CERT_ALTNAME_INVALID"], is: "wrong-host" },
  { codes: ["DEPTH_ZERO_SELF_SIGNED_CERT"], is: "self-signed" },
  { codes: ["SELF_SIGNED_CERT_IN_CHAIN"], is: "untrusted-root" },
  { codes: ["UNABLE_TO_VERIFY_LEAF_SIGNATURE"], is: "incomplete-chain" },
  { codes: ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL"], is: "old-protocol" },
  { codes: ["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET"], is: "unreachable" },
];

export function classifyTlsError(err: unknown): Rejection {
  try {
    const code = err != null && typeof err === "object" ? (err as NodeJS.ErrnoException).code : undefined;
    if (typeof code !== "string") return "other";
    return groups.find((g) => g.codes.includes(code))?.is ?? "other";
  } catch {
    return "other";
  }
}
