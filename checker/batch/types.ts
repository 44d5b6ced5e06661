// What grading a class produces: one record per student, from which every report (terminal
// table, results.json, grades.csv, junit.xml, report.html, summary.csv, the job summary,
// Gradescope's results.json, the LMS gradebooks) is derived.
import type { LessonResult } from "../report/results.ts";

/** A signal for the instructor, not a verdict. */
export interface IntegrityFlag {
  lesson: string;
  kind: "matches-solution" | "matches-student";
  /** The other student, for "matches-student". */
  other?: string;
}

export interface StudentResult {
  /** The sub-folder's name. */
  student: string;
  /** One results.json v3 object per graded lesson, keyed by lesson id ("02-verified-client"). */
  lessons: Record<string, LessonResult>;
  flags: IntegrityFlag[];
  /** Lesson 07's written answer, for the instructor to read (absent when there is none). */
  writtenAnswer?: string;
  /** How long this student's grading took, in milliseconds. */
  ms: number;
  /**
   * Points the instructor set by hand after reading (an overrides file, see
   * checker/report/overrides.ts), by lesson id: they replace the computed points in every
   * report, which marks them as overridden.
   */
  overrides?: Record<string, { points: number; reason?: string }>;
}

export interface BatchResult {
  version: 1;
  generatedAt: string;
  /** The lesson ids graded, in order. */
  lessons: string[];
  students: StudentResult[];
}
