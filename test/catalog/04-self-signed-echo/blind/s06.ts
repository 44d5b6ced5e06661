// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: node callbacks wrapped in Promises by hand (fs.readFile, listen, tls.connect's
// secureConnect callback) and server.close turned into a promise with util.promisify.
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { promisify } from "node:util";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

function readFileP(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    fs.readFile(file, (err, data) => (err ? reject(err) : resolve(data)));
  });
}

function listenP(server: tls.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => reject(err);
    server.once("error", fail);
    server.listen(port, host, () => {
      server.removeListener("error", fail);
      resolve(server.address() as AddressInfo);
    });
  });
}

function serveOneLine(socket: tls.TLSSocket): void {
  let text = "";
  let done = false;
  socket.setEncoding("utf8");
  socket.on("error", () => {}); // never let one client crash the server
  socket.on("data", (chunk: string) => {
    if (done) return;
    text += chunk;
    const i = text.indexOf("\n");
    if (i < 0) return; // line not complete yet: wait for more chunks
    done = true;
    socket.end("securely received: " + text.substring(0, i) + "\n");
  });
}

// Listen with TLS on host:port (port 0 = any free port). For each connection read one
// line, reply "securely received: <line>\n", then close that connection.
export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const [cert, key] = await Promise.all([readFileP(opts.certFile), readFileP(opts.keyFile)]);
  const server = tls.createServer({ cert, key }, serveOneLine);
  const address = await listenP(server, opts.port ?? 9443, opts.host ?? "127.0.0.1");
  const closeServer = promisify(server.close.bind(server)) as () => Promise<void>;
  return { port: address.port, close: () => closeServer() };
}

// Connect with verification on, trusting exactly the certificate in caFile and checking
// the hostname against servername; send message + "\n"; return the reply line without "\n".
export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  const ca = fs.readFileSync(opts.caFile);
  return new Promise<string>((resolve, reject) => {
    let reply = "";
    let settled = false;
    const settle = (err: Error | null, value?: string) => {
      if (settled) return;
      settled = true;
      socket.end();
      if (err) reject(err);
      else resolve(value!);
    };
    // the callback of tls.connect is a 'secureConnect' listener: runs only after the
    // certificate and the name have been verified.
    const socket = tls.connect(
      { host: opts.host ?? "127.0.0.1", port: opts.port ?? 9443, servername: opts.servername ?? "localhost", ca },
      () => {
        socket.write(message + "\n");
      },
    );
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      reply += chunk;
      const i = reply.indexOf("\n");
      if (i >= 0) settle(null, reply.substring(0, i));
    });
    socket.on("end", () => {
      if (reply) settle(null, reply);
      else settle(new Error("no reply from server"));
    });
    socket.on("close", () => settle(new Error("connection closed")));
    socket.on("error", (err) => {
      settle(err);
      socket.destroy();
    });
  });
}
