// Lesson 04: your own certificate and an encrypted round-trip. Three groups of checks:
// - the learner's certificate files, read here with node:crypto (reading is not running);
// - the learner's echo server, started in the sandbox with those files and spoken to by
//   the grader's own verifying client (directly and through a recording TCP relay);
// - the learner's client, sent to the grader's own TLS servers (fresh self-signed
//   certificates, an impostor, a wrong name) directly and through the relay.
import crypto, { X509Certificate, type KeyObject } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import tls from "node:tls";
import { acceptedBrokenMistake, asHandle, expectResolved, fail, failIfUnwritten, show, verificationOffMistake, type Check, type CheckContext, type CodeGrader, type GraderEnv } from "../grading/check.ts";
import { makeSelfSigned, writeCertFiles } from "../lab/self-signed.ts";
import type { Cert } from "../lab/x509.ts";
import { describeError, type CallResult, type Handle } from "../sandbox/sandbox.ts";

const HOST = "127.0.0.1";
const NAME = "localhost";
const PREFIX = "securely received: ";
const DEFAULT_PORT = 9443;
/** How long a reply (or a handshake) may take, on a busy machine. */
const REPLY_MS = 3000;
/** How long after its reply the learner's server has to close the connection. */
const CLOSE_MS = 2000;
/** How long the grader's servers wait for a line that does not end. */
const LINE_MS = 1500;
const MAX_BYTES = 64 * 1024;

export const OPENSSL_COMMAND = `openssl req -x509 -newkey rsa:2048 -keyout certs/key.pem -out certs/cert.pem -days 365 -nodes -subj "/CN=${NAME}"`;
const MAKE_THEM = `Make them from the workbook folder: mkdir certs (if it is not there yet), then ${OPENSSL_COMMAND}  (no openssl? npm run make-cert does the same).`;

const token = () => crypto.randomBytes(8).toString("hex");
const message = (what: string) => `${what} ${token()} over TLS`;

/** A path as the learner sees it: relative to where the command runs, when that is shorter. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}

// ---- the learner's certificate files -------------------------------------------------

interface CertReport {
  certFile: string;
  keyFile: string;
  missing: string[];
  cert?: X509Certificate;
  certError?: string;
  key?: KeyObject;
  keyError?: string;
}

function readCertFiles(dir: string): CertReport {
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  const r: CertReport = { certFile, keyFile, missing: [certFile, keyFile].filter((f) => !fs.existsSync(f)) };
  if (fs.existsSync(certFile)) {
    try {
      const text = fs.readFileSync(certFile, "utf8");
      if (!text.includes("-----BEGIN CERTIFICATE-----"))
        r.certError = text.includes("PRIVATE KEY-----")
          ? `${shown(certFile)} holds a private key, not a certificate: were -keyout and -out swapped?`
          : `${shown(certFile)} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line)`;
      else r.cert = new X509Certificate(text);
    } catch (err) {
      r.certError = `${shown(certFile)} could not be read as a certificate: ${(err as Error).message}`;
    }
  }
  if (fs.existsSync(keyFile)) {
    try {
      const text = fs.readFileSync(keyFile, "utf8");
      if (text.includes("ENCRYPTED PRIVATE KEY") || /Proc-Type: 4,ENCRYPTED/.test(text))
        r.keyError = `${shown(keyFile)} is encrypted with a passphrase (the command ran without -nodes), so a server cannot load it unattended`;
      else if (!text.includes("PRIVATE KEY-----"))
        r.keyError = text.includes("-----BEGIN CERTIFICATE-----")
          ? `${shown(keyFile)} holds a certificate, not a private key: were -keyout and -out swapped?`
          : `${shown(keyFile)} is not a PEM private key (no "-----BEGIN PRIVATE KEY-----" line)`;
      else r.key = crypto.createPrivateKey(text);
    } catch (err) {
      r.keyError = `${shown(keyFile)} could not be read as a private key: ${(err as Error).message}`;
    }
  }
  return r;
}

interface CertVerdicts {
  /** The files' first problem that keeps the learner's server from being tested, if any. */
  blocker?: string;
  matches: boolean;
  selfSigned: boolean;
  validNow: boolean;
  namesLocalhost: boolean;
}

function judge(r: CertReport): CertVerdicts {
  const c = r.cert;
  const matches = Boolean(c && r.key && safe(() => c.checkPrivateKey(r.key!)));
  const selfSigned = Boolean(c && c.issuer === c.subject && safe(() => c.verify(c.publicKey)));
  const now = Date.now();
  const validNow = Boolean(c && new Date(c.validFrom).getTime() <= now && now <= new Date(c.validTo).getTime());
  const namesLocalhost = Boolean(c && safe(() => c.checkHost(NAME)));
  let blocker: string | undefined;
  if (r.missing.length) blocker = `${r.missing.map(shown).join(" and ")} ${r.missing.length > 1 ? "do" : "does"} not exist`;
  else if (r.certError || r.keyError) blocker = "the certificate files could not be read";
  else if (!matches) blocker = "key.pem is not the key of cert.pem";
  else if (!selfSigned) blocker = "the certificate is not self-signed";
  else if (!validNow) blocker = "the certificate is not valid today";
  else if (!namesLocalhost) blocker = `the certificate does not name ${NAME}`;
  return { blocker, matches, selfSigned, validNow, namesLocalhost };
}

