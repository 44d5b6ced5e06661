// Lesson 02 · A verified TLS client — terse, via https.get (verification on, agent: false).
import https from "node:https";
import type tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text (here: the body)
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    const opts = { host, port, path, servername: host, agent: false, headers: { Connection: "close" } };
    const req = https.get(opts, (res) => {
      const s = res.socket as tls.TLSSocket;
      const cn: unknown = s.getPeerCertificate().subject?.CN;
      const tlsVersion = s.getProtocol() ?? "";
      const issuedTo = typeof cn === "string" ? cn : Array.isArray(cn) ? String(cn[0] ?? "") : "";
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject).setTimeout(15_000, () => req.destroy(new Error("timed out")));
  });
}
