// Wrong: the server answers the first 'data' chunk as if it were the whole line, without waiting for "\n".
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const { port = 9443, host = "127.0.0.1" } = opts;
  const server = tls.createServer({ cert: fs.readFileSync(opts.certFile), key: fs.readFileSync(opts.keyFile) }, (socket) => {
    let buffered = "";
    let replied = false;
    socket.setEncoding("utf8");
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on("data", (chunk: string) => {
      if (replied) return;
      replied = true;
      buffered = chunk.replace(/\n$/, "");
      socket.end(`securely received: ${buffered}\n`);
    });
    // A client that hangs up early is its business, not a reason to crash the server.
    socket.on("error", () => {});
  });
  // A handshake that fails (a client that does not trust us) is reported here; nothing to do.
  server.on("tlsClientError", () => {});

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  const { port = 9443, host = "127.0.0.1", servername = "localhost" } = opts;
  // Verification stays on: the chain must end in the one certificate we trust, and it
  // must name `servername`.
  const ca = fs.readFileSync(opts.caFile);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername, ca });
    let buffered = "";
    socket.setEncoding("utf8");
    socket.setTimeout(10_000, () => socket.destroy(new Error("timed out waiting for the reply")));
    socket.once("secureConnect", () => socket.write(message + "\n"));
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf("\n");
      if (end >= 0) {
        resolve(buffered.slice(0, end));
        socket.end();
      }
    });
    // After a resolve these do nothing: a promise settles once.
    socket.once("end", () => reject(new Error(`the server closed the connection before a full line (got ${JSON.stringify(buffered)})`)));
    socket.on("error", reject);
  });
}