function safe(f: () => unknown): unknown {
  try {
    return f();
  } catch {
    return false;
  }
}

function names(c: X509Certificate): string {
  const cn = c.subject.replace(/\n/g, ", ") || "an empty subject";
  return c.subjectAltName ? `${cn}; subjectAltName ${c.subjectAltName}` : `${cn}; no subjectAltName`;
}

function keyStrength(c: X509Certificate): { ok: boolean; what: string } {
  const k = c.publicKey;
  const d = k.asymmetricKeyDetails ?? {};
  switch (k.asymmetricKeyType) {
    case "rsa":
    case "rsa-pss":
      return { ok: (d.modulusLength ?? 0) >= 2048, what: `RSA ${d.modulusLength} bits` };
    case "ec": {
      const curve = d.namedCurve ?? "an unknown curve";
      return { ok: ["prime256v1", "secp384r1", "secp521r1"].includes(curve), what: `EC on ${curve}` };
    }
    case "ed25519":
    case "ed448":
      return { ok: true, what: k.asymmetricKeyType };
    default:
      return { ok: false, what: `a ${k.asymmetricKeyType ?? "unknown"} key` };
  }
}

// ---- the grader's own network pieces --------------------------------------------------

interface Exchange {
  /** The handshake completed (our client verified the learner's certificate). */
  secure: boolean;
  data: string;
  /** The server closed the connection (within CLOSE_MS of a full line). */
  closed: boolean;
  timedOut: boolean;
  error?: { code?: string; message: string };
}

/**
 * The grader's verifying client: trusts exactly `ca`, checks the name "localhost", sends
 * `line\n` and collects what comes back until the server closes (or time runs out).
 */
/** How long the grader waits between the two pieces of a split line: long enough to make them two TLS records. */
const SPLIT_PAUSE_MS = 40;

function exchange(port: number, line: string, ca: string, closeMs = CLOSE_MS, split = false): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: HOST, port, servername: NAME, ca });
    const r: Exchange = { secure: false, data: "", closed: false, timedOut: false };
    let done = false;
    let afterLine: NodeJS.Timeout | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(overall);
      clearTimeout(afterLine);
      resolve(r);
      // A polite goodbye (close_notify, then FIN): the learner's server sees an end, not a reset.
      if (!socket.destroyed) {
        socket.end();
        setTimeout(() => socket.destroy(), 500).unref();
      }
    };
    const overall = setTimeout(() => {
      r.timedOut = true;
      finish();
    }, REPLY_MS + closeMs);
    socket.setEncoding("utf8");
    socket.once("secureConnect", () => {
      r.secure = true;
      if (!split) return void socket.write(line + "\n");
      // Two writes a moment apart arrive as two records, two 'data' events: a line is only
      // whole at its "\n".
      const half = Math.ceil(line.length / 2);
      socket.write(line.slice(0, half));
      setTimeout(() => {
        if (!socket.destroyed && !done) socket.write(line.slice(half) + "\n");
      }, SPLIT_PAUSE_MS);
    });
    socket.on("data", (chunk: string) => {
      if (done) return;
      r.data += chunk;
      if (r.data.length > MAX_BYTES) return finish();
      if (!afterLine && r.data.includes("\n")) afterLine = setTimeout(finish, closeMs);
    });
    // After finish() our own goodbye makes the server close too: that must not count.
    socket.once("end", () => {
      if (!done) r.closed = true;
      finish();
    });
    socket.once("close", () => {
      if (!done) r.closed = true;
      finish();
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (done) return;
      // A reset after a full reply is a rude close, still a close.
      if (r.data.includes("\n")) r.closed = true;
      else r.error = { code: err.code, message: err.message };
      finish();
    });
    // Nothing at all within REPLY_MS: no use waiting for a close.
    setTimeout(() => {
      if (!done && !r.data) {
        r.timedOut = true;
        finish();
      }
    }, REPLY_MS).unref();
  });
}

/** Resolves "refused" when nothing listens on the port, "accepted" when something does. */
function probePort(port: number): Promise<"refused" | "accepted" | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("no answer at all");
    }, REPLY_MS);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve("accepted");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code === "ECONNREFUSED" ? "refused" : `${err.code}: ${err.message}`);
    });
  });
}

interface Relay {
  port: number;
  /** Why the relay could not reach the server, if it could not. */
  upstreamError(): string | undefined;
  /** Bytes from the client to the server, and back. */
  toServer(): Buffer;
  toClient(): Buffer;
  close(): Promise<void>;
}

/** A TCP relay that passes bytes both ways unchanged and keeps a copy: the wire, seen from the middle. */
async function startRelay(targetPort: number): Promise<Relay> {
  const up: Buffer[] = [];
  const down: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  let upstreamError: string | undefined;
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  };
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ host: HOST, port: targetPort, allowHalfOpen: true });
    track(client);
    track(upstream);
    const keep = (list: Buffer[], chunk: Buffer) => {
      if (list.reduce((n, b) => n + b.length, 0) < MAX_BYTES) list.push(chunk);
    };
    client.on("data", (b: Buffer) => {
      keep(up, b);
      upstream.write(b);
    });
    upstream.on("data", (b: Buffer) => {
      keep(down, b);
      client.write(b);
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("error", () => upstream.destroy());
    upstream.on("error", (err: NodeJS.ErrnoException) => {
      upstreamError ??= err.code ?? err.message;
      client.destroy();
    });
    client.on("close", () => upstream.end());
    upstream.on("close", () => client.end());
  });
  const port = await listen(server);
  return {
    port,
    upstreamError: () => upstreamError,
    toServer: () => Buffer.concat(up),
    toClient: () => Buffer.concat(down),
    close: () => closeServer(server, sockets),
  };
}

