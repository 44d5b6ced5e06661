// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: paused-mode streams ('readable' + socket.read() loops) on both sides; the server is
// created bare and given its key and certificate with server.setSecureContext().
// (First tried tls.createSecureContext() passed as `secureContext` to createServer: the server
// ignores that option and every handshake failed with alert 40. setSecureContext is the API.)
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

/** Calls back once with the first line (without "\n") read in paused mode, or null at end of stream. */
function readFirstLine(socket: tls.TLSSocket, cb: (line: Buffer | null, leftover: Buffer) => void): void {
  const seen: Buffer[] = [];
  let called = false;
  const onReadable = () => {
    let chunk: Buffer | null;
    while (!called && (chunk = socket.read() as Buffer | null) !== null) {
      seen.push(chunk);
      const nl = chunk.indexOf(0x0a);
      if (nl !== -1) {
        called = true;
        socket.off("readable", onReadable);
        socket.off("end", onEnd);
        const all = Buffer.concat(seen);
        cb(all.subarray(0, all.indexOf(0x0a)), all);
      }
    }
  };
  const onEnd = () => {
    if (called) return;
    called = true;
    socket.off("readable", onReadable);
    cb(null, Buffer.concat(seen));
  };
  socket.on("readable", onReadable);
  socket.once("end", onEnd);
}

// Listen with TLS on host:port (port 0 = any free port). For each connection read one
// line, reply "securely received: <line>\n", then close that connection.
export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const server = tls.createServer((socket) => {
    socket.on("error", () => socket.destroy());
    readFirstLine(socket, (line) => {
      if (line === null) return; // the client left before sending a whole line
      socket.end("securely received: " + line.toString("utf8") + "\n");
      socket.resume(); // drain anything else the client sends, so the close can complete
    });
  });

  server.setSecureContext({
    cert: fs.readFileSync(opts.certFile),
    key: fs.readFileSync(opts.keyFile),
  });

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
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
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
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      fn();
    };
    socket.on("error", (err) => settle(() => reject(err)));
    socket.once("close", () => settle(() => reject(new Error("connection closed without a reply"))));
    socket.once("secureConnect", () => {
      readFirstLine(socket, (line, leftover) => {
        if (line !== null) settle(() => resolve(line.toString("utf8")));
        else if (leftover.length > 0) settle(() => resolve(leftover.toString("utf8"))); // no "\n" before close
        else settle(() => reject(new Error("server closed without replying")));
      });
      socket.write(message + "\n");
    });
  });
}
