// Right: reads the expiry with socket.getPeerX509Certificate() (a crypto.X509Certificate) and parses targets with URL.
import type { X509Certificate } from "node:crypto";
import tls from "node:tls";

export type Grade = "PASS" | "WARN" | "FAIL";
export interface HealthResult {
  target: string;
  grade: Grade;
  tlsVersion?: string;
  daysLeft?: number;
  reason: string;
}

function probe(target: string, timeoutMs: number): Promise<{ version: string; cert: X509Certificate }> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(`tls://${target}`);
      if (url.pathname || url.search || url.hash || url.username) throw new Error("not host:port");
    } catch {
      return reject(new Error(`not a host or host:port: ${target}`));
    }
    const host = url.hostname;
    const port = url.port ? Number(url.port) : 443;
    const socket = tls.connect({ host, port, servername: host });
    const timer = setTimeout(() => socket.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const cert = socket.getPeerX509Certificate();
      const version = socket.getProtocol();
      socket.end();
      if (!cert || !version) return reject(new Error("no certificate"));
      resolve({ version, cert });
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  const timeoutMs = opts?.timeoutMs ?? 10000;
  const warnDays = opts?.warnDays ?? 30;
  return Promise.all(
    targets.map((target) =>
      probe(target, timeoutMs).then(
        ({ version, cert }): HealthResult => {
          const daysLeft = Math.floor((new Date(cert.validTo).getTime() - Date.now()) / 86_400_000);
          const old = !["TLSv1.2", "TLSv1.3"].includes(version);
          const grade: Grade = old ? "FAIL" : daysLeft < warnDays ? "WARN" : "PASS";
          return { target, grade, tlsVersion: version, daysLeft, reason: old ? `${version} is too old` : `valid until ${cert.validTo}` };
        },
        (err: Error): HealthResult => ({ target, grade: "FAIL", reason: err.message.split("\n")[0] }),
      ),
    ),
  );
}

export function formatHealth(results: HealthResult[]): string {
  return results
    .map((r) => `${r.grade.padEnd(5)}${r.target.padEnd(40)}${(r.tlsVersion ?? "").padEnd(9)}${r.daysLeft !== undefined ? `${r.daysLeft}d` : ""}\t${r.reason}`)
    .join("\n");
}
