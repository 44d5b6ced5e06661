// One grader per lesson, loaded only when that lesson is graded.
import type { CodeGrader } from "../grading/check.ts";

const graders: Record<string, () => Promise<{ grader: CodeGrader }>> = {
  "02-verified-client": () => import("./02-verified-client.ts"),
  "05-reject-bad-certs": () => import("./05-reject-bad-certs.ts"),
};

export async function loadGrader(lessonId: string): Promise<CodeGrader | undefined> {
  const load = graders[lessonId];
  return load ? (await load()).grader : undefined;
}

export function hasGrader(lessonId: string): boolean {
  return lessonId in graders;
}
