// Right: the server reads the line with readline on the TLS socket and replies with socket.end(...).
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import readline from "node:readline";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

export async function startEchoServer({ certFile, keyFile, port = 9443, host = "127.0.0.1" }: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const server = tls.createServer({ cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8") });
  server.on("secureConnection", (socket) => {
    socket.on("error", () => {});
    const lines = readline.createInterface({ input: socket, crlfDelay: Infinity });
    lines.once("line", (line) => {
      lines.close();
      socket.end(`securely received: ${line}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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
