// Lesson 05 · Rejecting bad certificates
// Style: follows err.cause (and AggregateError.errors) when the outer error has no known code.
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

function codeToRejection(code: string): Rejection {
  switch (code) {
    case "CERT_HAS_EXPIRED": return "expired";
    case "CERT_NOT_YET_VALID": return "not-yet-valid";
    case "ERR_TLS_CERT_ALTNAME_INVALID": return "wrong-host";
    case "DEPTH_ZERO_SELF_SIGNED_CERT": return "self-signed";
    case "SELF_SIGNED_CERT_IN_CHAIN": return "untrusted-root";
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE": return "incomplete-chain";
    case "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION":
    case "ERR_SSL_UNSUPPORTED_PROTOCOL": return "old-protocol";
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EHOSTUNREACH":
    case "ETIMEDOUT":
    case "ECONNRESET": return "unreachable";
    default: return "other";
  }
}

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.setTimeout(10_000, () => {
      socket.destroy(Object.assign(new Error(`timed out connecting to ${host}:${port}`), { code: "ETIMEDOUT" }));
    });
    socket.once("secureConnect", () => {
      socket.setTimeout(0);
      const tlsVersion = socket.getProtocol() ?? "unknown";
      socket.end();
      resolve({ tlsVersion, authorized: true });
    });
    socket.on("error", reject);
  });
}

export function classifyTlsError(err: unknown): Rejection {
  try {
    return walk(err);
  } catch {
    return "other"; // never throw, whatever we were handed
  }
}

function walk(err: unknown): Rejection {
  const seen = new Set<unknown>();
  let current: unknown = err;
  // Walk the cause chain (bounded, and cycle-safe).
  for (let depth = 0; depth < 5; depth++) {
    if (typeof current !== "object" || current === null || seen.has(current)) break;
    seen.add(current);
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === "string") {
      const r = codeToRejection(code);
      if (r !== "other") return r;
    }
    // Happy-eyeballs connects can fail with an AggregateError of per-address errors.
    if (Array.isArray(errors)) {
      for (const inner of errors) {
        const r = walk(inner);
        if (r !== "other") return r;
      }
    }
    current = cause;
  }
  return "other";
}
