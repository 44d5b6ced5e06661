// What students upload to Gradescope, in every shape seen: the lessons/ folder, a whole
// workbook copy, a zip's wrapper folder (tls-workbook-main/), the lesson folders themselves,
// or the lesson files loose at the top, with __MACOSX clutter and lesson 4's certs/. Only the
// lesson files and certificates are taken, into a fresh folder laid out as a workbook:
// nothing else the student uploaded (a checker/, package.json, node_modules) is ever used.
import fs from "node:fs";
import path from "node:path";
import { isClutter, nearMiss, nearMissLessonFolder } from "../batch/discover.ts";
import type { Lesson } from "../manifest.ts";
import { WORKBOOK_ROOT } from "../paths.ts";

const MAX_FILE_BYTES = 1024 * 1024;
const CERT_FILES = ["cert.pem", "key.pem"];

export interface Staged {
  /** A workbook-shaped folder: lessons/<id>/<file>, certs/. */
  dir: string;
  /** What was found where, and what was missing, for the student's output. */
  notes: string[];
  /** Lesson ids whose file was found. */
  found: string[];
}

function entries(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => !isClutter(e.name));
  } catch {
    return [];
  }
}

/** A regular file (never a link), at most MAX_FILE_BYTES, as bytes; undefined otherwise. */
function readRegular(file: string): Buffer | undefined {
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** The names a lesson's stub exports: how a loose exercise.ts is told apart from another. */
function exportedNames(text: string): Set<string> {
  return new Set([...text.matchAll(/export\s+(?:async\s+)?function\s+(\w+)/g)].map((m) => m[1]));
}

function stubExports(lesson: Lesson): Set<string> {
  try {
    return exportedNames(fs.readFileSync(path.join(WORKBOOK_ROOT, "stubs", lesson.id, lesson.files[0]), "utf8"));
  } catch {
    return new Set();
  }
}

/**
 * The folder that holds the work: the submission itself, or, looking through at most two
 * single wrapper folders (a zip's tls-workbook-main/), the first that has lessons/ or a
 * lesson folder or file.
 */
function workRoot(dir: string, lessons: readonly Lesson[]): string {
  let at = dir;
  for (let depth = 0; depth < 3; depth++) {
    const here = entries(at);
    const names = new Set(here.map((e) => e.name));
    const looksLikeWork = names.has("lessons") || lessons.some((l) => names.has(l.id) || names.has(l.files[0]));
    const dirs = here.filter((e) => e.isDirectory());
    if (looksLikeWork || dirs.length !== 1 || here.some((e) => e.isFile())) return at;
    at = path.join(at, dirs[0].name);
  }
  return at;
}

/** Lays out what `submissionDir` holds for `lessons` in `dest` (made fresh), as a workbook. */
export function stageSubmission(submissionDir: string, dest: string, lessons: readonly Lesson[]): Staged {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  const root = workRoot(submissionDir, lessons);
  const rel = (p: string) => path.relative(submissionDir, p).replaceAll("\\", "/") || ".";
  const notes: string[] = [];
  const found: string[] = [];
  const put = (lesson: Lesson, from: string, bytes: Buffer) => {
    const to = path.join(dest, "lessons", lesson.id, lesson.files[0]);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, bytes);
    found.push(lesson.id);
    notes.push(`lesson ${String(lesson.number).padStart(2, "0")}: graded ${rel(from)}`);
  };
  const loose = new Map(entries(root).filter((e) => e.isFile()).map((e) => [e.name, path.join(root, e.name)]));
  const lessonsDir = fs.existsSync(path.join(root, "lessons")) ? path.join(root, "lessons") : root;
  // Code lessons share the name exercise.ts: a loose one belongs to the lesson whose functions it exports.
  const looseExercise = loose.get("exercise.ts");
  const looseText = looseExercise ? readRegular(looseExercise) : undefined;
  const looseNames = looseText ? exportedNames(looseText.toString("utf8")) : new Set<string>();
  let looseUsed = false;
  for (const lesson of lessons) {
    const inFolder = path.join(lessonsDir, lesson.id, lesson.files[0]);
    const bytes = readRegular(inFolder);
    if (bytes) {
      put(lesson, inFolder, bytes);
      continue;
    }
    const file = loose.get(lesson.files[0]);
    if (file && lesson.files[0] !== "exercise.ts") {
      const b = readRegular(file);
      if (b) put(lesson, file, b);
      continue;
    }
    if (file && looseText && !looseUsed) {
      const wanted = stubExports(lesson);
      if (wanted.size > 0 && [...wanted].every((n) => looseNames.has(n))) {
        put(lesson, file, looseText);
        looseUsed = true;
        continue;
      }
    }
    // What the student uploaded instead, if anything close ("exercise (1).ts", "Exercise.ts", "05/").
    const hint = nearMiss(path.join(lessonsDir, lesson.id), lesson.files[0]) ?? nearMissLessonFolder(lessonsDir, lesson.id) ?? nearMiss(root, lesson.files[0]);
    notes.push(`lesson ${String(lesson.number).padStart(2, "0")}: no lessons/${lesson.id}/${lesson.files[0]} in your upload${hint ? `: ${hint}` : ""}`);
  }
  if (found.length === 0) notes.push("your upload holds none of the lesson files: upload your lessons/ folder (or your whole workbook) as a zip");
  if (looseExercise && !looseUsed) notes.push("exercise.ts at the top of your upload matches none of the graded lessons (it must export that lesson's functions): upload the lessons/ folder instead");
  // Lesson 4's certificate: certs/ beside lessons/, or the two files loose.
  for (const name of CERT_FILES) {
    const candidates = [path.join(root, "certs", name), path.join(lessonsDir, "certs", name), loose.get(name)].filter((p): p is string => Boolean(p));
    for (const c of candidates) {
      const b = readRegular(c);
      if (!b) continue;
      fs.mkdirSync(path.join(dest, "certs"), { recursive: true });
      fs.writeFileSync(path.join(dest, "certs", name), b);
      notes.push(`lesson 04's ${name}: ${rel(c)}`);
      break;
    }
  }
  return { dir: dest, notes, found };
}
