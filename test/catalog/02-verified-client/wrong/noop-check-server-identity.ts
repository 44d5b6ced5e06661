// Wrong: passes checkServerIdentity: () => undefined, which turns the hostname check off.
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: host,
      // the chain is still checked, we just don't care what name is on it
      checkServerIdentity: () => undefined,
    });
    let response = "";
    let tlsVersion = "";
    let issuedTo = "";

    socket.on("secureConnect", () => {
      tlsVersion = socket.getProtocol() ?? "";
      const cn = socket.getPeerCertificate().subject?.CN;
      issuedTo = Array.isArray(cn) ? cn[0] : (cn ?? "");
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (response += chunk));
    socket.on("end", () => resolve({ tlsVersion, issuedTo, response }));
    socket.on("error", reject);
  });
}
