// Lesson 02 · A verified TLS client
// Style: plain tls.connect with event listeners inside a Promise, Buffer.concat once at the end.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

function cnToString(cn: string | string[] | undefined): string {
  if (cn === undefined) return "";
  return Array.isArray(cn) ? cn.join(", ") : cn;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise<TlsGetResult>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    const chunks: Buffer[] = [];
    let tlsVersion = "";
    let issuedTo = "";
    let secured = false;

    socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));

    socket.once("secureConnect", () => {
      secured = true;
      tlsVersion = socket.getProtocol() ?? "";
      issuedTo = cnToString(socket.getPeerCertificate().subject?.CN);
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });

    socket.on("data", (chunk: Buffer) => chunks.push(chunk));

    socket.once("end", () => {
      if (!secured) {
        socket.destroy();
        reject(new Error("connection closed before the TLS handshake finished"));
        return;
      }
      resolve({ tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") });
    });

    socket.once("error", (err) => {
      socket.destroy();
      reject(err);
    });
  });
}
