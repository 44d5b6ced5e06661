// Lesson 06 · A TLS health checker
// Style: callback-based check (cb(result)), collected with a manual counter instead of
// Promise.all; targets parsed with new URL() and the round trip compared to the input.
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

function toEndpoint(target: string): { host: string; port: number } | null {
  try {
    const u = new URL("tls://" + target);
    // Accept only when the URL's host[:port] is exactly what was given (modulo case),
    // which rules out paths, user info, spaces, empty ports, and so on.
    if (u.host.toLowerCase() !== target.toLowerCase()) return null;
    if (u.pathname !== "" || u.search !== "" || u.hash !== "") return null;
    const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = u.port ? Number(u.port) : 443;
    if (!host || port < 1 || port > 65535) return null;
    return { host, port };
  } catch {
    return null;
  }
}

const CODE_REASON: Record<string, string> = {
  CERT_HAS_EXPIRED: "certificate has expired",
  CERT_NOT_YET_VALID: "certificate not yet valid",
  ERR_TLS_CERT_ALTNAME_INVALID: "certificate is for a different host",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "untrusted root",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "incomplete certificate chain",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "server needs TLS < 1.2",
  ERR_SSL_UNSUPPORTED_PROTOCOL: "server needs TLS < 1.2",
  ERR_SSL_WRONG_VERSION_NUMBER: "not a TLS server",
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
};

function checkCb(target: string, timeoutMs: number, warnDays: number, cb: (r: HealthResult) => void): void {
  const ep = typeof target === "string" ? toEndpoint(target) : null;
  if (!ep) {
    cb({ target, grade: "FAIL", reason: "invalid target, expected host or host:port" });
    return;
  }
  let called = false;
  const once = (r: HealthResult) => {
    if (!called) {
      called = true;
      clearTimeout(timer);
      cb(r);
    }
  };
  const options: tls.ConnectionOptions = { host: ep.host, port: ep.port };
  if (!net.isIP(ep.host)) options.servername = ep.host;
  const socket = tls.connect(options, () => {
    const tlsVersion = socket.getProtocol() ?? "unknown";
    const end = new Date(socket.getPeerCertificate().valid_to).valueOf();
    socket.end();
    const daysLeft = Math.floor((end - Date.now()) / 864e5);
    if (Number.isNaN(daysLeft)) return once({ target, grade: "FAIL", tlsVersion, reason: "certificate has no expiry" });
    if (tlsVersion < "TLSv1.2" || tlsVersion.startsWith("SSL")) {
      // "TLSv1" and "TLSv1.1" sort below "TLSv1.2"; "TLSv1.3" above.
      return once({ target, grade: "FAIL", tlsVersion, daysLeft, reason: `${tlsVersion} is older than TLS 1.2` });
    }
    once({ target, grade: daysLeft < warnDays ? "WARN" : "PASS", tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` });
  });
  const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: "TIMEOUT" })), timeoutMs);
  socket.on("error", (err: NodeJS.ErrnoException) => {
    socket.destroy();
    const code = err.code ?? "";
    let reason: string;
    if (code === "TIMEOUT") reason = err.message;
    else if (Object.prototype.hasOwnProperty.call(CODE_REASON, code)) reason = CODE_REASON[code];
    else reason = (code || err.message.trim().split("\n")[0] || "connection failed").slice(0, 80);
    once({ target, grade: "FAIL", reason });
  });
}

export function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10_000;
  const warnDays = opts?.warnDays ?? 30;
  return new Promise((resolve) => {
    const results: HealthResult[] = [];
    let remaining = targets.length;
    if (remaining === 0) return resolve(results);
    targets.forEach((target, i) => {
      const store = (r: HealthResult) => {
        results[i] = r;
        if (--remaining === 0) resolve(results);
      };
      try {
        checkCb(target, timeoutMs, warnDays, store);
      } catch (err) {
        store({ target, grade: "FAIL", reason: String(err instanceof Error ? err.message : err).slice(0, 80) });
      }
    });
  });
}

export function formatHealth(results: HealthResult[]): string {
  const tw = Math.max(6, ...results.map((r) => r.target.length));
  return results
    .map(
      (r) =>
        `${r.grade.padEnd(6)}${r.target.padEnd(tw + 2)}${(r.tlsVersion ?? "-").padEnd(10)}${(r.daysLeft === undefined ? "-" : r.daysLeft + "d").padStart(5)}  ${r.reason}`,
    )
    .join("\n");
}
