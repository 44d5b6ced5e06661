// The instructor's overrides file: points set by hand, after reading, for a student's lesson.
//
//   student,lesson,points,reason
//   Ada Lovelace,7,9,"a fine answer, in her own words"
//   # a comment line
//   O'Neil Zoë,05-reject-bad-certs,10
//
// - The header names the columns, in any order, case and spaces around them aside: student,
//   lesson and points are needed, reason may be left out. No other column.
// - student: the student's folder name, as the batch grades it (matched NFC-normalised on both
//   sides, so a name typed on one system matches a folder made on another).
// - lesson: its number (7 or 07), its id (07-why-not-verify-false) or its slug.
// - points: a whole number from 0 to POINTS_PER_LESSON (10): they replace the lesson's
//   computed points in every report, which marks them as set by hand.
// - reason: optional, free text (shown to the instructor in grades.csv and report.html,
//   never in the feedback an LMS shows the student).
// - CSV as RFC 4180 (a field holding a comma, a quote or a line break is quoted, quotes
//   doubled), comma-separated, or semicolon-separated as Excel saves it in many locales (when
//   the header holds a semicolon and no comma); UTF-8, with or without a byte-order mark;
//   LF or CRLF. Blank lines and lines starting with # are skipped. Spaces around a field are
//   trimmed.
// - One line per student and lesson: the same pair twice is an error, as is an unknown
//   lesson, points out of range or a line that is not CSV: a UsageError naming the file, the
//   line and the problem, on one line.
// Parsing is csv-parse's (its sync API), the same for the roster files of lms.ts.
import fs from "node:fs";
import { CsvError, parse } from "csv-parse/sync";
import type { BatchResult, StudentResult } from "../batch/types.ts";
import { UsageError } from "../cli/common.ts";
import type { Lesson } from "../manifest.ts";
import { visibleLine } from "./escape.ts";
import { POINTS_PER_LESSON } from "./points.ts";

export interface Override {
  /** The student's name as the file spells it (spaces around it trimmed). */
  student: string;
  /** The lesson's id ("07-why-not-verify-false"). */
  lesson: string;
  points: number;
  reason?: string;
  /** Where the line starts in the file (1 is the header). */
  line: number;
}

export interface Overrides {
  file: string;
  /** In the file's order. */
  entries: Override[];
}

// ---- reading a CSV file (shared with lms.ts) ----

export interface CsvRow {
  fields: string[];
  /** The line the record starts on, 1-based. */
  line: number;
}

/** Shown in a message: on one line, nothing invisible, quoted. */
export const shown = (s: string): string => `"${visibleLine(s)}"`;

const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: "a quote is opened and never closed",
  CSV_INVALID_CLOSING_QUOTE: 'text right after a closing quote (inside a quoted field, write a quote as "")',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text right after a closing quote (inside a quoted field, write a quote as "")',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (quote the whole field and write the quote as "")',
};

/**
 * The records of a CSV file (see the top of this file for what is accepted): the header
 * first, records whose fields are all empty left out, each with the line it starts on.
 * Every problem is a UsageError: "<file>: …" or "<file> line N: bad CSV (…)".
 */
