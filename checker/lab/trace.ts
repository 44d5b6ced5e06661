// What the lab saw of one connection: the ClientHello as it arrived (parsed here, from the raw
// bytes, before Node's TLS server reads them), what the lab answered, how the connection
// ended and how many application bytes went each way. Kept in bounded rings and found again
// by the client's port, which the sandbox's harness reports for every socket the learner's
// code connects (see attribution in grading/run-checks.ts). Informational only: no check's
// verdict reads it.
import crypto from "node:crypto";
import type { Cert } from "./x509.ts";

/** The ClientHello fields a learner can act on. */
export interface ClientHelloInfo {
  /** server_name (SNI), or null when the client sent none. */
  sni: string | null;
  /** Offered versions, newest first ("TLS 1.3", "TLS 1.2" …): supported_versions, else the legacy field. */
  versions: string[];
  /** Cipher suites offered (GREASE values left out). */
  suites: number;
  /** ALPN protocols offered; empty when none. */
  alpn: string[];
  /** The hello did not fit in the first record, or was cut short: what was read is kept. */
  partial?: boolean;
}

export interface CertSummary {
  subject: string;
  issuer: string;
  /** ISO dates. */
  notBefore: string;
  notAfter: string;
}

export type EndKind =
  /** A TLS alert, by number and name. */
  | "alert"
  /** An orderly end of the stream (close_notify and FIN, or FIN alone: Node does not tell them apart). */
  | "close"
  /** A TCP reset. */
  | "reset"
  /** Nobody spoke for too long. */
  | "timeout"
  /** The TCP connection closed before any TLS at all. */
  | "no-tls"
  | "error";

export interface TraceEnd {
  /** Who ended it: the learner's client, or the lab. */
  by: "client" | "lab";
  kind: EndKind;
  alert?: { number: number; name: string };
  /** When the handshake had not finished. */
  duringHandshake: boolean;
  /** The lab's error code or message, as Node reported it. */
  detail?: string;
  /** Milliseconds from the TCP connection to this end (set by the lab when it records the end). */
  afterMs?: number;
}

/** One connection, as recorded (and as carried in TestResult.trace). */
export interface ConnectionTrace {
  /** The lab endpoint's name (a grading's private suffix left out). */
  endpoint: string;
  /** host:port of the lab endpoint, and of the learner's client. */
  server: string;
  client: string;
  /** Not TLS at all: the first bytes the client sent, in hex (a plain-HTTP client, say). */
  notTls?: { hex: string; text: string };
  hello?: ClientHelloInfo;
  /** What the lab answered: the version it chose (negotiated, or the one it sent in its ServerHello), the cipher when the handshake finished, and the chain it sent. */
  answer?: { version?: string; cipher?: string; certs?: CertSummary[] };
  end?: TraceEnd;
  /** Application (plaintext) bytes read from the client and written to it. */
  bytes: { fromClient: number; toClient: number };
  /** Lesson 04's relay: the first bytes on the wire each way, next to the plaintext the learner's code wrote. */
  wire?: WireSample[];
  /** The client's own view (from the sandbox), when it had an error on this socket. */
  clientError?: string;
}

export interface WireSample {
  direction: "to-server" | "to-client";
  /** The first bytes on the wire, hex, space-separated. */
  hex: string;
  /** How many bytes went that way in all. */
  total: number;
  /** The plaintext that went this way (written by the learner's code, or by the grader to it). */
  plaintext?: string;
  /** The TLS records in those bytes, "handshake 1601, application_data 74, …"; absent when not TLS. */
  records?: string;
  /** The first bytes of the application_data record that carries that plaintext (encrypted), when one fits its size. */
  carrier?: string;
}

/** A socket the learner's code connected, as the harness saw it from its end. */
export interface ClientConnection {
  localPort: number;
  remotePort: number;
  /** err.code (or message) of an 'error' the socket emitted. */
  error?: string;
}

// ---- the ClientHello ---------------------------------------------------------------------

/** How many bytes of the first record are read at most (a record's maximum, plus its header). */
export const MAX_HELLO_BYTES = 16384 + 5;

