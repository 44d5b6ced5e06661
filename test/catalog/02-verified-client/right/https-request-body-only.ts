// Right: https.request with verification on and Connection: close; response is the body alone, as the README allows.
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

      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
