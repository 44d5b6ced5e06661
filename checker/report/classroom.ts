// GitHub Classroom: what its autograding reporter (classroom-resources/autograding-grading-reporter)
// reads. For every runner id listed in its `runners` input it decodes the environment
// variable <RUNNER ID IN CAPITALS>_RESULTS as base64 JSON of the shape the Classroom graders
// (e.g. autograding-command-grader) write as their `result` step output:
//   { version: 1, status, max_score, tests: [{ name, status, score, message, ... }] }
// It adds up max_score over the runners and `score` over their tests ("Points 63/70"),
// and fails the job when a runner's status is "fail" or "error".
//
// Here a runner is a lesson ("lesson02"): max_score is POINTS_PER_LESSON, the checks are the
// tests, and the lesson's points (points.ts) are split over its passing checks in whole
// numbers, so the sums are exact. Skipped checks are left out (they count neither way).
import path from "node:path";
import type { BatchResult, StudentResult } from "../batch/types.ts";
import { LESSONS } from "../manifest.ts";
import { lessonScore, POINTS_PER_LESSON, splitPoints } from "./points.ts";
import type { LessonResult, LessonStatus } from "./results.ts";

export interface ClassroomTest {
  name: string;
  status: LessonStatus;
  score: number;
  message: string;
  /** How to see the same check locally. */
  test_code: string;
  /** The learner file the check is about. */
  filename: string;
  line_no: number;
}

export interface ClassroomResult {
  version: 1;
  status: LessonStatus;
  max_score: number;
  tests: ClassroomTest[];
}

export interface ClassroomRunner {
  /** The step output's name and the runner id given to the reporter: "lesson02". */
  runner: string;
  lesson: string;
  result: ClassroomResult;
}

/**
 * The reporter reads each result from an environment variable, and Linux limits a single
 * one to 128 KiB (MAX_ARG_STRLEN): keep every encoded result well below that.
 */
export const MAX_ENCODED = 96 * 1024;
const MESSAGE_LIMITS = [2000, 300, 0];

export function runnerId(lessonId: string): string {
  return `lesson${lessonId.slice(0, 2)}`;
}

function clip(s: string, limit: number): string {
  if (s.length <= limit) return s;
  return limit === 0 ? "" : `${s.slice(0, limit)}… (${s.length - limit} more characters: run the command above to see all)`;
}

function lessonRunner(lesson: string, r: LessonResult | undefined, points: number, limit: number): ClassroomRunner {
  const meta = LESSONS.find((l) => l.id === lesson);
  const test_code = meta ? `npm run lesson ${meta.number}` : `npm run lesson ${lesson}`;
  const filename = meta ? path.posix.join("lessons", lesson, meta.files[0]) : "";
  const base = { test_code, filename, line_no: 0 };
  const tests = (r?.tests ?? []).filter((t) => t.status !== "skip");
  if (!r || tests.length === 0) {
    const message = r ? (r.message ?? "could not grade") : "this lesson was not graded";
    return {
      runner: runnerId(lesson),
      lesson,
      result: { version: 1, status: "error", max_score: points, tests: [{ name: `${lesson}: could not grade`, status: "error", score: 0, message: clip(message, Math.max(limit, 300)), ...base }] },
    };
  }
  const sc = lessonScore(r, points);
  const scores = splitPoints(sc.points, tests);
  return {
    runner: runnerId(lesson),
    lesson,
    result: {
      version: 1,
      status: r.status,
      max_score: points,
      tests: tests.map((t, i) => {
        const printed = t.status !== "pass" && t.output ? `\nyour code printed:\n${t.output}` : "";
        const message = t.status === "pass" ? "" : clip(`${t.message ?? ""}${printed}`, limit);
        return { name: t.name, status: t.status as LessonStatus, score: scores[i], message, ...base };
      }),
    },
  };
}

/** One runner per graded lesson, in order, for one student. */
export function classroomRunners(s: StudentResult, lessons: string[], points = POINTS_PER_LESSON): ClassroomRunner[] {
  return lessons.map((lesson) => {
    // Shorter messages only when a lesson would not fit in an environment variable.
    for (const limit of MESSAGE_LIMITS) {
      const runner = lessonRunner(lesson, s.lessons[lesson], points, limit);
      if (encode(runner.result).length <= MAX_ENCODED || limit === 0) return runner;
    }
    throw new Error("unreachable");
  });
}

export function encode(result: ClassroomResult): string {
  return Buffer.from(JSON.stringify(result), "utf8").toString("base64");
}

/**
 * What `npm run grade -- --classroom` prints for the current workbook (a batch of one):
 * lines in the format of $GITHUB_OUTPUT, one `lessonNN=<base64 JSON>` per graded lesson
 * and a last `runners=lesson01,lesson02,…`, so that a workflow step can append them to
 * "$GITHUB_OUTPUT" and hand each to the reporter.
 */
export function classroomOutput(result: BatchResult): string {
  if (result.students.length !== 1) throw new Error(`the classroom output is for one workbook, but the batch holds ${result.students.length} submissions`);
  const runners = classroomRunners(result.students[0], result.lessons);
  return runners.map((r) => `${r.runner}=${encode(r.result)}\n`).join("") + `runners=${runners.map((r) => r.runner).join(",")}\n`;
}
