// Wrong: connects with rejectUnauthorized: false, sends the request, and only rejects at the end if !socket.authorized.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    // verify by hand instead of letting the handshake fail, to get a nicer error
    const socket = tls.connect({ host, port, servername: host, rejectUnauthorized: false });
    const chunks: Buffer[] = [];

    socket.once("secureConnect", () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.once("end", () => {
      if (!socket.authorized) {
        reject(new Error(`certificate not trusted: ${socket.authorizationError}`));
        return;
      }
      const cn = socket.getPeerCertificate().subject?.CN;
      resolve({
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: Array.isArray(cn) ? cn.join(", ") : (cn ?? ""),
        response: Buffer.concat(chunks).toString("utf8"),
      });
    });
    socket.once("error", reject);
  });
}
