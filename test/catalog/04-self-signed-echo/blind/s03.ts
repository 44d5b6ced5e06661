// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: async iteration. The server reads each connection with `for await (const chunk of socket)`,
// concatenating Buffers until a "\n" shows up; the client reads its reply the same way.
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

/** Read from a stream until the first "\n"; returns the bytes before it, or null if the stream ended first. */
async function readLine(socket: tls.TLSSocket): Promise<{ line: Buffer | null; rest: Buffer }> {
  let buffered = Buffer.alloc(0);
  // destroyOnReturn: false, so leaving the loop early does not tear the socket down:
  // the server still has to send its reply on it.
  for await (const chunk of socket.iterator({ destroyOnReturn: false })) {
    buffered = Buffer.concat([buffered, chunk as Buffer]);
    const nl = buffered.indexOf(0x0a);
    if (nl !== -1) return { line: buffered.subarray(0, nl), rest: buffered };
  }
  return { line: null, rest: buffered };
}

async function handle(socket: tls.TLSSocket): Promise<void> {
  try {
    const { line } = await readLine(socket);
    if (line === null) {
      socket.end(); // the client left without finishing a line
      return;
    }
    socket.end(`securely received: ${line.toString("utf8")}\n`);
  } catch {
    socket.destroy(); // e.g. ECONNRESET: nothing to answer
  }
}

// Listen with TLS on host:port (port 0 = any free port). For each connection read one
// line, reply "securely received: <line>\n", then close that connection.
export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const server = tls.createServer({ cert: fs.readFileSync(opts.certFile), key: fs.readFileSync(opts.keyFile) }, (socket) => {
    socket.on("error", () => {}); // belt and braces: errors never crash the server
    void handle(socket);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(opts.port ?? 9443, opts.host ?? "127.0.0.1", () => {
      server.off("error", onError);
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
  const socket = tls.connect({
    host: opts.host ?? "127.0.0.1",
    port: opts.port ?? 9443,
    servername: opts.servername ?? "localhost",
    ca: fs.readFileSync(opts.caFile),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", () => {
        socket.off("error", reject);
        resolve();
      });
      socket.once("error", reject);
    });
    socket.write(message + "\n");
    const { line, rest } = await readLine(socket);
    if (line !== null) return line.toString("utf8");
    if (rest.length > 0) return rest.toString("utf8"); // server closed without "\n"
    throw new Error("server closed the connection without replying");
  } finally {
    socket.destroy();
  }
}
