// Lesson 06 · A TLS health checker
// Style: one connection per distinct target (a Map of promises), results still one per
// listed target in order; regex parse with "[IPv6]:port" support; key=value output.
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

const ONE_DAY = 1000 * 60 * 60 * 24;
const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]+))(?::([0-9]+))?$/;

const FRIENDLY: Map<string, string> = new Map([
  ["CERT_HAS_EXPIRED", "certificate has expired"],
  ["CERT_NOT_YET_VALID", "certificate is not yet valid"],
  ["ERR_TLS_CERT_ALTNAME_INVALID", "certificate does not cover this host"],
  ["DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"],
  ["SELF_SIGNED_CERT_IN_CHAIN", "chain ends in an untrusted root"],
  ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "incomplete chain"],
  ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "TLS 1.0/1.1 only"],
  ["ERR_SSL_UNSUPPORTED_PROTOCOL", "TLS 1.0/1.1 only"],
  ["ERR_SSL_WRONG_VERSION_NUMBER", "no TLS on this port"],
  ["ECONNREFUSED", "connection refused"],
  ["ECONNRESET", "connection reset"],
  ["ENOTFOUND", "no such host"],
]);

type Outcome = Omit<HealthResult, "target">;

function parse(target: string): { host: string; port: number } | undefined {
  const m = HOST_PORT.exec(target);
  if (!m) return undefined;
  const host = m[1] ?? m[2];
  if (m[1] !== undefined && !net.isIPv6(m[1])) return undefined;
  const port = m[3] === undefined ? 443 : Number(m[3]);
  if (!Number.isSafeInteger(port) || port < 1 || port > 65535) return undefined;
  return { host, port };
}

function connectAndGrade(host: string, port: number, timeoutMs: number, warnDays: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, ...(net.isIP(host) === 0 ? { servername: host } : {}) });
    const timer = setTimeout(() => {
      const e: NodeJS.ErrnoException = new Error(`timed out after ${timeoutMs} ms`);
      e.code = "ETIMEOUT_LOCAL";
      socket.destroy(e);
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const tlsVersion = socket.getProtocol() ?? "unknown";
      const notAfter = Date.parse(socket.getPeerCertificate().valid_to);
      socket.destroy();
      const daysLeft = Math.floor((notAfter - Date.now()) / ONE_DAY);
      if (Number.isNaN(daysLeft)) return resolve({ grade: "FAIL", tlsVersion, reason: "unreadable expiry date" });
      if (!(tlsVersion === "TLSv1.2" || tlsVersion === "TLSv1.3")) {
        return resolve({ grade: "FAIL", tlsVersion, daysLeft, reason: `protocol ${tlsVersion} below TLS 1.2` });
      }
      resolve({ grade: daysLeft < warnDays ? "WARN" : "PASS", tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` });
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const code = err.code ?? "";
      const reason = code === "ETIMEOUT_LOCAL" ? err.message : FRIENDLY.get(code) ?? (code || "connection failed");
      resolve({ grade: "FAIL", reason });
    });
  });
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10_000;
  const warnDays = opts?.warnDays ?? 30;
  const inFlight = new Map<string, Promise<Outcome>>();

  const outcomeFor = (target: string): Promise<Outcome> => {
    if (typeof target !== "string") return Promise.resolve({ grade: "FAIL", reason: "target is not a string" });
    let p = inFlight.get(target);
    if (!p) {
      const ep = parse(target);
      p = ep
        ? connectAndGrade(ep.host, ep.port, timeoutMs, warnDays).catch((e): Outcome => ({ grade: "FAIL", reason: String(e).slice(0, 80) }))
        : Promise.resolve<Outcome>({ grade: "FAIL", reason: "not host or host:port" });
      inFlight.set(target, p);
    }
    return p;
  };

  // Start everything first (duplicates share one check), then collect in order.
  const pending = targets.map((t) => outcomeFor(t));
  const outcomes = await Promise.all(pending);
  return outcomes.map((o, i) => ({ target: targets[i], ...o })); // fresh object per line
}

export function formatHealth(results: HealthResult[]): string {
  return results
    .map((r) => {
      const parts = [r.grade, r.target];
      parts.push(`version=${r.tlsVersion ?? "-"}`);
      parts.push(`days=${r.daysLeft ?? "-"}`);
      parts.push(r.reason);
      return parts.join("  ");
    })
    .join("\n");
}
