// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: events.once() for 'listening' and 'secureConnect' (it rejects on 'error' for free);
// server answers with socket.end(reply); client accumulates Buffers until "\n".
import { once } from "node:events";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

// Listen with TLS on host:port (port 0 = any free port). For each connection read one
// line, reply "securely received: <line>\n", then close that connection.
export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const server = tls.createServer({
    cert: fs.readFileSync(opts.certFile),
    key: fs.readFileSync(opts.keyFile),
  });

  server.on("secureConnection", (socket: tls.TLSSocket) => {
    socket.on("error", () => socket.destroy());
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      if (!chunk.includes(0x0a)) return; // the "\n" has not arrived yet
      socket.off("data", onData);
      const all = Buffer.concat(chunks);
      const line = all.subarray(0, all.indexOf(0x0a)).toString("utf8");
      socket.end(`securely received: ${line}\n`);
    };
    socket.on("data", onData);
  });

  server.listen(opts.port ?? 9443, opts.host ?? "127.0.0.1");
  await once(server, "listening"); // rejects if 'error' (EADDRINUSE, ...) comes first

  const { port } = server.address() as AddressInfo;
  return {
    port,
    async close() {
      server.close();
      await once(server, "close"); // 'close' fires once every connection has ended
    },
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
    await once(socket, "secureConnect"); // rejects on a refused certificate, a wrong name, ECONNREFUSED...
    socket.write(`${message}\n`);

    return await new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        const all = Buffer.concat(chunks);
        const nl = all.indexOf(0x0a);
        if (nl !== -1) resolve(all.subarray(0, nl).toString("utf8"));
      });
      socket.once("end", () => {
        const all = Buffer.concat(chunks);
        if (all.length > 0) resolve(all.toString("utf8"));
        else reject(new Error("server closed without replying"));
      });
      socket.once("error", reject);
      socket.once("close", () => reject(new Error("connection closed before a reply")));
    });
  } finally {
    socket.destroy();
  }
}
