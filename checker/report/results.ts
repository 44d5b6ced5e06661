// One result schema, modelled on Exercism's test-runner results.json v3. The terminal
// report, --json, progress and (later) the class reports are all derived from it.
//
// An extension of v3: a test's status may also be "skip", for a check that could not run
// here and says why in `message` (one line). Live checks against the real internet are
// skipped when the machine is offline, or when a live endpoint changed or did not answer.
// A skip is neither a pass nor a failure: overallStatus and countPassed leave skipped
// tests out, so a lesson whose other checks all pass is "pass". A lesson's own status is
// never "skip".
//
// Another extension: a failing test may carry a `hint`, the check's own advice for this
// failure (what to do, which API), shown by --hint when it is the first test to fail. And a
// lesson result may say, in `selected`, that only some of its checks ran (--check): such a
// result is never recorded as progress.
//
// A third extension: a test may carry `trace`, the connections its check's calls made, as
// the lab recorded them (ConnectionTrace, checker/lab/trace.ts: the ClientHello as received,
// what the lab answered, how the connection ended and after how many ms, application bytes each way; for lesson
// 04's relay, the first bytes on the wire). It is there for a failing check that made any,
// and for every check with `npm run lesson N -- --trace`; class grading (npm run grade,
// Gradescope) leaves it out, so results.json files keep their size. Readers of v3 ignore it.
import type { ConnectionTrace } from "../lab/trace.ts";

export type LessonStatus = "pass" | "fail" | "error";
export type TestStatus = LessonStatus | "skip";

export interface TestResult {
  name: string;
  status: TestStatus;
  /** On failure: what was expected, what came back, the mistake if known, and why it matters. On a skip: the reason, one line. */
  message?: string;
  /** What the learner's code printed during this check (truncated). */
  output?: string;
  /** On failure: the check's own hint (extension, see above). */
  hint?: string;
  /** The connections this check's calls made, as the lab saw them (see the header). */
  trace?: ConnectionTrace[];
}

export interface LessonResult {
  version: 3;
  lesson: string;
  status: LessonStatus;
  /** Set when the lesson could not be graded at all (status "error"). */
  message?: string;
  tests: TestResult[];
  /** Only some checks ran (--check): which filter, how many ran, out of how many (extension, see above). */
  selected?: { filter: string; ran: number; of: number };
}

/** A live check's result (checker/live names each "live: …"). */
export const isLiveTest = (t: TestResult): boolean => t.name.startsWith("live:");

/** The tests that were judged: everything but the skipped ones. */
export const judged = (tests: TestResult[]): TestResult[] => tests.filter((t) => t.status !== "skip");

export function overallStatus(tests: TestResult[]): LessonStatus {
  const counted = judged(tests);
  if (counted.length === 0) return "error";
  if (counted.some((t) => t.status === "error")) return "error";
  return counted.every((t) => t.status === "pass") ? "pass" : "fail";
}

export function errorResult(lesson: string, message: string): LessonResult {
  return { version: 3, lesson, status: "error", message, tests: [] };
}

/** Passed out of judged tests; `skipped` counts the tests left out. */
export function countPassed(r: LessonResult): { passed: number; total: number; skipped: number } {
  const counted = judged(r.tests);
  return { passed: counted.filter((t) => t.status === "pass").length, total: counted.length, skipped: r.tests.length - counted.length };
}

/** "N live checks skipped: <reason>" in one line, or undefined when nothing was skipped. */
export function skipSummary(r: LessonResult): string | undefined {
  const skipped = r.tests.filter((t) => t.status === "skip");
  if (skipped.length === 0) return undefined;
  const reasons = new Map<string, number>();
  for (const t of skipped) {
    const reason = (t.message ?? "no reason given").split("\n")[0];
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const [common] = [...reasons].sort((a, b) => b[1] - a[1]);
  const what = skipped.every(isLiveTest) ? "live check" : "check";
  const head = `${skipped.length} ${what}${skipped.length === 1 ? "" : "s"} skipped`;
  if (reasons.size === 1) return `${head}: ${common[0]}`;
  const others = skipped.length - common[1];
  return `${head}: ${common[0]} (${common[1]}); ${others} for other reasons (see above)`;
}
