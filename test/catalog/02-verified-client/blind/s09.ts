// Lesson 02 · A verified TLS client
// Style: Node-style callback function (err, result) using tls.connect(options, onSecure),
// and a small wrapper that turns it into the Promise the exercise exports.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

type Callback = (err: Error | null, result?: TlsGetResult) => void;

function tlsGetCallback(host: string, port: number, path: string, cb: Callback): void {
  let called = false;
  const finish: Callback = (err, result) => {
    if (called) return;
    called = true;
    if (err) socket.destroy();
    cb(err, result);
  };

  let tlsVersion: string | undefined;
  let issuedTo = "";
  const chunks: Buffer[] = [];

  // The second argument is a "secureConnect" listener: runs only after verification.
  const socket = tls.connect({ host, port, servername: host }, () => {
    tlsVersion = socket.getProtocol() ?? "";
    const cn = socket.getPeerCertificate().subject?.CN;
    issuedTo = cn === undefined ? "" : Array.isArray(cn) ? cn.join(", ") : String(cn);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });

  socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.on("error", (err) => finish(err));
  socket.on("end", () => {
    if (tlsVersion === undefined) {
      finish(new Error("connection closed before the TLS handshake finished"));
    } else {
      finish(null, { tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") });
    }
  });
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise<TlsGetResult>((resolve, reject) => {
    tlsGetCallback(host, port, path, (err, result) => (err ? reject(err) : resolve(result!)));
  });
}
