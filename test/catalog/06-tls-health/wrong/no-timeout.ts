// Wrong: no timeout at all: a server that accepts and never answers keeps the whole check waiting.
import tls from "node:tls";

export type Grade = "PASS" | "WARN" | "FAIL";
export interface HealthResult {
  target: string;
  grade: Grade;
  tlsVersion?: string;
  daysLeft?: number;
  reason: string;
}

function parse(target: string): { host: string; port: number } | undefined {
  const m = /^([^:\s]+)(?::(\d{1,5}))?$/.exec(target);
  if (!m) return undefined;
  const port = m[2] ? Number(m[2]) : 443;
  return port >= 1 && port <= 65535 ? { host: m[1], port } : undefined;
}

function checkOne(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  return new Promise((resolve) => {
    const where = parse(target);
    if (!where) return resolve({ target, grade: "FAIL", reason: "not host or host:port" });
    const socket = tls.connect({ host: where.host, port: where.port, servername: where.host });
    void timeoutMs;
    socket.once("secureConnect", () => {
      const tlsVersion = socket.getProtocol() ?? "";
      const expires = new Date(socket.getPeerCertificate().valid_to);
      const daysLeft = Math.floor((expires.getTime() - Date.now()) / 86_400_000);
      socket.end();
      if (tlsVersion !== "TLSv1.2" && tlsVersion !== "TLSv1.3") return resolve({ target, grade: "FAIL", tlsVersion, daysLeft, reason: `${tlsVersion} is below TLS 1.2` });
      const grade: Grade = daysLeft < warnDays ? "WARN" : "PASS";
      resolve({ target, grade, tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` });
    });
    socket.once("error", (err) => {
      socket.destroy();
      resolve({ target, grade: "FAIL", reason: err.message.trim() });
    });
  });
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10_000;
  const warnDays = opts?.warnDays ?? 30;
  return Promise.all(targets.map((t) => checkOne(t, timeoutMs, warnDays)));
}

export function formatHealth(results: HealthResult[]): string {
  return results.map((r) => `${r.grade}  ${r.target}  ${r.tlsVersion ?? "-"}  ${r.daysLeft ?? "-"}  ${r.reason}`).join("\n");
}
