// Finding the submissions in the instructor's folder and reading the command's choices
// (--lessons, --student, --jobs). Anything wrong here stops the batch before it starts, with
// one line that says why (UsageError: exit 2).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../cli/common.ts";
import { findLesson, LESSONS, type Lesson } from "../manifest.ts";

export interface Submission {
  /** The sub-folder's name: the student, as every report names them. */
  student: string;
  /** Its absolute path (only ever read). */
  dir: string;
  /** False for a folder without lessons/: graded, as errors for every lesson. */
  hasLessons: boolean;
}

/** Sub-folders the grader never takes for a student. */
const NOT_STUDENTS = new Set(["node_modules"]);

const isDir = (p: string): boolean => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Every sub-folder of `dir` (hidden ones and node_modules aside) is a student's submission,
 * as long as at least one of them has a lessons/ folder: otherwise nothing here looks like a
 * class, and the batch does not start.
 */
export function discoverSubmissions(dir: string, o: { student?: string } = {}): Submission[] {
  const root = path.resolve(dir);
  let entries: fs.Dirent[];
  try {
    if (!fs.statSync(root).isDirectory()) throw new UsageError(`${dir} is not a folder: give the folder that holds one sub-folder per student`);
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === "ENOENT" ? `no such folder: ${dir}` : `cannot read ${dir} (${code ?? (err as Error).message})`);
  }
  // A folder given by the instructor may be a link to elsewhere: theirs to decide.
  const all = entries
    .filter((e) => !e.name.startsWith(".") && !NOT_STUDENTS.has(e.name) && (e.isDirectory() || (e.isSymbolicLink() && isDir(path.join(root, e.name)))))
    .map((e) => ({ student: e.name, dir: path.join(root, e.name), hasLessons: isDir(path.join(root, e.name, "lessons")) }))
    .sort((a, b) => a.student.localeCompare(b.student, "en", { numeric: true }));
  if (!all.some((s) => s.hasLessons)) {
    const single = isDir(path.join(root, "lessons")) ? ` (${dir} is itself a workbook: give the folder that holds one copy per student, or use --classroom from inside the workbook)` : "";
    throw new UsageError(
      all.length === 0
        ? `nothing to grade in ${dir}: it has no sub-folders (one per student, each with a lessons/ folder)${single}`
        : `nothing in ${dir} looks like a submission: none of its ${all.length} sub-folder(s) has a lessons/ folder${single}`,
    );
  }
  if (o.student === undefined) return all;
  const one = all.find((s) => s.student === o.student);
  if (!one) {
    const names = all.map((s) => s.student);
    const shown = names.length > 8 ? `${names.slice(0, 8).join(", ")} … (${names.length} in all)` : names.join(", ");
    throw new UsageError(`no submission named "${o.student}" in ${dir}; the students are: ${shown}`);
  }
  return [one];
}

/** "2,5" or "02-verified-client,reject-bad-certs" → those lessons, in lesson order; every available one when absent. */
export function parseLessons(spec: string | undefined): Lesson[] {
  const available = LESSONS.filter((l) => l.available);
  if (spec === undefined) return available;
  const keys = spec.split(",").map((k) => k.trim());
  if (keys.every((k) => k === "")) throw new UsageError(`--lessons needs lesson numbers, e.g. --lessons 2,5`);
  const chosen = new Set<Lesson>();
  for (const key of keys) {
    if (key === "") continue;
    const lesson = findLesson(key);
    if (!lesson) throw new UsageError(`--lessons: unknown lesson "${key}"; the lessons are ${LESSONS.map((l) => l.number).join(", ")}`);
    if (!lesson.available) throw new UsageError(`--lessons: lesson ${lesson.number} (${lesson.slug}) is not available yet`);
    chosen.add(lesson);
  }
  return [...chosen].sort((a, b) => a.number - b.number);
}

export function defaultJobs(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length || 1;
}

/** --jobs: a whole number from 1 to 64. */
export function parseJobs(spec: string | undefined): number {
  if (spec === undefined) return defaultJobs();
  const n = Number(spec);
  if (!/^\s*\d+\s*$/.test(spec) || !Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--jobs takes a whole number from 1 to 64, got "${spec}"`);
  return n;
}
