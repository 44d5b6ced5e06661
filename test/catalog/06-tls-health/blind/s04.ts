// Lesson 06 · A TLS health checker
// Style: a class (HealthChecker); targets parsed with new URL("tls://" + target) and
// cross-checked; AbortController per check for the timeout; columns sized to the content.
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

type Endpoint = { host: string; port: number };

class HealthChecker {
  static readonly DAY = 86_400_000;

  constructor(
    private readonly timeoutMs: number,
    private readonly warnDays: number,
  ) {}

  static parse(target: string): Endpoint | null {
    if (typeof target !== "string" || target === "" || target !== target.trim()) return null;
    let url: URL;
    try {
      url = new URL(`tls://${target}`);
    } catch {
      return null; // e.g. "shop:abc" or "localhost:70000": the URL parser refuses the port
    }
    // Only host[:port]: no user info, no path, query or fragment.
    if (url.username || url.password || url.search || url.hash) return null;
    if (url.pathname !== "" && url.pathname !== "/") return null;
    if (target.includes("/") || target.includes("@") || target.includes("?") || target.includes("#")) return null;
    if (url.hostname === "") return null;
    // The URL parser accepts an empty port ("host:") and normalises; reject those.
    if (target.endsWith(":")) return null;
    const port = url.port === "" ? 443 : Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
    let host = url.hostname;
    if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1); // IPv6 literal
    return { host, port };
  }

  private static reasonFor(err: NodeJS.ErrnoException): string {
    const table: Record<string, string> = {
      CERT_HAS_EXPIRED: "certificate has expired",
      CERT_NOT_YET_VALID: "certificate is not valid yet",
      ERR_TLS_CERT_ALTNAME_INVALID: "wrong host name on certificate",
      DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
      SELF_SIGNED_CERT_IN_CHAIN: "untrusted root CA",
      UNABLE_TO_VERIFY_LEAF_SIGNATURE: "incomplete chain",
      ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "TLS version below 1.2",
      ERR_SSL_UNSUPPORTED_PROTOCOL: "TLS version below 1.2",
      ERR_SSL_WRONG_VERSION_NUMBER: "not a TLS endpoint",
      ECONNREFUSED: "connection refused",
      ECONNRESET: "server hung up",
      ENOTFOUND: "DNS lookup failed",
    };
    const code = err.code ?? "";
    if (Object.prototype.hasOwnProperty.call(table, code)) return table[code];
    if (err.name === "AbortError") return err.message;
    const line = String(err.message ?? "").trim().split("\n")[0];
    return (code ? `${code} ${line}` : line).slice(0, 90) || "connection failed";
  }

  run(target: string): Promise<HealthResult> {
    const ep = HealthChecker.parse(target);
    if (!ep) return Promise.resolve({ target, grade: "FAIL", reason: "invalid target (want host or host:port)" });

    return new Promise((resolve) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeoutMs);
      const socket = tls.connect({ host: ep.host, port: ep.port, ...(net.isIP(ep.host) ? {} : { servername: ep.host }) });

      const onAbort = () => {
        const e = new Error(`timed out after ${this.timeoutMs} ms`);
        e.name = "AbortError";
        socket.destroy(e);
      };
      controller.signal.addEventListener("abort", onAbort, { once: true });

      const finish = (r: HealthResult) => {
        clearTimeout(timer);
        controller.signal.removeEventListener("abort", onAbort);
        resolve(r);
      };

      socket.once("secureConnect", () => {
        const tlsVersion = socket.getProtocol() ?? "unknown";
        const validTo = new Date(socket.getPeerCertificate().valid_to);
        socket.end();
        finish(this.grade(target, tlsVersion, validTo));
      });
      socket.on("error", (err: NodeJS.ErrnoException) => {
        socket.destroy();
        finish({ target, grade: "FAIL", reason: HealthChecker.reasonFor(err) });
      });
    });
  }

  private grade(target: string, tlsVersion: string, validTo: Date): HealthResult {
    const ms = validTo.getTime() - Date.now();
    if (Number.isNaN(ms)) return { target, grade: "FAIL", tlsVersion, reason: "certificate expiry unreadable" };
    const daysLeft = Math.floor(ms / HealthChecker.DAY);
    const m = /^TLSv(\d+)(?:\.(\d+))?$/.exec(tlsVersion);
    const modern = m !== null && (Number(m[1]) > 1 || Number(m[2] ?? 0) >= 2);
    if (!modern) return { target, grade: "FAIL", tlsVersion, daysLeft, reason: `protocol ${tlsVersion} is below TLS 1.2` };
    if (daysLeft < this.warnDays) return { target, grade: "WARN", tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` };
    return { target, grade: "PASS", tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` };
  }
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const checker = new HealthChecker(opts?.timeoutMs ?? 10_000, opts?.warnDays ?? 30);
  return Promise.all(
    targets.map((t) => checker.run(t).catch((e: unknown): HealthResult => ({ target: t, grade: "FAIL", reason: String(e).slice(0, 90) }))),
  );
}

export function formatHealth(results: HealthResult[]): string {
  const rows = results.map((r) => [r.grade, r.target, r.tlsVersion ?? "-", r.daysLeft === undefined ? "-" : `${r.daysLeft}d`, r.reason]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(0, ...rows.map((row) => row[c].length)));
  return rows
    .map((row) =>
      [row[0].padEnd(widths[0]), row[1].padEnd(widths[1]), row[2].padEnd(widths[2]), row[3].padStart(widths[3]), row[4]].join("  "),
    )
    .join("\n");
}
