// The class summary, derived from one BatchResult like every class report:
// - per lesson: how many students passed it, failed it, or could not be graded on it (the
//   lesson's status is "error": a missing file, a compile error, a check the grader could not
//   run; or the batch holds no result for the student), and the mean points (points.ts,
//   points set by hand included);
// - per check (lesson + check name): how many students it was judged for (a skip is not
//   judged), how many of them it passed and failed (a "fail" or an "error"), the pass rate;
// - the checks most failed: the 10 with the most failures, ties by check name, then lesson.
// Three forms: classSummary (data), summaryText (the terminal: plain text, no colour, every
// line at most `width` characters) and summaryCsv (summary.csv: RFC 4180, CRLF, a UTF-8 BOM
// so that a spreadsheet reads it as UTF-8). Check names come from the grader, but every text
// still goes through escape.ts.
import type { BatchResult } from "../batch/types.ts";
import { LESSONS } from "../manifest.ts";
import { csvField, visibleLine } from "./escape.ts";
import { POINTS_PER_LESSON, studentLessonPoints, studentScore } from "./points.ts";

export const MOST_FAILED = 10;

export interface LessonSummary {
  lesson: string;
  title: string;
  /** Students in the batch. */
  students: number;
  /** Students whose lesson status is "pass". */
  passed: number;
  /** Status "fail". */
  failed: number;
  /** Could not be graded: status "error", or no result at all (`missing` of them). */
  ungraded: number;
  missing: number;
  /** Points set by hand for this lesson. */
  overridden: number;
  /** Over every student in the batch (0 for one without a result, as in studentScore). */
  meanPoints: number;
  maxPoints: number;
}

export interface CheckSummary {
  lesson: string;
  check: string;
  /** Students the check was judged for: it passed, failed or errored (skips left out). */
  judged: number;
  passed: number;
  /** judged − passed: a "fail" or an "error" (the grader could not run it). */
  failed: number;
  /** Of `failed`, those that were an "error". */
  errors: number;
  /** Students for whom it was skipped. */
  skipped: number;
  /** passed / judged, null when it was judged for nobody. */
  passRate: number | null;
}

export interface ClassSummary {
  students: number;
  lessons: LessonSummary[];
  /** Every check, in lesson order, then in the order the checks first appear. */
  checks: CheckSummary[];
  /** Up to MOST_FAILED checks that failed for someone: most failures first, ties by name, then lesson. */
  mostFailed: CheckSummary[];
  /** Mean total points per student, and the most a student can have. */
  meanTotal: number;
  maxTotal: number;
}

const lessonTitle = (id: string) => LESSONS.find((l) => l.id === id)?.title ?? id;
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function classSummary(result: BatchResult): ClassSummary {
  const { students } = result;
  const n = students.length;
  const lessons: LessonSummary[] = result.lessons.map((id) => {
    const sum: LessonSummary = { lesson: id, title: lessonTitle(id), students: n, passed: 0, failed: 0, ungraded: 0, missing: 0, overridden: 0, meanPoints: 0, maxPoints: POINTS_PER_LESSON };
    let total = 0;
    for (const s of students) {
      const sc = studentLessonPoints(s, id);
      const status = sc.status;
      if (status === "pass") sum.passed++;
      else if (status === "fail") sum.failed++;
      else {
        sum.ungraded++;
        if (status === "missing") sum.missing++;
      }
      if (sc.overridden) sum.overridden++;
      total += sc.points;
    }
    sum.meanPoints = n ? total / n : 0;
    return sum;
  });

  const checks: CheckSummary[] = [];
  for (const id of result.lessons) {
    const byCheck = new Map<string, CheckSummary>();
    for (const s of students) {
      const tests = s.lessons[id]?.tests ?? [];
      // A student counts once per check name, even if a lesson listed a name twice: judged
      // when any of them was, passed when every judged one passed.
      const mine = new Map<string, { judged: boolean; pass: boolean; error: boolean }>();
      for (const t of tests) {
        const m = mine.get(t.name) ?? { judged: false, pass: true, error: false };
        if (t.status !== "skip") {
          m.judged = true;
          if (t.status !== "pass") m.pass = false;
          if (t.status === "error") m.error = true;
        }
        mine.set(t.name, m);
      }
      for (const [name, m] of mine) {
        let c = byCheck.get(name);
        if (!c) byCheck.set(name, (c = { lesson: id, check: name, judged: 0, passed: 0, failed: 0, errors: 0, skipped: 0, passRate: null }));
        if (!m.judged) c.skipped++;
        else {
          c.judged++;
          if (m.pass) c.passed++;
          else {
            c.failed++;
            if (m.error) c.errors++;
          }
        }
      }
    }
    for (const c of byCheck.values()) {
      c.passRate = c.judged ? c.passed / c.judged : null;
      checks.push(c);
    }
  }
  const mostFailed = checks
    .filter((c) => c.failed > 0)
    .sort((a, b) => b.failed - a.failed || byName(a.check, b.check) || result.lessons.indexOf(a.lesson) - result.lessons.indexOf(b.lesson))
    .slice(0, MOST_FAILED);
  const totals = students.map((s) => studentScore(s, result.lessons).points);
  return {
    students: n,
    lessons,
    checks,
    mostFailed,
    meanTotal: n ? totals.reduce((a, b) => a + b, 0) / n : 0,
    maxTotal: POINTS_PER_LESSON * result.lessons.length,
  };
}

