// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: listen({ host, port }) with the host given (an options object, so "::1" or
// "localhost" work too); the client uses the tls.connect(port, host, options, onSecure) form;
// the server splits its accumulated text with split("\n"); close() waits for 'close'.
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
  const host = opts.host ?? "127.0.0.1";
  const port = opts.port ?? 9443;
  const options: tls.TlsOptions = {
    key: fs.readFileSync(opts.keyFile),
    cert: fs.readFileSync(opts.certFile),
  };

  const server = tls.createServer(options, (socket) => {
    let soFar = "";
    socket.setEncoding("utf8");
    socket.on("error", (err) => {
      // log and move on; the server keeps serving others
      if ((err as NodeJS.ErrnoException).code !== "ECONNRESET") console.error("echo server socket:", err.message);
    });
    socket.on("data", (chunk: string) => {
      if (socket.writableEnded) return; // already answered
      soFar += chunk;
      const pieces = soFar.split("\n");
      if (pieces.length < 2) return; // no "\n" yet
      socket.end("securely received: " + pieces[0] + "\n");
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.on("error", reject);
    server.listen({ host, port }, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    close() {
      return new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.once("close", () => resolve());
        server.close((err) => {
          if (err) reject(err);
        });
      });
    },
  };
}

// Connect with verification on, trusting exactly the certificate in caFile and checking
// the hostname against servername; send message + "\n"; return the reply line without "\n".
export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  const port = opts.port ?? 9443;
  const host = opts.host ?? "127.0.0.1";
  const servername = opts.servername ?? "localhost";
  const trusted = fs.readFileSync(opts.caFile);

  return new Promise<string>((resolve, reject) => {
    let reply = "";
    let over = false;
    function finish(err: Error | null, line?: string) {
      if (over) return;
      over = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(line ?? "");
    }

    const socket = tls.connect(port, host, { servername, ca: trusted }, () => {
      // verified: certificate chains to `trusted`, and it names `servername`
      socket.write(message + "\n", "utf8");
    });
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      reply += chunk;
      const cut = reply.indexOf("\n");
      if (cut !== -1) finish(null, reply.slice(0, cut));
    });
    socket.on("end", () => {
      if (reply !== "") finish(null, reply);
      else finish(new Error("server ended the connection without replying"));
    });
    socket.on("close", () => finish(new Error("connection closed")));
    socket.on("error", (err) => finish(err));
  });
}
