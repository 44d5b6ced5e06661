// Finding the submissions in the instructor's folder and reading the command's choices
// (--lessons, --student, --jobs). Anything wrong here stops the batch before it starts, with
// one line that says why (UsageError: exit 2). Also the hints for a lesson file or folder
// saved under a name that is almost right, for the class table.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../cli/common.ts";
import { findLesson, LESSONS, type Lesson } from "../manifest.ts";
import { visibleName } from "../report/escape.ts";

export interface Submission {
  /** The sub-folder's name: the student, as every report names them. */
  student: string;
  /** Its absolute path (only ever read). */
  dir: string;
  /** False for a folder without lessons/: graded, as errors for every lesson. */
  hasLessons: boolean;
}

/**
 * What an OS, an archiver or a package manager leaves beside the students (compared in ASCII
 * lower case, as Windows and macOS names are): never a student, whether a file or a folder.
 * Hidden names (a leading ".") are never students either.
 */
const CLUTTER = new Set(["__macosx", ".ds_store", "thumbs.db", "desktop.ini", "$recycle.bin", ".trashes", ".spotlight-v100", ".fseventsd", "node_modules"]);

/** Wrapper folders looked through, at most: tls-workbook-main/, or submissions/Course export/. */
const MAX_WRAPPERS = 2;

/** A--Z only: toLowerCase would also fold lookalikes (the Kelvin sign is a "k" to it). */
const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
/** Clutter or hidden: never a student here, never part of an upload (checker/gradescope/submission.ts). */
export const isClutter = (name: string): boolean => name.startsWith(".") || CLUTTER.has(asciiLower(name));

const isDir = (p: string): boolean => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The sub-folders of `root` that could be students, clutter aside, in class order (throws what readdir throws). */
function subFolders(root: string): Submission[] {
  // A folder given by the instructor may be a link to elsewhere: theirs to decide.
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => !isClutter(e.name) && (e.isDirectory() || (e.isSymbolicLink() && isDir(path.join(root, e.name)))))
    .map((e) => ({ student: e.name, dir: path.join(root, e.name), hasLessons: isDir(path.join(root, e.name, "lessons")) }))
    .sort((a, b) => a.student.localeCompare(b.student, "en", { numeric: true }));
}

export interface Class {
  /** The submissions to grade: every student, or those --student named, in class order. */
  submissions: Submission[];
  /** With --student, the rest of the class (compared with for integrity, never graded); else empty. */
  others: Submission[];
  /** The folder whose sub-folders are the students (absolute). */
  root: string;
  /** Set when `root` is not the folder given: the wrapper folder(s) looked through, relative to it. */
  lookedThrough?: string;
}

export interface Choice {
  /** --student given once. */
  student?: string;
  /** --student given several times (with `student`, both count); empty or absent: everyone. */
  students?: string[];
}

/**
 * Every sub-folder of `dir` (clutter, hidden ones and node_modules aside) is a student's
 * submission, as long as at least one of them has a lessons/ folder: otherwise nothing here
 * looks like a class, and the batch does not start. A zip often holds the class inside one
 * wrapper folder (tls-workbook-main/, submissions/…): a lone sub-folder without lessons/ whose
 * own sub-folders look like submissions is looked through, up to MAX_WRAPPERS deep.
 */
