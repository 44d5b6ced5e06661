// Wrong: refuses everything. Every target is a FAIL, so the broken ones are FAIL too, but a
// checker that fails everything proves nothing about them: no credit for the broken checks.
export type Grade = "PASS" | "WARN" | "FAIL";

export interface HealthResult {
  target: string;
  grade: Grade;
  tlsVersion?: string;
  daysLeft?: number;
  reason: string;
}

export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  void opts;
  return targets.map((target) => ({ target, grade: "FAIL", reason: "could not verify" }));
}

export function formatHealth(results: HealthResult[]): string {
  return results.map((r) => `${r.grade} ${r.target} - - ${r.reason}`).join("\n");
}
