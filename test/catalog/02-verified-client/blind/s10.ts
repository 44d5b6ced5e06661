// Lesson 02 · A verified TLS client
// Style: write the request and keep our side open until the server has closed (no half-close:
// socket.end(request) was tried first and the lab server then dropped the body of its reply).
// A plain setTimeout timer is the guard; after "end" we close gracefully with socket.end().
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise<TlsGetResult>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    const parts: Buffer[] = [];
    let result: Omit<TlsGetResult, "response"> | null = null;

    const timer = setTimeout(() => socket.destroy(new Error("timed out")), 10_000);

    socket.once("secureConnect", () => {
      const cn = socket.getPeerCertificate().subject?.CN ?? "";
      result = {
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: Array.isArray(cn) ? cn.join(", ") : cn,
      };
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, (err) => {
        if (err) socket.destroy(err);
      });
    });

    socket.on("data", (chunk: Buffer) => parts.push(chunk));

    socket.once("close", () => clearTimeout(timer));

    socket.once("end", () => {
      clearTimeout(timer);
      if (result === null) {
        socket.destroy();
        reject(new Error("connection closed before the TLS handshake finished"));
        return;
      }
      socket.end(); // the server is done; finish our side too
      resolve({ ...result, response: Buffer.concat(parts).toString("utf8") });
    });

    socket.once("error", (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}
