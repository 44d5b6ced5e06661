// Lesson 02 · A verified TLS client
// Style: https.request (verification on, agent: false, Connection: close). Node parses the
// reply, so the status line and headers are rebuilt from rawHeaders and the body appended,
// giving back everything the server sent.
import https from "node:https";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise<TlsGetResult>((resolve, reject) => {
    const req = https.request(
      {
        host,
        port,
        path,
        method: "GET",
        servername: host, // SNI + name checked (the default too, but be explicit)
        headers: { Host: host, Connection: "close" },
        agent: false, // a fresh socket that is not pooled
        timeout: 10_000,
      },
      (res: IncomingMessage) => {
        const socket = res.socket as TLSSocket;
        const tlsVersion = socket.getProtocol() ?? "";
        const cn = socket.getPeerCertificate().subject?.CN;
        const issuedTo = cn === undefined ? "" : Array.isArray(cn) ? cn.join(", ") : cn;

        let head = `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage ?? ""}\r\n`;
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          head += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
        }
        head += "\r\n";

        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.once("end", () => {
          resolve({ tlsVersion, issuedTo, response: head + Buffer.concat(chunks).toString("utf8") });
        });
        res.once("error", (err) => {
          req.destroy();
          reject(err);
        });
      },
    );
    req.once("timeout", () => req.destroy(new Error("timed out")));
    req.once("error", (err) => {
      req.destroy();
      reject(err);
    });
    req.end();
  });
}
