// Re-grading into existing class reports: one student, some lessons, or only what did not pass
// (--student, --lessons, --only) must update those rows of the reports already in --out, never
// replace the class with the few graded now.
import fs from "node:fs";
import path from "node:path";
import type { BatchResult, StudentResult } from "../batch/types.ts";
import { UsageError } from "../cli/common.ts";
import { LESSONS } from "../manifest.ts";

/** The results.json in `outDir`, if there is one; a file that is not ours is an error. */
export function readPrevious(outDir: string): BatchResult | undefined {
  const file = path.join(outDir, "results.json");
  if (!fs.existsSync(file)) return undefined;
  let r: BatchResult;
  try {
    r = JSON.parse(fs.readFileSync(file, "utf8")) as BatchResult;
  } catch (err) {
    throw new UsageError(`${file} is not a results.json this grader wrote (${(err as Error).message.split("\n")[0]}): move it away, or choose another --out`);
  }
  if (r?.version !== 1 || !Array.isArray(r.students) || !Array.isArray(r.lessons)) throw new UsageError(`${file} is not a results.json this grader wrote: move it away, or choose another --out`);
  return r;
}

/** Which lessons of which students `--only failed` (not passing) or `--only errors` (could not be graded) picks. */
export function pickForRegrade(previous: BatchResult, only: "failed" | "errors"): Map<string, string[]> {
  const picked = new Map<string, string[]>();
  for (const s of previous.students) {
    const ids = previous.lessons.filter((id) => {
      const st = s.lessons[id]?.status;
      return only === "errors" ? st === "error" || st === undefined : st !== "pass";
    });
    if (ids.length) picked.set(s.student, ids);
  }
  return picked;
}

/**
 * `previous` with the graded students' lessons replaced by `fresh`'s (every other student and
 * lesson kept); a student new to the reports is added. Lessons in lesson order, students in
 * the previous order then the new ones; integrity signals of a re-graded student are
 * replaced for the re-graded lessons only.
 */
export function mergeResults(previous: BatchResult, fresh: BatchResult): BatchResult {
  const order = (ids: string[]) => [...new Set(ids)].sort((a, b) => (LESSONS.find((l) => l.id === a)?.number ?? 99) - (LESSONS.find((l) => l.id === b)?.number ?? 99));
  const lessons = order([...previous.lessons, ...fresh.lessons]);
  const regraded = new Set(fresh.lessons);
  const byName = new Map(fresh.students.map((s) => [s.student, s]));
  const merge = (old: StudentResult, now: StudentResult): StudentResult => ({
    ...old,
    lessons: { ...old.lessons, ...now.lessons },
    flags: [...old.flags.filter((f) => !regraded.has(f.lesson)), ...now.flags],
    ...(now.writtenAnswer !== undefined || regraded.has("07-why-not-verify-false") ? { writtenAnswer: now.writtenAnswer } : {}),
    ms: now.ms,
  });
  const students = previous.students.map((s) => (byName.has(s.student) ? merge(s, byName.get(s.student)!) : s));
  for (const s of fresh.students) if (!previous.students.some((p) => p.student === s.student)) students.push(s);
  return { version: 1, generatedAt: fresh.generatedAt, lessons, students };
}
