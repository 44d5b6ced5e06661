// npm run lesson [N] [-- options]: the learner's command. It reads the arguments and hands
// over to one module per action in checker/commands/ (loaded only when used: start-up time
// is part of every verdict).
// Exit codes: 0 all checks pass, 1 some fail, 2 could not grade (or bad input), 130 Ctrl+C.
import { parseArgs } from "node:util";
import { gradeAndReport, isExitPrompt, loadProgress } from "../commands/grade.ts";
import { NoSuchCheck } from "../grading/grade.ts";
import { findLesson, LESSONS, type Lesson } from "../manifest.ts";
import { colors } from "../report/terminal.ts";
import { runCli, UsageError } from "./common.ts";

const USAGE =
  `usage: npm run lesson [<1-8 | slug>] [-- --watch [--manual] | --hint | --compare | --solution [--force] | --reset [--force] | --grade-solution] ` +
  `[--check TEXT|N] [--file PATH] [--live] [--json] [--trace]`;

const HELP = `${USAGE}

  (no lesson)       on a terminal: a menu of the lessons; otherwise the list with their states
  (no option)       grade the lesson
  --watch           grade, then again on every save; keys: h hint, s solution, r reset, n next lesson, q quit
  --manual          watch mode that grades again when you press Enter (where saves cannot be watched)
  --hint            the hint of the first check that fails, then the lesson's next hint (the ones seen come with it)
  --check TEXT|N    run only the checks whose name contains TEXT (any case), or check number N of the
                    full report; progress is not changed (with grading or --watch)
  --compare         run your function(s) and the reference solution on the same inputs and lab
                    endpoints, side by side, without verdicts (lessons 02, 03, 05, 06)
  --solution        the reference solution and a diff with your file (asks first before you pass)
  --reset           put the stub back; your file is copied to .backup/ first (asks first)
  --force           with --solution or --reset: no question (needed without a terminal)
  --grade-solution  grade the reference solution instead of your file
  --file PATH       use another file in place of yours (grading, --watch, --solution)
  --live            add live checks against real sites (lessons 02, 03, 05, 06, 08); skipped offline
  --json            print one results.json (v3) object instead of the report
  --trace           after the verdict, each connection your code made as the lab saw it (ClientHello,
                    answer, certificates, how it ended, bytes each way); with --json, in each test's "trace"`;

const ACTIONS = ["watch", "hint", "compare", "solution", "reset", "grade-solution"] as const;
type ActionFlag = (typeof ACTIONS)[number];

