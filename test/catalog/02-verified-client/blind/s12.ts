// Lesson 02 · A verified TLS client
// Style: await the handshake, then read the whole stream with text() from
// node:stream/consumers; a Promise.race with a timer is the guard against silent servers.
import { text } from "node:stream/consumers";
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

const LIMIT_MS = 10_000;

function connectVerified(host: string, port: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host, rejectUnauthorized: true });
    const timer = setTimeout(() => socket.destroy(new Error("timed out")), LIMIT_MS);
    const onError = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once("error", onError);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      socket.off("error", onError);
      if (!socket.authorized) {
        // Never true with rejectUnauthorized on, but a cheap belt-and-braces check.
        onError(new Error(`not authorized: ${socket.authorizationError}`));
        return;
      }
      resolve(socket);
    });
  });
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  const socket = await connectVerified(host, port);
  let timer: NodeJS.Timeout | undefined;
  try {
    const tlsVersion = socket.getProtocol() ?? "";
    const rawCn = socket.getPeerCertificate().subject?.CN;
    const issuedTo = [rawCn ?? []].flat().join(", ");

    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timed out")), LIMIT_MS);
    });
    const response = await Promise.race([text(socket), guard]);
    return { tlsVersion, issuedTo, response };
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}
