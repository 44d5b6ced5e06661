// Lesson 06 · A TLS health checker
// Style: lowers minVersion (and OpenSSL's security level) only so that a legacy server's
// actual version can be named in the report; verification stays on and anything below
// TLS 1.2 is still a FAIL. Promise.all; lines print nothing (not "-") for missing fields.
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

const MODERN = new Set(["TLSv1.2", "TLSv1.3"]);

function endpoint(target: string): { host: string; port: number } | undefined {
  if (typeof target !== "string") return undefined;
  const m = /^([A-Za-z0-9][A-Za-z0-9.-]*)(?::(\d+))?$/.exec(target);
  if (!m) return undefined;
  const port = m[2] === undefined ? 443 : Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host: m[1], port };
}

function reasonOf(err: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    CERT_HAS_EXPIRED: "certificate has expired",
    CERT_NOT_YET_VALID: "certificate is not yet valid",
    ERR_TLS_CERT_ALTNAME_INVALID: "certificate is for another host",
    DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
    SELF_SIGNED_CERT_IN_CHAIN: "untrusted root certificate",
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: "incomplete certificate chain",
    ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "protocol older than TLS 1.2",
    ERR_SSL_UNSUPPORTED_PROTOCOL: "protocol older than TLS 1.2",
    ERR_SSL_WRONG_VERSION_NUMBER: "server does not speak TLS",
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset by server",
    ENOTFOUND: "host not found",
    HEALTH_TIMEOUT: err.message,
  };
  const code = err.code ?? "";
  if (Object.prototype.hasOwnProperty.call(known, code)) return known[code];
  const line = (err.message || "connection failed").trim().split("\n")[0];
  return line.length > 80 ? line.slice(0, 80) : line;
}

function inspect(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  const ep = endpoint(target);
  if (!ep) return Promise.resolve({ target, grade: "FAIL", reason: "invalid target (host or host:port)" });

  return new Promise((resolve) => {
    const socket = tls.connect({
      host: ep.host,
      port: ep.port,
      servername: net.isIP(ep.host) ? undefined : ep.host,
      // Let a TLS 1.0/1.1 server finish the handshake so we can report which version it speaks.
      // Certificate and host-name verification are untouched (rejectUnauthorized stays true).
      minVersion: "TLSv1",
      ciphers: "DEFAULT:@SECLEVEL=0",
    });
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: "HEALTH_TIMEOUT" }));
    }, timeoutMs);

    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const tlsVersion = socket.getProtocol() ?? "unknown";
      const validTo = Date.parse(socket.getPeerCertificate().valid_to);
      const authorized = socket.authorized;
      socket.end();
      const daysLeft = Math.floor((validTo - Date.now()) / 86_400_000);
      if (!authorized) return resolve({ target, grade: "FAIL", reason: "certificate not verified" });
      if (Number.isNaN(daysLeft)) return resolve({ target, grade: "FAIL", tlsVersion, reason: "unreadable expiry" });
      if (!MODERN.has(tlsVersion)) {
        return resolve({ target, grade: "FAIL", tlsVersion, daysLeft, reason: `${tlsVersion} is older than TLS 1.2` });
      }
      resolve({ target, grade: daysLeft < warnDays ? "WARN" : "PASS", tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` });
    });
    socket.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ target, grade: "FAIL", reason: reasonOf(err) });
    });
  });
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  try {
    const timeoutMs = opts?.timeoutMs ?? 10_000;
    const warnDays = opts?.warnDays ?? 30;
    return await Promise.all(
      targets.map((t) =>
        inspect(t, timeoutMs, warnDays).catch((e): HealthResult => ({ target: t, grade: "FAIL", reason: String(e).slice(0, 80) })),
      ),
    );
  } catch {
    // Only reachable if `targets` is not an array at all.
    return [];
  }
}

export function formatHealth(results: HealthResult[]): string {
  return results
    .map((r) =>
      [
        r.grade.padEnd(4),
        r.target.padEnd(20),
        (r.tlsVersion ?? "").padEnd(7),
        (r.daysLeft === undefined ? "" : `${r.daysLeft}d`).padStart(5),
        r.reason,
      ].join("  "),
    )
    .join("\n");
}
