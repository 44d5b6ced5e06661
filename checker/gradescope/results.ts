// Gradescope's results.json (its autograder specification): a top-level score, and tests[]
// with name, score, max_score, status, output and visibility. Points follow the README's one
// rule (checker/report/points.ts): each lesson is one scored test worth 10, holding its points;
// each check is a test of its own with its status and message and no score, so the scores add
// up to exactly what grades.csv and report.html say.
import type { StudentResult } from "../batch/types.ts";
import { LESSONS } from "../manifest.ts";
import { lessonScore, studentScore } from "../report/points.ts";
import type { LessonResult, TestResult } from "../report/results.ts";

export type Visibility = "visible" | "hidden" | "after_due_date" | "after_published";
export const VISIBILITIES: readonly Visibility[] = ["visible", "hidden", "after_due_date", "after_published"];

export interface GradescopeTest {
  name: string;
  status: "passed" | "failed";
  output?: string;
  score?: number;
  max_score?: number;
  visibility: Visibility;
  tags?: string[];
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: "text";
  stdout_visibility: "hidden";
  visibility: Visibility;
  tests: GradescopeTest[];
}

/** What Gradescope shows a student per check: the message holds expected, got and why. */
const OUTPUT_MAX = 8000;
const cut = (s: string) => (s.length > OUTPUT_MAX ? `${s.slice(0, OUTPUT_MAX)}\n… (cut)` : s);

function lessonTitle(id: string): string {
  const l = LESSONS.find((x) => x.id === id);
  return l ? `Lesson ${String(l.number).padStart(2, "0")} (${l.title})` : id;
}

function checkOutput(t: TestResult): string | undefined {
  const parts = [t.message, t.output ? `your code printed:\n${t.output}` : undefined].filter((x): x is string => Boolean(x));
  return parts.length ? cut(parts.join("\n\n")) : undefined;
}

function lessonLine(r: LessonResult | undefined, id: string): string {
  const sc = lessonScore(r);
  if (!r || r.status === "error") return `${lessonTitle(id)}: could not be graded: ${r?.message ?? "no result"}`;
  return `${lessonTitle(id)}: ${sc.points}/${sc.max} points (${sc.passed} of ${sc.total} checks pass${sc.skipped ? `, ${sc.skipped} skipped` : ""})`;
}

/**
 * One student's Gradescope results. `notes` (what was graded from where) go to the top-level
 * output; `integrity` lines are for the instructor only: a hidden test.
 */
export function gradescopeResults(s: StudentResult, lessons: string[], o: { visibility: Visibility; executionSeconds: number; notes?: string[]; integrity?: string[] }): GradescopeResults {
  const tests: GradescopeTest[] = [];
  for (const id of lessons) {
    const r = s.lessons[id];
    const sc = lessonScore(r);
    tests.push({
      name: lessonLine(r, id),
      status: r?.status === "pass" ? "passed" : "failed",
      score: sc.points,
      max_score: sc.max,
      visibility: o.visibility,
      tags: [id],
      ...(r?.message ? { output: cut(r.message) } : {}),
    });
    for (const t of r?.tests ?? []) {
      if (t.status === "skip") continue; // neither for nor against, as in the points
      const output = checkOutput(t);
      tests.push({ name: `${lessonTitle(id)}: ${t.name}`, status: t.status === "pass" ? "passed" : "failed", visibility: o.visibility, tags: [id], ...(output ? { output } : {}) });
    }
  }
  if (o.integrity?.length) tests.push({ name: "Integrity signals (for the instructor, not a verdict)", status: "failed", output: o.integrity.join("\n"), visibility: "hidden" });
  const total = studentScore(s, lessons);
  const summary = [`${total.points}/${total.max} points; ${total.lessonsPassed} of ${lessons.length} lessons pass every check.`, ...lessons.map((id) => lessonLine(s.lessons[id], id)), ...(o.notes ?? [])];
  return {
    score: total.points,
    execution_time: Math.round(o.executionSeconds),
    output: summary.join("\n"),
    output_format: "text",
    stdout_visibility: "hidden",
    visibility: o.visibility,
    tests,
  };
}
