// Lesson 06 · A TLS health checker
// Style: async/await per-target helper built on events.once(); Promise.all; net.isIP to skip
// SNI for IP literals; "[GRADE] target (version, N days): reason" lines.
import tls from "node:tls";
import net from "node:net";
import { once } from "node:events";

export type Grade = "PASS" | "WARN" | "FAIL";

export interface HealthResult {
  target: string; // as given
  grade: Grade;
  tlsVersion?: string; // when the handshake succeeded
  daysLeft?: number; // when the handshake succeeded: whole days, rounded down
  reason: string; // short, human: "certificate has expired", "expires in 12 days"
}

function hostPort(target: string): [string, number] | undefined {
  const i = target.indexOf(":");
  const host = i === -1 ? target : target.slice(0, i);
  const portStr = i === -1 ? "443" : target.slice(i + 1);
  if (host.length === 0 || host.length > 253) return undefined;
  if (!/^[a-z0-9.\-_]+$/i.test(host)) return undefined;
  if (!/^[1-9][0-9]{0,4}$/.test(portStr)) return undefined; // no sign, no spaces, no leading zero
  const port = Number(portStr);
  return port <= 65535 ? [host, port] : undefined;
}

function errorReason(err: unknown): string {
  const e = err as Partial<NodeJS.ErrnoException> | null;
  switch (e?.code) {
    case "CERT_HAS_EXPIRED": return "certificate has expired";
    case "CERT_NOT_YET_VALID": return "certificate is not yet valid";
    case "ERR_TLS_CERT_ALTNAME_INVALID": return "certificate names a different host";
    case "DEPTH_ZERO_SELF_SIGNED_CERT": return "self-signed certificate";
    case "SELF_SIGNED_CERT_IN_CHAIN": return "untrusted root certificate";
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE": return "cannot verify chain (intermediate missing?)";
    case "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION":
    case "ERR_SSL_UNSUPPORTED_PROTOCOL": return "protocol too old (needs TLS 1.2+)";
    case "ERR_SSL_WRONG_VERSION_NUMBER": return "server is not speaking TLS";
    case "ECONNREFUSED": return "connection refused";
    case "ECONNRESET": return "server closed the connection";
    case "ENOTFOUND": return "host name does not resolve";
    case "CHECK_TIMEOUT": return String(e?.message);
    default: {
      const msg = typeof e?.message === "string" ? e.message.trim().split("\n")[0] : String(err);
      return `${e?.code ? e.code + ": " : ""}${msg}`.slice(0, 80);
    }
  }
}

async function checkTarget(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  const hp = typeof target === "string" ? hostPort(target) : undefined;
  if (!hp) return { target, grade: "FAIL", reason: "target must be host or host:port" };
  const [host, port] = hp;

  const socket = tls.connect(net.isIP(host) ? { host, port } : { host, port, servername: host });
  const timer = setTimeout(() => {
    socket.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: "CHECK_TIMEOUT" }));
  }, timeoutMs);
  try {
    await once(socket, "secureConnect"); // rejects with the socket's error
    const tlsVersion = socket.getProtocol() ?? "unknown";
    const expiresAt = Date.parse(socket.getPeerCertificate().valid_to);
    const daysLeft = Math.floor((expiresAt - Date.now()) / (1000 * 60 * 60 * 24));
    if (tlsVersion === "TLSv1" || tlsVersion === "TLSv1.1" || tlsVersion === "SSLv3") {
      return { target, grade: "FAIL", tlsVersion, daysLeft, reason: `${tlsVersion} is older than TLS 1.2` };
    }
    if (!Number.isFinite(daysLeft)) return { target, grade: "FAIL", tlsVersion, reason: "no expiry date" };
    return {
      target,
      grade: daysLeft < warnDays ? "WARN" : "PASS",
      tlsVersion,
      daysLeft,
      reason: `expires in ${daysLeft} days`,
    };
  } catch (err) {
    return { target, grade: "FAIL", reason: errorReason(err) };
  } finally {
    clearTimeout(timer);
    socket.on("error", () => {}); // a late error while closing must not crash the run
    socket.destroy();
  }
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10_000;
  const warnDays = opts?.warnDays ?? 30;
  return Promise.all(
    targets.map(async (target) => {
      try {
        return await checkTarget(target, timeoutMs, warnDays);
      } catch (err) {
        return { target, grade: "FAIL" as const, reason: errorReason(err) };
      }
    }),
  );
}

export function formatHealth(results: HealthResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const details: string[] = [];
    if (r.tlsVersion !== undefined) details.push(r.tlsVersion);
    if (r.daysLeft !== undefined) details.push(`${r.daysLeft} days`);
    const middle = details.length ? details.join(", ") : "-";
    lines.push(`[${r.grade}] ${r.target} (${middle}): ${r.reason}`);
  }
  return lines.join("\n");
}
