// Right: https.request with verification on and Connection: close, rebuilding the status line, headers and body as text.
import https from "node:https";
import type { TLSSocket } from "node:tls";

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host, port, path, method: "GET", headers: { Connection: "close" } }, (res) => {
      const socket = res.socket as TLSSocket;
      const tlsVersion = socket.getProtocol() ?? "";
      const cn = socket.getPeerCertificate().subject?.CN;
      const issuedTo = Array.isArray(cn) ? cn.join(", ") : (cn ?? "");

      let head = `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}\r\n`;
      for (let i = 0; i < res.rawHeaders.length; i += 2) head += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
      head += "\r\n";

      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ tlsVersion, issuedTo, response: head + Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