export function discoverClass(dir: string, o: Choice = {}): Class {
  const given = path.resolve(dir);
  let top: Submission[];
  try {
    if (!fs.statSync(given).isDirectory()) throw new UsageError(`${dir} is not a folder: give the folder that holds one sub-folder per student`);
    top = subFolders(given);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === "ENOENT" ? `no such folder: ${dir}` : `cannot read ${dir} (${code ?? (err as Error).message})`);
  }

  let root = given;
  let all = top;
  let level = top;
  for (let depth = 0; depth < MAX_WRAPPERS && level.length === 1 && !level[0].hasLessons; depth++) {
    const wrapper = level[0].dir;
    try {
      level = subFolders(wrapper);
    } catch {
      break; // an unreadable wrapper is no class: the error below names the folder given
    }
    if (level.some((s) => s.hasLessons)) {
      root = wrapper;
      all = level;
      break;
    }
  }
  const lookedThrough = root === given ? undefined : path.relative(given, root);
  const shown = lookedThrough === undefined ? dir : path.join(dir, lookedThrough);

  if (!all.some((s) => s.hasLessons)) {
    const single = isDir(path.join(given, "lessons")) ? ` (${dir} is itself a workbook: give the folder that holds one copy per student)` : "";
    throw new UsageError(
      all.length === 0
        ? `nothing to grade in ${dir}: it has no sub-folders (one per student, each with a lessons/ folder)${single}`
        : `nothing in ${dir} looks like a submission: none of its ${all.length} sub-folder(s) has a lessons/ folder${single}`,
    );
  }

  const wanted = [...(o.student === undefined ? [] : [o.student]), ...(o.students ?? [])];
  if (wanted.length === 0) return { submissions: all, others: [], root, ...(lookedThrough === undefined ? {} : { lookedThrough }) };
  const chosen = new Set<Submission>();
  const missing = new Map<string, string>(); // by NFC form: "José" typed twice, in two forms, is one name
  for (const name of wanted) {
    // macOS stores names decomposed (NFD), a typed name is usually composed (NFC): the same
    // name to a reader. The folder's own spelling wins when it is there.
    const nfc = name.normalize("NFC");
    const exact = all.find((s) => s.student === name);
    const matches = exact ? [exact] : all.filter((s) => s.student.normalize("NFC") === nfc);
    if (matches.length > 1)
      throw new UsageError(`--student "${visibleName(name)}" matches ${matches.length} folders in ${shown} spelled with the same letters (${matches.map((s) => visibleName(s.student)).join(", ")}): give one exactly`);
    if (matches.length === 1) chosen.add(matches[0]);
    else if (!missing.has(nfc)) missing.set(nfc, name);
  }
  if (missing.size > 0) {
    const names = all.map((s) => visibleName(s.student));
    const shownNames = names.length > 8 ? `${names.slice(0, 8).join(", ")} … (${names.length} in all)` : names.join(", ");
    const unknown = [...missing.values()].map((n) => `"${visibleName(n)}"`).join(", ");
    throw new UsageError(`no submission${missing.size > 1 ? "s" : ""} named ${unknown} in ${shown}; the students are: ${shownNames}`);
  }
  return {
    submissions: all.filter((s) => chosen.has(s)),
    others: all.filter((s) => !chosen.has(s)),
    root,
    ...(lookedThrough === undefined ? {} : { lookedThrough }),
  };
}

/** The submissions to grade, as discoverClass finds them (the class, or the students named). */
export function discoverSubmissions(dir: string, o: Choice = {}): Submission[] {
  return discoverClass(dir, o).submissions;
}

/**
 * Extensions a plain-text editor saves: such a file renamed is read as the lesson file would
 * be; a .docx or .pages one is not, so it is never suggested.
 */
const TEXT_EXTS = new Set([".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx", ".json", ".json5", ".jsonc", ".md", ".markdown", ".txt", ".text"]);
/** What a browser, Finder or Explorer adds to a second copy: " (1)", " copy", " copy 2", " - Copy", " - Copy (2)", "-2". */
const COPY_SUFFIX = / \(\d+\)$| copy(?: \d+)?$| - copy(?: \(\d+\))?$|-\d+$/;
/** Names read from one folder, at most: a folder of a million names is not read to its end for a hint. */
const MAX_NAMES = 10_000;

/** Up to MAX_NAMES names in `dir`, hidden ones aside; undefined when it cannot be read. */
function namesIn(dir: string): string[] | undefined {
  let d: fs.Dir;
  try {
    d = fs.opendirSync(dir);
  } catch {
    return undefined;
  }
  const out: string[] = [];
  try {
    for (let e = d.readSync(); e !== null && out.length < MAX_NAMES; e = d.readSync()) out.push(e.name);
  } catch {
    // what was read is enough for a hint
  } finally {
    d.closeSync();
  }
  return out;
}

/** `stem` is `want`, or `want` with a copy suffix; undefined when neither. */
function copyOf(stem: string, want: string): "same" | "copy" | undefined {
  if (stem === want) return "same";
  const bare = stem.replace(COPY_SUFFIX, "");
  return bare !== stem && bare === want ? "copy" : undefined;
}

/** The entry's kind by lstat, never following a link (a link is no one's work to rename). */
function kindOf(p: string): "file" | "dir" | undefined {
  try {
    const st = fs.lstatSync(p);
    return st.isFile() ? "file" : st.isDirectory() ? "dir" : undefined;
  } catch {
    return undefined;
  }
}

