// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: tls.createServer with a 'data' handler that buffers text (setEncoding utf8) until "\n";
// client collects 'data' until "\n" and resolves there.
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
  const server = tls.createServer(
    { cert: fs.readFileSync(opts.certFile), key: fs.readFileSync(opts.keyFile) },
    (socket) => {
      socket.on("error", () => {}); // a client that hangs up must not crash the server
      socket.setEncoding("utf8");
      let buffered = "";
      let answered = false;
      socket.on("data", (chunk: string) => {
        if (answered) return;
        buffered += chunk;
        const nl = buffered.indexOf("\n");
        if (nl === -1) return;
        answered = true;
        const line = buffered.slice(0, nl);
        socket.end(`securely received: ${line}\n`);
      });
    },
  );

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 9443, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

// Connect with verification on, trusting exactly the certificate in caFile and checking
// the hostname against servername; send message + "\n"; return the reply line without "\n".
export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  const ca = fs.readFileSync(opts.caFile);
  return new Promise<string>((resolve, reject) => {
    const socket = tls.connect({
      host: opts.host ?? "127.0.0.1",
      port: opts.port ?? 9443,
      servername: opts.servername ?? "localhost",
      ca,
    });
    let text = "";
    let done = false;
    const finish = (err: Error | null, line?: string) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(line as string);
    };
    socket.setEncoding("utf8");
    socket.once("secureConnect", () => {
      socket.write(message + "\n");
    });
    socket.on("data", (chunk: string) => {
      text += chunk;
      const nl = text.indexOf("\n");
      if (nl !== -1) finish(null, text.slice(0, nl));
    });
    socket.on("end", () => {
      // the server closed without a "\n": what it sent is the reply (nothing at all is an error)
      if (text.length > 0) finish(null, text);
      else finish(new Error("server closed the connection without replying"));
    });
    socket.on("close", () => finish(new Error("connection closed before a reply arrived")));
    socket.on("error", (err) => finish(err));
  });
}
