// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: raw Buffers everywhere (Buffer.concat, no setEncoding; decode only the finished line);
// the server replies with socket.write(reply) and then socket.end().
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

const NEWLINE = 0x0a;

// Listen with TLS on host:port (port 0 = any free port). For each connection read one
// line, reply "securely received: <line>\n", then close that connection.
export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const port = opts.port ?? 9443;
  const host = opts.host ?? "127.0.0.1";
  const server = tls.createServer({
    cert: fs.readFileSync(opts.certFile, "utf8"), // PEM text works as well as a Buffer
    key: fs.readFileSync(opts.keyFile, "utf8"),
  });

  server.on("secureConnection", (socket) => {
    let buf: Buffer = Buffer.alloc(0);
    socket.on("error", () => {});
    socket.on("data", function onData(chunk: Buffer) {
      buf = Buffer.concat([buf, chunk]);
      const at = buf.indexOf(NEWLINE);
      if (at === -1) return;
      socket.removeListener("data", onData); // one line per connection
      const line = buf.subarray(0, at);
      socket.write(Buffer.concat([Buffer.from("securely received: "), line, Buffer.from("\n")]));
      socket.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host }, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });

  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
      }),
  };
}

// Connect with verification on, trusting exactly the certificate in caFile and checking
// the hostname against servername; send message + "\n"; return the reply line without "\n".
export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  const caPem = fs.readFileSync(opts.caFile);
  const socket = tls.connect({
    host: opts.host ?? "127.0.0.1",
    port: opts.port ?? 9443,
    servername: opts.servername ?? "localhost",
    ca: [caPem], // an array with exactly one trust anchor
  });

  return new Promise<string>((resolve, reject) => {
    const parts: Buffer[] = [];
    let finished = false;
    const done = (result: { line: string } | { error: Error }) => {
      if (finished) return;
      finished = true;
      socket.destroy();
      if ("line" in result) resolve(result.line);
      else reject(result.error);
    };

    socket.on("secureConnect", () => {
      if (!socket.authorized) {
        // cannot happen with rejectUnauthorized left at its default, but never send to an unverified peer
        done({ error: new Error(`not authorized: ${String(socket.authorizationError)}`) });
        return;
      }
      socket.write(Buffer.from(message + "\n", "utf8"));
    });
    socket.on("data", (chunk: Buffer) => {
      parts.push(chunk);
      const all = Buffer.concat(parts);
      const at = all.indexOf(NEWLINE);
      if (at !== -1) done({ line: all.subarray(0, at).toString("utf8") });
    });
    socket.on("end", () => {
      const all = Buffer.concat(parts);
      done(all.length ? { line: all.toString("utf8") } : { error: new Error("server closed without a reply") });
    });
    socket.on("close", () => done({ error: new Error("connection closed") }));
    socket.on("error", (error) => done({ error }));
  });
}
