// Right: each check is a promise that rejects on any error; Promise.allSettled turns the rejections into FAILs.
import tls from "node:tls";

export type Grade = "PASS" | "WARN" | "FAIL";
export interface HealthResult {
  target: string;
  grade: Grade;
  tlsVersion?: string;
  daysLeft?: number;
  reason: string;
}

function connect(host: string, port: number, timeoutMs: number): Promise<{ version: string; validTo: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    socket.on("secureConnect", () => {
      const version = socket.getProtocol() ?? "unknown";
      const validTo = socket.getPeerCertificate().valid_to;
      socket.destroy();
      resolve({ version, validTo });
    });
    socket.on("error", reject);
  });
}

function split(target: string): [string, number] {
  const i = target.lastIndexOf(":");
  if (i < 0) return [target, 443];
  const port = Number(target.slice(i + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`bad port in ${target}`);
  return [target.slice(0, i), port];
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10000;
  const warnDays = opts?.warnDays ?? 30;
  const settled = await Promise.allSettled(
    targets.map(async (target) => {
      const [host, port] = split(target);
      return connect(host, port, timeoutMs);
    }),
  );
  return settled.map((s, i): HealthResult => {
    const target = targets[i];
    if (s.status === "rejected") return { target, grade: "FAIL", reason: String(s.reason?.message ?? s.reason).trim() };
    const { version, validTo } = s.value;
    const daysLeft = Math.floor((Date.parse(validTo) - Date.now()) / 86_400_000);
    if (version !== "TLSv1.2" && version !== "TLSv1.3") return { target, grade: "FAIL", tlsVersion: version, daysLeft, reason: `old protocol ${version}` };
    return { target, grade: daysLeft < warnDays ? "WARN" : "PASS", tlsVersion: version, daysLeft, reason: `${daysLeft} days left` };
  });
}

export function formatHealth(results: HealthResult[]): string {
  return results.map((r) => `${r.grade} ${r.target} ${r.tlsVersion ?? ""} ${r.daysLeft ?? ""} ${r.reason}`).join("\n") + "\n";
}
