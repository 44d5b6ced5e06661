// Lesson 06 · A TLS health checker
// Style: AbortSignal.timeout() per check wired to socket.destroy; manual parse with a
// Number.isInteger range check; plain space-separated line "GRADE target version days reason".
import tls from "node:tls";

export type Grade = "PASS" | "WARN" | "FAIL";

export interface HealthResult {
  target: string; // as given
  grade: Grade;
  tlsVersion?: string; // when the handshake succeeded
  daysLeft?: number; // when the handshake succeeded: whole days, rounded down
  reason: string; // short, human: "certificate has expired", "expires in 12 days"
}

const DAY = 86_400_000;

function parse(target: string): { host: string; port: number } | string {
  if (typeof target !== "string") return "target is not a string";
  const pieces = target.split(":");
  if (pieces.length > 2) return "too many ':' in target";
  const host = pieces[0];
  if (host === "" || /[\s/@?#\[\]]/.test(host)) return "missing or invalid host";
  if (pieces.length === 1) return { host, port: 443 };
  const text = pieces[1];
  if (!/^\d+$/.test(text)) return `port "${text}" is not a number`;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `port ${text} out of range`;
  return { host, port };
}

const reasons: { [code: string]: string } = {
  CERT_HAS_EXPIRED: "certificate has expired",
  CERT_NOT_YET_VALID: "certificate not valid yet",
  ERR_TLS_CERT_ALTNAME_INVALID: "name mismatch",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "untrusted root",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "incomplete chain",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "old protocol (TLS < 1.2)",
  ERR_SSL_UNSUPPORTED_PROTOCOL: "old protocol (TLS < 1.2)",
  ERR_SSL_WRONG_VERSION_NUMBER: "not TLS",
  ECONNREFUSED: "refused",
  ECONNRESET: "hung up",
  ENOTFOUND: "unknown host",
};

function check(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  return new Promise((resolve) => {
    const p = parse(target);
    if (typeof p === "string") {
      resolve({ target, grade: "FAIL", reason: p });
      return;
    }
    const signal = AbortSignal.timeout(timeoutMs);
    let finished = false;
    const done = (r: HealthResult) => {
      if (finished) return;
      finished = true;
      signal.removeEventListener("abort", onAbort);
      resolve(r);
    };
    const socket = tls.connect({ host: p.host, port: p.port, servername: p.host });
    function onAbort() {
      socket.destroy();
      done({ target, grade: "FAIL", reason: `timed out after ${timeoutMs} ms` });
    }
    signal.addEventListener("abort", onAbort);

    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol() ?? "unknown";
      const left = Date.parse(socket.getPeerCertificate().valid_to) - Date.now();
      socket.end();
      const daysLeft = Math.floor(left / DAY);
      if (Number.isNaN(daysLeft)) return done({ target, grade: "FAIL", tlsVersion, reason: "bad certificate date" });
      if (["SSLv3", "TLSv1", "TLSv1.1"].includes(tlsVersion)) {
        return done({ target, grade: "FAIL", tlsVersion, daysLeft, reason: `old protocol ${tlsVersion}` });
      }
      done({ target, grade: daysLeft < warnDays ? "WARN" : "PASS", tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` });
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      const code = err.code ?? "";
      const reason = reasons[code] && Object.prototype.hasOwnProperty.call(reasons, code)
        ? reasons[code]
        : (code || err.message.trim().split("\n")[0]).slice(0, 80);
      done({ target, grade: "FAIL", reason });
    });
  });
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10000;
  const warnDays = opts?.warnDays ?? 30;
  const jobs = targets.map((t) => check(t, timeoutMs, warnDays));
  const out: HealthResult[] = [];
  for (let i = 0; i < jobs.length; i++) {
    // all jobs are already running; awaiting in order just collects them in order
    out.push(await jobs[i].catch((e): HealthResult => ({ target: targets[i], grade: "FAIL", reason: String(e).slice(0, 80) })));
  }
  return out;
}

export function formatHealth(results: HealthResult[]): string {
  return results.map((r) => `${r.grade} ${r.target} ${r.tlsVersion ?? "-"} ${r.daysLeft ?? "-"} ${r.reason}`).join("\n");
}
