// The local lab: a badssl.com replica of real tls/net servers on 127.0.0.1. Each grading
// run starts its own on free ports; `npm run lab` starts one on the documented ports.
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { ENDPOINTS, LAB_HOST, type EndpointKind, type EndpointSpec } from "./endpoints.ts";
import { LabScope } from "./scope.ts";
import { DAY_MS, Pki, randomLabel } from "./pki.ts";
import type { Cert, Crl } from "./x509.ts";
import { answeredVersion, endFromTlsError, hex, helloBytesWanted, looksLikeTls, MAX_HELLO_BYTES, nodeVersion, parseClientHello, snapshot, summarizeChain, TraceLog, type CertSummary, type ClientConnection, type ConnectionTrace, type TraceEnd, type TraceRecord } from "./trace.ts";

export { LAB_HOST } from "./endpoints.ts";
export { LabScope } from "./scope.ts";

export interface Endpoint {
  name: string;
  host: string;
  port: number;
  kind: EndpointKind;
  /** "connect", or the err.code a default-verifying Node client gets. */
  expect: string;
  /** The leaf certificate served, for TLS endpoints. */
  leaf?: Cert;
}

export interface TlsConfig {
  /** Leaf first, then whatever chain the server sends. */
  chain: Cert[];
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
}

/** An HTTP request a lab TLS endpoint received. */
export interface SeenRequest {
  endpoint: string;
  servername: string | false;
  requestLine: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The request's lines ended in CRLF, as HTTP wants (a bare LF is answered too, like most real servers do). */
  crlf: boolean;
}

export interface LabOptions {
  /** Use each endpoint's documented port (npm run lab) instead of free ports. */
  fixedPorts?: boolean;
  /** Where to write ca.pem and the trust bundle; a fresh temporary folder by default. */
  dir?: string;
  /** Start only these standard endpoints (all by default). */
  only?: string[];
}

