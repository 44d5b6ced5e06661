// Lesson 02 · A verified TLS client
// Style: node:readline over the decrypted socket. Each line is collected and the text is put
// back together with CRLF (the HTTP line ending). The interface closes when the socket ends.
import readline from "node:readline";
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise<TlsGetResult>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    let settled = false;
    socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));

    socket.on("error", (err) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(err);
    });

    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol() ?? "";
      const cn = socket.getPeerCertificate().subject?.CN;
      const issuedTo = typeof cn === "string" ? cn : Array.isArray(cn) ? cn.join(", ") : "";

      socket.setEncoding("utf8");
      const rl = readline.createInterface({ input: socket, crlfDelay: Infinity });
      const lines: string[] = [];
      rl.on("line", (line) => lines.push(line));
      rl.once("close", () => {
        // readline also closes when the socket is destroyed by an error; the error wins.
        setImmediate(() => {
          if (settled) return;
          settled = true;
          resolve({ tlsVersion, issuedTo, response: lines.join("\r\n") });
        });
      });

      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });

    // A server that hangs up before the handshake: "end" comes first, then "error".
    socket.once("end", () => {
      if (!socket.authorized && !settled) {
        setImmediate(() => {
          if (settled) return;
          settled = true;
          socket.destroy();
          reject(new Error("connection closed before the TLS handshake finished"));
        });
      }
    });
  });
}
