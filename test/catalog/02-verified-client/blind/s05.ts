// Lesson 02 · A verified TLS client
// Style: async/await with events.once(socket, "secureConnect") and events.once(socket, "end");
// once() rejects with the socket's own error if "error" fires while it waits.
import { once } from "node:events";
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  const socket = tls.connect({ host, port, servername: host });
  socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));

  try {
    await once(socket, "secureConnect");

    const tlsVersion = socket.getProtocol() ?? "";
    const cn = socket.getPeerCertificate().subject?.CN;
    const issuedTo = cn == null ? "" : ([] as string[]).concat(cn).join(", ");

    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    const ended = once(socket, "end");
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    await ended;

    return { tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") };
  } finally {
    // Success or failure, nothing stays open (and no late "error" can go unheard).
    socket.destroy();
  }
}
