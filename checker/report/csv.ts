// grades.csv: one row per student, a column per lesson holding its points (see points.ts;
// points the instructor set by hand replace the computed ones), then the total, the
// maximum, the integrity flags, and `overridden`: the lessons whose points were set by hand
// ("07: set by hand (reason)", several joined with "; ", empty when none). RFC 4180: CRLF
// line ends, fields quoted when needed; a UTF-8 byte-order mark first, so that Excel reads
// the file as UTF-8 (accents and all) instead of the system's code page. A name shown as
// visibleName shows it, every text on one line with control and format characters as
// \uXXXX (escape.ts).
import type { BatchResult, StudentResult } from "../batch/types.ts";
import { csvField, visibleFlag, visibleName } from "./escape.ts";
import { flagSummary } from "./flags.ts";
import { studentLessonPoints, studentScore } from "./points.ts";

/** The byte-order mark grades.csv starts with (U+FEFF, written as EF BB BF). */
export const CSV_BOM = "\uFEFF";

/** "07" for "07-why-not-verify-false": a lesson's number as the columns and notes name it. */
export function lessonLabel(id: string): string {
  return /^\d+/.exec(id)?.[0] ?? id;
}

/** "07: set by hand (reason); 03: set by hand", for the lessons of `lessons` set by hand. */
export function overriddenSummary(s: StudentResult, lessons: string[]): string {
  return lessons
    .flatMap((id) => {
      const o = studentLessonPoints(s, id).overridden;
      return o ? [`${lessonLabel(id)}: set by hand${o.reason ? ` (${o.reason})` : ""}`] : [];
    })
    .join("; ");
}

export function gradesCsv(result: BatchResult): string {
  const rows: (string | number)[][] = [["student", ...result.lessons, "total", "max", "flags", "overridden"]];
  for (const s of result.students) {
    const total = studentScore(s, result.lessons);
    rows.push([
      visibleName(s.student),
      ...result.lessons.map((id) => studentLessonPoints(s, id).points),
      total.points,
      total.max,
      flagSummary(s.flags.map(visibleFlag)),
      overriddenSummary(s, result.lessons),
    ]);
  }
  return CSV_BOM + rows.map((r) => r.map(csvField).join(",") + "\r\n").join("");
}
