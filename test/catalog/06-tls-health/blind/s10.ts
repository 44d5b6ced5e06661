// Lesson 06 · A TLS health checker
// Style: a Check class per target (fields + methods), Promise.allSettled to collect;
// timeout via socket.setTimeout(ms) + the 'timeout' event, which we answer with destroy();
// days computed with Math.trunc for non-negative spans and Math.floor otherwise (= round down).
import tls from "node:tls";

export type Grade = "PASS" | "WARN" | "FAIL";

export interface HealthResult {
  target: string; // as given
  grade: Grade;
  tlsVersion?: string; // when the handshake succeeded
  daysLeft?: number; // when the handshake succeeded: whole days, rounded down
  reason: string; // short, human: "certificate has expired", "expires in 12 days"
}

function wholeDaysLeft(notAfterMs: number, nowMs: number): number {
  const days = (notAfterMs - nowMs) / 86_400_000;
  return days >= 0 ? Math.trunc(days) : Math.floor(days); // always rounds down
}

class Check {
  private host = "";
  private port = 443;
  private timedOut = false;

  constructor(
    readonly target: string,
    private readonly timeoutMs: number,
    private readonly warnDays: number,
  ) {}

  private parse(): string | null {
    if (typeof this.target !== "string" || this.target.length === 0) return "empty target";
    const colon = this.target.indexOf(":");
    if (colon !== this.target.lastIndexOf(":")) return "use host or host:port";
    const host = colon < 0 ? this.target : this.target.slice(0, colon);
    if (!/^[\w.-]+$/.test(host)) return "invalid host";
    if (colon >= 0) {
      const p = this.target.slice(colon + 1);
      if (!/^\d+$/.test(p) || +p < 1 || +p > 65535) return `invalid port "${p}"`;
      this.port = +p;
    }
    this.host = host;
    return null;
  }

  private fail(reason: string): HealthResult {
    return { target: this.target, grade: "FAIL", reason };
  }

  private describe(err: NodeJS.ErrnoException): string {
    if (this.timedOut) return `no response within ${this.timeoutMs} ms`;
    switch (err.code) {
      case "CERT_HAS_EXPIRED": return "certificate has expired";
      case "CERT_NOT_YET_VALID": return "certificate is not yet valid";
      case "ERR_TLS_CERT_ALTNAME_INVALID": return "host name mismatch";
      case "DEPTH_ZERO_SELF_SIGNED_CERT": return "self-signed certificate";
      case "SELF_SIGNED_CERT_IN_CHAIN": return "untrusted root certificate";
      case "UNABLE_TO_VERIFY_LEAF_SIGNATURE": return "incomplete chain";
      case "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION":
      case "ERR_SSL_UNSUPPORTED_PROTOCOL": return "protocol below TLS 1.2";
      case "ERR_SSL_WRONG_VERSION_NUMBER": return "not TLS (plain text answer?)";
      case "ECONNREFUSED": return "connection refused";
      case "ECONNRESET": return "connection reset by server";
      case "ENOTFOUND": return "unknown host";
      default: return (err.code ?? err.message.trim().split("\n")[0] ?? "error").slice(0, 80);
    }
  }

  run(): Promise<HealthResult> {
    const problem = this.parse();
    if (problem) return Promise.resolve(this.fail(problem));

    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: this.host, port: this.port, servername: this.host });
      socket.setTimeout(this.timeoutMs);
      socket.on("timeout", () => {
        // 'timeout' alone closes nothing
        this.timedOut = true;
        socket.destroy(new Error("timeout"));
      });
      socket.once("secureConnect", () => {
        socket.setTimeout(0);
        const tlsVersion = socket.getProtocol() ?? "unknown";
        const notAfter = Date.parse(socket.getPeerCertificate().valid_to);
        socket.end();
        if (Number.isNaN(notAfter)) return resolve({ ...this.fail("expiry date missing"), tlsVersion });
        const daysLeft = wholeDaysLeft(notAfter, Date.now());
        if (tlsVersion === "TLSv1" || tlsVersion === "TLSv1.1" || tlsVersion === "SSLv3") {
          return resolve({ target: this.target, grade: "FAIL", tlsVersion, daysLeft, reason: `${tlsVersion} is obsolete` });
        }
        const grade: Grade = daysLeft < this.warnDays ? "WARN" : "PASS";
        resolve({ target: this.target, grade, tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` });
      });
      socket.on("error", (err: NodeJS.ErrnoException) => {
        socket.destroy();
        reject(new Error(this.describe(err))); // allSettled turns this into a FAIL line
      });
    });
  }
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const { timeoutMs = 10_000, warnDays = 30 } = opts ?? {};
  const checks = targets.map((t) => new Check(t, timeoutMs, warnDays));
  const settled = await Promise.allSettled(checks.map((c) => c.run()));
  return settled.map((s, i): HealthResult =>
    s.status === "fulfilled"
      ? s.value
      : { target: checks[i].target, grade: "FAIL", reason: s.reason instanceof Error ? s.reason.message : String(s.reason) },
  );
}

export function formatHealth(results: HealthResult[]): string {
  return results
    .map((r) => {
      const version = r.tlsVersion ?? "-";
      const days = r.daysLeft === undefined ? "-" : `${r.daysLeft} ${r.daysLeft === 1 ? "day" : "days"}`;
      return `${r.grade}  ${r.target}  ${version}  ${days}  ${r.reason}`;
    })
    .join("\n");
}
