// The next hint for a lesson, with the ones already seen; the count goes into progress.
import type { Lesson } from "../manifest.ts";
import { Progress, stateDir } from "../progress.ts";
import { colors } from "../report/terminal.ts";

export function showHint(lesson: Lesson, out: NodeJS.WritableStream = process.stdout): number {
  const progress = Progress.load(stateDir());
  const seen = Math.min(progress.lesson(lesson.id)?.hintsSeen ?? 0, lesson.hints.length - 1);
  const c = colors();
  const shown = lesson.hints.slice(0, seen + 1);
  const lines = shown.map((h, i) => `${c.bold(`Hint ${i + 1} of ${lesson.hints.length}:`)} ${h}`);
  if (shown.length === lesson.hints.length) lines.push(c.dim("That was the last hint. The lesson's README walks through a worked example."));
  out.write(lines.join("\n\n") + "\n");
  if ((progress.lesson(lesson.id)?.hintsSeen ?? 0) < lesson.hints.length) {
    progress.recordHint(lesson.id);
    progress.save();
  }
  return 0;
}
