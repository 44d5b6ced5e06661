// Right: lowers minVersion (verification still on) so it can see an old protocol, then grades it FAIL.
import tls from "node:tls";

export type Grade = "PASS" | "WARN" | "FAIL";
export interface HealthResult {
  target: string;
  grade: Grade;
  tlsVersion?: string;
  daysLeft?: number;
  reason: string;
}

function check(target: string, timeoutMs: number, warnDays: number): Promise<HealthResult> {
  return new Promise((resolve) => {
    const [host, portText = "443"] = target.split(":");
    const port = Number(portText);
    if (!host || !/^\d+$/.test(portText) || port < 1 || port > 65535) return resolve({ target, grade: "FAIL", reason: "bad target" });
    // Old servers only answer if we offer their protocol; the certificate is still verified.
    const socket = tls.connect({ host, port, servername: host, minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" });
    socket.setTimeout(timeoutMs);
    socket.on("timeout", () => socket.destroy(new Error("timeout")));
    socket.on("secureConnect", () => {
      const tlsVersion = socket.getProtocol() ?? "";
      const daysLeft = Math.floor((new Date(socket.getPeerCertificate().valid_to).getTime() - Date.now()) / 86_400_000);
      socket.end();
      if (tlsVersion < "TLSv1.2") resolve({ target, grade: "FAIL", tlsVersion, daysLeft, reason: `${tlsVersion} is below TLS 1.2` });
      else resolve({ target, grade: daysLeft < warnDays ? "WARN" : "PASS", tlsVersion, daysLeft, reason: `certificate valid for ${daysLeft} more days` });
    });
    socket.on("error", (err) => resolve({ target, grade: "FAIL", reason: err.message.trim() }));
  });
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  return Promise.all(targets.map((t) => check(t, opts?.timeoutMs ?? 10000, opts?.warnDays ?? 30)));
}

export function formatHealth(results: HealthResult[]): string {
  return results.map((r) => [r.grade, r.target, r.tlsVersion, r.daysLeft === undefined ? undefined : `${r.daysLeft} days`, r.reason].filter((x) => x !== undefined).join("  ")).join("\n");
}
