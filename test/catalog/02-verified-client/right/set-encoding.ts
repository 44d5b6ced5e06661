// Right: socket.setEncoding("utf8") and string concatenation, with a timeout of its own.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.setEncoding("utf8");
    socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));

    let response = "";
    let tlsVersion = "";
    let issuedTo = "";

    socket.on("secureConnect", () => {
      tlsVersion = socket.getProtocol() ?? "";
      const { subject } = socket.getPeerCertificate();
      const cn = subject?.CN;
      issuedTo = Array.isArray(cn) ? cn.join(", ") : (cn ?? "");
      socket.write("GET " + path + " HTTP/1.1\r\n" + "Host: " + host + "\r\n" + "Connection: close\r\n" + "\r\n");
    });
    socket.on("data", (text: string) => {
      response += text;
    });
    socket.on("end", () => resolve({ tlsVersion, issuedTo, response }));
    socket.on("error", (err) => {
      socket.destroy();
      reject(err);
    });
  });
}
