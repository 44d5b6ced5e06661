// Right: async/await with once(socket, "secureConnect") from node:events and `for await` over the socket.
import { once } from "node:events";
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  const socket = tls.connect({ host, port, servername: host });
  try {
    // once() rejects if 'error' comes first: a bad certificate or a refused port ends up here.
    await once(socket, "secureConnect");
    const tlsVersion = socket.getProtocol() ?? "";
    const cn = socket.getPeerCertificate().subject?.CN;
    const issuedTo = Array.isArray(cn) ? cn.join(", ") : (cn ?? "");

    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);

    return { tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") };
  } finally {
    socket.destroy();
  }
}
