// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: readline.createInterface on the TLS socket, on both sides (server reads its one line
// with rl.once("line"), client reads the reply line the same way).
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import readline from "node:readline";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

const DEFAULT_PORT = 9443;
const DEFAULT_HOST = "127.0.0.1";

// Listen with TLS on host:port (port 0 = any free port). For each connection read one
// line, reply "securely received: <line>\n", then close that connection.
export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const key = fs.readFileSync(opts.keyFile);
  const cert = fs.readFileSync(opts.certFile);

  const server = tls.createServer({ key, cert }, (socket) => {
    socket.on("error", () => {
      /* peer went away; nothing to do */
    });
    const rl = readline.createInterface({ input: socket, crlfDelay: Infinity });
    rl.on("error", () => {
      /* readline re-emits the socket's errors; already handled above */
    });
    rl.once("line", (line) => {
      rl.close(); // stop reading lines; the socket itself stays usable
      socket.end(`securely received: ${line}\n`);
    });
  });

  return new Promise<EchoServer>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? DEFAULT_PORT, opts.host ?? DEFAULT_HOST, () => {
      server.removeListener("error", reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        close() {
          return new Promise<void>((res, rej) => {
            server.close((err) => (err ? rej(err) : res()));
          });
        },
      });
    });
  });
}

// Connect with verification on, trusting exactly the certificate in caFile and checking
// the hostname against servername; send message + "\n"; return the reply line without "\n".
export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  const ca = fs.readFileSync(opts.caFile);

  return new Promise<string>((resolve, reject) => {
    const socket = tls.connect({
      host: opts.host ?? DEFAULT_HOST,
      port: opts.port ?? DEFAULT_PORT,
      servername: opts.servername ?? "localhost",
      ca,
    });
    let settled = false;
    const rl = readline.createInterface({ input: socket, crlfDelay: Infinity });

    socket.once("secureConnect", () => socket.write(`${message}\n`));
    rl.once("line", (line) => {
      settled = true;
      rl.close();
      socket.end();
      resolve(line);
    });
    // readline also emits a last line without "\n" when the input ends, so reaching
    // 'close' unsettled means the server sent nothing at all.
    rl.once("close", () => {
      if (!settled) {
        settled = true;
        reject(new Error("connection closed before a reply line arrived"));
      }
    });
    // readline re-emits the socket's errors on the interface too: handle both.
    rl.on("error", () => {});
    socket.on("error", (err) => {
      if (!settled) {
        settled = true;
        rl.close();
        reject(err);
      }
      socket.destroy();
    });
  });
}
