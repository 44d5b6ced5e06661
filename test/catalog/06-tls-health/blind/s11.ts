// Lesson 06 · A TLS health checker
// Style: worker pool (16 workers pulling from a shared iterator, still concurrent);
// parse accepts "host", "host:port", "[v6]:port" and a bare IPv6 literal (port 443);
// AbortController timeout; day count by integer arithmetic; width-aware table.
import tls from "node:tls";
import net from "node:net";

export type Grade = "PASS" | "WARN" | "FAIL";

export interface HealthResult {
  target: string; // as given
  grade: Grade;
  tlsVersion?: string; // when the handshake succeeded
  daysLeft?: number; // when the handshake succeeded: whole days, rounded down
  reason: string; // short, human: "certificate has expired", "expires in 12 days"
}

const POOL_SIZE = 16;
const MS_PER_DAY = 86_400_000;

type Parsed = { ok: true; host: string; port: number } | { ok: false; why: string };

function parsePort(text: string): number | null {
  if (!/^[0-9]{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

function parseTarget(target: unknown): Parsed {
  if (typeof target !== "string" || target === "") return { ok: false, why: "empty or non-string target" };
  if (net.isIPv6(target)) return { ok: true, host: target, port: 443 }; // "::1" alone
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(target);
  if (bracket) {
    if (!net.isIPv6(bracket[1])) return { ok: false, why: "bad IPv6 literal" };
    if (bracket[2] === undefined) return { ok: true, host: bracket[1], port: 443 };
    const port = parsePort(bracket[2]);
    return port === null ? { ok: false, why: "bad port" } : { ok: true, host: bracket[1], port };
  }
  const [host, ...rest] = target.split(":");
  if (rest.length > 1) return { ok: false, why: "too many colons" };
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*)$/.test(host)) return { ok: false, why: "bad host name" };
  if (rest.length === 0) return { ok: true, host, port: 443 };
  const port = parsePort(rest[0]);
  return port === null ? { ok: false, why: `bad port "${rest[0]}"` } : { ok: true, host, port };
}

function daysBetween(fromMs: number, toMs: number): number {
  const diff = toMs - fromMs;
  const rem = ((diff % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY; // non-negative remainder
  return (diff - rem) / MS_PER_DAY; // floor division
}

const REASON: ReadonlyMap<string, string> = new Map([
  ["CERT_HAS_EXPIRED", "certificate has expired"],
  ["CERT_NOT_YET_VALID", "certificate not yet valid"],
  ["ERR_TLS_CERT_ALTNAME_INVALID", "wrong host on certificate"],
  ["DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"],
  ["SELF_SIGNED_CERT_IN_CHAIN", "untrusted root"],
  ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "incomplete chain"],
  ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "protocol older than TLS 1.2"],
  ["ERR_SSL_UNSUPPORTED_PROTOCOL", "protocol older than TLS 1.2"],
  ["ERR_SSL_WRONG_VERSION_NUMBER", "not a TLS service"],
  ["ECONNREFUSED", "connection refused"],
  ["ECONNRESET", "server hung up"],
  ["ENOTFOUND", "host not found"],
]);

function probe(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  const p = parseTarget(target);
  if (!p.ok) return Promise.resolve({ target, grade: "FAIL", reason: `invalid target: ${p.why}` });
  const { host, port } = p;

  return new Promise((resolve) => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    const socket = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host });
    ac.signal.addEventListener("abort", () => socket.destroy(), { once: true });

    const finish = (r: HealthResult) => {
      clearTimeout(timer);
      resolve(r);
    };
    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol() ?? "unknown";
      const notAfter = Date.parse(socket.getPeerCertificate().valid_to);
      socket.end();
      if (!Number.isFinite(notAfter)) return finish({ target, grade: "FAIL", tlsVersion, reason: "no expiry date" });
      const daysLeft = daysBetween(Date.now(), notAfter);
      if (!["TLSv1.2", "TLSv1.3"].includes(tlsVersion)) {
        return finish({ target, grade: "FAIL", tlsVersion, daysLeft, reason: `${tlsVersion} is below TLS 1.2` });
      }
      finish({ target, grade: daysLeft < warnDays ? "WARN" : "PASS", tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` });
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      const reason = REASON.get(err.code ?? "") ?? (err.code || err.message.trim().split("\n")[0]).slice(0, 80);
      finish({ target, grade: "FAIL", reason });
    });
    // destroy() without an error emits only 'close': that is our timeout path.
    socket.once("close", () => {
      if (ac.signal.aborted) finish({ target, grade: "FAIL", reason: `timed out after ${timeoutMs} ms` });
    });
  });
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10_000;
  const warnDays = opts?.warnDays ?? 30;
  const results = new Array<HealthResult>(targets.length);
  const queue = targets.entries();

  const worker = async () => {
    for (const [i, target] of queue) {
      // entries() is shared: each worker takes the next unclaimed index
      results[i] = await probe(target, timeoutMs, warnDays).catch(
        (e: unknown): HealthResult => ({ target, grade: "FAIL", reason: String(e).slice(0, 80) }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(POOL_SIZE, targets.length) }, worker));
  return results;
}

export function formatHealth(results: HealthResult[]): string {
  const w = {
    target: Math.max(0, ...results.map((r) => r.target.length)),
    version: Math.max(1, ...results.map((r) => (r.tlsVersion ?? "-").length)),
  };
  return results
    .map((r) => {
      const days = r.daysLeft === undefined ? "-" : `${r.daysLeft}d`;
      return `${r.grade.padEnd(5)} ${r.target.padEnd(w.target)}  ${(r.tlsVersion ?? "-").padEnd(w.version)}  ${days.padStart(5)}  ${r.reason}`;
    })
    .join("\n");
}
