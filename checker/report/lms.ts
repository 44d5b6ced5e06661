// `--lms canvas|moodle`: the class's totals as a file the LMS imports into its gradebook.
//
// Which LMS student a folder is: the folder names as the LMS downloads the submissions carry
// the student's id (idFromFolderName), or a roster file maps them (readRoster).
//   Moodle (assignment → Download all submissions, in folders):
//     "Ada Lovelace_12345_assignsubmission_file_" → participant 12345 (the number Moodle's
//     grading worksheet writes as "Participant 12345"; with anonymous submissions the folder
//     is "Participant_12345_…", the same number). Moodle puts a group name first
//     ("Group A-Ada Lovelace_12345_…") and replaces every "_" in a name by a space.
//   Canvas (assignment → Download submissions, one file per submission and attachment):
//     "lovelaceada_12345_67890_exercise.ts" or "lovelaceada_LATE_12345_67890_exercise.ts" →
//     Canvas user id 12345 (67890 is the file's id). An anonymous download
//     ("anon_<anonymous id>_…") names nobody: such folders need a roster.
//   In both, the id is the first group of digits between underscores.
//
// A roster file (readRoster), one of:
//   - folder,id,name,email (name and email may be left out; folder too, when the folders are
//     named by the LMS): the folder's id given outright;
//   - Canvas's own gradebook export (Grades → Export): Student,ID,SIS User ID,SIS Login ID,
//     Section,…: the student with the folder's id, for the name, SIS ids and section;
//   - Moodle's grading worksheet (assignment → Download grading worksheet): Identifier
//     ("Participant 12345"),Full name,Email address,…: the same for Moodle.
// Folders that no roster entry matches are listed in unknownFolders (their grades are not in
// the file), and folders that resolve to the same id in duplicateIds (neither row is written:
// which one is that student's?).
//
// The files (RFC 4180, CRLF, csvField's escaping: a name like =HYPERLINK(…) stays text; no
// byte-order mark, which the importers would read as part of the first column's name):
//   Canvas gradebook import (Grades → Import):
//     Student,ID,SIS User ID,SIS Login ID,Section,TLS Workbook
//     Points Possible,,,,,70
//     Lovelace Ada,12345,,,,52
//   Canvas takes a row's student by ID (then SIS User ID, SIS Login ID, then the name), needs
//   the header to start with Student and ID and its student columns to end with Section, and
//   reads a row whose first field holds "Points Possible" as the assignment's points possible.
//   An assignment column named "Title (123)" means the assignment with Canvas id 123: so the
//   column is "TLS Workbook" (matched by title, or created on the first import), never
//   "TLS Workbook (70)", which Canvas would read as assignment 70. Pass canvasAssignmentId to
//   name an existing assignment by its id.
//   Moodle grading worksheet (assignment → Upload grading worksheet, with the offline
//   grading worksheet feedback type on):
//     Identifier,Full name,Email address,Grade,Maximum grade,Last modified (grade),Feedback comments
//     Participant 12345,Ada Lovelace,ada@example.edu,52,70,2026-11-27T10:00:00Z,"lesson 01: 10/10, …"
//   Moodle finds the columns by these English names (an instructor whose Moodle speaks another
//   language gets them translated), takes the participant from Identifier, and refuses a
//   worksheet without "Last modified (grade)": its value here is the time of the grading, so
//   a grade changed in Moodle after it is kept unless "Allow updating records that have been
//   modified more recently in Moodle than in the spreadsheet" is ticked. It skips a grade
//   above the assignment's maximum grade: set that to the workbook's maximum (70).
//   Feedback comments reach the student: they say each lesson's points and "(set by hand)"
//   for points an instructor set, never the reason.
import type { BatchResult } from "../batch/types.ts";
import { UsageError } from "../cli/common.ts";
import { lessonLabel } from "./csv.ts";
import { csvField, visibleLine, visibleName } from "./escape.ts";
import { readCsvRows, shown } from "./overrides.ts";
import { POINTS_PER_LESSON, studentLessonPoints, studentScore } from "./points.ts";

export type LmsKind = "canvas" | "moodle";

export interface RosterEntry {
  /** The folder this entry is for, when the roster names one. */
  folder?: string;
  /** Canvas user id, or Moodle participant id: digits. */
  id: string;
  name: string;
  email: string;
  /** Canvas only (empty otherwise). */
  sisUserId: string;
  sisLoginId: string;
  section: string;
}

export interface Roster {
  /** Where the entries come from: the folder names, a folder,id file, or an LMS's own export. */
  source: "folders" | "csv" | "canvas" | "moodle";
  entries: RosterEntry[];
}

