// Lesson 02 · A verified TLS client
// Style: socket.setEncoding("utf8") + string concatenation; `on` listeners with a settled
// flag; failures are wrapped in an Error that names host:port and keeps the original as `cause`.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise<TlsGetResult>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.setEncoding("utf8"); // the decoder keeps multi-byte characters whole across chunks

    let text = "";
    let tlsVersion = "";
    let issuedTo = "";
    let secure = false;
    let settled = false;

    const fail = (cause: unknown) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const code = (cause as NodeJS.ErrnoException)?.code;
      const msg = cause instanceof Error ? cause.message : String(cause);
      reject(new Error(`tlsGet ${host}:${port} failed: ${code ? code + " " : ""}${msg}`, { cause }));
    };

    socket.setTimeout(15_000);
    socket.on("timeout", () => socket.destroy(new Error("timed out")));

    socket.on("secureConnect", () => {
      secure = true;
      tlsVersion = socket.getProtocol() ?? "";
      const { subject } = socket.getPeerCertificate();
      const cn: string | string[] | undefined = subject?.CN;
      issuedTo = cn === undefined ? "" : typeof cn === "string" ? cn : cn.join(", ");
      socket.write(`GET ${path} HTTP/1.1\r\n`);
      socket.write(`Host: ${host}\r\n`);
      socket.write("Connection: close\r\n\r\n");
    });

    socket.on("data", (piece: string) => {
      text += piece;
    });

    socket.on("end", () => {
      if (!secure) return fail(new Error("connection closed before the TLS handshake finished"));
      if (settled) return;
      settled = true;
      resolve({ tlsVersion, issuedTo, response: text });
    });

    socket.on("error", fail);
  });
}
