// npm run lesson N -- --hint (and h in watch mode): first the hint of the first check that
// fails, aimed at that failure, then the lesson's own hints, one more each time (the count
// goes into progress).
//
// Which check fails first: in watch mode, the result on screen; with --file, a quiet grading
// of that file; otherwise the last grading of the learner's own file as progress recorded it,
// or, when the file was saved since (or never graded), a quiet grading now, recorded nowhere.
// A file still equal to the stub is not graded: the lesson's hints are where to start.
import fs from "node:fs";
import { gradeLesson, learnerFile } from "../grading/grade.ts";
import type { Lesson } from "../manifest.ts";
import { Progress, type LessonProgress } from "../progress.ts";
import type { LessonResult } from "../report/results.ts";
import { colors } from "../report/terminal.ts";
import { isStub, stateDirOf, type Place } from "./grade.ts";

export interface HintRun extends Place {
  /** The result the learner is looking at (watch mode): its first failing check is the one. */
  result?: LessonResult;
  /** --file: the file whose first failing check is wanted (graded quietly). */
  file?: string;
}

type FirstFailing = NonNullable<LessonProgress["firstFailing"]>;

/** The first test that fails in a result, as progress keeps it. */
export function firstFailingOf(r: LessonResult): FirstFailing | undefined {
  const t = r.tests.find((x) => x.status === "fail" || x.status === "error");
  return t ? { check: t.name, ...(t.hint ? { hint: t.hint } : {}) } : undefined;
}

async function firstFailing(lesson: Lesson, progress: Progress, o: HintRun): Promise<FirstFailing | undefined> {
  if (o.result) return firstFailingOf(o.result);
  if (o.file) return firstFailingOf(await gradeLesson(lesson, { file: o.file, root: o.root }));
  const own = learnerFile(lesson, { root: o.root });
  if (isStub(lesson, o.root)) return undefined;
  const p = progress.lesson(lesson.id);
  let saved = Infinity;
  try {
    saved = fs.statSync(own).mtimeMs;
  } catch {
    return undefined; // no file: grading would only say so
  }
  const graded = p?.lastAttempt ? Date.parse(p.lastAttempt) : NaN;
  if (graded >= saved) return p?.status === "pass" ? undefined : p?.firstFailing;
  return firstFailingOf(await gradeLesson(lesson, { root: o.root }));
}

export async function showHint(lesson: Lesson, out: NodeJS.WritableStream = process.stdout, o: HintRun = {}): Promise<number> {
  const progress = Progress.load(stateDirOf(o));
  const c = colors(out as NodeJS.WriteStream);
  const first = await firstFailing(lesson, progress, o);
  const lines: string[] = [];
  if (first) {
    lines.push(`${c.bold("The first check that fails:")} ${first.check}`);
    lines.push(first.hint ? `  ${c.yellow("hint:")} ${first.hint}` : c.dim(`  (no hint of its own: npm run lesson ${lesson.number} says what it expected)`));
    lines.push("", c.bold("Then the lesson's hints:"));
  }
  const seen = Math.min(progress.lesson(lesson.id)?.hintsSeen ?? 0, lesson.hints.length - 1);
  const shown = lesson.hints.slice(0, seen + 1);
  lines.push(shown.map((h, i) => `${c.bold(`Hint ${i + 1} of ${lesson.hints.length}:`)} ${h}`).join("\n\n"));
  if (shown.length === lesson.hints.length) lines.push("", c.dim("That was the last hint. The lesson's README walks through a worked example."));
  out.write(lines.join("\n") + "\n");
  if ((progress.lesson(lesson.id)?.hintsSeen ?? 0) < lesson.hints.length) {
    progress.recordHint(lesson.id);
    progress.save();
  }
  return 0;
}
