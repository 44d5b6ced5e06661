// Points, the one scoring rule every class report uses (grades.csv, report.html, GitHub
// Classroom): each lesson is worth POINTS_PER_LESSON, earned in proportion to its judged
// checks that pass, rounded down to a whole point, so full marks mean every check passes.
// A lesson that could not be graded (a missing file, a syntax error) earns 0. Skipped
// checks count neither for nor against (as in countPassed).
import type { StudentResult } from "../batch/types.ts";
import { countPassed, type LessonResult, type TestResult } from "./results.ts";

export const POINTS_PER_LESSON = 10;

export interface LessonScore {
  /** "missing" when the batch graded this lesson but holds no result for the student. */
  status: LessonResult["status"] | "missing";
  passed: number;
  /** Judged checks (skips left out). */
  total: number;
  skipped: number;
  points: number;
  max: number;
}

export function lessonScore(r: LessonResult | undefined, max = POINTS_PER_LESSON): LessonScore {
  if (!r) return { status: "missing", passed: 0, total: 0, skipped: 0, points: 0, max };
  const { passed, total, skipped } = countPassed(r);
  // Integers throughout: (10 * 13) / 13 is exactly 10, never 9.999….
  const points = total === 0 ? 0 : Math.floor((max * passed) / total);
  return { status: r.status, passed, total, skipped, points, max };
}

export interface StudentScore {
  points: number;
  max: number;
  /** Lessons whose status is "pass". */
  lessonsPassed: number;
}

export function studentScore(s: StudentResult, lessons: string[], max = POINTS_PER_LESSON): StudentScore {
  let points = 0;
  let lessonsPassed = 0;
  for (const id of lessons) {
    const sc = lessonScore(s.lessons[id], max);
    points += sc.points;
    if (sc.status === "pass") lessonsPassed++;
  }
  return { points, max: max * lessons.length, lessonsPassed };
}

/**
 * A lesson's whole points split over its passing checks as whole numbers (the first ones get
 * the remainder), 0 for the others, so that the per-test scores add up exactly to the
 * lesson's points: GitHub Classroom's reporter sums them.
 */
export function splitPoints(points: number, tests: TestResult[]): number[] {
  const passing = tests.filter((t) => t.status === "pass").length;
  if (passing === 0) return tests.map(() => 0);
  const base = Math.floor(points / passing);
  let extra = points - base * passing;
  return tests.map((t) => {
    if (t.status !== "pass") return 0;
    if (extra > 0) {
      extra--;
      return base + 1;
    }
    return base;
  });
}