/** Which options go with which action ("grade" is no action flag at all). */
const ALLOWED: Record<ActionFlag | "grade", readonly string[]> = {
  grade: ["file", "live", "json", "check", "trace"],
  "grade-solution": ["live", "json", "check", "trace"],
  watch: ["file", "live", "manual", "check"],
  hint: ["file"],
  compare: ["file"],
  solution: ["file", "force"],
  reset: ["force"],
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      watch: { type: "boolean" },
      manual: { type: "boolean" },
      hint: { type: "boolean" },
      solution: { type: "boolean" },
      "grade-solution": { type: "boolean" },
      reset: { type: "boolean" },
      force: { type: "boolean" },
      live: { type: "boolean" },
      json: { type: "boolean" },
      trace: { type: "boolean" },
      file: { type: "string" },
      check: { type: "string" },
      compare: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`one lesson at a time, got: ${positionals.join(" ")}. ${USAGE}`);
  // --manual is watch mode that grades on Enter: it implies --watch.
  const watchTyped = Boolean(values.watch);
  const typed = (a: string) => (a === "watch" && !watchTyped ? "manual" : a);
  if (values.manual) values.watch = true;
  const given = Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k]) => k);
  const actions = ACTIONS.filter((a) => values[a]);
  if (actions.length > 1) throw new UsageError(`--${typed(actions[0])} and --${actions[1]} do not go together: one at a time`);
  const action = (actions.length ? actions[0] : "grade") as ActionFlag | "grade";
  for (const k of given) {
    if (k === action || ALLOWED[action].includes(k)) continue;
    if (action === "grade") throw new UsageError(`--${k} goes with ${k === "force" ? "--solution or --reset" : "--watch"}`);
    throw new UsageError(`--${k} does not go with --${action}`);
  }
  if (values.file !== undefined && values.file.trim() === "") throw new UsageError(`--file needs a path. ${USAGE}`);
  if (values.check !== undefined && values.check.trim() === "") throw new UsageError(`--check needs part of a check's name, or its number: npm run lesson <number> -- --check body`);
  if (values.check !== undefined && values.live) throw new UsageError(`--check does not go with --live: the live checks run with the whole lesson`);

  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const key = positionals[0];
  if (key === undefined) {
    if (given.length) throw new UsageError(`--${given[0]} needs a lesson: npm run lesson <number> -- --${given[0]}`);
    if (interactive) {
      const { runMenu } = await import("../commands/menu.ts");
      return runMenu();
    }
    const { lessonListWithStates } = await import("../commands/menu.ts");
    const progress = await loadProgress();
    process.stderr.write(lessonListWithStates(progress, colors(process.stderr)) + "\n");
    return 2;
  }
  const lesson = findLesson(key);
  if (!lesson) throw new UsageError(`unknown lesson "${key}"; the lessons are ${LESSONS.map((l) => `${l.number} ${l.slug}`).join(", ")}`);
  if (!lesson.available) throw new UsageError(`lesson ${lesson.number} (${lesson.slug}) is not available yet`);

  try {
    switch (action) {
      case "hint": {
        await loadProgress(); // rebuilds a corrupt progress file before the hint count is read
        const { showHint } = await import("../commands/hint.ts");
        return await showHint(lesson, process.stdout, { file: values.file });
      }
      case "compare": {
        const { compareLesson } = await import("../commands/compare.ts");
        return await compareLesson(lesson, { file: values.file });
      }
      case "solution": {
        const { showSolution } = await import("../commands/solution.ts");
        return await showSolution(lesson, { file: values.file, force: values.force, interactive });
      }
      case "reset": {
        const { resetLesson } = await import("../commands/reset.ts");
        return await resetLesson(lesson, { force: values.force, interactive });
      }
      case "watch":
        return await watch(lesson, { file: values.file, manual: values.manual, live: values.live, check: values.check });
      default: {
        const { code } = await gradeAndReport(lesson, { file: values.file, gradeSolution: values["grade-solution"], json: values.json, trace: values.trace, live: values.live, interactive, check: values.check });
        return code;
      }
    }
  } catch (err) {
    if (err instanceof NoSuchCheck) throw new UsageError(err.message);
    if (!isExitPrompt(err)) throw err;
    process.stdout.write("\nbye\n");
    return 130;
  }
}

/** Watch mode; "next lesson" (n, after a pass) goes on watching the next available lesson. */
async function watch(first: Lesson, o: { file?: string; manual?: boolean; live?: boolean; check?: string }): Promise<number> {
  const { nextLesson, watchWithActions } = await import("../commands/menu.ts");
  await loadProgress();
  let lesson = first;
  let file = o.file;
  for (;;) {
    const r = await watchWithActions(lesson, { file, manual: o.manual, live: o.live, check: o.check });
    if (r.stopped || r.code === 130) {
      process.stdout.write("\nbye\n");
      return 130;
    }
    if (!r.next) return r.code;
    const next = nextLesson(lesson);
    if (!next) {
      process.stdout.write(`That was the last lesson: ${colors().cyan("npm run progress")} shows where you stand.\n`);
      return r.code;
    }
    lesson = next;
    file = undefined; // --file named a file of the first lesson only
    o = { ...o, check: undefined }; // and --check its checks
  }
}

runCli("lesson", () => main(process.argv.slice(2)));
