// Lesson 04: the grader's own network pieces (its verifying client, a recording relay, its TLS
// servers) and how their outcomes read.
import net from "node:net";
import tls from "node:tls";
import { fail, show, verificationOffMistake } from "../../checks/check.ts";
import { hex, parseClientHello, type ConnectionTrace, type WireSample } from "../../lab/trace.ts";
import type { Cert } from "../../lab/x509.ts";
import type { CallResult } from "../../sandbox/sandbox.ts";
import { CLOSE_MS, HOST, LINE_MS, MAX_BYTES, NAME, PREFIX, REPLY_MS, shown } from "./common.ts";

// ---- the grader's own network pieces --------------------------------------------------

export interface Exchange {
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

export function exchange(port: number, line: string, ca: string, closeMs = CLOSE_MS, split = false): Promise<Exchange> {
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
export function probePort(port: number): Promise<"refused" | "accepted" | string> {
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
export async function startRelay(targetPort: number): Promise<Relay> {
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

export interface GraderServer {
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
export async function graderServer(cert: Cert, reply: (line: string) => string = (l) => PREFIX + l): Promise<GraderServer> {
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
export function serverMistake(e: Exchange, certFile: string): string | undefined {
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

export function describeExchange(e: Exchange): string {
  if (e.error) return `${e.secure ? "after the handshake, " : "the handshake failed: "}${e.error.code ? `[${e.error.code}] ` : ""}${shortMessage(e.error.message)}`;
  if (!e.secure) return e.closed ? "the connection closed before the TLS handshake finished" : `no TLS handshake within ${REPLY_MS / 1000} s`;
  if (!e.data) return e.closed ? "the connection closed without a reply" : `no reply within ${REPLY_MS / 1000} s`;
  return show(e.data);
}

/** Fails unless the exchange carried exactly `PREFIX + line + "\n"`. */
export function expectReply(e: Exchange, line: string, certFile: string): void {
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
export function exposes(bytes: Buffer, ...texts: string[]): string | undefined {
  return texts.find((t) => bytes.includes(Buffer.from(t, "utf8")));
}

const RECORD_TYPES: Record<number, string> = { 20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data" };

/** The TLS records in a stream, "handshake 1601, application_data 74, …" (what a wire sniffer lists), or undefined when it is not TLS. */
export function recordList(b: Buffer, max = 8): string | undefined {
  const out: string[] = [];
  let pos = 0;
  while (pos + 5 <= b.length && out.length < max) {
    const type = RECORD_TYPES[b[pos]];
    if (!type || b[pos + 1] !== 3) return out.length ? out.join(", ") + ", then not TLS" : undefined;
    const len = b.readUInt16BE(pos + 3);
    out.push(`${type} ${len}`);
    pos += 5 + len;
  }
  return out.join(", ") + (pos < b.length ? ", …" : "");
}

/**
 * The application_data record that carries `n` bytes of plaintext: in TLS 1.3 with AES-GCM or
 * ChaCha20 a record is the plaintext, one byte of content type and a 16-byte tag (17 more); in
 * TLS 1.2 with AES-GCM, an 8-byte nonce and the tag (24 more). The first that fits, or none.
 */
export function carrierRecord(b: Buffer, n: number): Buffer | undefined {
  for (let pos = 0; pos + 5 <= b.length; pos += 5 + b.readUInt16BE(pos + 3)) {
    const len = b.readUInt16BE(pos + 3);
    if (b[pos] === 23 && (len === n + 17 || len === n + 24)) return b.subarray(pos, pos + 5 + len);
    if (b[pos + 1] !== 3) return undefined;
  }
  return undefined;
}

/** How many bytes of each direction the trace shows in hex. */
export const WIRE_HEX_BYTES = 48;

/**
 * Lesson 04's relay as a trace: the ClientHello read from the relayed bytes, and for each
 * direction the first bytes on the wire (hex, with the TLS records they hold) next to the
 * plaintext that went that way. `wrote` says who wrote which plaintext.
 */
export function wireTrace(o: { toServer: Buffer; toClient: Buffer; client: string; server: string; toServerText: string; toClientText?: string }): ConnectionTrace {
  const sample = (direction: WireSample["direction"], b: Buffer, plaintext?: string): WireSample => {
    const records = recordList(b, 4);
    const carrier = plaintext !== undefined ? carrierRecord(b, Buffer.byteLength(plaintext)) : undefined;
    return { direction, hex: hex(b, WIRE_HEX_BYTES), total: b.length, ...(plaintext !== undefined ? { plaintext } : {}), ...(records ? { records } : {}), ...(carrier ? { carrier: hex(carrier, 24) } : {}) };
  };
  const hello = parseClientHello(o.toServer);
  return {
    endpoint: o.server,
    server: "(through the grader's relay)",
    client: o.client,
    ...(hello ? { hello } : {}),
    bytes: { fromClient: o.toServer.length, toClient: o.toClient.length },
    wire: [sample("to-server", o.toServer, o.toServerText), ...(o.toClient.length || o.toClientText !== undefined ? [sample("to-client", o.toClient, o.toClientText)] : [])],
  };
}

export const isTlsRecord = (b: Buffer) => b.length >= 2 && b[0] === 0x16 && b[1] === 0x03;

export function firstBytes(b: Buffer): string {
  if (b.length === 0) return "nothing";
  const head = b.subarray(0, 40);
  let n = 0;
  while (n < head.length && (head[n] === 10 || head[n] === 13 || (head[n] >= 32 && head[n] < 127))) n++;
  if (n >= 4) return `${show(head.subarray(0, n).toString("latin1"))}${n < b.length ? "…" : ""}, readable: cleartext`;
  return `bytes ${[...head.subarray(0, 8)].map((x) => x.toString(16).padStart(2, "0")).join(" ")} …`;
}

/** Why the learner's client call did not complete a round-trip with a good server. */
export function clientMistake(r: CallResult): string | undefined {
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
