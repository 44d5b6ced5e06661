// npm run lesson N [-- --file PATH | --solution | --json | --hint]: grade one lesson.
// Exit codes: 0 all checks pass, 1 some fail, 2 could not grade.
import path from "node:path";
import { parseArgs } from "node:util";
import { gradeLesson, learnerFile } from "../grading/grade.ts";
import { findLesson, LESSONS, lessonList, type Lesson } from "../manifest.ts";
import { Progress, stateDir } from "../progress.ts";
import { colors, renderResult } from "../report/terminal.ts";
import { runCli, UsageError } from "./common.ts";

const USAGE = `usage: npm run lesson <1-7 | slug> [-- --json | --file PATH | --solution | --hint]`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: "string" },
      solution: { type: "boolean" },
      json: { type: "boolean" },
      hint: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n\nLessons:\n${lessonList()}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`one lesson at a time, got: ${positionals.join(" ")}. ${USAGE}`);
  const key = positionals[0];
  if (key === undefined) {
    process.stderr.write(`Which lesson? Run: npm run lesson <number>\n\n${lessonList()}\n`);
    return 2;
  }
  const lesson = findLesson(key);
  if (!lesson) throw new UsageError(`unknown lesson "${key}"; the lessons are ${LESSONS.map((l) => `${l.number} ${l.slug}`).join(", ")}`);
  if (!lesson.available) throw new UsageError(`lesson ${lesson.number} (${lesson.slug}) is not available yet`);
  if (values.hint) return showHint(lesson);
  if (values.file && values.solution) throw new UsageError("--file and --solution do not go together");

  const file = learnerFile(lesson, { file: values.file, solution: values.solution });
  // The quiz asks its unanswered or wrong questions first, when someone is there to answer.
  if (lesson.kind === "quiz" && !values.json && !values.file && !values.solution && process.stdin.isTTY && process.stdout.isTTY) {
    const { askQuiz } = await import("../quiz/ask.ts");
    try {
      await askQuiz(file);
    } catch (err) {
      if ((err as Error)?.name !== "ExitPromptError") throw err;
      process.stdout.write("\nStopped: your answers so far are saved.\n\n");
    }
  }
  const result = await gradeLesson(lesson, { file, solution: values.solution });
  const ownFile = !values.file && !values.solution;
  if (ownFile) {
    const progress = Progress.load(stateDir());
    if (progress.notice) process.stderr.write(progress.notice + "\n");
    progress.recordAttempt(lesson.id, result);
    progress.save();
  }
  if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + "\n");
  else process.stdout.write(renderResult(lesson, path.relative(process.cwd(), file) || file, result));
  return result.status === "pass" ? 0 : result.status === "fail" ? 1 : 2;
}

function showHint(lesson: Lesson): number {
  const progress = Progress.load(stateDir());
  const seen = Math.min(progress.lesson(lesson.id)?.hintsSeen ?? 0, lesson.hints.length - 1);
  const c = colors();
  const shown = lesson.hints.slice(0, seen + 1);
  const out = shown.map((h, i) => `${c.bold(`Hint ${i + 1} of ${lesson.hints.length}:`)} ${h}`);
  if (shown.length === lesson.hints.length) out.push(c.dim("That was the last hint. The lesson's README walks through a worked example."));
  process.stdout.write(out.join("\n\n") + "\n");
  if ((progress.lesson(lesson.id)?.hintsSeen ?? 0) < lesson.hints.length) {
    progress.recordHint(lesson.id);
    progress.save();
  }
  return 0;
}

runCli("lesson", () => main(process.argv.slice(2)));
