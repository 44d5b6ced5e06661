// How an integrity flag reads in the reports: a signal for the instructor, not a verdict.
import type { IntegrityFlag } from "../batch/types.ts";

export function describeFlag(f: IntegrityFlag): string {
  return f.kind === "matches-solution" ? "identical to the reference solution" : `identical to ${f.other ?? "another student"}'s file`;
}

/** "02-verified-client: identical to the reference solution; 05-…: identical to Bob's file" */
export function flagSummary(flags: IntegrityFlag[]): string {
  return flags.map((f) => `${f.lesson}: ${describeFlag(f)}`).join("; ");
}