/** One line: the near misses, closest first (at most 3 named), and what to rename. */
function renameHint(what: "" | "folder ", found: string[], expected: string): string {
  const shown = found.slice(0, 3).map((n) => `"${visibleName(n)}"`).join(", ");
  if (found.length === 1) return `found ${what}${shown}: rename it to ${expected}`;
  const more = found.length > 3 ? ` and ${found.length - 3} more` : "";
  return `found ${what === "" ? "" : "folders "}${shown}${more}: rename the right one to ${expected}`;
}

/** Closest first, then in name order. */
const closest = (a: [string, number], b: [string, number]) => a[1] - b[1] || a[0].localeCompare(b[0], "en", { numeric: true });

/**
 * When `expected` (a lesson file: exercise.ts, answers.json, answer.md) is missing from
 * `lessonDir`, a one-line hint naming a regular file there that is almost it: another case
 * (Exercise.ts), a copy (exercise (1).ts, exercise copy.ts, exercise - Copy.ts, exercise-2.ts),
 * an extension added (exercise.ts.txt) or another text extension (exercise.js, answer.txt).
 * Undefined when the file is there, nothing is close, or the only near misses are links.
 */
export function nearMiss(lessonDir: string, expected: string): string | undefined {
  const names = namesIn(lessonDir);
  if (names === undefined || names.includes(expected)) return undefined;
  const want = asciiLower(expected);
  const ext = path.extname(want);
  const base = want.slice(0, want.length - ext.length);
  const found: [string, number][] = [];
  for (const name of names) {
    if (name.startsWith(".")) continue; // ._exercise.ts is macOS's, not the student's
    let n = asciiLower(name);
    const last = path.extname(n);
    if (ext === "" || !TEXT_EXTS.has(last)) continue;
    // 0: another case, 1: a copy, 2: an extension added, 3: another extension.
    let rank = 0;
    if (last !== ext) {
      const inner = n.slice(0, n.length - last.length);
      rank = path.extname(inner) === ext ? 2 : 3;
      n = rank === 2 ? inner : inner + ext;
    }
    const copy = copyOf(n.slice(0, n.length - ext.length), base);
    if (copy === undefined) continue;
    if (copy === "copy") rank = Math.max(rank, 1);
    if (kindOf(path.join(lessonDir, name)) !== "file") continue;
    found.push([name, rank]);
  }
  return found.length === 0 ? undefined : renameHint("", found.sort(closest).map(([n]) => n), expected);
}

/**
 * When the lesson folder `expectedId` (05-reject-bad-certs) is missing from `lessonsDir`, a
 * one-line hint naming a real folder there that is almost it: another case
 * (05-Reject-Bad-Certs), a copy (05-reject-bad-certs (1), … copy, … - Copy, …-2), or the
 * number or the slug alone (05, 5, reject-bad-certs, 5-reject-bad-certs). Undefined when the
 * folder is there, nothing is close, or the only near misses are links.
 */
export function nearMissLessonFolder(lessonsDir: string, expectedId: string): string | undefined {
  const names = namesIn(lessonsDir);
  if (names === undefined || names.includes(expectedId)) return undefined;
  const id = asciiLower(expectedId);
  const m = /^(\d+)-(.+)$/.exec(id);
  // 0: the id in another case, 2: the number or the slug alone (a copy of either: 1 and 2).
  const forms = new Map<string, number>([[id, 0]]);
  if (m) for (const f of [m[1], String(Number(m[1])), m[2], `${Number(m[1])}-${m[2]}`]) if (!forms.has(f)) forms.set(f, 2);
  const found: [string, number][] = [];
  for (const name of names) {
    if (name.startsWith(".")) continue;
    const n = asciiLower(name);
    let rank = forms.get(n);
    if (rank === undefined) {
      const bare = n.replace(COPY_SUFFIX, "");
      const of = bare === n ? undefined : forms.get(bare);
      if (of === undefined) continue;
      rank = Math.max(of, 1);
    }
    if (kindOf(path.join(lessonsDir, name)) !== "dir") continue;
    found.push([name, rank]);
  }
  return found.length === 0 ? undefined : renameHint("folder ", found.sort(closest).map(([n]) => n), expectedId);
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
