// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: fully async/await. All PEM files are read with fs.promises.readFile (also the ca);
// small promise helpers; server replies with socket.end(reply); client resolves at the "\n".
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

const REPLY_PREFIX = "securely received: ";

function onOneLine(socket: tls.TLSSocket, handler: (line: string) => void): void {
  let acc = "";
  const onData = (chunk: string) => {
    acc += chunk;
    const idx = acc.indexOf("\n");
    if (idx === -1) return;
    socket.removeListener("data", onData);
    handler(acc.slice(0, idx));
  };
  socket.setEncoding("utf8");
  socket.on("data", onData);
}

// Listen with TLS on host:port (port 0 = any free port). For each connection read one
// line, reply "securely received: <line>\n", then close that connection.
export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const [cert, key] = await Promise.all([readFile(opts.certFile), readFile(opts.keyFile)]);
  const server = tls.createServer({ cert, key }, (socket) => {
    socket.on("error", () => {}); // a vanished client must not take the server down
    onOneLine(socket, (line) => socket.end(REPLY_PREFIX + line + "\n"));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject).listen(opts.port ?? 9443, opts.host ?? "127.0.0.1", () => {
      server.removeListener("error", reject);
      resolve();
    });
  });

  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

// Connect with verification on, trusting exactly the certificate in caFile and checking
// the hostname against servername; send message + "\n"; return the reply line without "\n".
export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  const ca = await readFile(opts.caFile); // the certificate's contents, not its path
  const socket = tls.connect({
    host: opts.host ?? "127.0.0.1",
    port: opts.port ?? 9443,
    servername: opts.servername ?? "localhost",
    ca,
  });

  try {
    return await new Promise<string>((resolve, reject) => {
      socket.once("error", reject);
      socket.once("secureConnect", () => {
        onOneLine(socket, resolve);
        socket.write(message + "\n");
      });
      socket.once("end", () => reject(new Error("server closed the connection before a full reply line")));
    });
  } finally {
    socket.destroy();
  }
}
