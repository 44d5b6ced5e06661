// Integrity signals: a learner file identical to the reference solution, or to another
// student's, once whitespace and comments are set aside. Signals for the instructor to look
// at, never verdicts: the grade is never changed by them.
//
// What is compared, per lesson, is the lesson's file (lessons/NN-slug/<file>):
// - .ts: comments (// and /* */, outside strings) removed, whitespace collapsed (kept only
//   between two word characters);
// - .md: HTML comments removed, whitespace collapsed;
// - .json: parsed and written back with sorted keys (notes, keys starting with "_", left out).
// What is never flagged:
// - a file still equal to the lesson's stub (everyone starts from it), or too short to mean
//   anything (under MIN_LENGTH characters once normalised: an emptied file);
// - between students, files equal to the reference solution: they get "matches-solution"
//   only (the solution is their common source, not each other);
// - lesson 01 (the quiz) against the solution: a correct quiz is the same for everyone. Two
//   students' answers are flagged only when identical with at least QUIZ_SHARED_MISTAKES
//   wrong answers in common: the same right answers prove nothing, the same mistakes may.
import crypto from "node:crypto";
import path from "node:path";
import type { Lesson } from "../manifest.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import { answerState, isNoteKey, normalizeOptionId, parseAnswers, QUESTIONS } from "../quiz/questions.ts";
import { readInside } from "./isolation.ts";
import type { IntegrityFlag } from "./types.ts";

export const MIN_LENGTH = 40;
export const QUIZ_SHARED_MISTAKES = 2;

/** Removes // and /* *\/ comments outside string and template literals. */
export function stripTsComments(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === "/" && next === "/") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? src.length : end + 2;
      out += " ";
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\") j++;
        else if (c !== "`" && src[j] === "\n") break; // an unterminated string ends with its line
        j++;
      }
      out += src.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Whitespace runs become one space, kept only between two word characters. */
function collapse(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .replace(/ (?=\W)|(?<=\W) /g, "")
    .trim();
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

/** The normalised form of a learner file, by its extension. */
export function normalise(fileName: string, text: string): string {
  const ext = path.extname(fileName).toLowerCase();
  const body = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (ext === ".json") {
    try {
      const value = JSON.parse(body) as unknown;
      if (value && typeof value === "object" && !Array.isArray(value)) {
        const kept = Object.fromEntries(Object.entries(value).filter(([k]) => !isNoteKey(k)));
        return stableStringify(kept);
      }
      return stableStringify(value);
    } catch {
      return collapse(body);
    }
  }
  if (ext === ".md" || ext === ".markdown" || ext === ".txt") return body.replace(/<!--[\s\S]*?(-->|$)/g, " ").replace(/\s+/g, " ").trim();
  return collapse(stripTsComments(body));
}

const digest = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

/** The quiz answers given as wrong (a valid option that is not the right one), by question id. */
function quizMistakes(text: string): Set<string> {
  const wrong = new Set<string>();
  try {
    const answers = parseAnswers(text);
    for (const q of QUESTIONS) if (answerState(q, answers[q.id]).kind === "wrong") wrong.add(`${q.id}=${normalizeOptionId(answers[q.id])}`);
  } catch {
    // unparsable answers share no mistakes worth a flag
  }
  return wrong;
}

/** One student's learner files (text), by lesson id; a missing file is absent. */
export interface StudentFiles {
  student: string;
  files: Record<string, string | undefined>;
  /** Lessons whose file exists but could not be read, with the reason (EACCES ...). */
  unreadable?: Record<string, string>;
}

export interface Reference {
  /** The stub's and the solution's text, by lesson id. */
  stub: Record<string, string | undefined>;
  solution: Record<string, string | undefined>;
}

/** The workbook's own stubs/ and solutions/ for these lessons. */
export function workbookReference(lessons: readonly Lesson[], root = WORKBOOK_ROOT): Reference {
  const ref: Reference = { stub: {}, solution: {} };
  for (const l of lessons) {
    ref.stub[l.id] = readInside(root, path.join("stubs", l.id, l.files[0]));
    ref.solution[l.id] = readInside(root, path.join("solutions", l.id, l.files[0]));
  }
  return ref;
}

/** A submission's learner files, read without following links (see readInside). */
export function readStudentFiles(student: string, root: string, lessons: readonly Lesson[]): StudentFiles {
  const files: Record<string, string | undefined> = {};
  const unreadable: Record<string, string> = {};
  for (const l of lessons) {
    try {
      files[l.id] = readInside(root, path.join("lessons", l.id, l.files[0]));
    } catch (err) {
      // That student's lesson cannot be graded; nobody else's grading stops for it.
      files[l.id] = undefined;
      unreadable[l.id] = (err as NodeJS.ErrnoException).code ?? "unreadable";
    }
  }
  return { student, files, ...(Object.keys(unreadable).length ? { unreadable } : {}) };
}

/**
 * The flags for each of `students` (by name), comparing them with each other, with `others`
 * (submissions not graded this time, e.g. with --student: compared against, never flagged)
 * and with the reference solution.
 */
export function integrityFlags(students: StudentFiles[], lessons: readonly Lesson[], ref: Reference, others: StudentFiles[] = []): Map<string, IntegrityFlag[]> {
  const flags = new Map<string, IntegrityFlag[]>(students.map((s) => [s.student, []]));
  for (const lesson of lessons) {
    const file = lesson.files[0];
    const norm = (t: string | undefined) => (t === undefined ? undefined : normalise(file, t));
    const stub = norm(ref.stub[lesson.id]);
    const solution = norm(ref.solution[lesson.id]);
    const quiz = lesson.kind === "quiz";
    // Candidates for "matches-student": by digest of the normalised text.
    const groups = new Map<string, { student: string; graded: boolean }[]>();
    for (const [graded, list] of [
      [true, students],
      [false, others],
    ] as const) {
      for (const s of list) {
        const text = s.files[lesson.id];
        const n = norm(text);
        if (n === undefined || n.length < MIN_LENGTH || n === stub) continue;
        if (n === solution) {
          if (graded && !quiz) flags.get(s.student)!.push({ lesson: lesson.id, kind: "matches-solution" });
          continue;
        }
        if (quiz && quizMistakes(text!).size < QUIZ_SHARED_MISTAKES) continue;
        const key = digest(n);
        const g = groups.get(key) ?? [];
        g.push({ student: s.student, graded });
        groups.set(key, g);
      }
    }
    for (const g of groups.values()) {
      if (g.length < 2) continue;
      for (const me of g) {
        if (!me.graded) continue;
        for (const other of g) if (other.student !== me.student) flags.get(me.student)!.push({ lesson: lesson.id, kind: "matches-student", other: other.student });
      }
    }
  }
  return flags;
}
