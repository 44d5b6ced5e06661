// Grading a lesson for the learner: ask the quiz first when there is someone to answer,
// grade, record progress for their own file, and print the report (or the JSON).
// Used by the one-shot command, watch mode and the menu alike. Also here, for every command:
// loading the progress (a corrupt file is rebuilt by re-checking the lessons), the quiet
// re-check of all lessons, and the small helpers around @inquirer/prompts.
import fs from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { gradeLesson, learnerFile, stubFile } from "../grading/grade.ts";
import { Lab } from "../lab/lab.ts";
import { LESSONS, type Lesson } from "../manifest.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import { Progress, stateDir } from "../progress.ts";
import { countPassed, errorResult, type LessonResult } from "../report/results.ts";
import type { SandboxOptions } from "../sandbox/sandbox.ts";
import { colors, renderResult } from "../report/terminal.ts";

/** Where a command reads and writes: the learner's workbook (tests point these elsewhere). */
export interface Place {
  /** The workbook whose lessons/, stubs/, solutions/ and certs/ are used (default: this one). */
  root?: string;
  /** Where .progress.json and .backup/ live (default: TLS_WORKBOOK_STATE_DIR, else root). */
  stateDir?: string;
}

export interface GradeRun extends Place {
  /** Grade this file instead of the learner's. */
  file?: string;
  /** Grade the reference solution. */
  gradeSolution?: boolean;
  json?: boolean;
  /** Every check's connections as the lab saw them: diagrams after the verdict, `trace` in --json. */
  trace?: boolean;
  /** Add the live checks against real sites. */
  live?: boolean;
  /** Ask the quiz's open questions first (only where a person can answer). */
  interactive?: boolean;
  /** Where the quiz's key presses come from (default stdin). */
  input?: NodeJS.ReadableStream;
  out?: NodeJS.WritableStream;
  /** Notices (a rebuilt progress file); default stderr. */
  err?: NodeJS.WritableStream;
  /** A running lab to grade against (watch mode keeps one for all its gradings). */
  lab?: Lab;
  /** Laid over the sandbox's options (watch mode: keepWarm). */
  sandbox?: Partial<SandboxOptions>;
  /** The key that shows a hint where one does (watch mode: "h"); the command otherwise. */
  hintKey?: string;
  /** --check: only the checks with this text in their name (or this number); progress is left alone. */
  check?: string;
}

/** 0 all checks pass, 1 some fail, 2 could not grade. */
export function exitCode(r: LessonResult): number {
  return r.status === "pass" ? 0 : r.status === "fail" ? 1 : 2;
}

export function stateDirOf(o: Place): string {
  return o.stateDir ?? stateDir(o.root ?? WORKBOOK_ROOT);
}

/** How a path is shown: relative to the current folder when it is inside it, else absolute. */
export function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}

export async function gradeAndReport(lesson: Lesson, o: GradeRun = {}): Promise<{ code: number; result: LessonResult }> {
  const out = o.out ?? process.stdout;
  const file = learnerFile(lesson, { file: o.file, solution: o.gradeSolution, root: o.root });
  const ownFile = !o.file && !o.gradeSolution;
  // --check is for fast iteration: no questions first, and no progress recorded.
  const recorded = ownFile && o.check === undefined;
  if (lesson.kind === "quiz" && o.interactive && recorded && !o.json) {
    const { askQuiz } = await import("../quiz/ask.ts");
    try {
      await askQuiz(file, { input: o.input, output: out });
    } catch (err) {
      if (!isExitPrompt(err)) throw err;
      out.write("\nStopped: your answers so far are saved.\n\n");
    }
  }
  const result = await gradeLesson(lesson, { file, solution: o.gradeSolution, live: o.live, root: o.root, lab: o.lab, sandbox: o.sandbox, check: o.check, ...(o.trace ? { trace: "all" as const } : {}) });
  let progress: Progress | undefined;
  let finishing = false;
  if (recorded) {
    progress = await loadProgress(o);
    const before = progress.allPassed();
    progress.recordAttempt(lesson.id, result);
    progress.save();
    // Once per completion: a finished workbook whose lesson was broken and fixed is not re-checked again.
    finishing = !before && progress.allPassed() && !progress.finishedAt;
  }
  if (o.json) out.write(JSON.stringify(result, null, 2) + "\n");
  else out.write(renderResult(lesson, shown(file), result, colors(out as NodeJS.WriteStream), { ownFile, hintKey: o.hintKey, trace: o.trace }));
  // The grading that makes every lesson pass: re-check them all, so "finished" is true today.
  if (finishing && progress && !o.json) await confirmAllPassed(lesson, progress, o);
  return { code: exitCode(result), result };
}

/** The progress of this workbook; an unreadable file is rebuilt by re-checking, with a one-line notice. */
export async function loadProgress(o: Place & { err?: NodeJS.WritableStream } = {}): Promise<Progress> {
  const progress = await Progress.open(stateDirOf(o), (lessons) => recheckLessons(lessons, { root: o.root, skipUntouched: true }));
  if (progress.notice) (o.err ?? process.stderr).write(progress.notice + "\n");
  return progress;
}

