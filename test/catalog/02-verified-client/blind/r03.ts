// Lesson 02 · A verified TLS client
// Style: callback form tls.connect(options, secureConnectListener), setEncoding("utf8").
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

function subjectCN(cert: tls.PeerCertificate): string {
  const cn = (cert.subject as { CN?: string | string[] } | undefined)?.CN;
  if (Array.isArray(cn)) return cn[0] ?? "";
  return cn ?? "";
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    let tlsVersion: string | undefined; // stays undefined until the handshake verified
    let issuedTo = "";
    let response = "";

    const socket = tls.connect({ host, port, servername: host }, () => {
      tlsVersion = socket.getProtocol() ?? "";
      issuedTo = subjectCN(socket.getPeerCertificate());
      const request = [`GET ${path} HTTP/1.1`, `Host: ${host}`, "Connection: close", "", ""].join("\r\n");
      socket.write(request);
    });

    socket.setEncoding("utf8"); // the decoder keeps split multi-byte characters intact
    socket.setTimeout(15_000, () => socket.destroy(new Error("timed out")));

    socket.on("data", (text: string) => {
      response += text;
    });
    socket.on("end", () => {
      if (tlsVersion === undefined) {
        socket.destroy();
        reject(new Error("server closed the connection before the handshake finished"));
        return;
      }
      resolve({ tlsVersion, issuedTo, response });
    });
    socket.on("error", (err) => {
      socket.destroy();
      reject(err);
    });
    // After a resolve or reject this is a no-op; otherwise it stops a silent close from hanging us.
    socket.on("close", () => reject(new Error("connection closed unexpectedly")));
  });
}
