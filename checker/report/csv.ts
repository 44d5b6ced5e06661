// grades.csv: one row per student, a column per lesson holding its points (see points.ts),
// then the total, the maximum and the integrity flags. RFC 4180: CRLF line ends, fields
// quoted when needed; a name shown as visibleName shows it, every text on one line with
// control and format characters as \uXXXX (escape.ts).
import type { BatchResult } from "../batch/types.ts";
import { csvField, visibleFlag, visibleName } from "./escape.ts";
import { flagSummary } from "./flags.ts";
import { lessonScore, studentScore } from "./points.ts";

export function gradesCsv(result: BatchResult): string {
  const rows: (string | number)[][] = [["student", ...result.lessons, "total", "max", "flags"]];
  for (const s of result.students) {
    const total = studentScore(s, result.lessons);
    rows.push([visibleName(s.student), ...result.lessons.map((id) => lessonScore(s.lessons[id]).points), total.points, total.max, flagSummary(s.flags.map(visibleFlag))]);
  }
  return rows.map((r) => r.map(csvField).join(",") + "\r\n").join("");
}
