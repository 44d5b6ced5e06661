// Wrong: returns results typed in from one run of the lab, without connecting at all.
export type Grade = "PASS" | "WARN" | "FAIL";
export interface HealthResult {
  target: string;
  grade: Grade;
  tlsVersion?: string;
  daysLeft?: number;
  reason: string;
}

const SEEN: Record<string, Omit<HealthResult, "target">> = {
  "localhost:8441": { grade: "PASS", tlsVersion: "TLSv1.3", daysLeft: 89, reason: "expires in 89 days" },
  "localhost:8444": { grade: "WARN", tlsVersion: "TLSv1.3", daysLeft: 4, reason: "expires in 4 days" },
  "localhost:8445": { grade: "FAIL", reason: "certificate has expired" },
};

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  void opts;
  return targets.map((target) => ({ target, ...(SEEN[target] ?? { grade: "PASS", tlsVersion: "TLSv1.3", daysLeft: 89, reason: "expires in 89 days" }) }));
}

export function formatHealth(results: HealthResult[]): string {
  return results.map((r) => `${r.grade}  ${r.target}  ${r.tlsVersion ?? "-"}  ${r.daysLeft ?? "-"}  ${r.reason}`).join("\n");
}
