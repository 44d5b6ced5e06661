// One result schema, modelled on Exercism's test-runner results.json v3. The terminal
// report, --json, progress and (later) the class reports are all derived from it.
export type TestStatus = "pass" | "fail" | "error";

export interface TestResult {
  name: string;
  status: TestStatus;
  /** On failure: what was expected, what came back, the mistake if known, and why it matters. */
  message?: string;
  /** What the learner's code printed during this check (truncated). */
  output?: string;
}

export interface LessonResult {
  version: 3;
  lesson: string;
  status: TestStatus;
  /** Set when the lesson could not be graded at all (status "error"). */
  message?: string;
  tests: TestResult[];
}

export function overallStatus(tests: TestResult[]): TestStatus {
  if (tests.length === 0) return "error";
  if (tests.some((t) => t.status === "error")) return "error";
  return tests.every((t) => t.status === "pass") ? "pass" : "fail";
}

export function errorResult(lesson: string, message: string): LessonResult {
  return { version: 3, lesson, status: "error", message, tests: [] };
}

export function countPassed(r: LessonResult): { passed: number; total: number } {
  return { passed: r.tests.filter((t) => t.status === "pass").length, total: r.tests.length };
}
