// Lesson 06 · A TLS health checker
// Style: Promise.allSettled (a rejected check becomes a FAIL line); split(':') into at most
// two parts (bare IPv6 is not a "host:port", so FAIL); socket.setTimeout(ms, destroy);
// tab-separated output; destroy() right after reading what we need.
import tls from "node:tls";

export type Grade = "PASS" | "WARN" | "FAIL";

export interface HealthResult {
  target: string; // as given
  grade: Grade;
  tlsVersion?: string; // when the handshake succeeded
  daysLeft?: number; // when the handshake succeeded: whole days, rounded down
  reason: string; // short, human: "certificate has expired", "expires in 12 days"
}

class TargetError extends Error {}

function split(target: string): { host: string; port: number } {
  const parts = target.split(":");
  if (parts.length > 2) throw new TargetError("expected host or host:port");
  const [host, portText] = parts;
  if (!host || !/^[A-Za-z0-9.-]+$/.test(host)) throw new TargetError("invalid host name");
  if (portText === undefined) return { host, port: 443 };
  if (!/^[0-9]+$/.test(portText)) throw new TargetError(`invalid port "${portText}"`);
  const port = Number.parseInt(portText, 10);
  if (port < 1 || port > 65535) throw new TargetError(`port ${port} out of range`);
  return { host, port };
}

function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "CERT_HAS_EXPIRED": return "certificate has expired";
    case "CERT_NOT_YET_VALID": return "certificate is not yet valid";
    case "ERR_TLS_CERT_ALTNAME_INVALID": return "certificate does not match the host name";
    case "DEPTH_ZERO_SELF_SIGNED_CERT": return "self-signed certificate";
    case "SELF_SIGNED_CERT_IN_CHAIN": return "untrusted root certificate";
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE": return "incomplete certificate chain";
    case "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION":
    case "ERR_SSL_UNSUPPORTED_PROTOCOL": return "server only offers TLS older than 1.2";
    case "ERR_SSL_WRONG_VERSION_NUMBER": return "not a TLS server";
    case "ECONNREFUSED": return "connection refused";
    case "ECONNRESET": return "connection reset by server";
    case "ENOTFOUND": return "host not found";
    case "ETIMEDOUT": return err.message;
    default: {
      const msg = (err.message ?? "").trim().split(/\r?\n/)[0];
      const short = msg.length > 80 ? `${msg.slice(0, 79)}…` : msg;
      return err.code ? `${err.code}: ${short}` : short || "connection failed";
    }
  }
}

function probe(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  const { host, port } = split(target); // may throw: allSettled turns that into a FAIL
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    // 'timeout' fires after timeoutMs of silence; we destroy so that 'error' follows.
    socket.setTimeout(timeoutMs, () => {
      socket.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    });
    socket.once("secureConnect", () => {
      socket.setTimeout(0);
      const tlsVersion = socket.getProtocol() ?? "unknown";
      const notAfter = new Date(socket.getPeerCertificate().valid_to).getTime();
      socket.destroy();
      const daysLeft = Math.floor((notAfter - Date.now()) / 86_400_000);
      if (!Number.isFinite(daysLeft)) {
        resolve({ target, grade: "FAIL", tlsVersion, reason: "unreadable certificate expiry" });
      } else if (tlsVersion !== "TLSv1.2" && tlsVersion !== "TLSv1.3") {
        resolve({ target, grade: "FAIL", tlsVersion, daysLeft, reason: `outdated protocol ${tlsVersion}` });
      } else {
        const grade: Grade = daysLeft < warnDays ? "WARN" : "PASS";
        resolve({ target, grade, tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` });
      }
    });
    socket.on("error", (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10000;
  const warnDays = opts?.warnDays ?? 30;
  // Wrapping in an async arrow turns a synchronous throw from split() into a rejection.
  const settled = await Promise.allSettled(targets.map(async (t) => probe(t, timeoutMs, warnDays)));
  return settled.map((s, i): HealthResult => {
    if (s.status === "fulfilled") return s.value;
    const err = s.reason as NodeJS.ErrnoException;
    const reason = err instanceof TargetError ? `bad target: ${err.message}` : describe(err ?? new Error("unknown error"));
    return { target: targets[i], grade: "FAIL", reason };
  });
}

export function formatHealth(results: HealthResult[]): string {
  return results
    .map((r) => [r.grade, r.target, r.tlsVersion ?? "-", r.daysLeft !== undefined ? `${r.daysLeft}d` : "-", r.reason].join("\t"))
    .join("\n");
}