/** "Ada Lovelace_12345_assignsubmission_file_" → { id: "12345", name: "Ada Lovelace" }; undefined when the name carries no id. */
export function idFromFolderName(folder: string): { id: string; name: string } | undefined {
  // Canvas's anonymous downloads: "anon_<anonymous id>_<file id>_…", "LATE_anon_…".
  if (/^(LATE_)?anon_/i.test(folder)) return undefined;
  const m = /^(.+?)_(?:LATE_)?(\d+)(?:_|$)/.exec(folder);
  return m ? { id: m[2], name: m[1] } : undefined;
}

/** A roster from the folder names alone: one entry per folder that carries an id. */
export function rosterFromFolderNames(names: string[]): Roster {
  const entries: RosterEntry[] = [];
  for (const folder of names) {
    const parsed = idFromFolderName(folder);
    if (parsed) entries.push({ folder, id: parsed.id, name: parsed.name, email: "", sisUserId: "", sisLoginId: "", section: "" });
  }
  return { source: "folders", entries };
}

const blank = (e: Partial<RosterEntry> & { id: string }): RosterEntry => ({ name: "", email: "", sisUserId: "", sisLoginId: "", section: "", ...e });

/**
 * Reads a roster file: folder,id,name,email, a Canvas gradebook export or a Moodle grading
 * worksheet (see the top of this file), told apart by their header. Throws a UsageError, one
 * line, naming the file, the line and the problem.
 */
export function readRoster(file: string): Roster {
  const where = visibleLine(file);
  const rows = readCsvRows(file, { comments: false });
  const header = rows[0]?.fields.map((f) => f.trim());
  const formats = "expected folder,id,name,email, a Canvas gradebook export (Student,ID,SIS User ID,SIS Login ID,Section,…) or a Moodle grading worksheet (Identifier,Full name,Email address,…)";
  if (!header) throw new UsageError(`${where}: empty: ${formats}`);
  const col = (name: string, exact = true) => header.findIndex((h) => (exact ? h === name : h.toLowerCase() === name));
  const entries: RosterEntry[] = [];
  const firstLine = new Map<string, number>();
  const once = (key: string, line: number, what: string) => {
    const before = firstLine.get(key);
    if (before !== undefined) throw new UsageError(`${where} line ${line}: ${what} again (first on line ${before})`);
    firstLine.set(key, line);
  };
  const cell = (fields: string[], i: number) => (i >= 0 ? (fields[i] ?? "") : "");

  // Canvas checks its header the same way: "Student" first, "ID" second.
  if (header.length > 1 && header[0].includes("Student") && header[1].includes("ID")) {
    const [sisUser, sisLogin, section] = [col("SIS User ID"), col("SIS Login ID"), col("Section")];
    for (const { fields, line } of rows.slice(1)) {
      const student = fields[0] ?? "";
      const id = (fields[1] ?? "").trim();
      if (student.includes("Points Possible") || id === "") continue; // the points possible row, a muted row
      if (!/^\d+$/.test(id)) throw new UsageError(`${where} line ${line}: ID ${shown(id)} is not a Canvas user id (digits)`);
      once(`id:${id}`, line, `ID ${id}`);
      entries.push(blank({ id, name: student, sisUserId: cell(fields, sisUser), sisLoginId: cell(fields, sisLogin), section: cell(fields, section) }));
    }
    return { source: "canvas", entries };
  }
  const identifier = col("Identifier");
  if (identifier >= 0) {
    const [name, email] = [col("Full name"), col("Email address")];
    for (const { fields, line } of rows.slice(1)) {
      const value = cell(fields, identifier);
      const id = /(\d+)\s*$/.exec(value)?.[1];
      if (!id) throw new UsageError(`${where} line ${line}: Identifier ${shown(value)} holds no participant number`);
      once(`id:${id}`, line, `participant ${id}`);
      entries.push(blank({ id, name: cell(fields, name), email: cell(fields, email) }));
    }
    return { source: "moodle", entries };
  }
  const id = col("id", false);
  if (id >= 0) {
    const [folder, name, email] = [col("folder", false), col("name", false), col("email", false)];
    for (const { fields, line } of rows.slice(1)) {
      const value = cell(fields, id);
      if (!/^\d+$/.test(value)) throw new UsageError(`${where} line ${line}: id ${shown(value)} is not an LMS id (digits)`);
      const f = cell(fields, folder);
      if (folder >= 0 && !f) throw new UsageError(`${where} line ${line}: no folder`);
      if (f) once(`folder:${f.normalize("NFC")}`, line, `folder ${shown(f)}`);
      entries.push(blank({ id: value, name: cell(fields, name), email: cell(fields, email), ...(f ? { folder: f } : {}) }));
    }
    return { source: "csv", entries };
  }
  throw new UsageError(`${where} line ${rows[0].line}: not a roster: ${formats}`);
}

