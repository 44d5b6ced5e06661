// Wrong: resolves on the first 'data' chunk instead of collecting every chunk until 'end'.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.once("secureConnect", () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.once("data", (chunk: Buffer) => {
      const cn = socket.getPeerCertificate().subject?.CN;
      resolve({ tlsVersion: socket.getProtocol() ?? "", issuedTo: Array.isArray(cn) ? cn.join(", ") : (cn ?? ""), response: chunk.toString("utf8") });
      socket.end();
    });
    socket.once("error", reject);
  });
}
