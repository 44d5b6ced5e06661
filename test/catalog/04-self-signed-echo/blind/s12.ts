// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: the server keeps a Set of its open connections, so close() stops listening and then
// hangs up on any client still lingering (nothing left open); idle sockets time out.
// Client: readline interface + events.once(rl, "line") raced against the socket's failure.
import { once } from "node:events";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import readline from "node:readline";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

const IDLE_MS = 10_000;

// Listen with TLS on host:port (port 0 = any free port). For each connection read one
// line, reply "securely received: <line>\n", then close that connection.
export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  const open = new Set<tls.TLSSocket>();
  const server = tls.createServer({ key: fs.readFileSync(opts.keyFile), cert: fs.readFileSync(opts.certFile) });

  server.on("secureConnection", (socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    socket.on("error", () => {}); // a client hanging up is not our problem
    socket.setTimeout(IDLE_MS, () => socket.destroy());

    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const nl = data.indexOf("\n");
      if (nl < 0) return;
      socket.off("data", onData);
      socket.end(`securely received: ${data.toString("utf8", 0, nl)}\n`);
    };
    socket.on("data", onData);
  });

  const listening = once(server, "listening");
  server.listen(opts.port ?? 9443, opts.host ?? "127.0.0.1");
  await listening;

  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = once(server, "close");
      server.close(); // no new connections from now on
      for (const socket of open) {
        // already answered ones are closing by themselves; the rest never sent their line
        if (!socket.writableEnded) socket.destroy();
      }
      await closed;
    },
  };
}

// Connect with verification on, trusting exactly the certificate in caFile and checking
// the hostname against servername; send message + "\n"; return the reply line without "\n".
export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  const socket = tls.connect({
    host: opts.host ?? "127.0.0.1",
    port: opts.port ?? 9443,
    servername: opts.servername ?? "localhost",
    ca: fs.readFileSync(opts.caFile),
  });
  const rl = readline.createInterface({ input: socket, crlfDelay: Infinity });
  rl.on("error", () => {}); // readline repeats socket errors; the once() below reports them
  try {
    await once(socket, "secureConnect");
    const firstLine = once(rl, "line") as Promise<[string]>;
    const closedFirst = once(rl, "close").then(() => {
      throw new Error("server closed the connection without a reply line");
    });
    const failed = once(socket, "error").then(([err]) => {
      throw err;
    });
    closedFirst.catch(() => {});
    failed.catch(() => {});
    socket.write(message + "\n");
    const [line] = await Promise.race([firstLine, closedFirst, failed]);
    return line;
  } finally {
    rl.close();
    socket.destroy();
  }
}
