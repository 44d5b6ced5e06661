// Wrong: servername and Host are hard-coded to "localhost", which happens to be right for the lab but not for any other host.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: "localhost" });
    const chunks: Buffer[] = [];
    let tlsVersion = "";
    let issuedTo = "";

    socket.once("secureConnect", () => {
      tlsVersion = socket.getProtocol() ?? "";
      const cn = socket.getPeerCertificate().subject?.CN;
      issuedTo = Array.isArray(cn) ? cn.join(", ") : (cn ?? "");
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.once("end", () => resolve({ tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") }));
    socket.once("error", reject);
  });
}
