// Lesson 05 · Rejecting bad certificates
// Style: a class (StrictTlsClient) holding the timeout and the code table; the exported
// functions delegate to one shared instance.
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

class StrictTlsClient {
  private static readonly table: ReadonlyMap<string, Rejection> = new Map<string, Rejection>([
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

  constructor(private readonly timeoutMs: number) {}

  connect(host: string, port: number): Promise<{ tlsVersion: string; authorized: true }> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host, port, servername: host });
      socket.setTimeout(this.timeoutMs, () => socket.destroy(this.timeoutError(host, port)));
      socket.once("secureConnect", () => {
        socket.setTimeout(0);
        const tlsVersion = socket.getProtocol();
        socket.end();
        if (tlsVersion) resolve({ tlsVersion, authorized: true });
        else reject(new Error("no protocol negotiated"));
      });
      socket.on("error", (e) => reject(e));
    });
  }

  classify(err: unknown): Rejection {
    if (!StrictTlsClient.hasStringCode(err)) return "other";
    let code: string;
    try {
      code = err.code; // read once more: a getter may behave differently the second time
    } catch {
      return "other";
    }
    return typeof code === "string" ? StrictTlsClient.table.get(code) ?? "other" : "other";
  }

  private static hasStringCode(x: unknown): x is { code: string } {
    try {
      return typeof x === "object" && x !== null && typeof (x as { code?: unknown }).code === "string";
    } catch {
      return false;
    }
  }

  private timeoutError(host: string, port: number): NodeJS.ErrnoException {
    const e: NodeJS.ErrnoException = new Error(`${host}:${port} did not complete a handshake in ${this.timeoutMs} ms`);
    e.code = "ETIMEDOUT";
    return e;
  }
}

const client = new StrictTlsClient(10_000);

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return client.connect(host, port);
}

export function classifyTlsError(err: unknown): Rejection {
  return client.classify(err);
}
