// Lesson 02 · A verified TLS client
// Style: defensive. Idle timeout plus an overall deadline, settle exactly once, and one
// cleanup routine (clear timers, destroy the socket) that runs on every path, success included.
import tls from "node:tls";
import net from "node:net";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

const IDLE_TIMEOUT_MS = 10_000; // no bytes in either direction for this long: give up
const DEADLINE_MS = 30_000; // the whole exchange, however chatty the server
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

function commonName(cert: tls.PeerCertificate | undefined): string {
  const subject: unknown = cert?.subject;
  if (typeof subject !== "object" || subject === null) return "";
  const cn: unknown = (subject as Record<string, unknown>)["CN"];
  if (typeof cn === "string") return cn;
  if (Array.isArray(cn)) {
    const first: unknown = cn[0];
    return typeof first === "string" ? first : "";
  }
  return "";
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise<TlsGetResult>((resolve, reject) => {
    // Refuse header injection before anything touches the network.
    if (/[\r\n]/.test(host) || /[\r\n]/.test(path)) {
      reject(new TypeError("host and path must not contain CR or LF"));
      return;
    }

    let settled = false;
    let secured = false;
    let tlsVersion = "";
    let issuedTo = "";
    let received = 0;
    const chunks: Buffer[] = [];

    const socket = tls.connect({
      host,
      port,
      // SNI must be a DNS name; for an IP literal Node checks the IP SAN against `host`.
      servername: net.isIP(host) === 0 ? host : undefined,
      // Verification is Node's default; nothing here loosens it.
    });

    const deadline = setTimeout(() => {
      socket.destroy(new Error(`timed out after ${DEADLINE_MS} ms`));
    }, DEADLINE_MS);

    const cleanup = (): void => {
      clearTimeout(deadline);
      socket.setTimeout(0);
      socket.destroy();
    };

    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(err);
    };

    const succeed = (result: TlsGetResult): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(result);
    };

    socket.setTimeout(IDLE_TIMEOUT_MS, () => {
      socket.destroy(new Error(`timed out: no activity for ${IDLE_TIMEOUT_MS} ms`));
    });

    socket.once("secureConnect", () => {
      // Belt and braces: with verification on this is always true here.
      if (!socket.authorized) {
        fail(socket.authorizationError ?? new Error("server certificate not authorized"));
        return;
      }
      secured = true;
      tlsVersion = socket.getProtocol() ?? "";
      issuedTo = commonName(socket.getPeerCertificate());
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });

    socket.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_RESPONSE_BYTES) {
        fail(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });

    socket.once("end", () => {
      if (!secured) {
        fail(new Error("connection ended before the TLS handshake completed"));
        return;
      }
      succeed({ tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") });
    });

    // Kept for the socket's whole life, so a late error is never unhandled.
    socket.on("error", (err: Error) => fail(err));

    socket.once("close", () => {
      fail(new Error("connection closed before the reply was complete"));
    });
  });
}
