// Lesson 02 · A verified TLS client
// Style: new Promise with socket.on handlers and a settled flag.
import tls from "node:tls";

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

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise<TlsGetResult>((resolve, reject) => {
    let settled = false;
    let secured = false;
    let tlsVersion = "";
    let issuedTo = "";
    const chunks: Buffer[] = [];

    const socket = tls.connect({ host, port, servername: host });

    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(err);
    };

    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error("timed out")));

    socket.on("secureConnect", () => {
      // Only reached when chain, name and dates verified.
      secured = true;
      tlsVersion = socket.getProtocol() ?? "";
      issuedTo = commonName(socket.getPeerCertificate());
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });

    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
    });

    socket.on("end", () => {
      if (settled) return;
      if (!secured) {
        fail(new Error("connection ended before the TLS handshake completed"));
        return;
      }
      settled = true;
      resolve({ tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") });
    });

    socket.on("error", (err: Error) => fail(err));

    socket.on("close", () => {
      if (!settled) fail(new Error("connection closed before the reply was complete"));
    });
  });
}