/** "0.75", "1", "0.6667": a rate for a spreadsheet; "" when there is none. */
const rate = (r: number | null) => (r === null ? "" : String(Number(r.toFixed(4))));
const percent = (r: number | null) => (r === null ? "–" : `${Math.round(r * 100)}%`);
const mean = (x: number) => x.toFixed(1);

// ---- text ----

const cps = (s: string) => [...s];
/** At most `width` characters (code points): cut with "…" when longer. */
function fit(line: string, width: number): string {
  const c = cps(line);
  if (c.length <= width) return line;
  return width <= 0 ? "" : `${c.slice(0, width - 1).join("")}…`;
}
const padEnd = (s: string, w: number) => s + " ".repeat(Math.max(0, w - cps(s).length));
const padStart = (s: string, w: number) => " ".repeat(Math.max(0, w - cps(s).length)) + s;

/**
 * The summary for a terminal: a table of the lessons (passed, failed, could not be graded,
 * mean points) and the checks most failed. Plain text, no colour, no line longer than
 * `width` characters (a lesson or check name is cut with "…" when it does not fit).
 */
export function summaryText(result: BatchResult, width = 80): string {
  const w = Math.max(1, Math.floor(width));
  const sum = classSummary(result);
  const out: string[] = [];
  const line = (s = "") => out.push(fit(s.trimEnd(), w));
  const plural = (k: number, one: string) => `${k} ${one}${k === 1 ? "" : "s"}`;
  line(`Class summary: ${plural(sum.students, "student")}, ${plural(sum.lessons.length, "lesson")}${sum.students ? `, mean ${mean(sum.meanTotal)} of ${sum.maxTotal} points` : ""}`);
  if (sum.students === 0 || sum.lessons.length === 0) {
    line("No submissions were graded.");
    return out.join("\n") + "\n";
  }
  line();
  // lesson | pass | fail | not graded | mean points
  const cols = [
    { head: "pass", w: 5 },
    { head: "fail", w: 5 },
    { head: "not graded", w: 11 },
    { head: "mean points", w: 12 },
  ];
  const fixed = cols.reduce((a, c) => a + c.w, 0);
  const ids = sum.lessons.map((l) => visibleLine(l.lesson));
  const lessonW = Math.max(6, Math.min(Math.max(6, ...ids.map((s) => cps(s).length)), w - fixed - 1));
  line(padEnd("lesson", lessonW) + cols.map((c) => padStart(c.head, c.w)).join(""));
  for (const [i, l] of sum.lessons.entries()) {
    const cells = [String(l.passed), String(l.failed), String(l.ungraded), `${mean(l.meanPoints)} / ${l.maxPoints}`];
    line(padEnd(fit(ids[i], lessonW), lessonW) + cells.map((c, j) => padStart(c, cols[j].w)).join(""));
  }
  line();
  if (sum.mostFailed.length === 0) {
    line("No check failed for anyone.");
    return out.join("\n") + "\n";
  }
  line(`The checks most failed (failed of judged, pass rate):`);
  const counts = sum.mostFailed.map((c) => `${c.failed}/${c.judged}`);
  const countW = Math.max(...counts.map((c) => c.length));
  for (const [i, c] of sum.mostFailed.entries()) {
    line(`${padStart(counts[i], countW + 2)}  ${padStart(percent(c.passRate), 4)}  ${visibleLine(c.lesson)} · ${visibleLine(c.check)}`);
  }
  return out.join("\n") + "\n";
}

// ---- summary.csv ----

export const SUMMARY_CSV_COLUMNS = ["lesson", "check", "judged", "passed", "failed", "pass_rate"] as const;
/** The `check` of a lesson's own row. */
export const LESSON_ROW = "(lesson)";

/**
 * summary.csv: per lesson a row with check "(lesson)" (judged: the students with a result
 * for it; passed: status "pass"; failed: the others of them, a "fail" or could not be
 * graded), then a row per check (judged, passed and failed as in CheckSummary). pass_rate is
 * passed / judged as a decimal (empty when judged is 0). RFC 4180 with CRLF, a UTF-8 BOM.
 */
export function summaryCsv(result: BatchResult): string {
  const sum = classSummary(result);
  const rows: (string | number)[][] = [[...SUMMARY_CSV_COLUMNS]];
  for (const l of sum.lessons) {
    const judged = l.students - l.missing;
    rows.push([l.lesson, LESSON_ROW, judged, l.passed, judged - l.passed, rate(judged ? l.passed / judged : null)]);
    for (const c of sum.checks) if (c.lesson === l.lesson) rows.push([c.lesson, c.check, c.judged, c.passed, c.failed, rate(c.passRate)]);
  }
  return "\uFEFF" + rows.map((r) => r.map(csvField).join(",") + "\r\n").join("");
}