/** The roster entry for a folder: by its name, or else by the id the name carries. */
function lookup(roster: Roster): (folder: string) => RosterEntry | undefined {
  const byFolder = new Map<string, RosterEntry>();
  const byId = new Map<string, RosterEntry>();
  for (const e of roster.entries) {
    if (e.folder !== undefined && !byFolder.has(e.folder.normalize("NFC"))) byFolder.set(e.folder.normalize("NFC"), e);
    if (!byId.has(e.id)) byId.set(e.id, e);
  }
  return (folder) => {
    const named = byFolder.get(folder.normalize("NFC"));
    if (named || roster.source === "folders") return named;
    const parsed = idFromFolderName(folder);
    return parsed && byId.get(parsed.id);
  };
}

export interface LmsOptions {
  /** The gradebook column's (Canvas) title: "TLS Workbook" unless set. */
  title?: string;
  /** Canvas: the id of an existing assignment to import into (its column becomes "Title (id)"). */
  canvasAssignmentId?: string;
}

export const DEFAULT_TITLE = "TLS Workbook";

/** "2026-11-27T10:00:00Z" (no fraction: what PHP's strtotime reads for sure); "" when the date is not one. */
function isoSeconds(when: string): string {
  const t = Date.parse(when);
  return Number.isNaN(t) ? "" : new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The class's totals (points.ts's studentScore: points set by hand included) as a Canvas
 * gradebook import or a Moodle grading worksheet (see the top of this file). Students in the
 * batch's order. The roster defaults to the folder names' own ids.
 */
export function lmsCsv(
  result: BatchResult,
  kind: LmsKind,
  roster: Roster = rosterFromFolderNames(result.students.map((s) => s.student)),
  o: LmsOptions = {},
): { csv: string; unknownFolders: string[]; duplicateIds: { id: string; folders: string[] }[] } {
  if ((kind === "canvas" && roster.source === "moodle") || (kind === "moodle" && roster.source === "canvas")) {
    throw new UsageError(`--lms ${kind}: the roster is ${roster.source === "moodle" ? "a Moodle grading worksheet" : "a Canvas gradebook export"}, whose ids mean nothing to ${kind === "canvas" ? "Canvas" : "Moodle"}`);
  }
  const title = o.title ?? DEFAULT_TITLE;
  if (o.canvasAssignmentId !== undefined && !/^\d+$/.test(o.canvasAssignmentId)) throw new UsageError(`the Canvas assignment id ${shown(o.canvasAssignmentId)} is not a number`);
  const find = lookup(roster);
  const unknownFolders: string[] = [];
  const matched: { folder: string; entry: RosterEntry; i: number }[] = [];
  for (const [i, s] of result.students.entries()) {
    const entry = find(s.student);
    if (entry) matched.push({ folder: s.student, entry, i });
    else unknownFolders.push(s.student);
  }
  const foldersById = new Map<string, string[]>();
  for (const m of matched) foldersById.set(m.entry.id, [...(foldersById.get(m.entry.id) ?? []), m.folder]);
  const duplicateIds = [...foldersById].filter(([, f]) => f.length > 1).map(([id, folders]) => ({ id, folders }));
  const single = matched.filter((m) => foldersById.get(m.entry.id)!.length === 1);

  const max = POINTS_PER_LESSON * result.lessons.length;
  const rows: (string | number)[][] = [];
  if (kind === "canvas") {
    rows.push(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", o.canvasAssignmentId ? `${title} (${o.canvasAssignmentId})` : title]);
    rows.push(["Points Possible", "", "", "", "", max]);
    for (const { entry, i } of single) {
      const s = result.students[i];
      rows.push([visibleName(entry.name || s.student), entry.id, entry.sisUserId, entry.sisLoginId, entry.section, studentScore(s, result.lessons).points]);
    }
  } else {
    const modified = isoSeconds(result.generatedAt);
    rows.push(["Identifier", "Full name", "Email address", "Grade", "Maximum grade", "Last modified (grade)", "Feedback comments"]);
    for (const { entry, i } of single) {
      const s = result.students[i];
      const feedback = result.lessons
        .map((id) => {
          const sc = studentLessonPoints(s, id);
          return `lesson ${lessonLabel(id)}: ${sc.points}/${sc.max}${sc.overridden ? " (set by hand)" : ""}`;
        })
        .join(", ");
      rows.push([`Participant ${entry.id}`, visibleName(entry.name || s.student), entry.email, studentScore(s, result.lessons).points, max, modified, feedback]);
    }
  }
  return { csv: rows.map((r) => r.map(csvField).join(",") + "\r\n").join(""), unknownFolders, duplicateIds };
}
