// Right: the server is a class with a port field and a close() method; the client reads the reply with for await and events.once.
import { once } from "node:events";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

class TlsEcho implements EchoServer {
  port = 0;
  private readonly server: tls.Server;

  constructor(cert: Buffer, key: Buffer) {
    this.server = tls.createServer({ cert, key }, (socket) => this.serve(socket));
  }

  private serve(socket: tls.TLSSocket): void {
    socket.on("error", () => {});
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      const nl = text.indexOf("\n");
      // Not a for-await loop here: leaving one early destroys the socket before the reply is out.
      if (nl >= 0 && socket.writable) socket.end(`securely received: ${text.slice(0, nl)}\n`);
    });
  }

  async listen(port: number, host: string): Promise<this> {
    this.server.listen(port, host);
    await once(this.server, "listening");
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }
}

export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const echo = new TlsEcho(fs.readFileSync(opts.certFile), fs.readFileSync(opts.keyFile));
  return echo.listen(opts.port ?? 9443, opts.host ?? "127.0.0.1");
}

export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  const socket = tls.connect({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 9443, servername: opts.servername ?? "localhost", ca: fs.readFileSync(opts.caFile) });
  try {
    await once(socket, "secureConnect");
    socket.write(message + "\n");
    let text = "";
    for await (const chunk of socket) {
      text += (chunk as Buffer).toString("utf8");
      const nl = text.indexOf("\n");
      if (nl >= 0) return text.slice(0, nl);
    }
    throw new Error(`the server closed without a full line (got ${JSON.stringify(text)})`);
  } finally {
    socket.end();
  }
}