export function readCsvRows(file: string, o: { comments: boolean }): CsvRow[] {
  const where = visibleLine(file);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`${where}: cannot read it: ${e.code === "ENOENT" ? "no such file" : e.code === "EISDIR" ? "a folder, not a file" : visibleLine((e.message ?? String(err)).split("\n")[0])}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); // drops a byte-order mark
  } catch {
    throw new UsageError(`${where}: not UTF-8 text (in Excel, save it as "CSV UTF-8")`);
  }
  // One kind of line end: csv-parse counts a CR LF inside a quoted field as two lines.
  text = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const first = text.split("\n").find((l) => l.trim() !== "" && !(o.comments && l.startsWith("#"))) ?? "";
  const delimiter = first.includes(";") && !first.includes(",") ? ";" : ",";
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      ...(o.comments ? { comment: "#", comment_no_infix: true } : {}),
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      const problem = CSV_PROBLEMS[err.code] ?? err.message.split(/[:\n]/)[0].toLowerCase();
      throw new UsageError(`${where}${line ? ` line ${line}` : ""}: bad CSV (${visibleLine(problem)})`);
    }
    throw err;
  }
  return records
    .filter((r) => r.record.some((f) => f !== ""))
    .map((r) => ({
      fields: r.record,
      // info.lines is where the record ends; only a quoted field can hold a line break.
      line: r.info.lines - r.record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0),
    }));
}

// ---- the overrides file ----

const COLUMNS = ["student", "lesson", "points", "reason"] as const;
type Column = (typeof COLUMNS)[number];
const REQUIRED: Column[] = ["student", "lesson", "points"];

/** "7", "07", "07-why-not-verify-false" or "why-not-verify-false" → the lesson, among `lessons`. */
export function lessonFor(key: string, lessons: readonly Lesson[]): Lesson | undefined {
  const k = key.trim().toLowerCase();
  if (/^\d+$/.test(k)) return lessons.find((l) => l.number === Number(k));
  return lessons.find((l) => l.id === k || l.slug === k);
}

/**
 * Reads an overrides file (see the top of this file). Throws a UsageError, one line, naming
 * the file, the line and the problem.
 */
export function readOverrides(file: string, lessons: readonly Lesson[]): Overrides {
  const where = visibleLine(file);
  const rows = readCsvRows(file, { comments: true });
  const header = rows[0];
  const expected = `expected the header student,lesson,points,reason (reason may be left out)`;
  if (!header) throw new UsageError(`${where}: empty: ${expected}`);
  const index = new Map<Column, number>();
  for (const [i, raw] of header.fields.entries()) {
    const name = raw.trim().toLowerCase() as Column;
    if (!COLUMNS.includes(name)) throw new UsageError(`${where} line ${header.line}: unknown column ${shown(raw)}: ${expected}`);
    if (index.has(name)) throw new UsageError(`${where} line ${header.line}: the column ${shown(raw)} twice: ${expected}`);
    index.set(name, i);
  }
  const missing = REQUIRED.filter((c) => !index.has(c));
  if (missing.length) throw new UsageError(`${where} line ${header.line}: no ${missing.join(", no ")} column: ${expected}`);

  const numbers = lessons.map((l) => l.number);
  const lessonHint = lessons.length ? `a number from ${Math.min(...numbers)} to ${Math.max(...numbers)} or an id such as ${lessons[lessons.length - 1].id}` : "no lesson is known";
  const entries: Override[] = [];
  const seen = new Map<string, number>();
  for (const row of rows.slice(1)) {
    const at = `${where} line ${row.line}`;
    if (row.fields.length > header.fields.length) {
      throw new UsageError(`${at}: ${row.fields.length} fields where the header has ${header.fields.length} (quote a reason that holds a comma: "…, …")`);
    }
    const get = (c: Column) => (index.has(c) ? (row.fields[index.get(c)!] ?? "") : "");
    const student = get("student");
    if (!student) throw new UsageError(`${at}: no student`);
    const lessonKey = get("lesson");
    if (!lessonKey) throw new UsageError(`${at}: no lesson`);
    const lesson = lessonFor(lessonKey, lessons);
    if (!lesson) throw new UsageError(`${at}: unknown lesson ${shown(lessonKey)}: ${lessonHint}`);
    const pointsText = get("points");
    if (!pointsText) throw new UsageError(`${at}: no points`);
    if (!/^\d+$/.test(pointsText) || Number(pointsText) > POINTS_PER_LESSON) {
      throw new UsageError(`${at}: points ${shown(pointsText)} out of range: a whole number from 0 to ${POINTS_PER_LESSON}`);
    }
    const key = `${student.normalize("NFC")}\u0000${lesson.id}`;
    const before = seen.get(key);
    if (before !== undefined) throw new UsageError(`${at}: ${shown(student)}, lesson ${String(lesson.number).padStart(2, "0")} again (first on line ${before})`);
    seen.set(key, row.line);
    const reason = get("reason");
    entries.push({ student, lesson: lesson.id, points: Number(pointsText), ...(reason ? { reason } : {}), line: row.line });
  }
  return { file, entries };
}

/**
 * The result with each student's overrides set (StudentResult.overrides, merged over any
 * already there, the file's winning). A name in the file matches the folder spelled the same,
 * or else the one folder equal to it once both are NFC-normalised. Names that match no folder
 * are listed in unknownStudents, and names that match several folders only once normalised
 * (the same name in two Unicode spellings: which one was meant?) in ambiguousStudents; their
 * overrides are not applied. Both as the file spells them, in its order; neither throws. The
 * input is not changed.
 */
export function applyOverrides(result: BatchResult, overrides: Overrides): { result: BatchResult; unknownStudents: string[]; ambiguousStudents: string[] } {
  const byFolder = new Map<number, Record<string, { points: number; reason?: string }>>();
  const unknownStudents: string[] = [];
  const ambiguousStudents: string[] = [];
  const resolved = new Map<string, number | "unknown" | "ambiguous">();
  const folderOf = (name: string): number | "unknown" | "ambiguous" => {
    const exact = result.students.findIndex((s) => s.student === name);
    if (exact >= 0) return exact;
    const nfc = name.normalize("NFC");
    const matches = result.students.flatMap((s, i) => (s.student.normalize("NFC") === nfc ? [i] : []));
    return matches.length === 1 ? matches[0] : matches.length ? "ambiguous" : "unknown";
  };
  for (const o of overrides.entries) {
    let where = resolved.get(o.student);
    if (where === undefined) {
      resolved.set(o.student, (where = folderOf(o.student)));
      if (where === "unknown") unknownStudents.push(o.student);
      if (where === "ambiguous") ambiguousStudents.push(o.student);
    }
    if (typeof where !== "number") continue;
    const set = byFolder.get(where) ?? {};
    set[o.lesson] = o.reason ? { points: o.points, reason: o.reason } : { points: o.points };
    byFolder.set(where, set);
  }
  const students = result.students.map((s, i): StudentResult => {
    const set = byFolder.get(i);
    return set ? { ...s, overrides: { ...s.overrides, ...set } } : s;
  });
  return { result: { ...result, students }, unknownStudents, ambiguousStudents };
}