/** How long a keep-alive connection may sit idle before the lab closes it. */
const KEEP_ALIVE_IDLE_MS = 1500;
const MAX_REQUEST_BYTES = 16 * 1024;
/** Requests kept per scope endpoint and per watched path: a grading looks for one or two. */
const MAX_LOGGED = 50;
/** A client that has not finished its TLS handshake by then is dropped (Node's default is 120 s). */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** The "silent" endpoint holds a connection this long at most (a learner's timeout is a few seconds). */
const SILENT_HOLD_MS = 30_000;
const BODY_DELAY_MS = 10;
/** Connection records (see trace.ts) are always kept; TLS_WORKBOOK_TRACE=off turns them off, for `npm run bench -- --trace-cost` only. */
const RECORDING = process.env.TLS_WORKBOOK_TRACE !== "off";
/** Where a "refused" port is picked: below the ports systems hand out for listen(0). */
const QUIET_PORTS = { low: 20000, high: 32000 };

export class Lab {
  readonly pki = new Pki();
  /** Random per lab: it appears in every HTTP response, so no earlier run's output can pass. */
  readonly token = crypto.randomBytes(8).toString("hex");
  readonly endpoints: Record<string, Endpoint> = {};
  /**
   * What reached the lab, kept only where a grading looks, so that no client can make it grow
   * or push out another's: requests to a scope's own endpoints (each capped, dropped with the
   * endpoint), and requests to the shared endpoints whose line holds a path a grading watches.
   */
  private readonly byEndpoint = new Map<string, SeenRequest[]>();
  private readonly byPath = new Map<string, SeenRequest[]>();
  readonly dir: string;
  readonly caFile: string;
  /** The machine's own NODE_EXTRA_CA_CERTS (if any) plus the lab root: what a child should trust. */
  readonly trustBundleFile: string;
  /** The leaf the "revoked" endpoint serves: valid, trusted, and listed in the intermediate's CRL. */
  readonly revokedLeaf: Cert;
  /**
   * The lab's CRLs, one PEM block each: the root's (revoking nothing) and the intermediate's
   * (revoking the "revoked" endpoint's leaf). Node's `crl` option checks every certificate
   * of a chain, so a client needs both, and reads one CRL per string: pass them as an array.
   */
  readonly crls: { root: Crl; intermediate: Crl };
  /** crl.pem: both CRLs in one file, as a CA's distribution points would serve them one by one. */
  readonly crlFile: string;
  private readonly servers = new Map<string, net.Server>();
  private readonly sockets = new Map<string, Set<net.Socket>>();
  private readonly ownsDir: boolean;
  private closed = false;
  /** Every connection to a TLS or raw endpoint, bounded (see TraceLog); read with traceFor(). */
  readonly traces = new TraceLog();
  private readonly liveTrace = new WeakMap<net.Socket, TraceRecord>();

  private constructor(dir: string | undefined) {
    this.ownsDir = !dir;
    this.dir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-lab-"));
    fs.mkdirSync(this.dir, { recursive: true });
    this.caFile = path.join(this.dir, "ca.pem");
    fs.writeFileSync(this.caFile, this.pki.root.pem);
    this.trustBundleFile = path.join(this.dir, "trust-bundle.pem");
    fs.writeFileSync(this.trustBundleFile, existingExtraCAs() + this.pki.root.pem);
    this.revokedLeaf = this.pki.issueLeaf({ cn: randomLabel("revoked") + ".lab.test" });
    this.crls = { root: this.pki.issueCrl(this.pki.root), intermediate: this.pki.issueCrl(this.pki.intermediate, [this.revokedLeaf]) };
    this.crlFile = path.join(this.dir, "crl.pem");
    fs.writeFileSync(this.crlFile, this.crlPem);
  }

  /** The text of crl.pem: the root's CRL, then the intermediate's. */
  get crlPem(): string {
    return this.crls.root.pem + this.crls.intermediate.pem;
  }

  static async start(opts: LabOptions = {}): Promise<Lab> {
    const lab = Lab.prepare(opts);
    await lab.listening;
    return lab;
  }

  /**
   * Makes the certificates and files at once and starts listening in the background:
   * the trust bundle exists on return, so a sandbox can start while the servers come up.
   * Await `listening` before using the endpoints.
   */
  static prepare(opts: LabOptions = {}): Lab {
    const lab = new Lab(opts.dir);
    const specs = ENDPOINTS.filter((e) => !opts.only || opts.only.includes(e.name));
    // One endpoint per turn of the event loop (a leaf costs about a millisecond to make), so
    // that what the caller starts right after this (transpiling the learner's file, starting its
    // child) is answered in between rather than after all of them.
    const started = (async () => {
      const all: Promise<Endpoint>[] = [];
      for (const spec of specs) {
        await new Promise((r) => setImmediate(r));
        const e = lab.startStandard(spec, opts.fixedPorts ? spec.labPort : 0);
        e.catch(() => {}); // awaited below, with the others
        all.push(e);
      }
      return Promise.all(all);
    })();
    lab.listening = started.then(
      () => undefined,
      async (err) => {
        await lab.close();
        throw err;
      },
    );
    lab.listening.catch(() => {}); // whoever awaits it sees the error; nobody else should crash on it
    return lab;
  }

  /** Settles when every standard endpoint listens (rejects if one could not). */
  listening: Promise<void> = Promise.resolve();

  endpoint(name: string): Endpoint {
    const e = this.endpoints[name];
    if (!e) throw new Error(`the lab has no endpoint named ${name}`);
    return e;
  }

  /** The standard endpoints' certificates and server settings. */
  private standardTlsConfig(name: string): TlsConfig {
    const { pki } = this;
    const chained = (leaf: Cert): Cert[] => [leaf, ...pki.intermediate.chainAbove];
    const legacy = (v: tls.SecureVersion): TlsConfig => ({
      chain: chained(pki.issueLeaf({ cn: randomLabel(name) + ".lab.test" })),
      minVersion: v,
      maxVersion: v,
      // OpenSSL 3 refuses TLS 1.0/1.1 at the default security level; the lab must offer them.
      ciphers: "DEFAULT@SECLEVEL=0",
    });
    switch (name) {
      case "good":
        return { chain: chained(pki.issueLeaf({ cn: randomLabel("good") + ".lab.test" })), minVersion: "TLSv1.3" };
      case "tls-v1-2":
        return { chain: chained(pki.issueLeaf({ cn: randomLabel("tls-v1-2") + ".lab.test" })), maxVersion: "TLSv1.2" };
      case "no-common-name":
        return { chain: chained(pki.issueLeaf({ subject: { O: "TLS Workbook Lab" } })) };
      case "expiring-soon":
        return { chain: chained(pki.issueLeaf({ cn: randomLabel("expiring-soon") + ".lab.test", notAfter: 5 * DAY_MS })) };
      case "expired":
        return { chain: chained(pki.issueLeaf({ cn: randomLabel("expired") + ".lab.test", notBefore: -60 * DAY_MS, notAfter: -30 * DAY_MS })) };
      case "not-yet-valid":
        return { chain: chained(pki.issueLeaf({ cn: randomLabel("not-yet-valid") + ".lab.test", notBefore: 30 * DAY_MS, notAfter: 90 * DAY_MS })) };
      case "wrong-host":
        return { chain: chained(pki.issueLeaf({ cn: "wrong.host.badssl.test", altNames: ["wrong.host.badssl.test"] })) };
      case "self-signed":
        return { chain: [pki.issueLeaf({ cn: randomLabel("self-signed") + ".lab.test" }, "self")] };
      case "untrusted-root":
        return { chain: [pki.issueLeaf({ cn: randomLabel("untrusted-root") + ".lab.test" }, pki.untrustedRoot), pki.untrustedRoot] };
      case "incomplete-chain":
        return { chain: [pki.issueLeaf({ cn: randomLabel("incomplete-chain") + ".lab.test" })] };
      case "revoked":
        return { chain: chained(this.revokedLeaf) };
      case "tls-v1-0":
        return legacy("TLSv1");
      case "tls-v1-1":
        return legacy("TLSv1.1");
      default:
        throw new Error(`no TLS configuration for ${name}`);
    }
  }

  private async startStandard(spec: EndpointSpec, port: number): Promise<Endpoint> {
    if (spec.kind === "tls") return this.addTls(spec.name, this.standardTlsConfig(spec.name), { port, expect: spec.expect });
    return this.addRaw(spec.name, spec.kind, { port, expect: spec.expect });
  }

  /** Serve a TLS endpoint that answers HTTP requests with a small response holding the token. */
  /** Endpoint names are unique: a second one would hide the first, whose server would never close. */
  private claim(name: string): void {
    if (this.endpoints[name] || this.servers.has(name) || this.claimed.has(name)) throw new Error(`the lab already has an endpoint named ${name}`);
    this.claimed.add(name);
  }
  private readonly claimed = new Set<string>();

  async addTls(name: string, cfg: TlsConfig, o: { port?: number; expect?: string } = {}): Promise<Endpoint> {
    this.claim(name);
    const [leaf] = cfg.chain;
    const tlsServer = tls.createServer({
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      // A client may half-close after its request (socket.end(request)): the reply still comes,
      // as from real servers; serveHttp ends our side once it has answered.
      allowHalfOpen: true,
      key: leaf.keyPem,
      cert: cfg.chain.map((c) => c.pem).join(""),
      minVersion: cfg.minVersion ?? "TLSv1.2",
      maxVersion: cfg.maxVersion ?? "TLSv1.3",
      ...(cfg.ciphers ? { ciphers: cfg.ciphers } : {}),
    });
    tlsServer.on("secureConnection", (socket) => {
      socket.allowHalfOpen = true;
      const rec = this.recordOf(socket);
      if (rec) rec.answer = { ...rec.answer, version: nodeVersion(socket.getProtocol()), cipher: socket.getCipher()?.standardName };
      this.serveHttp(name, socket, rec);
    });
    // A verifying client hanging up is the point of most endpoints: only recorded.
    tlsServer.on("tlsClientError", (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
      const rec = this.recordOf(socket);
      // Bytes that were never TLS (an HTTP request, say): the lab's TLS server gives up on them.
      if (rec?.notTls) this.ended(rec, { by: "lab", kind: "no-tls", duringHandshake: true, detail: err.code ?? err.message });
      else if (rec) this.ended(rec, endFromTlsError(err));
    });
    const versions = { min: nodeVersion(cfg.minVersion ?? "TLSv1.2")!, max: nodeVersion(cfg.maxVersion ?? "TLSv1.3")! };
    let certs: CertSummary[] | undefined;
    // The TCP socket is the lab's first (so close() also ends half-done handshakes): the first
    // record, the ClientHello, is read and parsed, put back, and the socket handed to the TLS
    // server, which reads it as if it had come straight from the client.
    // Not half-open until the handshake is done: a client that hangs up mid-handshake (a
    // verifying client that refused the certificate) is seen at once, not at the timeout.
    const server = net.createServer((raw) => {
      this.track(name, raw);
      const rec = this.newRecord(name, raw);
      if (!rec) return void tlsServer.emit("connection", raw);
      let seen: Buffer = Buffer.alloc(0);
      const onEnd = (kind: "close" | "reset") => () => {
        stop();
        this.ended(rec, { by: "client", kind: seen.length ? kind : "no-tls", duringHandshake: true });
        raw.destroy();
      };
      const onClose = onEnd("close");
      const onError = onEnd("reset");
      const timer = setTimeout(() => {
        stop();
        this.ended(rec, { by: "lab", kind: "timeout", duringHandshake: true });
        raw.destroy();
      }, HANDSHAKE_TIMEOUT_MS);
      const stop = () => {
        clearTimeout(timer);
        raw.off("data", onData);
        raw.off("end", onClose);
        raw.off("error", onError);
      };
      const onData = (chunk: Buffer) => {
        seen = seen.length ? Buffer.concat([seen, chunk]) : chunk;
        if (helloBytesWanted(seen) > 0 && seen.length < MAX_HELLO_BYTES) return;
        stop();
        raw.pause();
        if (looksLikeTls(seen)) {
          rec.hello = parseClientHello(seen);
          // No version in common: the lab refuses at once (alert 70), no ServerHello, no chain.
          const version = rec.hello && answeredVersion(rec.hello.versions, versions.min, versions.max);
          if (version) rec.answer = { version, certs: (certs ??= summarizeChain(cfg.chain)) };
        } else rec.notTls = { hex: hex(seen, 24), text: printable(seen.subarray(0, 24)) };
        raw.unshift(seen);
        tlsServer.emit("connection", raw);
      };
      raw.on("data", onData);
      raw.once("end", onClose);
      raw.once("error", onError);
    });
    const endpoint: Endpoint = { name, host: LAB_HOST, port: 0, kind: "tls", expect: o.expect ?? "connect", leaf };
    endpoint.port = await this.listen(name, server, o.port ?? 0);
    this.endpoints[name] = endpoint;
    return endpoint;
  }

  /** Starts the record of a new connection (undefined once the lab is closing). */
  private newRecord(name: string, raw: net.Socket): TraceRecord | undefined {
    const clientPort = raw.remotePort;
    const serverPort = raw.localPort;
    if (this.closed || !RECORDING || !clientPort || !serverPort) return undefined;
    const rec: TraceRecord = {
      endpoint: name.replace(/@[^@]*$/, ""),
      server: `${LAB_HOST}:${serverPort}`,
      client: `${raw.remoteAddress ?? LAB_HOST}:${clientPort}`,
      bytes: { fromClient: 0, toClient: 0 },
      clientPort,
      serverPort,
      openedAt: performance.now(),
    };
    this.traces.add(rec, name.includes("@") ? name : undefined);
    this.liveTrace.set(raw, rec);
    // However it ends, a connection that closes with nothing said about it closed.
    raw.once("close", (hadError) => this.ended(rec, { by: "client", kind: hadError ? "reset" : "close", duringHandshake: !rec.answer?.cipher }));
    return rec;
  }

  private recordOf(socket: tls.TLSSocket): TraceRecord | undefined {
    const parent = (socket as unknown as { _parent?: net.Socket })._parent;
    return (parent && this.liveTrace.get(parent)) || this.liveTrace.get(socket);
  }

  /** The first ending is the one kept (a close that follows an alert is the alert's). */
  private ended(rec: TraceRecord, end: TraceEnd): void {
    rec.end ??= { ...end, afterMs: Math.round(performance.now() - rec.openedAt) };
  }

  /**
   * What the lab recorded of the connections a learner's code made (the ports its sockets had,
   * as the sandbox reports them), in the order given; connections to anything but the lab are
   * left out.
   */
  traceFor(conns: readonly ClientConnection[]): ConnectionTrace[] {
    const out: ConnectionTrace[] = [];
    for (const c of conns) {
      const r = this.traces.get(c.localPort, c.remotePort);
      if (r) out.push(snapshot(r, c));
    }
    return out;
  }

  /** Resolves once the lab has seen every one of these connections end, or after `maxMs`. */
  async traceSettled(conns: readonly ClientConnection[], maxMs: number): Promise<void> {
    if (conns.length === 0) return;
    // Nothing to tell by (the bench-only switch): a fixed 250 ms, the wait before there were records.
    if (!RECORDING) return new Promise((r) => setTimeout(r, Math.min(maxMs, 250)));
    const open = () => conns.some((c) => {
      const r = this.traces.get(c.localPort, c.remotePort);
      return r !== undefined && r.end === undefined;
    });
    for (const until = Date.now() + maxMs; open() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 5));
  }

  async addRaw(name: string, kind: Exclude<EndpointKind, "tls">, o: { port?: number; expect?: string } = {}): Promise<Endpoint> {
    this.claim(name);
    const endpoint: Endpoint = { name, host: LAB_HOST, port: 0, kind, expect: o.expect ?? "reject" };
    if (kind === "refused") {
      endpoint.port = o.port || (await this.quietPort(name));
    } else {
      const server = net.createServer((socket) => {
        this.track(name, socket);
        const rec = this.newRecord(name, socket);
        if (rec) {
          if (kind === "hang-up") this.ended(rec, { by: "lab", kind: "close", duringHandshake: true });
          if (kind === "silent") socket.once("timeout", () => this.ended(rec, { by: "lab", kind: "timeout", duringHandshake: true }));
          socket.once("data", (b: Buffer) => {
            if (looksLikeTls(b)) rec.hello = parseClientHello(b);
            else rec.notTls = { hex: hex(b, 24), text: printable(b.subarray(0, 24)) };
            if (kind === "plain-http") this.ended(rec, { by: "lab", kind: "no-tls", duringHandshake: true, detail: "HTTP/1.1 400 Bad Request" });
          });
        }
        if (kind === "hang-up") socket.destroy();
        if (kind === "plain-http")
          socket.once("data", () => socket.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        // silent: accept and never speak; dropped after a while, or by close().
        if (kind === "silent") socket.setTimeout(SILENT_HOLD_MS, () => socket.destroy());
      });
      endpoint.port = await this.listen(name, server, o.port ?? 0);
    }
    this.endpoints[name] = endpoint;
    return endpoint;
  }

  private track(name: string, socket: net.Socket): void {
    let set = this.sockets.get(name);
    if (!set) this.sockets.set(name, (set = new Set()));
    set.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => set.delete(socket));
  }

  /**
   * A port that nothing listens on, and that no server of this lab (or any program asking
   * for "any free port") will be given later: below every system's range for those
   * (Linux from 32768, macOS and Windows from 49152). A port found free and released in that
   * range comes back to the next server that asks, which then answers "refused" with TLS.
   */
  private async quietPort(name: string): Promise<number> {
    for (let i = 0; i < 50; i++) {
      const port = QUIET_PORTS.low + crypto.randomInt(QUIET_PORTS.high - QUIET_PORTS.low);
      try {
        return await this.listen(name, net.createServer(), port, false);
      } catch {
        // in use: try another
      }
    }
    return this.listen(name, net.createServer(), 0, false);
  }

  private listen(name: string, server: net.Server, port: number, keep = true): Promise<number> {
    return new Promise((resolve, reject) => {
      server.once("error", (err: NodeJS.ErrnoException) => {
        reject(err.code === "EADDRINUSE" ? new Error(`port ${port} is already in use: is another lab running?`) : err);
      });
      server.listen(port, LAB_HOST, () => {
        const actual = (server.address() as net.AddressInfo).port;
        if (keep) {
          this.servers.set(name, server);
          resolve(actual);
        } else server.close(() => resolve(actual));
      });
    });
  }

  /** Starts keeping the requests whose request line holds `p` (see requestsFor). */
  watchPath(p: string): void {
    if (!this.byPath.has(p)) this.byPath.set(p, []);
  }

  unwatchPath(p: string): void {
    this.byPath.delete(p);
  }

  /** The requests seen since watchPath(p) whose request line holds `p`. */
  requestsFor(p: string): SeenRequest[] {
    return this.byPath.get(p) ?? [];
  }

  /** The requests that reached an endpoint made for one grading (a scope's). */
  requestsToEndpoint(name: string): SeenRequest[] {
    return this.byEndpoint.get(name) ?? [];
  }

  private record(q: SeenRequest): void {
    if (this.claimed.has(q.endpoint) && q.endpoint.includes("@")) {
      let list = this.byEndpoint.get(q.endpoint);
      if (!list) this.byEndpoint.set(q.endpoint, (list = []));
      if (list.length < MAX_LOGGED) list.push(q);
    }
    for (const [p, list] of this.byPath) if (list.length < MAX_LOGGED && (q.path === p || q.requestLine.includes(p))) list.push(q);
  }

  /** The body a TLS endpoint answers a request for `reqPath` with (the run's token in it). */
  responseBody(name: string, reqPath: string): string {
    return `tls-workbook lab: ${name}\ntoken: ${this.token}\npath: ${reqPath}\n`;
  }

  /** A minimal HTTP/1.1 responder: logs the request, answers, honours Connection: close. */
  private serveHttp(name: string, socket: tls.TLSSocket, rec?: TraceRecord): void {
    const write = (text: string) => {
      if (rec) rec.bytes.toClient += Buffer.byteLength(text);
      socket.write(text);
    };
    const finish = () => {
      if (rec) this.ended(rec, { by: "lab", kind: "close", duringHandshake: false });
      socket.end();
    };
    let buf = "";
    let idle: NodeJS.Timeout | undefined;
    let answering = false;
    let clientDone = false;
    const onData = (chunk: Buffer) => {
      if (rec) rec.bytes.fromClient += chunk.length;
      buf += chunk.toString("latin1");
      if (buf.length > MAX_REQUEST_BYTES) return socket.destroy();
      // The head ends at a blank line: CRLF CRLF, or (leniently, as most servers) LF LF.
      const m = /\r?\n\r?\n/.exec(buf);
      if (!m) return;
      const end = m.index;
      const crlf = !/(^|[^\r])\n/.test(buf.slice(0, end + m[0].length));
      const head = buf.slice(0, end).split(/\r?\n/);
      buf = buf.slice(end + m[0].length);
      const requestLine = head[0] ?? "";
      const [method = "", reqPath = ""] = requestLine.split(" ");
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(":");
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      this.record({ endpoint: name, servername: socket.servername ?? false, requestLine, method, path: reqPath, headers, crlf });
      answering = true;
      const body = this.responseBody(name, reqPath);
      const close = (headers.connection ?? "").toLowerCase() === "close";
      // Head and body go out separately, a moment apart: a client must read every chunk.
      write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: ${close ? "close" : "keep-alive"}\r\n\r\n`);
      clearTimeout(idle);
      idle = setTimeout(() => {
        if (socket.destroyed) return;
        write(body);
        answering = false;
        if (close || clientDone) finish();
        // Without "Connection: close" an HTTP/1.1 server keeps the connection open, as real ones do.
        else idle = setTimeout(finish, KEEP_ALIVE_IDLE_MS);
      }, BODY_DELAY_MS);
    };
    socket.on("data", onData);
    // The client half-closed: it sends no more. Finish the reply under way, if any, then end.
    socket.on("end", () => {
      clientDone = true;
      if (rec) this.ended(rec, { by: "client", kind: "close", duringHandshake: false });
      if (!answering) socket.end();
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (rec) this.ended(rec, { by: "client", kind: err.code === "ECONNRESET" ? "reset" : "error", duringHandshake: false, detail: err.code ?? err.message });
    });
    socket.on("close", () => clearTimeout(idle));
  }

  /** A scope for endpoints and host names private to one grading (see LabScope). */
  scope(): LabScope {
    return new LabScope(this);
  }

  /** Stops one endpoint and drops its connections. */
  async closeEndpoint(name: string): Promise<void> {
    this.byEndpoint.delete(name);
    this.traces.dropEndpoint(name);
    for (const s of this.sockets.get(name) ?? []) s.destroy();
    this.sockets.delete(name);
    const server = this.servers.get(name);
    this.servers.delete(name);
    this.claimed.delete(name);
    delete this.endpoints[name];
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(Object.keys(this.endpoints).map((name) => this.closeEndpoint(name)));
    await Promise.all([...this.servers.keys()].map((name) => this.closeEndpoint(name)));
    if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Bytes as text, anything unprintable as "." (for a glance at what a non-TLS client sent). */
function printable(b: Buffer): string {
  return [...b].map((x) => (x >= 32 && x < 127 ? String.fromCharCode(x) : x === 10 ? "\\n" : x === 13 ? "\\r" : ".")).join("");
}

/** The CA file this machine already trusts through NODE_EXTRA_CA_CERTS, so a bundle keeps it. */
function existingExtraCAs(): string {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return "";
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.endsWith("\n") ? text : text + "\n";
  } catch {
    return "";
  }
}
