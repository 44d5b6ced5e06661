// Lesson 06 · A TLS health checker
// Style: reasons derived from the error message itself (trimmed; OpenSSL's long
// "...:error:...:reason:file:line" form cut down to its reason field); expiry read from
// getPeerX509Certificate().validTo; Promise.all; fixed columns with "days left" spelled out.
import tls from "node:tls";

export type Grade = "PASS" | "WARN" | "FAIL";

export interface HealthResult {
  target: string; // as given
  grade: Grade;
  tlsVersion?: string; // when the handshake succeeded
  daysLeft?: number; // when the handshake succeeded: whole days, rounded down
  reason: string; // short, human: "certificate has expired", "expires in 12 days"
}

function shorten(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  let msg = raw.trim().split(/\r?\n/)[0];
  // OpenSSL: "803CC2E8217F0000:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:../deps/...:1601:SSL alert number 70"
  const openssl = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(msg);
  if (openssl) msg = openssl[1];
  // Node's altname message is long: keep the part before the first ':'
  if (msg.startsWith("Hostname/IP does not match")) msg = "hostname does not match certificate";
  if (msg.startsWith("connect ECONNREFUSED")) msg = "connection refused";
  if (msg === "read ECONNRESET" || msg === "socket hang up" || msg.startsWith("Client network socket disconnected")) {
    msg = "server hung up before the handshake finished";
  }
  if (msg.length > 80) msg = msg.slice(0, 77) + "...";
  return msg || "connection failed";
}

function parseTarget(target: string): { host: string; port: number } | null {
  if (typeof target !== "string") return null;
  const m = /^([^:\s/@]+)(?::([^:]*))?$/.exec(target);
  if (!m) return null;
  if (m[2] === undefined) return { host: m[1], port: 443 };
  if (!/^\d+$/.test(m[2])) return null;
  const port = parseInt(m[2], 10);
  return port >= 1 && port <= 65535 ? { host: m[1], port } : null;
}

function measure(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  const ep = parseTarget(target);
  if (ep === null) return Promise.resolve({ target, grade: "FAIL", reason: "expected host or host:port" });
  return new Promise<HealthResult>((resolve) => {
    const socket = tls.connect({ host: ep.host, port: ep.port, servername: ep.host });
    const timer = setTimeout(() => socket.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const tlsVersion = socket.getProtocol() ?? "unknown";
      const x509 = socket.getPeerX509Certificate();
      const validTo = x509 ? new Date(x509.validTo).getTime() : NaN;
      socket.end();
      if (Number.isNaN(validTo)) {
        resolve({ target, grade: "FAIL", tlsVersion, reason: "no certificate expiry" });
        return;
      }
      const daysLeft = Math.floor((validTo - Date.now()) / 86_400_000);
      const tooOld = /^(SSLv\d|TLSv1(\.[01])?)$/.test(tlsVersion);
      resolve({
        target,
        grade: tooOld ? "FAIL" : daysLeft < warnDays ? "WARN" : "PASS",
        tlsVersion,
        daysLeft,
        reason: tooOld ? `${tlsVersion} is below TLS 1.2` : `expires in ${daysLeft} days`,
      });
    });
    socket.on("error", (err) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ target, grade: "FAIL", reason: shorten(err) });
    });
  });
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10_000;
  const warnDays = opts?.warnDays ?? 30;
  return await Promise.all(
    targets.map((target) =>
      measure(target, timeoutMs, warnDays).catch((err): HealthResult => ({ target, grade: "FAIL", reason: shorten(err) })),
    ),
  );
}

export function formatHealth(results: HealthResult[]): string {
  return results
    .map((r) => {
      const v = (r.tlsVersion ?? "-").padEnd(8);
      const d = r.daysLeft === undefined ? "-".padEnd(14) : `${r.daysLeft} days left`.padEnd(14);
      return `${r.grade}  ${r.target.padEnd(24)}  ${v}  ${d}  ${r.reason}`;
    })
    .join("\n");
}
