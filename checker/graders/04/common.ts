// Lesson 04: what its three groups of checks share (names, timings, the reasons they give).
import crypto from "node:crypto";
import path from "node:path";

export const HOST = "127.0.0.1";
export const NAME = "localhost";
export const PREFIX = "securely received: ";
export const DEFAULT_PORT = 9443;
/** How long a reply (or a handshake) may take, on a busy machine. */
export const REPLY_MS = 3000;
/** How long after its reply the learner's server has to close the connection. */
export const CLOSE_MS = 2000;
/** How long the grader's servers wait for a line that does not end. */
export const LINE_MS = 1500;
export const MAX_BYTES = 64 * 1024;

export const OPENSSL_COMMAND = `openssl req -x509 -newkey rsa:2048 -keyout certs/key.pem -out certs/cert.pem -days 365 -nodes -subj "/CN=${NAME}"`;
export const MAKE_THEM = `Make them from the workbook folder: mkdir certs (if it is not there yet), then ${OPENSSL_COMMAND}  (no openssl? npm run make-cert does the same).`;

export const token = () => crypto.randomBytes(8).toString("hex");
export const message = (what: string) => `${what} ${token()} over TLS`;

/** A path as the learner sees it: relative to where the command runs, when that is shorter. */
export function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}


export const WHY = {
  pieces: "A network connection is a stream of bytes, not of messages: one line can arrive in several pieces (and several lines in one), so a server reads until the delimiter.",
  files: "The server proves who it is with this certificate and its key: without them there is nothing to serve and nothing for a client to trust.",
  match: "A certificate is only a public statement; the server proves it owns it with the matching private key. A mismatched pair cannot complete a single handshake.",
  selfSigned: "A self-signed certificate is its own authority: your client can trust exactly this one certificate, with no CA involved.",
  valid: "Clients refuse a certificate outside its dates, however much they trust it otherwise.",
  name: "A client checks that the certificate names the host it meant to reach; yours connects as localhost, so the certificate must say localhost.",
  strength: "A short key can be broken; RSA 2048 bits or EC P-256 is today's minimum, and Node refuses weaker keys at stricter security levels.",
  start: "A server that listens where it was asked, and says where, is one a client (and a test) can find; port 0 lets the system pick a free port.",
  reply: "This is the round-trip itself: a client that trusts exactly your certificate connects, and your server answers over the encrypted connection.",
  closes: "The protocol is one line each way, then goodbye: a client waiting for the server to finish would wait forever.",
  second: "A server serves many clients, one after another, until it is stopped.",
  serverWire: "Encryption is the point: anyone between the client and your server (a relay here, a router in real life) must see only ciphertext.",
  close: "Stopping a server must free its port; otherwise the next start fails with EADDRINUSE and the process cannot exit.",
  roundTrip: "Trusting exactly one certificate, through `ca`, is how a verifying client talks to a self-signed server without switching verification off.",
  ownReply: "The reply is what the server said; a client that makes it up proves nothing about the connection.",
  servername: "The name to check is the one you are given; a client that always checks localhost checks the wrong name everywhere else.",
  defaults: "Defaults are part of the contract: sendSecure(message, { caFile, port }) must reach 127.0.0.1 and expect localhost.",
  impostor: "Anyone can make a self-signed certificate for localhost; only the one in caFile is yours. Accepting another is accepting an impostor.",
  wrongName: "A certificate you trust, but for another name, belongs to another server; the hostname check is what tells them apart.",
  clientWire: "Your message must be unreadable to anyone on the path: the first bytes on the wire are a TLS handshake, never the message.",
  verify: "rejectUnauthorized: false or NODE_TLS_REJECT_UNAUTHORIZED=0 keep the encryption but drop the proof of who is on the other end.",
};
/** Each check's hint, by the same keys as WHY: what to do when it fails. */
export const HINT: Record<keyof typeof WHY, string> = {
  pieces: 'Collect the socket\'s \'data\' chunks into one string and answer only once it contains "\\n" (then reply with the text before it): one \'data\' event is not one line.',
  files: `${MAKE_THEM} Run it from the workbook folder, so the files land in certs/.`,
  match: "Make both files with one command (the openssl req -x509 -newkey … line writes the key and its certificate together); do not mix a cert.pem and a key.pem from different runs.",
  selfSigned: "Use openssl req -x509 (or npm run make-cert): -x509 makes the certificate sign itself, instead of writing a signing request for a CA.",
  valid: "Make a fresh certificate (openssl req -x509 … -days 365, or npm run make-cert): yours is expired or not valid yet; check your computer's clock too.",
  name: `Make the certificate for localhost: -subj "/CN=${NAME}" in the openssl command (npm run make-cert does it, with a subjectAltName too).`,
  strength: "Make a new key pair with -newkey rsa:2048 (or an EC P-256 key): shorter RSA keys are refused.",
  start: "tls.createServer({ key: fs.readFileSync(opts.keyFile), cert: fs.readFileSync(opts.certFile) }, onSocket), then server.listen(opts.port ?? 9443, opts.host, …) and resolve in its callback with (server.address() as AddressInfo).port: ?? keeps port 0, || would not.",
  reply: `In the connection handler, read the line up to "\\n" and answer socket.end(\`${PREFIX}\${line}\\n\`): exactly that text, over the TLS socket you were given.`,
  closes: "Answer with socket.end(reply), not socket.write(reply): end() sends the reply and then closes your side, so the client's 'end' fires.",
  second: "Keep the server listening after a reply: close the connection's socket (socket.end), never the server, and keep no state from one connection to the next.",
  serverWire: "Serve with tls.createServer, not net.createServer, and write only to the TLS socket the handler gets: then every byte on the wire is encrypted.",
  close: "close() wraps server.close in a Promise: close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))). End open sockets first if any are left.",
  roundTrip: 'tls.connect({ host, port, servername, ca: fs.readFileSync(opts.caFile) }); on \'secureConnect\' write message + "\\n"; collect the reply and resolve with the text before its "\\n"; reject on \'error\'.',
  ownReply: "Resolve with what came back over the socket (the 'data' you collected, up to its \"\\n\"), not with a string you build from your own message.",
  servername: "Pass opts.servername (default \"localhost\") as tls.connect's servername: that is the name the certificate is checked against.",
  defaults: 'Default the options you are not given: host = opts.host ?? "127.0.0.1", servername = opts.servername ?? "localhost", port = opts.port ?? 9443.',
  impostor: "Trust exactly the certificate in caFile: pass it as ca (the default roots are then not used) and keep verification on; reject the promise from the socket's 'error' event.",
  wrongName: "Do not pass a checkServerIdentity that skips the name, and do not turn verification off: with servername set, Node checks the name for you and emits 'error'; reject from it.",
  clientWire: "Connect with tls.connect, not net.connect, and write your message only after 'secureConnect', on that TLS socket.",
  verify: "Remove rejectUnauthorized: false and any NODE_TLS_REJECT_UNAUTHORIZED: a self-signed server is trusted by passing its certificate as ca, with verification on.",
};
