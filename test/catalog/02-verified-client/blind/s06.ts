// Lesson 02 · A verified TLS client
// Style: async iteration over the socket, `for await (const chunk of socket)`, after the
// handshake has been awaited; a setTimeout on the socket guards against silent servers.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

function handshake(socket: tls.TLSSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      socket.off("secureConnect", onSecure);
      reject(err);
    };
    const onSecure = () => {
      socket.off("error", onError);
      resolve();
    };
    socket.once("error", onError);
    socket.once("secureConnect", onSecure);
  });
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  const socket = tls.connect({ host, port, servername: host });
  socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));
  try {
    await handshake(socket);

    const tlsVersion = socket.getProtocol() ?? "";
    const subject = socket.getPeerCertificate().subject;
    const cn = subject ? subject.CN : undefined;
    const issuedTo = Array.isArray(cn) ? cn.join(", ") : (cn ?? "");

    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer); // throws on socket error
    return { tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") };
  } catch (err) {
    socket.destroy();
    throw err;
  }
}
