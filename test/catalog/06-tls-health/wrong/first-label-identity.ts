// Wrong: replaces Node's hostname check, for every connection of the process, with one that
// compares only the first label: a valid certificate for www.attacker.test passes for www.bank.test.
import tls from "node:tls";

const firstLabel = (name: string) => name.split(".")[0].toLowerCase();
tls.checkServerIdentity = (host: string, cert: tls.PeerCertificate) => {
  const names = [cert.subject?.CN, ...(cert.subjectaltname ?? "").split(", ").map((s) => s.replace(/^DNS:/, ""))].filter(Boolean) as string[];
  return names.some((n) => firstLabel(n) === firstLabel(host)) ? undefined : new Error(`${host} is not in the certificate`);
};
import net from "node:net";

export type Grade = "PASS" | "WARN" | "FAIL";

export interface HealthResult {
  target: string;
  grade: Grade;
  tlsVersion?: string;
  daysLeft?: number;
  reason: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MODERN = new Set(["TLSv1.2", "TLSv1.3"]);

/** "host", "host:port" or "[v6]:port" → where to connect; undefined when it is neither. */
function parseTarget(target: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]\s]+)\]|([^:\s[\]]+))(?::(\d{1,5}))?$/.exec(target);
  if (!m) return undefined;
  const port = m[3] === undefined ? 443 : Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1] ?? m[2], port };
}

/** One verified handshake: the protocol and the certificate's expiry, or the error. */
function handshake(host: string, port: number, timeoutMs: number): Promise<{ tlsVersion: string; validTo: Date }> {
  return new Promise((resolve, reject) => {
    // SNI must be a name, never an IP address; the certificate is checked against host either way.
    const socket = tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }) });
    // One timer for the whole check (connect + handshake): it destroys the socket, which
    // emits 'error' and closes the connection. The 'timeout' event alone would close nothing.
    const timer = setTimeout(() => socket.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const tlsVersion = socket.getProtocol() ?? "";
      const validTo = new Date(socket.getPeerCertificate().valid_to);
      socket.end();
      resolve({ tlsVersion, validTo });
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

/** A short reason from an error: OpenSSL's own messages are long and end in a newline. */
function reasonFor(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION":
    case "ERR_SSL_UNSUPPORTED_PROTOCOL":
    case "ERR_SSL_NO_PROTOCOLS_AVAILABLE":
      return "the server only speaks a protocol older than TLS 1.2";
    case "ERR_SSL_WRONG_VERSION_NUMBER":
      return "the server does not speak TLS";
    case "ECONNRESET":
      return "the server hung up before the handshake finished";
  }
  const message = String(e?.message ?? err).trim().split("\n")[0];
  return e?.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}

async function checkOne(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  const where = parseTarget(target);
  if (!where) return { target, grade: "FAIL", reason: "not a valid target: use host or host:port" };
  try {
    const { tlsVersion, validTo } = await handshake(where.host, where.port, timeoutMs);
    const daysLeft = Math.floor((validTo.getTime() - Date.now()) / DAY_MS);
    if (!MODERN.has(tlsVersion)) return { target, grade: "FAIL", tlsVersion, daysLeft, reason: `${tlsVersion} is older than TLS 1.2` };
    const expires = `expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`;
    if (daysLeft < warnDays) return { target, grade: "WARN", tlsVersion, daysLeft, reason: expires };
    return { target, grade: "PASS", tlsVersion, daysLeft, reason: expires };
  } catch (err) {
    return { target, grade: "FAIL", reason: reasonFor(err) };
  }
}

export async function tlsHealth(targets: string[], opts: { timeoutMs?: number; warnDays?: number } = {}): Promise<HealthResult[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const warnDays = opts.warnDays ?? 30;
  // All at once: the slowest target sets the pace, not the sum of them. checkOne never
  // rejects, and Promise.all keeps the order of the array it was given.
  return Promise.all(targets.map((target) => checkOne(target, timeoutMs, warnDays)));
}

export function formatHealth(results: HealthResult[]): string {
  const width = Math.max(0, ...results.map((r) => r.target.length));
  return results
    .map((r) =>
      [
        r.grade.padEnd(4),
        r.target.padEnd(width),
        (r.tlsVersion ?? "-").padEnd(7),
        (r.daysLeft === undefined ? "-" : `${r.daysLeft}d`).padStart(6),
        r.reason,
      ].join("  "),
    )
    .join("\n");
}
