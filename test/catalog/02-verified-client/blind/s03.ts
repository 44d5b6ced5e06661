// Lesson 02 · A verified TLS client
// Style: https.get with agent: false and Connection: close; the body (decoded with
// setEncoding) is what ends up in `response`, as the README asks for the https route.
import * as https from "node:https";
import type { TLSSocket } from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

const TIMEOUT_MS = 8000;

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise<TlsGetResult>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(err);
    };

    const req = https.get(
      { hostname: host, port, path, servername: host, agent: false, headers: { Connection: "close" } },
      (res) => {
        const tlsSocket = res.socket as TLSSocket;
        const tlsVersion = tlsSocket.getProtocol() ?? "";
        const subject = tlsSocket.getPeerCertificate().subject;
        const cn = subject?.CN;
        const issuedTo = typeof cn === "string" ? cn : Array.isArray(cn) ? (cn[0] ?? "") : "";

        let body = "";
        res.setEncoding("utf8");
        res.on("data", (text: string) => (body += text));
        res.on("end", () => {
          if (settled) return;
          settled = true;
          resolve({ tlsVersion, issuedTo, response: body });
        });
        res.on("error", fail);
      },
    );
    req.setTimeout(TIMEOUT_MS, () => fail(new Error("timed out")));
    req.on("error", fail);
  });
}
