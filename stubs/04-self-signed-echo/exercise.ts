// Lesson 04 · Your own certificate and an encrypted round-trip
// Read README.md in this folder, then replace each TODO. Grade with: npm run lesson 4
// First make certs/cert.pem and certs/key.pem (the README shows how): the grader reads them.
import fs from "node:fs";
import tls from "node:tls";

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

// Listen with TLS on host:port (port 0 = any free port). For each connection read one
// line, reply "securely received: <line>\n", then close that connection.
export async function startEchoServer(opts: { certFile: string; keyFile: string; port?: number; host?: string }): Promise<EchoServer> {
  // TODO: read opts.certFile and opts.keyFile, and pass them as cert and key to tls.createServer.
  // TODO: for each connection, collect data until "\n", write the reply, then end the socket.
  // TODO: listen on opts.port (default 9443) and opts.host (default "127.0.0.1"); resolve once listening,
  //       with the port actually used and a close() that stops the server.
  void fs;
  void tls;
  void opts;
  throw new Error("not implemented: startEchoServer");
}

// Connect with verification on, trusting exactly the certificate in caFile and checking
// the hostname against servername; send message + "\n"; return the reply line without "\n".
export async function sendSecure(message: string, opts: { caFile: string; port?: number; host?: string; servername?: string }): Promise<string> {
  // TODO: tls.connect to opts.host (default "127.0.0.1") and opts.port (default 9443), with
  //       ca: the contents of opts.caFile and servername: opts.servername (default "localhost").
  // TODO: once 'secureConnect' fires, write message + "\n".
  // TODO: collect data until "\n" (or until the server closes), resolve with the line without "\n";
  //       reject on 'error'. Never switch verification off.
  void message;
  void opts;
  throw new Error("not implemented: sendSecure");
}
