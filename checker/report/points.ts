// Points, the one scoring rule every class report uses (the table, grades.csv, report.html,
// the job summary, Gradescope, the LMS gradebooks): each lesson is worth POINTS_PER_LESSON, earned in proportion to its judged
// checks that pass, rounded down to a whole point, so full marks mean every check passes.
// A lesson that could not be graded (a missing file, a syntax error) earns 0. Skipped
// checks count neither for nor against (as in countPassed). Points an instructor set by hand
// (StudentResult.overrides, from an overrides file: overrides.ts) replace a lesson's computed
// points: every report reads a student's points through studentLessonPoints, so that they
// all add up the same.
import type { StudentResult } from "../batch/types.ts";
import { countPassed, type LessonResult } from "./results.ts";

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

/** Points an instructor set by hand for one lesson (StudentResult.overrides). */
export interface Overridden {
  points: number;
  reason?: string;
}

export type StudentLessonScore = LessonScore & {
  /** Set when the instructor's points replace the computed ones (`points` is then theirs). */
  overridden?: Overridden;
};

/**
 * A student's score for one lesson: lessonScore, with the instructor's points when they set
 * some by hand. Status, passed, total and skipped stay what the checks say (a lesson set to
 * 10 by hand is not a "pass"); only the points change. An override that is not a whole
 * number from 0 to max (a hand-edited results.json) is brought into that range; one that is
 * not a number at all is ignored.
 */
export function studentLessonPoints(s: StudentResult, lessonId: string, max = POINTS_PER_LESSON): StudentLessonScore {
  const sc = lessonScore(s.lessons[lessonId], max);
  const o = Object.hasOwn(s.overrides ?? {}, lessonId) ? s.overrides![lessonId] : undefined;
  if (!o || typeof o.points !== "number" || !Number.isFinite(o.points)) return sc;
  const points = Math.min(max, Math.max(0, Math.floor(o.points)));
  const overridden: Overridden = typeof o.reason === "string" && o.reason !== "" ? { points, reason: o.reason } : { points };
  return { ...sc, points, overridden };
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
    const sc = studentLessonPoints(s, id, max);
    points += sc.points;
    if (sc.status === "pass") lessonsPassed++;
  }
  return { points, max: max * lessons.length, lessonsPassed };
}
