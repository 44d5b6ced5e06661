// Wrong: a plain net server and client: the same protocol, but every byte crosses the wire in cleartext.
import fs from "node:fs";
import net from "node:net";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

// "TLS can come later": the certificate files are read but not used.
export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  void fs.readFileSync(opts.certFile);
  const server = net.createServer((socket) => {
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
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 9443 });
    let buffered = "";
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(message + "\n"));
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
