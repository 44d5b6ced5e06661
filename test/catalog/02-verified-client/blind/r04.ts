// Lesson 02 · A verified TLS client
// Style: positional tls.connect(port, host, options); request sent with socket.end(request).
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

const CRLF = "\r\n";

function buildRequest(host: string, path: string): string {
  return `GET ${path} HTTP/1.1${CRLF}` + `Host: ${host}${CRLF}` + `Connection: close${CRLF}` + CRLF;
}

function cnToString(cn: string | string[] | undefined): string {
  if (cn === undefined) return "";
  return typeof cn === "string" ? cn : (cn[0] ?? "");
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  const socket = tls.connect(port, host, { servername: host });
  socket.setTimeout(15_000, () => socket.destroy(new Error("timed out")));

  return new Promise<TlsGetResult>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let info: { tlsVersion: string; issuedTo: string } | null = null;

    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      info = {
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: cnToString(cert.subject?.CN as string | string[] | undefined),
      };
      // Write, then half-close: the server still sends its whole reply.
      socket.end(buildRequest(host, path));
    });

    socket.on("data", (chunk: Buffer) => chunks.push(chunk));

    socket.once("end", () => {
      if (info === null) {
        socket.destroy();
        reject(new Error("connection ended before a verified handshake"));
        return;
      }
      resolve({ ...info, response: Buffer.concat(chunks).toString("utf8") });
    });

    socket.on("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      reject(err);
    });

    socket.once("close", () => reject(new Error("connection closed before the reply ended")));
  });
}
