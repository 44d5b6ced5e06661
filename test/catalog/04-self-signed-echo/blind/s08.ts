// Lesson 04 · Your own certificate and an encrypted round-trip
// Style: a server written for "a line may arrive in many packets": a StringDecoder so a UTF-8
// character cut between two packets is not mangled, the line searched for in the accumulated
// text (the "\n" may come alone in its own packet). The client resolves on the socket's
// 'close' rather than straight at the "\n" (it ends its side as soon as the line is there).
// (Tried allowHalfOpen: true to answer a client that half-closes without "\n": a bare TCP
// connect-and-hang-up then kept its socket forever and close() never resolved. Dropped it.)
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import { StringDecoder } from "node:string_decoder";
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
      const decoder = new StringDecoder("utf8");
      let partial = "";
      let answered = false;

      const answer = (line: string) => {
        if (answered) return;
        answered = true;
        socket.end(`securely received: ${line}\n`);
      };

      socket.on("error", () => socket.destroy());
      socket.on("data", (chunk: Buffer) => {
        if (answered) return;
        partial += decoder.write(chunk);
        const nl = partial.indexOf("\n");
        if (nl !== -1) answer(partial.slice(0, nl));
      });
      // a client that hangs up before its "\n" gets no answer: Node closes our side for us.
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
    const decoder = new StringDecoder("utf8");
    let text = "";
    let line: string | null = null;
    let failure: Error | null = null;

    socket.once("secureConnect", () => socket.write(message + "\n"));
    socket.on("data", (chunk: Buffer) => {
      if (line !== null) return;
      text += decoder.write(chunk);
      const nl = text.indexOf("\n");
      if (nl !== -1) {
        line = text.slice(0, nl);
        socket.end(); // we have our line: close our side, settle once the socket is closed
      }
    });
    socket.on("end", () => {
      text += decoder.end();
      if (line === null && text.length > 0) line = text; // server closed without "\n"
    });
    socket.on("error", (err) => {
      failure = err;
      socket.destroy();
    });
    socket.on("close", () => {
      if (line !== null) resolve(line);
      else reject(failure ?? new Error("connection closed without a reply"));
    });
  });
}
