// Wrong: checks socket.authorized in the TCP 'connect' handler, before the handshake has finished, so it always rejects.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    const chunks: Buffer[] = [];

    socket.on("connect", () => {
      // make sure we only talk to a trusted server
      if (!socket.authorized) {
        socket.destroy();
        reject(new Error(`untrusted server: ${socket.authorizationError ?? "not authorized"}`));
        return;
      }
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      resolve({
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: Array.isArray(cn) ? cn.join(", ") : (cn ?? ""),
        response: Buffer.concat(chunks).toString("utf8"),
      });
    });
    socket.on("error", reject);
  });
}
