// One grader per lesson, in checker/graders/<lesson id>.ts, exporting `grader`. It is
// loaded only when that lesson is graded; a lesson without one is "not available yet".
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import type { Grader } from "../checks/check.ts";

const graderUrl = (lessonId: string) => new URL(`./${lessonId}.ts`, import.meta.url);

export function hasGrader(lessonId: string): boolean {
  return /^\d\d-[a-z0-9-]+$/.test(lessonId) && fs.existsSync(fileURLToPath(graderUrl(lessonId)));
}

export async function loadGrader(lessonId: string): Promise<Grader | undefined> {
  if (!hasGrader(lessonId)) return undefined;
  // A template literal with a fixed folder and extension: bundlers (checker/run.mjs) see every grader.
  return ((await import(`./${lessonId}.ts`)) as { grader: Grader }).grader;
}
