// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: class-based. A SecureEchoServer class implements EchoServer; a SecureLineClient class
// wraps one client connection. Text handled as utf8 strings via setEncoding.
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

class SecureEchoServer implements EchoServer {
  private readonly server: tls.Server;
  port = 0;

  constructor(cert: Buffer, key: Buffer) {
    this.server = tls.createServer({ cert, key }, (socket) => this.onConnection(socket));
  }

  private onConnection(socket: tls.TLSSocket): void {
    let pending = "";
    let replied = false;
    socket.setEncoding("utf8");
    socket.on("error", () => {
      // the client may hang up at any moment; that is its business
    });
    socket.on("data", (chunk: string) => {
      if (replied) return;
      pending += chunk;
      const end = pending.indexOf("\n");
      if (end >= 0) {
        replied = true;
        socket.end(SecureEchoServer.reply(pending.slice(0, end)));
      }
    });
  }

  static reply(line: string): string {
    return `securely received: ${line}\n`;
  }

  listen(port: number, host: string): Promise<this> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.removeListener("error", reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve(this);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
    });
  }
}

class SecureLineClient {
  private readonly socket: tls.TLSSocket;
  private received = "";

  constructor(options: tls.ConnectionOptions) {
    this.socket = tls.connect(options);
    this.socket.setEncoding("utf8");
  }

  exchange(line: string): Promise<string> {
    const socket = this.socket;
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        fn();
      };
      socket.once("secureConnect", () => {
        socket.write(line + "\n");
      });
      socket.on("data", (chunk: string) => {
        this.received += chunk;
        const end = this.received.indexOf("\n");
        if (end >= 0) {
          const reply = this.received.slice(0, end);
          settle(() => resolve(reply));
        }
      });
      socket.once("end", () => {
        const rest = this.received;
        settle(() => (rest ? resolve(rest) : reject(new Error("server hung up without a reply"))));
      });
      socket.once("close", () => settle(() => reject(new Error("connection closed"))));
      socket.on("error", (err) => settle(() => reject(err)));
    });
  }
}

// Listen with TLS on host:port (port 0 = any free port). For each connection read one
// line, reply "securely received: <line>\n", then close that connection.
export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const server = new SecureEchoServer(fs.readFileSync(opts.certFile), fs.readFileSync(opts.keyFile));
  return server.listen(opts.port ?? 9443, opts.host ?? "127.0.0.1");
}

// Connect with verification on, trusting exactly the certificate in caFile and checking
// the hostname against servername; send message + "\n"; return the reply line without "\n".
export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  const client = new SecureLineClient({
    host: opts.host ?? "127.0.0.1",
    port: opts.port ?? 9443,
    servername: opts.servername ?? "localhost",
    ca: fs.readFileSync(opts.caFile),
  });
  return client.exchange(message);
}
