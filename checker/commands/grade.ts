// Grading a lesson for the learner: ask the quiz first when there is someone to answer,
// grade, record progress for their own file, and print the report (or the JSON).
// Used by the one-shot command, watch mode and the menu alike.
import path from "node:path";
import { gradeLesson, learnerFile } from "../grading/grade.ts";
import type { Lesson } from "../manifest.ts";
import { Progress, stateDir } from "../progress.ts";
import type { LessonResult } from "../report/results.ts";
import { renderResult } from "../report/terminal.ts";

export interface GradeRun {
  /** Grade this file instead of the learner's. */
  file?: string;
  /** Grade the reference solution. */
  gradeSolution?: boolean;
  json?: boolean;
  /** Add the live checks against real sites. */
  live?: boolean;
  /** Ask the quiz's open questions first (only where a person can answer). */
  interactive?: boolean;
  out?: NodeJS.WritableStream;
}

/** 0 all checks pass, 1 some fail, 2 could not grade. */
export function exitCode(r: LessonResult): number {
  return r.status === "pass" ? 0 : r.status === "fail" ? 1 : 2;
}

export async function gradeAndReport(lesson: Lesson, o: GradeRun = {}): Promise<{ code: number; result: LessonResult }> {
  const out = o.out ?? process.stdout;
  const file = learnerFile(lesson, { file: o.file, solution: o.gradeSolution });
  const ownFile = !o.file && !o.gradeSolution;
  if (lesson.kind === "quiz" && o.interactive && ownFile && !o.json) {
    const { askQuiz } = await import("../quiz/ask.ts");
    try {
      await askQuiz(file);
    } catch (err) {
      if ((err as Error)?.name !== "ExitPromptError") throw err;
      out.write("\nStopped: your answers so far are saved.\n\n");
    }
  }
  const result = await gradeLesson(lesson, { file, solution: o.gradeSolution, live: o.live });
  if (ownFile) {
    const progress = Progress.load(stateDir());
    if (progress.notice) process.stderr.write(progress.notice + "\n");
    progress.recordAttempt(lesson.id, result);
    progress.save();
  }
  if (o.json) out.write(JSON.stringify(result, null, 2) + "\n");
  else out.write(renderResult(lesson, path.relative(process.cwd(), file) || file, result));
  return { code: exitCode(result), result };
}
