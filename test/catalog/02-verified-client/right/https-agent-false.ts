// Right: https.get with agent: false (Node then sends Connection: close itself), keeping the status line and body.
import https from "node:https";
import type { TLSSocket } from "node:tls";

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    https
      .get({ host, port, path, agent: false }, (res) => {
        const socket = res.socket as TLSSocket;
        const tlsVersion = socket.getProtocol() ?? "";
        const cn = socket.getPeerCertificate().subject?.CN;
        const issuedTo = Array.isArray(cn) ? cn.join(", ") : (cn ?? "");
        const headers = Object.entries(res.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`);
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (s: string) => (body += s));
        res.on("end", () => {
          const statusLine = `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`;
          resolve({ tlsVersion, issuedTo, response: [statusLine, ...headers, "", body].join("\r\n") });
        });
      })
      .on("error", reject);
  });
}