interface GraderServer {
  port: number;
  /** Full lines received (without "\n"). */
  lines: string[];
  /** Everything received on connections that never sent a full line. */
  partial: string[];
  /** Handshakes that failed (a client that refused our certificate). */
  refusedBy: number;
  /**
   * Resolves once every connection has closed (the server ends each one after its reply, or when
   * it gives up): a client may resolve before its bytes land (Node 24+ sends them later), and
   * what arrived is read after this.
   */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The grader's echo server for the learner's client: reads a line, answers with `reply(line)`
 * + "\n" in two pieces a moment apart (a client must collect them), then closes.
 */
async function graderServer(cert: Cert, reply: (line: string) => string = (l) => PREFIX + l): Promise<GraderServer> {
  const sockets = new Set<net.Socket>();
  const s: Omit<GraderServer, "port" | "close" | "settled"> = { lines: [], partial: [], refusedBy: 0 };
  const server = tls.createServer({ key: cert.keyPem, cert: cert.pem }, (socket) => {
    let got = "";
    let answered = false;
    socket.setEncoding("utf8");
    socket.on("error", () => {});
    const giveUp = setTimeout(() => {
      if (!answered) s.partial.push(got);
      answered = true;
      socket.end();
    }, LINE_MS);
    socket.on("data", (chunk: string) => {
      if (answered) return;
      got += chunk;
      const end = got.indexOf("\n");
      if (end < 0) {
        if (got.length > MAX_BYTES) socket.destroy();
        return;
      }
      answered = true;
      clearTimeout(giveUp);
      const line = got.slice(0, end);
      s.lines.push(line);
      const text = reply(line) + "\n";
      const half = Math.ceil(text.length / 2);
      socket.write(text.slice(0, half));
      setTimeout(() => {
        if (!socket.destroyed) socket.end(text.slice(half));
      }, 15);
    });
    socket.on("end", () => {
      if (!answered) s.partial.push(got);
      answered = true;
      clearTimeout(giveUp);
    });
    socket.on("close", () => clearTimeout(giveUp));
  });
  server.on("connection", (raw: net.Socket) => {
    sockets.add(raw);
    raw.on("close", () => sockets.delete(raw));
  });
  server.on("tlsClientError", () => s.refusedBy++);
  const port = await listen(server);
  const settled = async () => {
    // Bounded by the server's own give-up time: a connection still silent by then is "partial".
    for (const until = Date.now() + LINE_MS + 100; Date.now() < until && sockets.size > 0; ) await new Promise((r) => setTimeout(r, 5));
  };
  return Object.assign(s, { port, settled, close: () => closeServer(server, sockets) });
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closeServer(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

// ---- reading outcomes -----------------------------------------------------------------

/** Why the grader's client got no proper reply from the learner's server, and what to do. */
function serverMistake(e: Exchange, certFile: string): string | undefined {
  const code = e.error?.code ?? "";
  if (code === "ECONNREFUSED") return "Nothing listens on the port startEchoServer reported: resolve only once the server listens (in listen's callback), with (server.address() as AddressInfo).port.";
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER|UNEXPECTED_MESSAGE|HTTP_REQUEST/.test(code) || (!e.secure && (e.timedOut || code === "ECONNRESET" || e.closed)))
    return "Your server does not answer the TLS handshake: make it with tls.createServer({ key, cert }, ...), not net.createServer, which speaks in cleartext.";
  if (/CERT|SELF_SIGNED|VERIFY|ALTNAME/.test(code)) return `Your server presents a certificate other than ${shown(certFile)}: pass the contents of opts.certFile and opts.keyFile as cert and key.`;
  return undefined;
}

/** "wrong version number" out of OpenSSL's "80EC...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/...". */
function shortMessage(message: string): string {
  const m = /:error:[0-9A-Fa-f]+:[^:]*:[^:]*:([^:]+):/.exec(message);
  return (m ? m[1] : message).split("\n")[0].trim();
}

function describeExchange(e: Exchange): string {
  if (e.error) return `${e.secure ? "after the handshake, " : "the handshake failed: "}${e.error.code ? `[${e.error.code}] ` : ""}${shortMessage(e.error.message)}`;
  if (!e.secure) return e.closed ? "the connection closed before the TLS handshake finished" : `no TLS handshake within ${REPLY_MS / 1000} s`;
  if (!e.data) return e.closed ? "the connection closed without a reply" : `no reply within ${REPLY_MS / 1000} s`;
  return show(e.data);
}

/** Fails unless the exchange carried exactly `PREFIX + line + "\n"`. */
function expectReply(e: Exchange, line: string, certFile: string): void {
  const want = `${PREFIX}${line}\n`;
  if (e.data === want) return;
  const got = describeExchange(e);
  if (!e.data) fail({ expected: show(want), got, mistake: serverMistake(e, certFile) ?? (e.secure ? 'Read until the line ends with "\\n", then write the reply on the same socket.' : undefined) });
  let mistake: string | undefined;
  if (e.data === `${PREFIX}${line}`) mistake = 'End the reply with "\\n": the client reads a line, and a line ends with a newline.';
  else if (e.data.startsWith(want)) mistake = "Reply once, with exactly one line, then close the connection.";
  else if (!e.data.startsWith(PREFIX)) mistake = `Start the reply with ${show(PREFIX)}, then the line you received.`;
  else if (e.data.includes(line)) mistake = "Reply with the line you received and nothing else (without its \"\\n\", which you add once at the end).";
  else mistake = "Echo the line the client sent: it is different for every connection.";
  fail({ expected: show(want), got, mistake });
}

/** A random line in cleartext in these bytes? */
function exposes(bytes: Buffer, ...texts: string[]): string | undefined {
  return texts.find((t) => bytes.includes(Buffer.from(t, "utf8")));
}

const isTlsRecord = (b: Buffer) => b.length >= 2 && b[0] === 0x16 && b[1] === 0x03;

function firstBytes(b: Buffer): string {
  if (b.length === 0) return "nothing";
  const head = b.subarray(0, 40);
  let n = 0;
  while (n < head.length && (head[n] === 10 || head[n] === 13 || (head[n] >= 32 && head[n] < 127))) n++;
  if (n >= 4) return `${show(head.subarray(0, n).toString("latin1"))}${n < b.length ? "…" : ""}, readable: cleartext`;
  return `bytes ${[...head.subarray(0, 8)].map((x) => x.toString(16).padStart(2, "0")).join(" ")} …`;
}

/** Why the learner's client call did not complete a round-trip with a good server. */
function clientMistake(r: CallResult): string | undefined {
  const off = verificationOffMistake(r);
  if (r.status !== "rejected") return off;
  const code = r.error.code ?? r.error.cause?.code ?? "";
  if (r.tls.length === 0)
    return "Your function never called tls.connect: use tls.connect, so the message travels encrypted and the server's certificate is checked.";
  if (code === "DEPTH_ZERO_SELF_SIGNED_CERT" || code === "SELF_SIGNED_CERT_IN_CHAIN" || code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" || code === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY")
    return r.tls.some((u) => u.ownCa)
      ? "Your client passes `ca`, but not the certificate in caFile: pass the file's contents, ca: fs.readFileSync(opts.caFile), not its path."
      : "Your client does not trust the certificate in caFile: with the default trust store a self-signed certificate is rejected. Pass the certificate as `ca`: tls.connect({ ..., ca: fs.readFileSync(opts.caFile) }), and keep verification on.";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return r.tls.some((u) => u.servername === null)
      ? `Pass servername to tls.connect (opts.servername, "${NAME}" by default): without it Node checks the certificate against the host, 127.0.0.1, which the certificate does not name.`
      : "Check the certificate against opts.servername, the name you are given.";
  if (code === "ENOENT") return "opts.caFile is a file's path: read it with fs.readFileSync(opts.caFile).";
  if (code === "ECONNREFUSED") return "Connect to opts.host and opts.port, the ones you are given.";
  return off;
}

// ---- the grader -----------------------------------------------------------------------

const WHY = {
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

interface Session {
  start?: CallResult;
  port?: number;
  handle?: Handle;
  lines: string[];
  first?: Exchange;
  second?: Exchange;
  /** The line sent in two pieces. */
  split?: Exchange;
  relayed?: Exchange;
  wire?: { toServer: Buffer; toClient: Buffer; upstreamError?: string };
  closeCall?: CallResult;
  afterClose?: string;
  serversOpen?: number;
}

export const grader: CodeGrader = {
  kind: "code",
  timeoutMs: 6000,
  async checks(env: GraderEnv): Promise<Check[]> {
    // The reference solution brings no certificate: it gets a fresh one, as make-cert makes.
    let certDir = env.certDir;
    if (env.solution) {
      certDir = path.join(env.workDir, "certs");
      writeCertFiles(certDir, await makeSelfSigned());
    }
    const files = readCertFiles(certDir);
    const verdict = judge(files);
    const certPath = shown(files.certFile);
    const keyPath = shown(files.keyFile);

    // The grader's own certificates for the client checks: fresh for every grading.
    const mine = await makeSelfSigned({ keyType: "ec" });
    const impostor = await makeSelfSigned({ keyType: "ec" });
    const otherName = `other-${token().slice(0, 6)}.example`;
    const wrongName = await makeSelfSigned({ keyType: "ec", cn: otherName });
    const givenName = `echo-${token().slice(0, 6)}.test`;
    const named = await makeSelfSigned({ keyType: "ec", cn: givenName });
    const caFile = (label: string, c: Cert) => {
      const f = path.join(env.workDir, `${label}-${token().slice(0, 6)}.pem`);
      fs.writeFileSync(f, c.pem);
      return f;
    };
    const myCa = caFile("ca", mine);
    const wrongNameCa = caFile("other-name", wrongName);
    const namedCa = caFile("named", named);

    // ---- certificate checks ----
    const needCert = (): X509Certificate => {
      if (files.missing.includes(files.certFile)) fail({ expected: `a certificate in ${certPath}`, got: "no such file (see the first check)" });
      if (!files.cert) fail({ expected: `a certificate in ${certPath}`, got: files.certError ?? "unreadable" });
      return files.cert;
    };

    const certChecks: Check[] = [
      {
        name: "your certificate files exist: cert.pem and key.pem",
        why: WHY.files,
        async run() {
          if (files.missing.length)
            fail({ expected: `${certPath} and ${keyPath}`, got: `${files.missing.map(shown).join(" and ")} ${files.missing.length > 1 ? "do" : "does"} not exist (looked in ${certDir})`, mistake: MAKE_THEM });
        },
      },
      {
        name: "cert.pem holds a certificate and key.pem its private key: they belong together",
        why: WHY.match,
        async run() {
          if (files.missing.length) fail({ expected: "both files", got: "could not check: see the first check" });
          if (files.certError || files.keyError) fail({ expected: "a PEM certificate and its PEM private key", got: [files.certError, files.keyError].filter(Boolean).join("; "), mistake: MAKE_THEM.replace("Make them", "Make both again") });
          if (!verdict.matches)
            fail({ expected: "the private key of the certificate", got: "a key that does not match the certificate", mistake: "The two files come from different runs. Make both again with one command, so the key and the certificate are a pair." });
        },
      },
      {
        name: "the certificate is self-signed (it is its own issuer)",
        why: WHY.selfSigned,
        async run() {
          const c = needCert();
          if (!verdict.selfSigned)
            fail({
              expected: "a certificate signed by its own key (issuer = subject)",
              got: `issued to ${c.subject.replace(/\n/g, ", ")}, by ${c.issuer.replace(/\n/g, ", ") || "nobody named"}`,
              mistake: "This certificate was signed by a CA. For this lesson make your own: openssl req -x509 makes the certificate sign itself.",
            });
        },
      },
      {
        name: "the certificate is valid today",
        why: WHY.valid,
        async run() {
          const c = needCert();
          if (verdict.validNow) return;
          const expired = new Date(c.validTo).getTime() < Date.now();
          fail({
            expected: `valid from before now until after now`,
            got: expired ? `it expired on ${c.validTo}` : `it is valid only from ${c.validFrom}`,
            mistake: expired ? `Make a new one (the command's -days 365 sets a year).` : "Its start date is in the future: check your computer's clock, then make it again.",
          });
        },
      },
      {
        name: `the certificate names ${NAME} (in its CN or subjectAltName)`,
        why: WHY.name,
        async run() {
          const c = needCert();
          if (verdict.namesLocalhost) return;
          const sanWithout = c.subjectAltName && /DNS:/.test(c.subjectAltName);
          fail({
            expected: `a certificate for ${NAME}`,
            got: names(c),
            mistake: sanWithout
              ? `It has a subjectAltName list without ${NAME}: clients then ignore the CN. Make it again for ${NAME}.`
              : `Make it again with -subj "/CN=${NAME}".`,
          });
        },
      },
      {
        name: "the key is strong enough (RSA 2048 bits or more, or EC P-256)",
        why: WHY.strength,
        async run() {
          const c = needCert();
          const k = keyStrength(c);
          if (!k.ok) fail({ expected: "RSA with 2048 bits or more, or EC P-256 (or stronger)", got: k.what, mistake: "Make it again with -newkey rsa:2048." });
        },
      },
    ];

    // ---- the learner's server ----
    let session: Promise<Session> | undefined;
    const runSession = async (ctx: CheckContext): Promise<Session> => {
      const s: Session = { lines: [message("first"), message("second"), message("relayed"), message("in two pieces")] };
      s.start = await ctx.call("startEchoServer", [{ certFile: files.certFile, keyFile: files.keyFile, port: 0, host: HOST }]);
      if (s.start.status !== "resolved") return s;
      s.handle = asHandle(s.start.value);
      const data = (s.handle?.data ?? s.start.value) as { port?: unknown } | null;
      const port = data && typeof data === "object" ? data.port : undefined;
      if (typeof port !== "number" || !Number.isInteger(port) || port <= 0 || port > 65535) {
        // Still stop it, so the report is about the port, not about a server left behind.
        if (s.handle) s.closeCall = await ctx.call("close", [], { handle: s.handle });
        return s;
      }
      s.port = port;
      const ca = fs.readFileSync(files.certFile, "utf8");
      s.first = await exchange(port, s.lines[0], ca);
      if (s.first.secure) s.second = await exchange(port, s.lines[1], ca, 1000);
      if (s.first.secure) s.split = await exchange(port, s.lines[3], ca, 1000, true);
      const relay = await startRelay(port);
      try {
        s.relayed = await exchange(relay.port, s.lines[2], ca, 1000);
      } finally {
        s.wire = { toServer: relay.toServer(), toClient: relay.toClient(), upstreamError: relay.upstreamError() };
        await relay.close();
      }
      if (s.handle) {
        s.closeCall = await ctx.call("close", [], { handle: s.handle });
        if (s.closeCall.status === "resolved") {
          s.afterClose = await probePort(port);
          const open = await ctx.sandbox.openHandles(500);
          s.serversOpen = open?.filter((h) => h === "TCPServerWrap").length;
        }
      }
      return s;
    };
    /** The session, once started: fails the check when the server could not be started or tested at all. */
    const started = async (ctx: CheckContext): Promise<Session & { port: number }> => {
      if (verdict.blocker)
        fail({
          expected: `to start your server with ${certPath} and ${keyPath}`,
          got: `could not run: ${verdict.blocker}`,
          mistake: files.missing.length ? "Make the files first: the first check shows the command." : "Fix the certificate checks above first.",
        });
      const s = await (session ??= runSession(ctx));
      const r = s.start!;
      failIfUnwritten(r);
      if (r.status !== "resolved") fail({ expected: "startEchoServer to start a server", got: "it did not (see the startEchoServer check)" });
      if (s.port === undefined) fail({ expected: "a server to talk to", got: "could not find it: startEchoServer reported no usable port (see its check)" });
      return s as Session & { port: number };
    };

    const serverChecks: Check[] = [
      {
        name: "startEchoServer({ certFile, keyFile, port: 0, host }) resolves once listening, with the port it got",
        why: WHY.start,
        async run(ctx) {
          if (verdict.blocker) await started(ctx);
          const s = await (session ??= runSession(ctx));
          const value = expectResolved(s.start!, "startEchoServer to resolve with { port, close() }");
          const data = (s.handle?.data ?? value) as Record<string, unknown> | null;
          if (s.port === undefined) {
            const p = data && typeof data === "object" ? data.port : undefined;
            fail({
              expected: "{ port: the port your server listens on, close() }",
              got: show(data),
              mistake:
                p === 0
                  ? "Port 0 asks the system for any free port: report the one it chose, (server.address() as AddressInfo).port, once the server listens."
                  : p === undefined
                    ? "Return an object whose port property holds the number, e.g. { port: (server.address() as AddressInfo).port, close }."
                    : undefined,
            });
          }
          if (s.port === DEFAULT_PORT)
            fail({
              expected: "a free port picked by the system (you were given port: 0)",
              got: `port ${DEFAULT_PORT}`,
              mistake: `Your server ignores opts.port. Use it, with ${DEFAULT_PORT} only when it is not given: \`opts.port ?? ${DEFAULT_PORT}\` (not \`||\`, which turns 0 into ${DEFAULT_PORT}).`,
            });
          if (!s.handle) fail({ expected: "an object with a close() method", got: show(value), mistake: "Return { port, close } where close() stops the server and resolves once it has." });
        },
      },
      {
        name: `answers a client that trusts exactly your certificate: "${PREFIX}<line>\\n"`,
        why: WHY.reply,
        async run(ctx) {
          const s = await started(ctx);
          expectReply(s.first!, s.lines[0], files.certFile);
        },
      },
      {
        name: "closes each connection after its reply",
        why: WHY.closes,
        async run(ctx) {
          const s = await started(ctx);
          const e = s.first!;
          if (!e.data.includes("\n")) fail({ expected: "a reply line, then the connection closed", got: `could not check: ${describeExchange(e)} (see the check above)` });
          if (!e.closed)
            fail({ expected: `the server to close the connection after its reply`, got: `it was still open ${CLOSE_MS / 1000} s later`, mistake: "After writing the reply, end the socket: socket.end(reply) writes it and closes." });
        },
      },
      {
        name: "serves a second connection after the first",
        why: WHY.second,
        async run(ctx) {
          const s = await started(ctx);
          if (!s.second) fail({ expected: "two connections in a row", got: `could not try: the first one failed (${describeExchange(s.first!)})` });
          if (s.second.error?.code === "ECONNREFUSED")
            fail({ expected: "the server to accept a second connection", got: "connection refused", mistake: "Your server stopped after its first client: keep it listening until close() is called." });
          expectReply(s.second, s.lines[1], files.certFile);
        },
      },
      {
        name: 'reads the whole line, up to its "\\n", when it arrives in two pieces',
        why: WHY.pieces,
        async run(ctx) {
          const s = await started(ctx);
          if (!s.split) fail({ expected: "a connection that sends its line in two pieces", got: `could not try: the first connection failed (${describeExchange(s.first!)})` });
          const line = s.lines[3];
          const firstPiece = line.slice(0, Math.ceil(line.length / 2));
          if (s.split.data.startsWith(`${PREFIX}${firstPiece}`) && !s.split.data.startsWith(`${PREFIX}${line}`))
            fail({
              expected: show(`${PREFIX}${line}\n`),
              got: describeExchange(s.split),
              mistake: 'Your server answered the first piece that arrived. TCP and TLS deliver data in chunks of their own choosing: collect the chunks until one holds "\\n", then answer the whole line.',
            });
          expectReply(s.split, line, files.certFile);
        },
      },
      {
        name: "your server's side of the conversation is encrypted on the wire (seen from a relay)",
        why: WHY.serverWire,
        async run(ctx) {
          const s = await started(ctx);
          const { toServer, toClient } = s.wire!;
          const line = s.lines[2];
          if (toClient.length && !isTlsRecord(toClient))
            fail({ expected: "a TLS record (bytes 16 03 …) from your server", got: firstBytes(toClient), mistake: "Your server writes in cleartext: make it with tls.createServer({ key, cert }, ...), not net.createServer." });
          const seen = exposes(toClient, line, PREFIX) ?? exposes(toServer, line);
          if (seen) fail({ expected: "only ciphertext on the wire", got: `${show(seen)} readable in the relay's copy`, mistake: "Send the reply over the TLS socket you were handed, not over another connection." });
          if (s.wire!.upstreamError)
            fail({
              expected: "your server to accept the relayed connection",
              got: `the relay could not connect to it (${s.wire!.upstreamError})`,
              mistake: s.wire!.upstreamError === "ECONNREFUSED" && s.first?.data ? "Your server stopped after its first client: keep it listening until close() is called." : undefined,
            });
          if (!toClient.length) fail({ expected: "a TLS handshake and an encrypted reply through the relay", got: `nothing came back from your server (${describeExchange(s.relayed!)})`, mistake: serverMistake(s.relayed!, files.certFile) });
          if (s.relayed!.data !== `${PREFIX}${line}\n`) fail({ expected: `the round-trip to work through the relay too`, got: describeExchange(s.relayed!) });
        },
      },
      {
        name: "close() stops the server: new connections are refused and no server is left open",
        why: WHY.close,
        async run(ctx) {
          const s = await started(ctx);
          if (!s.handle) fail({ expected: "an object with a close() method", got: "startEchoServer returned none (see its check)" });
          const r = s.closeCall!;
          expectResolved(r, "close() to resolve once the server is closed");
          if (s.afterClose !== "refused")
            fail({
              expected: `a connection to port ${s.port} to be refused once close() resolved`,
              got: s.afterClose === "accepted" ? "it was accepted: the server is still listening" : s.afterClose!,
              mistake: "close() must stop the server itself: return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))).",
            });
          if (s.serversOpen)
            fail({ expected: "no server left open after close()", got: `${s.serversOpen} server(s) still open in your process`, mistake: "Close every server you started." });
        },
      },
    ];

    // ---- the learner's client ----
    const memo = new Map<string, Promise<{ r: CallResult; server: Omit<GraderServer, "close" | "settled"> }>>();
    /** One call of sendSecure against a fresh grader server, made once, by the first check that asks. */
    const callClient = (ctx: CheckContext, key: string, cert: Cert, msg: string, opts: Record<string, unknown>, reply?: (l: string) => string) => {
      let p = memo.get(key);
      if (!p) {
        p = (async () => {
          const server = await graderServer(cert, reply);
          try {
            const r = await ctx.call("sendSecure", [msg, { ...opts, port: server.port }]);
            await server.settled();
            return { r, server };
          } finally {
            await server.close();
          }
        })();
        memo.set(key, p);
      }
      return p;
    };
    const roundTripMsg = message("hello");
    const roundTrip = (ctx: CheckContext) => callClient(ctx, "round-trip", mine, roundTripMsg, { caFile: myCa, host: HOST, servername: NAME });
    const impostorMsg = message("secret");
    const impostorCall = (ctx: CheckContext) => callClient(ctx, "impostor", impostor, impostorMsg, { caFile: myCa, host: HOST, servername: NAME });
    const wrongNameMsg = message("secret");
    const wrongNameCall = (ctx: CheckContext) => callClient(ctx, "wrong-name", wrongName, wrongNameMsg, { caFile: wrongNameCa, host: HOST, servername: NAME });

    /** The reply sendSecure returned must be `want`, and `msg` must have reached the server. */
    const expectRoundTrip = (r: CallResult, server: Omit<GraderServer, "close" | "settled">, msg: string, want: string, what: string): void => {
      const unfinished = server.partial.find((p) => p.includes(msg));
      if (unfinished !== undefined && !server.lines.includes(msg))
        fail({ expected: `the line ${show(msg + "\n")} to reach the server`, got: `${show(unfinished)}, with no "\\n" at the end`, mistake: 'Send message + "\\n": the server reads until the end of the line.' });
      if (r.status !== "resolved") {
        failIfUnwritten(r);
        fail({ expected: what, got: r.status === "broken" ? r.message : `it rejected with ${describeError(r.error)}`, mistake: clientMistake(r) });
      }
      if (!server.lines.includes(msg)) {
        const partial = server.partial.find((p) => p.length);
        fail({
          expected: `the line ${show(msg + "\n")} to reach the server`,
          got: partial !== undefined ? `${show(partial)}, with no "\\n" at the end` : server.lines.length ? show(server.lines[0] + "\n") : "nothing arrived",
          mistake:
            partial !== undefined
              ? 'Send message + "\\n": the server reads until the end of the line.'
              : server.lines.includes(msg + "\r")
                ? 'End the message with "\\n" alone, not "\\r\\n": the server keeps everything before the "\\n".'
                : r.tls.length === 0
                  ? "Your function never called tls.connect: connect, send the message, and return what the server replies."
                  : undefined,
        });
      }
      if (r.value !== want) {
        const v = r.value;
        fail({
          expected: show(want),
          got: show(v),
          mistake:
            v === want + "\n"
              ? 'Return the line without its "\\n".'
              : typeof v === "string" && v.length && want.startsWith(v)
                ? 'The reply can arrive in several pieces: keep reading until "\\n" (or until the server closes).'
                : v === PREFIX + msg
                  ? "Your function makes the reply up: return what the server sent."
                  : undefined,
        });
      }
    };

    /** The learner's client must have refused this server, and sent it nothing. */
    const expectRefused = (r: CallResult, server: Omit<GraderServer, "close" | "settled">, msg: string, endpoint: string): void => {
      if (r.status === "resolved") fail({ expected: "sendSecure to reject", got: `it resolved with ${show(r.value)}`, mistake: acceptedBrokenMistake(r, endpoint) });
      failIfUnwritten(r);
      if (r.status === "broken") fail({ expected: "sendSecure to reject promptly", got: r.message, mistake: "Listen for the socket's 'error' event and reject the promise from it." });
      if (server.lines.includes(msg) || server.partial.some((p) => p.includes(msg)))
        fail({ expected: "no message sent to a server that failed verification", got: "your message reached it", mistake: "Write only after 'secureConnect', with verification on." });
    };

    const clientChecks: Check[] = [
      {
        name: "sendSecure completes a round-trip with a self-signed server it trusts through caFile",
        why: WHY.roundTrip,
        async run(ctx) {
          const { r, server } = await roundTrip(ctx);
          expectRoundTrip(r, server, roundTripMsg, PREFIX + roundTripMsg, `sendSecure to resolve with ${show(PREFIX + roundTripMsg)}`);
        },
      },
      {
        name: "returns the line the server sent back, not one of its own making",
        why: WHY.ownReply,
        async run(ctx) {
          const msg = message("ping");
          const answer = `the grader's own reply ${token()}`;
          const { r, server } = await callClient(ctx, "own-reply", mine, msg, { caFile: myCa, host: HOST, servername: NAME }, () => answer);
          expectRoundTrip(r, server, msg, answer, `sendSecure to resolve with the server's line, ${show(answer)}`);
        },
      },
      {
        name: "checks the certificate against the servername it is given",
        why: WHY.servername,
        async run(ctx) {
          const msg = message("named");
          const { r, server } = await callClient(ctx, "servername", named, msg, { caFile: namedCa, host: HOST, servername: givenName });
          if (r.status === "rejected" && r.tls.some((u) => u.servername !== null && u.servername !== givenName))
            fail({ expected: `the certificate checked against ${show(givenName)}`, got: `it was checked against ${show(r.tls.find((u) => u.servername !== givenName)!.servername)}`, mistake: "Use opts.servername, not a fixed name." });
          expectRoundTrip(r, server, msg, PREFIX + msg, `sendSecure(…, { servername: ${show(givenName)} }) to resolve`);
        },
      },
      {
        name: `uses host ${HOST} and servername ${NAME} when they are not given`,
        why: WHY.defaults,
        async run(ctx) {
          const msg = message("defaults");
          const { r, server } = await callClient(ctx, "defaults", mine, msg, { caFile: myCa });
          expectRoundTrip(r, server, msg, PREFIX + msg, "sendSecure(message, { caFile, port }) to resolve");
        },
      },
      {
        name: "rejects a server whose self-signed certificate is not the one in caFile",
        why: WHY.impostor,
        async run(ctx) {
          const { r, server } = await impostorCall(ctx);
          expectRefused(r, server, impostorMsg, "self-signed");
        },
      },
      {
        name: "rejects a server whose certificate is in caFile but issued for another name",
        why: WHY.wrongName,
        async run(ctx) {
          const { r, server } = await wrongNameCall(ctx);
          expectRefused(r, server, wrongNameMsg, "wrong-host");
        },
      },
      {
        name: "your client's side of the conversation is encrypted on the wire (seen from a relay)",
        why: WHY.clientWire,
        async run(ctx) {
          const msg = message("relayed");
          const server = await graderServer(mine);
          const relay = await startRelay(server.port);
          let r: CallResult;
          try {
            r = await ctx.call("sendSecure", [msg, { caFile: myCa, port: relay.port, host: HOST, servername: NAME }]);
          } finally {
            await relay.close();
            await server.close();
          }
          const up = relay.toServer();
          const down = relay.toClient();
          if (!up.length) {
            failIfUnwritten(r);
            fail({ expected: "your client's bytes to pass through the relay", got: "nothing arrived", mistake: r.tls.length === 0 ? "Your function never connected: use tls.connect to opts.host and opts.port." : "Connect to opts.host and opts.port, the ones you are given." });
          }
          if (!isTlsRecord(up))
            fail({ expected: "a TLS handshake record first (bytes 16 03 …)", got: firstBytes(up), mistake: "Your client writes in cleartext: use tls.connect, not net.connect, and write only after 'secureConnect'." });
          const seen = exposes(up, msg) ?? exposes(down, msg, PREFIX);
          if (seen) fail({ expected: "only ciphertext on the wire", got: `${show(seen)} readable in the relay's copy`, mistake: "Write the message on the TLS socket, never on the raw one underneath." });
          expectRoundTrip(r, server, msg, PREFIX + msg, "the round-trip to work through the relay too");
        },
      },
      {
        name: "keeps certificate verification switched on",
        why: WHY.verify,
        async run(ctx) {
          const calls = await Promise.all([roundTrip(ctx), impostorCall(ctx), wrongNameCall(ctx)]);
          const off = calls.map((c) => verificationOffMistake(c.r)).find(Boolean);
          if (off) fail({ expected: "tls.connect with verification on", got: "verification switched off", mistake: off });
        },
      },
    ];

    return [...certChecks, ...serverChecks, ...clientChecks];
  },
};

