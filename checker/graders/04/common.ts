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