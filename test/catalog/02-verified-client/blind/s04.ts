// Lesson 02 · A verified TLS client
// Style: a plain net.Socket connects first (TCP), then tls.connect({ socket }) wraps it
// for the handshake; verification stays on with host as SNI and checked name.
import net from "node:net";
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

function connectTcp(host: string, port: number, ms: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const raw = net.connect({ host, port });
    raw.setTimeout(ms, () => raw.destroy(new Error("timed out")));
    raw.once("connect", () => {
      raw.setTimeout(0);
      raw.removeAllListeners("error");
      resolve(raw);
    });
    raw.once("error", (err) => {
      raw.destroy();
      reject(err);
    });
  });
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  const raw = await connectTcp(host, port, 10_000);

  return new Promise<TlsGetResult>((resolve, reject) => {
    const socket = tls.connect({ socket: raw, host, servername: host });
    const chunks: Buffer[] = [];
    let tlsVersion = "";
    let issuedTo = "";
    let handshakeDone = false;
    let finished = false;

    const fail = (err: Error) => {
      if (finished) return;
      finished = true;
      socket.destroy();
      raw.destroy();
      reject(err);
    };

    socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));
    raw.on("error", fail);
    socket.on("error", fail);

    socket.on("secureConnect", () => {
      handshakeDone = true;
      tlsVersion = socket.getProtocol() ?? "";
      const cn = socket.getPeerCertificate().subject?.CN ?? "";
      issuedTo = Array.isArray(cn) ? cn.join(", ") : cn;
      socket.write(
        ["GET " + path + " HTTP/1.1", "Host: " + host, "Connection: close", "", ""].join("\r\n"),
      );
    });

    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => {
      if (!handshakeDone) return fail(new Error("server closed the connection during the handshake"));
      if (finished) return;
      finished = true;
      resolve({ tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") });
    });
  });
}
