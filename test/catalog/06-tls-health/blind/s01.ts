// Lesson 06 · A TLS health checker
// Style: async per-target helper + Promise.all; manual parse with lastIndexOf(':') that
// also accepts "[v6]:port"; setTimeout + socket.destroy(err); fixed-width columns like the README.
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

const DAY_MS = 24 * 60 * 60 * 1000;
const OLD_PROTOCOLS = new Set(["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"]);

const REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: "certificate has expired",
  CERT_NOT_YET_VALID: "certificate is not yet valid",
  ERR_TLS_CERT_ALTNAME_INVALID: "certificate is for another host",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "certificate chain ends in an untrusted root",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "incomplete certificate chain",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "issuer certificate not trusted",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "protocol older than TLS 1.2",
  ERR_SSL_UNSUPPORTED_PROTOCOL: "protocol older than TLS 1.2",
  ERR_SSL_WRONG_VERSION_NUMBER: "server does not speak TLS",
  ECONNREFUSED: "connection refused",
  ECONNRESET: "server hung up during the handshake",
  ENOTFOUND: "host not found",
  EHOSTUNREACH: "host unreachable",
  ETIMEDOUT: "connection timed out",
};

function shortReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = typeof e?.code === "string" ? e.code : undefined;
  if (code && Object.prototype.hasOwnProperty.call(REASONS, code)) return REASONS[code];
  const firstLine = String(e?.message ?? err).trim().split("\n")[0] ?? "";
  const text = code ? `${code}: ${firstLine}` : firstLine;
  return text.length > 80 ? text.slice(0, 77) + "..." : text || "connection failed";
}

function parseTarget(target: string): { host: string; port: number } | undefined {
  if (typeof target !== "string" || target.length === 0 || /\s/.test(target)) return undefined;
  let host = target;
  let portText: string | undefined;
  if (target.startsWith("[")) {
    // [IPv6]:port or [IPv6]
    const close = target.indexOf("]");
    if (close < 0) return undefined;
    host = target.slice(1, close);
    const rest = target.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) return undefined;
      portText = rest.slice(1);
    }
    if (net.isIPv6(host) === false) return undefined;
  } else {
    const colon = target.lastIndexOf(":");
    if (colon >= 0) {
      host = target.slice(0, colon);
      portText = target.slice(colon + 1);
      if (host.includes(":")) return undefined; // bare IPv6 or junk: needs [brackets]
    }
  }
  if (host === "") return undefined;
  let port = 443;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) return undefined;
    port = Number(portText);
    if (port < 1 || port > 65535) return undefined;
  }
  return { host, port };
}

function check(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  const parsed = parseTarget(target);
  if (!parsed) return Promise.resolve({ target, grade: "FAIL", reason: "not a valid host or host:port" });
  const { host, port } = parsed;

  return new Promise<HealthResult>((resolve) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (r: HealthResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };

    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }) });
    } catch (err) {
      settle({ target, grade: "FAIL", reason: shortReason(err) });
      return;
    }
    timer = setTimeout(() => {
      const e: NodeJS.ErrnoException = new Error(`timed out after ${timeoutMs} ms`);
      e.code = "TIMEOUT";
      socket.destroy(e);
    }, timeoutMs);

    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol() ?? "unknown";
      const validTo = Date.parse(socket.getPeerCertificate().valid_to);
      socket.end();
      if (!socket.authorized) {
        settle({ target, grade: "FAIL", reason: "certificate not verified" });
        return;
      }
      if (Number.isNaN(validTo)) {
        settle({ target, grade: "FAIL", tlsVersion, reason: "certificate has no expiry date" });
        return;
      }
      const daysLeft = Math.floor((validTo - Date.now()) / DAY_MS);
      if (OLD_PROTOCOLS.has(tlsVersion)) {
        settle({ target, grade: "FAIL", tlsVersion, daysLeft, reason: `${tlsVersion} is older than TLS 1.2` });
      } else if (daysLeft < warnDays) {
        settle({ target, grade: "WARN", tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` });
      } else {
        settle({ target, grade: "PASS", tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` });
      }
    });

    socket.on("error", (err: NodeJS.ErrnoException) => {
      socket.destroy();
      settle({
        target,
        grade: "FAIL",
        reason: err.code === "TIMEOUT" ? err.message : shortReason(err),
      });
    });
  });
}

// Check every target at the same time; one result per target, in the order given.
// Never throws: whatever goes wrong with a target is a FAIL for that target.
export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10_000;
  const warnDays = opts?.warnDays ?? 30;
  return Promise.all(
    targets.map((t) =>
      check(t, timeoutMs, warnDays).catch((err): HealthResult => ({ target: t, grade: "FAIL", reason: shortReason(err) })),
    ),
  );
}

// One line per target: grade, target, version, days, reason.
export function formatHealth(results: HealthResult[]): string {
  return results
    .map((r) => {
      const version = r.tlsVersion ?? "-";
      const days = r.daysLeft === undefined ? "-" : `${r.daysLeft}d`;
      return `${r.grade.padEnd(4)}  ${r.target.padEnd(18)} ${version.padEnd(9)} ${days.padStart(4)}  ${r.reason}`;
    })
    .join("\n");
}
