// Right: Promise.all over an async function whose try/catch turns every error into a FAIL; a shared deadline timer.
import { once } from "node:events";
import tls from "node:tls";

export type Grade = "PASS" | "WARN" | "FAIL";
export interface HealthResult {
  target: string;
  grade: Grade;
  tlsVersion?: string;
  daysLeft?: number;
  reason: string;
}

const DAY = 24 * 60 * 60 * 1000;

async function checkOne(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  let socket: tls.TLSSocket | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const m = /^([^:]+)(?::(\d+))?$/.exec(target);
    if (!m) throw new Error("expected host or host:port");
    const host = m[1];
    const port = m[2] ? parseInt(m[2], 10) : 443;
    if (port > 65535 || port < 1) throw new Error(`port ${port} out of range`);
    socket = tls.connect({ host, port, servername: host });
    const s = socket;
    timer = setTimeout(() => s.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    await once(socket, "secureConnect");
    const tlsVersion = socket.getProtocol()!;
    const expires = new Date(socket.getPeerCertificate().valid_to);
    const daysLeft = Math.floor((expires.getTime() - Date.now()) / DAY);
    if (tlsVersion === "TLSv1" || tlsVersion === "TLSv1.1") return { target, grade: "FAIL", tlsVersion, daysLeft, reason: "protocol below TLS 1.2" };
    if (daysLeft < warnDays) return { target, grade: "WARN", tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` };
    return { target, grade: "PASS", tlsVersion, daysLeft, reason: "ok" };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { target, grade: "FAIL", reason: e.code ?? e.message };
  } finally {
    clearTimeout(timer);
    socket?.destroy();
  }
}

export async function tlsHealth(targets: string[], opts: { timeoutMs?: number; warnDays?: number } = {}): Promise<HealthResult[]> {
  const { timeoutMs = 10_000, warnDays = 30 } = opts;
  return Promise.all(targets.map((t) => checkOne(t, timeoutMs, warnDays)));
}

export function formatHealth(results: HealthResult[]): string {
  const rows = results.map((r) => [r.grade, r.target, r.tlsVersion ?? "-", r.daysLeft === undefined ? "-" : `${r.daysLeft} days`, r.reason]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => (c < 4 ? cell.padEnd(widths[c]) : cell)).join(" | ")).join("\n");
}
