// Lesson 06 · A TLS health checker
// Style: a small worker pool (at most 32 checks in flight, still concurrent); regex parse;
// setTimeout + destroy(err); end() and resolve once 'close' fired; pipe-separated lines.
import tls from "node:tls";

export type Grade = "PASS" | "WARN" | "FAIL";

export interface HealthResult {
  target: string; // as given
  grade: Grade;
  tlsVersion?: string; // when the handshake succeeded
  daysLeft?: number; // when the handshake succeeded: whole days, rounded down
  reason: string; // short, human: "certificate has expired", "expires in 12 days"
}

const MAX_IN_FLIGHT = 32;
const MS_PER_DAY = 86_400_000;
// host: letters, digits, dots, hyphens, underscores; optional :port of 1-5 digits.
const TARGET_RE = /^([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?::(\d{1,5}))?$/;

const REASON_BY_CODE = new Map<string, string>([
  ["CERT_HAS_EXPIRED", "certificate has expired"],
  ["CERT_NOT_YET_VALID", "certificate not yet valid"],
  ["ERR_TLS_CERT_ALTNAME_INVALID", "certificate issued for another name"],
  ["DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"],
  ["SELF_SIGNED_CERT_IN_CHAIN", "signed by an untrusted root"],
  ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "intermediate certificate missing"],
  ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "legacy TLS only (below 1.2)"],
  ["ERR_SSL_UNSUPPORTED_PROTOCOL", "legacy TLS only (below 1.2)"],
  ["ERR_SSL_WRONG_VERSION_NUMBER", "not speaking TLS"],
  ["ECONNREFUSED", "connection refused"],
  ["ECONNRESET", "connection reset"],
  ["ENOTFOUND", "unknown host"],
  ["EHOSTUNREACH", "host unreachable"],
]);

function fail(target: string, reason: string): HealthResult {
  return { target, grade: "FAIL", reason };
}

function checkOne(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  const m = typeof target === "string" ? TARGET_RE.exec(target) : null;
  if (!m) return Promise.resolve(fail(target, "not host or host:port"));
  const host = m[1];
  const port = m[2] === undefined ? 443 : Number(m[2]);
  if (port < 1 || port > 65535) return Promise.resolve(fail(target, `bad port ${m[2]}`));

  return new Promise((resolve) => {
    let result: HealthResult | undefined;
    const socket = tls.connect({ host, port, servername: host });
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: "HEALTH_TIMEOUT" }));
    }, timeoutMs);

    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const tlsVersion = socket.getProtocol() ?? "unknown";
      const expiry = Date.parse(socket.getPeerCertificate().valid_to);
      const daysLeft = Math.floor((expiry - Date.now()) / MS_PER_DAY);
      if (tlsVersion === "TLSv1" || tlsVersion === "TLSv1.1" || tlsVersion.startsWith("SSL")) {
        result = { target, grade: "FAIL", tlsVersion, daysLeft, reason: `${tlsVersion} is too old` };
      } else if (Number.isNaN(daysLeft)) {
        result = { target, grade: "FAIL", tlsVersion, reason: "no expiry date on certificate" };
      } else {
        result = { target, grade: daysLeft < warnDays ? "WARN" : "PASS", tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` };
      }
      socket.end();
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!result) {
        const code = typeof err.code === "string" ? err.code : "";
        const reason = code === "HEALTH_TIMEOUT" ? err.message : REASON_BY_CODE.get(code) ?? (code || err.message.trim().split("\n")[0].slice(0, 80));
        result = fail(target, reason);
      }
      socket.destroy();
    });
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(result ?? fail(target, "connection closed before the handshake"));
    });
  });
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10_000;
  const warnDays = opts?.warnDays ?? 30;
  const results: HealthResult[] = new Array(targets.length);
  let next = 0;

  async function worker(): Promise<void> {
    while (next < targets.length) {
      const i = next++;
      try {
        results[i] = await checkOne(targets[i], timeoutMs, warnDays);
      } catch (err) {
        results[i] = fail(targets[i], err instanceof Error ? err.message.split("\n")[0] : "check failed");
      }
    }
  }

  const workers = Array.from({ length: Math.min(MAX_IN_FLIGHT, targets.length) }, () => worker());
  await Promise.all(workers);
  return results;
}

export function formatHealth(results: HealthResult[]): string {
  return results
    .map((r) => `${r.grade} | ${r.target} | ${r.tlsVersion ?? "-"} | ${r.daysLeft ?? "-"} | ${r.reason}`)
    .join("\n");
}
