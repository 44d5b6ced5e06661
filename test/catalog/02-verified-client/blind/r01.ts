// Lesson 02 · A verified TLS client
// Style: async/await with events.once, using https.request (verification stays on).
import https from "node:https";
import type http from "node:http";
import type tls from "node:tls";
import { once } from "node:events";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

const TIMEOUT_MS = 15_000;

function commonName(cert: tls.PeerCertificate | undefined): string {
  const cn: unknown = cert?.subject?.CN;
  if (typeof cn === "string") return cn;
  if (Array.isArray(cn)) return cn.length > 0 ? String(cn[0]) : "";
  return "";
}

// Rebuild the status line and headers so `response` holds the whole reply, not only the body.
function head(res: http.IncomingMessage): string {
  let text = `HTTP/${res.httpVersion} ${res.statusCode ?? ""} ${res.statusMessage ?? ""}\r\n`;
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    text += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
  }
  return text + "\r\n";
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  const req = https.request({
    host,
    port,
    path,
    method: "GET",
    servername: host, // SNI and the name the certificate is checked against
    agent: false, // a fresh socket, never pooled
    headers: { Host: host, Connection: "close" },
  });
  // Errors after the response also surface on the body stream; this keeps a late one from crashing.
  req.on("error", () => {});
  req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error("timed out")));

  try {
    const responded = once(req, "response"); // rejects on the request's 'error'
    req.end();
    const [res] = (await responded) as [http.IncomingMessage];

    const socket = res.socket as tls.TLSSocket;
    const tlsVersion = socket.getProtocol() ?? "";
    const issuedTo = commonName(socket.getPeerCertificate());

    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);

    return { tlsVersion, issuedTo, response: head(res) + Buffer.concat(chunks).toString("utf8") };
  } finally {
    req.destroy(); // no socket outlives the call
  }
}