/**
 * Grades the learner's files of these lessons again, one after the other on one shared lab,
 * printing nothing. With skipUntouched, a file still equal to its stub is not graded
 * (undefined: the lesson was never started). A grading that throws counts as an error result.
 */
export async function recheckLessons(
  lessons: readonly Lesson[],
  o: { root?: string; skipUntouched?: boolean } = {},
): Promise<Map<string, LessonResult | undefined>> {
  const results = new Map<string, LessonResult | undefined>();
  let lab: Lab | undefined;
  try {
    for (const lesson of lessons) {
      if (!lesson.available) continue;
      if (o.skipUntouched && isStub(lesson, o.root)) {
        results.set(lesson.id, undefined);
        continue;
      }
      try {
        if (lesson.kind === "code") lab ??= await Lab.start();
        results.set(lesson.id, await gradeLesson(lesson, { root: o.root, lab, trace: "none" })); // quiet: no trace is shown
      } catch (err) {
        results.set(lesson.id, errorResult(lesson.id, `could not be re-checked: ${(err as Error)?.message ?? err}`));
      }
    }
  } finally {
    await lab?.close();
  }
  return results;
}

/** The learner's file is byte for byte the stub (or both are missing). */
export function isStub(lesson: Lesson, root?: string): boolean {
  const read = (f: string) => {
    try {
      return fs.readFileSync(f);
    } catch {
      return undefined;
    }
  };
  const mine = read(learnerFile(lesson, { root }));
  const stub = read(stubFile(lesson, root));
  return mine === undefined ? stub === undefined : stub !== undefined && mine.equals(stub);
}

/** The last lesson just passed: every other lesson is graded again and the verdict shown. */
async function confirmAllPassed(last: Lesson, progress: Progress, o: GradeRun): Promise<void> {
  const out = o.out ?? process.stdout;
  const c = colors(out as NodeJS.WriteStream);
  const all = LESSONS.filter((l) => l.available);
  out.write(`\nThat was the last lesson to pass. Re-checking all ${all.length} lessons once more...\n`);
  const results = await recheckLessons(all.filter((l) => l.id !== last.id), { root: o.root });
  for (const [id, r] of results) if (r) progress.recordAttempt(id, r, new Date(), { recheck: true });
  const failing = all.filter((l) => progress.lesson(l.id)?.status !== "pass");
  if (failing.length === 0) progress.markFinished();
  progress.save();
  if (failing.length === 0) {
    out.write(c.green(c.bold(`All ${all.length} lessons pass, re-checked just now. You have finished the workbook: well done!\n`)));
    return;
  }
  out.write(c.yellow(`${failing.length === 1 ? "This lesson no longer passes" : "These lessons no longer pass"}:\n`));
  for (const l of failing) {
    const r = results.get(l.id);
    const detail = r ? (r.status === "error" ? `could not grade: ${r.message ?? "error"}` : `${countPassed(r).passed} of ${countPassed(r).total} checks pass`) : "not graded";
    out.write(`  ${c.red("✘")} ${String(l.number).padStart(2, "0")} ${l.slug}: ${detail.split("\n")[0]}; see ${c.cyan(`npm run lesson ${l.number}`)}\n`);
  }
}

// ---- prompts (@inquirer/prompts 7) through any pair of streams ----

export interface Io {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** Both ends are a terminal: someone is there to answer a prompt. */
export function isTerminal(io: Io = {}): boolean {
  const input = (io.input ?? process.stdin) as Partial<NodeJS.ReadStream>;
  const output = (io.output ?? process.stdout) as Partial<NodeJS.WriteStream>;
  return Boolean(input.isTTY && output.isTTY);
}

/** Ctrl+C in a prompt (or a prompt with no terminal to read). */
export function isExitPrompt(err: unknown): boolean {
  return (err as Error)?.name === "ExitPromptError";
}

/**
 * Runs one prompt on `output`. The prompt ends the stream it writes to when it is done, so it
 * gets a screen of its own, piped into `output` and looking like it (isTTY, columns, rows).
 */
export async function withScreen<T>(output: NodeJS.WritableStream, run: (screen: NodeJS.WritableStream) => Promise<T>): Promise<T> {
  const screen = new PassThrough();
  for (const prop of ["columns", "rows", "isTTY"] as const)
    Object.defineProperty(screen, prop, { get: () => (output as Partial<NodeJS.WriteStream>)[prop], configurable: true });
  screen.pipe(output, { end: false });
  try {
    return await run(screen);
  } finally {
    screen.unpipe(output);
  }
}

/** A yes/no question, "no" by default. Rejects with ExitPromptError on Ctrl+C. */
export async function askYesNo(message: string, io: Io = {}): Promise<boolean> {
  const output = io.output ?? process.stdout;
  const { confirm } = await import("@inquirer/prompts"); // ~50 ms: only when a question is asked
  return withScreen(output, (screen) => confirm({ message, default: false }, { input: io.input ?? process.stdin, output: screen }));
}
