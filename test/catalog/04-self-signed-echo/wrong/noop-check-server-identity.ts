// Wrong: trusts caFile but passes checkServerIdentity: () => undefined, which switches the hostname check off.
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const server = tls.createServer({ cert: fs.readFileSync(opts.certFile), key: fs.readFileSync(opts.keyFile) }, (socket) => {
    let buffered = "";
    socket.setEncoding("utf8");
    socket.on("error", () => {});
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf("\n");
      if (end >= 0) socket.end(`securely received: ${buffered.slice(0, end)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 9443, opts.host ?? "127.0.0.1", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 9443, servername: opts.servername ?? "localhost", ca: fs.readFileSync(opts.caFile), checkServerIdentity: () => undefined });
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
