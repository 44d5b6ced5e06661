// Wrong: lowers the process-wide minimum to TLS 1.0 (and the security level with it) "so old
// servers work too": a TLS 1.0-only server is then accepted.
import tls from "node:tls";

tls.DEFAULT_MIN_VERSION = "TLSv1";

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    // Verification is on by default: the chain must reach a trusted root and the
    // certificate must name `servername`, which is also sent as SNI.
    const socket = tls.connect({ host, port, servername: host, ciphers: "DEFAULT@SECLEVEL=0" });
    const chunks: Buffer[] = [];
    let tlsVersion = "";
    let issuedTo = "";

    socket.once("secureConnect", () => {
      tlsVersion = socket.getProtocol() ?? "";
      const cn = socket.getPeerCertificate().subject?.CN;
      issuedTo = Array.isArray(cn) ? cn.join(", ") : (cn ?? "");
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.once("end", () => resolve({ tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") }));
    socket.once("error", reject);
  });
}