const VERSION_NAMES: Record<number, string> = { 0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3" };
export const versionName = (v: number): string => VERSION_NAMES[v] ?? `0x${v.toString(16).padStart(4, "0")}`;
/** GREASE (RFC 8701): 0x0a0a, 0x1a1a … 0xfafa. */
const isGrease = (v: number) => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);

class Reader {
  private readonly b: Buffer;
  pos: number;
  private readonly end: number;
  constructor(b: Buffer, pos = 0, end = b.length) {
    this.b = b;
    this.pos = pos;
    this.end = end;
  }
  need(n: number): void {
    if (this.pos + n > this.end) throw new RangeError("short");
  }
  u8(): number {
    this.need(1);
    return this.b[this.pos++];
  }
  u16(): number {
    this.need(2);
    const v = this.b.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u24(): number {
    this.need(3);
    const v = this.b.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** A sub-reader over the next `n` bytes (cut to what is there, for a record read in part). */
  sub(n: number): Reader {
    const end = Math.min(this.pos + n, this.end);
    const r = new Reader(this.b, this.pos, end);
    this.pos = end;
    return r;
  }
  get left(): number {
    return this.end - this.pos;
  }
}

/** Starts like a TLS handshake record (0x16 0x03 …)? */
export const looksLikeTls = (b: Buffer): boolean => b.length >= 1 && b[0] === 0x16 && (b.length < 2 || b[1] === 0x03);

/** Bytes still to read before the first record is whole (0: whole, or not worth waiting for). */
export function helloBytesWanted(b: Buffer): number {
  if (b.length < 5) return looksLikeTls(b) ? 5 - b.length : 0;
  if (!looksLikeTls(b)) return 0;
  return Math.max(0, Math.min(5 + b.readUInt16BE(3), MAX_HELLO_BYTES) - b.length);
}

/**
 * The ClientHello in the first TLS record of `data`, or undefined when the bytes are not a
 * handshake record holding one. Never throws: a hello cut short gives what was read, `partial`.
 */
export function parseClientHello(data: Buffer): ClientHelloInfo | undefined {
  const b = data.subarray(0, MAX_HELLO_BYTES);
  if (b.length < 6 || b[0] !== 0x16 || b[1] !== 0x03 || b[5] !== 0x01) return undefined;
  const info: ClientHelloInfo = { sni: null, versions: [], suites: 0, alpn: [] };
  const top = new Reader(b, 3);
  try {
    const recordLen = top.u16();
    const rec = top.sub(recordLen);
    rec.u8(); // handshake type: 1
    const hs = rec.sub(rec.u24());
    const legacy = hs.u16();
    info.versions = [versionName(legacy)];
    hs.bytes(32); // random
    hs.bytes(hs.u8()); // session id
    const suites = hs.sub(hs.u16());
    const all: number[] = [];
    while (suites.left >= 2) all.push(suites.u16());
    info.suites = all.filter((s) => !isGrease(s)).length;
    hs.bytes(hs.u8()); // compression methods
    if (hs.left === 0) return info; // no extensions (SSL 3.0 style)
    const exts = hs.sub(hs.u16());
    while (exts.left >= 4) {
      const type = exts.u16();
      const ext = exts.sub(exts.u16());
      if (type === 0) {
        const list = ext.sub(ext.u16());
        while (list.left >= 3) {
          const kind = list.u8();
          const name = list.bytes(list.u16());
          if (kind === 0) info.sni = name.toString("latin1").slice(0, 255);
        }
      } else if (type === 16) {
        const list = ext.sub(ext.u16());
        while (list.left >= 1 && info.alpn.length < 16) info.alpn.push(list.bytes(list.u8()).toString("latin1").slice(0, 64));
      } else if (type === 43) {
        const list = ext.sub(ext.u8());
        const offered: number[] = [];
        while (list.left >= 2) {
          const v = list.u16();
          if (!isGrease(v)) offered.push(v);
        }
        if (offered.length) info.versions = offered.sort((x, y) => y - x).slice(0, 8).map(versionName);
      }
    }
    if (recordLen + 5 > b.length || exts.left > 0) info.partial = true;
  } catch {
    info.partial = true;
  }
  return info;
}

// ---- alerts -------------------------------------------------------------------------------

/** RFC 8446 §6 (and the older ones RFC 5246 lists): number → name. */
export const ALERTS: Record<number, string> = {
  0: "close_notify",
  10: "unexpected_message",
  20: "bad_record_mac",
  21: "decryption_failed",
  22: "record_overflow",
  30: "decompression_failure",
  40: "handshake_failure",
  41: "no_certificate",
  42: "bad_certificate",
  43: "unsupported_certificate",
  44: "certificate_revoked",
  45: "certificate_expired",
  46: "certificate_unknown",
  47: "illegal_parameter",
  48: "unknown_ca",
  49: "access_denied",
  50: "decode_error",
  51: "decrypt_error",
  70: "protocol_version",
  71: "insufficient_security",
  80: "internal_error",
  86: "inappropriate_fallback",
  90: "user_canceled",
  100: "no_renegotiation",
  109: "missing_extension",
  110: "unsupported_extension",
  112: "unrecognized_name",
  113: "bad_certificate_status_response",
  115: "unknown_psk_identity",
  116: "certificate_required",
  120: "no_application_protocol",
};
const ALERT_BY_NAME = new Map(Object.entries(ALERTS).map(([n, name]) => [name.replace(/_/g, ""), Number(n)]));

export const alert = (n: number) => ({ number: n, name: ALERTS[n] ?? "unknown" });

/**
 * How a tlsClientError reads: an alert the client sent ("… SSL alert number 48", or a code such
 * as ERR_SSL_TLSV1_ALERT_UNKNOWN_CA where a later OpenSSL words it without the number), one the
 * lab sent (no common version, no shared cipher), a hang-up, a reset or a timeout.
 */
export function endFromTlsError(err: { code?: string; message?: string }): TraceEnd {
  const code = err.code ?? "";
  const message = err.message ?? "";
  const detail = code || message.split("\n")[0].slice(0, 200);
  const base = { duringHandshake: true, detail };
  const n = /alert number (\d+)/i.exec(message);
  if (n) return { ...base, by: "client", kind: "alert", alert: alert(Number(n[1])) };
  const named = /ALERT_([A-Z_]+)$/.exec(code) ?? /alert ([a-z ]+?)(?::|$)/i.exec(message);
  if (named) {
    const num = ALERT_BY_NAME.get(named[1].toLowerCase().replace(/[_ ]/g, ""));
    if (num !== undefined) return { ...base, by: "client", kind: "alert", alert: alert(num) };
  }
  if (/UNSUPPORTED_PROTOCOL|VERSION_TOO_LOW|VERSION_TOO_HIGH|unsupported protocol/i.test(code + message)) return { ...base, by: "lab", kind: "alert", alert: alert(70) };
  if (/NO_SHARED_CIPHER|no shared cipher/i.test(code + message)) return { ...base, by: "lab", kind: "alert", alert: alert(40) };
  if (/NO_APPLICATION_PROTOCOL/i.test(code)) return { ...base, by: "lab", kind: "alert", alert: alert(120) };
  if (/HANDSHAKE_TIMEOUT|timeout/i.test(code + message)) return { ...base, by: "lab", kind: "timeout" };
  if (/socket hang up/i.test(message)) return { ...base, by: "client", kind: "close" };
  if (code === "ECONNRESET" || code === "EPIPE") return { ...base, by: "client", kind: "reset" };
  return { ...base, by: "client", kind: "error" };
}

/** The version the lab's server answers a hello with: the newest both offer (none: it refuses, alert 70). */
export function answeredVersion(offered: string[], min: string, max: string): string | undefined {
  const order = ["TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"];
  const [lo, hi] = [order.indexOf(min), order.indexOf(max)];
  return offered.filter((v) => order.indexOf(v) >= lo && order.indexOf(v) <= hi).sort((a, b) => order.indexOf(b) - order.indexOf(a))[0];
}

/** "TLSv1.2" (Node's name) → "TLS 1.2". */
export const nodeVersion = (v: string | null | undefined): string | undefined =>
  v ? (v === "TLSv1" ? "TLS 1.0" : v.replace(/^TLSv/, "TLS ")) : undefined;

// ---- certificates ---------------------------------------------------------------------------

const oneLineName = (dn: string) => dn.split("\n").filter(Boolean).reverse().join(", ") || "(empty)";

/** Subject, issuer and dates of each certificate of a chain (read once per chain). */
export function summarizeChain(chain: Cert[]): CertSummary[] {
  return chain.map((c) => {
    const x = new crypto.X509Certificate(c.der);
    return { subject: oneLineName(x.subject), issuer: oneLineName(x.issuer), notBefore: new Date(x.validFrom).toISOString(), notAfter: new Date(x.validTo).toISOString() };
  });
}

// ---- keeping them --------------------------------------------------------------------------

/** Connections kept per private endpoint (a grading's own), and on all the shared ones together. */
export const MAX_PER_ENDPOINT = 64;
export const MAX_SHARED = 1024;

/** A live record: filled in as the connection goes on; copied out by `find`. */
export interface TraceRecord extends ConnectionTrace {
  clientPort: number;
  serverPort: number;
  /** performance.now() when the lab accepted the TCP connection. */
  openedAt: number;
}

class Ring {
  private readonly items: (TraceRecord | undefined)[];
  private next = 0;
  private readonly size: number;
  constructor(size: number) {
    this.size = size;
    this.items = new Array(size);
  }
  /** Adds one; returns the record it pushed out, if any. */
  push(r: TraceRecord): TraceRecord | undefined {
    const old = this.items[this.next];
    this.items[this.next] = r;
    this.next = (this.next + 1) % this.size;
    return old;
  }
  *[Symbol.iterator]() {
    for (const r of this.items) if (r) yield r;
  }
}

const key = (clientPort: number, serverPort: number) => clientPort * 65536 + serverPort;

/**
 * The lab's connection records: a ring per private endpoint (dropped with it) and one ring
 * shared by the standard endpoints, indexed by (client port, server port). Memory is bounded
 * whatever the clients do: MAX_SHARED + MAX_PER_ENDPOINT × private endpoints records, each of
 * bounded size.
 */
export class TraceLog {
  private readonly shared = new Ring(MAX_SHARED);
  private readonly own = new Map<string, Ring>();
  private readonly index = new Map<number, TraceRecord>();

  add(r: TraceRecord, privateEndpoint: string | undefined): void {
    let ring = this.shared;
    if (privateEndpoint) {
      ring = this.own.get(privateEndpoint) ?? new Ring(MAX_PER_ENDPOINT);
      this.own.set(privateEndpoint, ring);
    }
    const old = ring.push(r);
    const k = key(r.clientPort, r.serverPort);
    if (old) {
      const ok = key(old.clientPort, old.serverPort);
      if (this.index.get(ok) === old) this.index.delete(ok);
    }
    this.index.set(k, r); // a reused port: the newer connection
  }

  dropEndpoint(name: string): void {
    const ring = this.own.get(name);
    if (!ring) return;
    for (const r of ring) {
      const k = key(r.clientPort, r.serverPort);
      if (this.index.get(k) === r) this.index.delete(k);
    }
    this.own.delete(name);
  }

  get size(): number {
    return this.index.size;
  }

  /** The record of the connection from this client port to this lab port, if kept. */
  get(clientPort: number, serverPort: number): TraceRecord | undefined {
    return this.index.get(key(clientPort, serverPort));
  }
}

/** A record as a plain ConnectionTrace (a copy: the live one may still change). */
export function snapshot(r: TraceRecord, client?: ClientConnection): ConnectionTrace {
  const { clientPort: _c, serverPort: _s, openedAt: _o, ...t } = r;
  const copy: ConnectionTrace = structuredClone(t);
  if (client?.error) copy.clientError = client.error;
  return copy;
}

/** First bytes, hex, space-separated. */
export const hex = (b: Buffer, n = 48): string => [...b.subarray(0, n)].map((x) => x.toString(16).padStart(2, "0")).join(" ");
