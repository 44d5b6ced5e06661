// Right: tls.connect(options, callback), where the callback is the 'secureConnect' listener.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = tls.connect({ host, port, servername: host }, () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      const tlsVersion = socket.getProtocol() ?? "";
      const issuedTo = typeof cn === "string" ? cn : Array.isArray(cn) ? cn.join(", ") : "";
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      socket.on("end", () => resolve({ tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") }));
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (err) => {
      socket.destroy();
      reject(err);
    });
  });
}
