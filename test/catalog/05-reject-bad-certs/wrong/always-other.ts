// Writes connectStrict properly but gives up on the classifier: everything is "other".
import tls from "node:tls";

export type Rejection = "expired" | "not-yet-valid" | "wrong-host" | "self-signed" | "untrusted-root" | "incomplete-chain" | "old-protocol" | "unreachable" | "other";

export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol() ?? "";
      socket.end();
      resolve({ tlsVersion, authorized: true });
    });
    socket.once("error", reject);
  });
}

export function classifyTlsError(err: unknown): Rejection {
  void err;
  return "other";
}
