// Right: the server buffers raw Buffers until a 0x0a byte, then writes the reply and ends; close() wraps server.close with util.promisify.
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { promisify } from "node:util";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const server = tls.createServer({ cert: fs.readFileSync(opts.certFile), key: fs.readFileSync(opts.keyFile) }, (socket) => {
    const chunks: Buffer[] = [];
    socket.on("error", () => {});
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      const all = Buffer.concat(chunks);
      const nl = all.indexOf(0x0a);
      if (nl < 0) return;
      socket.off("data", onData);
      socket.write(Buffer.concat([Buffer.from("securely received: "), all.subarray(0, nl), Buffer.from("\n")]));
      socket.end();
    };
    socket.on("data", onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 9443, opts.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { port, close: promisify(server.close.bind(server)) as () => Promise<void> };
}

export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 9443, servername: opts.servername ?? "localhost", ca: fs.readFileSync(opts.caFile) });
    let buffered = "";
    socket.setEncoding("utf8");
    socket.once("secureConnect", () => socket.write(message + "\n"));
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf("\n");
      if (end >= 0) {
        resolve(buffered.slice(0, end));
        socket.end();
      }
    });
    socket.once("end", () => reject(new Error("closed before a full line")));
    socket.on("error", reject);
  });
}
