// npm run lesson [N] [-- options]: the learner's command. It reads the arguments and hands
// over to one module per action in checker/commands/.
// Exit codes: 0 all checks pass, 1 some fail, 2 could not grade (or bad input).
import { parseArgs } from "node:util";
import { gradeAndReport } from "../commands/grade.ts";
import { showHint } from "../commands/hint.ts";
import { findLesson, LESSONS, lessonList } from "../manifest.ts";
import { runCli, UsageError } from "./common.ts";

const USAGE = `usage: npm run lesson <1-7 | slug> [-- --json | --file PATH | --grade-solution | --hint]`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: "string" },
      "grade-solution": { type: "boolean" },
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
  if (values.file && values["grade-solution"]) throw new UsageError("--file and --grade-solution do not go together");

  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const { code } = await gradeAndReport(lesson, { file: values.file, gradeSolution: values["grade-solution"], json: values.json, interactive });
  return code;
}

runCli("lesson", () => main(process.argv.slice(2)));
