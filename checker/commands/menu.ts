// npm run lesson, with no lesson, on a terminal: the menu. The lessons with their
// state and a progress bar; picking one shows a short summary of its README and the file to
// edit, grades it, then offers watch, hint, solution, reset, next lesson, the list, quit,
// until the learner quits. Ctrl+C in any prompt ends it quietly (exit 130, "bye").
// Also here: the lesson list for a command without a terminal, and watch mode wired to the
// real hint, solution and reset commands (the menu and `--watch` share it).
import fs from "node:fs";
import path from "node:path";
import { learnerFile } from "../grading/grade.ts";
import { LESSONS, type Lesson } from "../manifest.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import type { LessonState, Progress } from "../progress.ts";
import { colors } from "../report/terminal.ts";
import { gradeAndReport, isExitPrompt, isTerminal, loadProgress, shown, withScreen, type Io, type Place } from "./grade.ts";
import { showHint } from "./hint.ts";
import { resetLesson } from "./reset.ts";
import { showSolution } from "./solution.ts";

type Colors = ReturnType<typeof colors>;

export interface MenuRun extends Place, Io {
  /** Add the live checks to each grading. */
  live?: boolean;
}

/** The next available lesson after this one, if any. */
export function nextLesson(lesson: Lesson): Lesson | undefined {
  return LESSONS.find((l) => l.number > lesson.number && l.available);
}

/** `█████████░░░░░░░░░░░░ 3/7 done`: three cells a lesson. */
export function progressBar(done: number, total: number, c?: Colors): string {
  const width = total * 3;
  const full = Math.round((done / Math.max(total, 1)) * width);
  const bar = "█".repeat(full) + "░".repeat(width - full);
  return `${c ? c.green(bar.slice(0, full)) + c.dim(bar.slice(full)) : bar} ${done}/${total} done`;
}

const MARK: Record<LessonState, string> = { done: "✔", failing: "!", current: "▶", started: "·", "not started": " " };

/** Local date: 2026-11-27. */
function localDate(iso: string | undefined): string | undefined {
  const d = iso ? new Date(iso) : undefined;
  if (!d || Number.isNaN(d.getTime())) return undefined;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The state in words; a lesson done once and failing now says when it was first done: "done 2026-11-20, now failing". */
export function stateLabel(state: LessonState, passedAt?: string): string {
  if (state !== "failing") return state;
  const when = localDate(passedAt);
  return when ? `done ${when}, now failing` : "done, now failing";
}

export function stateText(state: LessonState, c: Colors, passedAt?: string): string {
  const label = stateLabel(state, passedAt);
  return state === "done" ? c.green(label) : state === "failing" ? c.red(label) : state === "current" ? c.yellow(label) : state === "started" ? label : c.dim(label);
}

/** One line a lesson: mark, number, slug, state, title (cut to fit `width` columns). `passedAt`: when it was first done. */
export function lessonLine(l: Lesson, state: LessonState, c: Colors, width = 100, passedAt?: string): string {
  const label = l.available ? stateLabel(state, passedAt) : "not available yet";
  const styled = l.available ? stateText(state, c, passedAt) : c.dim(label);
  const head = `${MARK[state]} ${String(l.number).padStart(2)}  ${l.slug.padEnd(21)} `;
  const room = Math.max(0, width - head.length - Math.max(13, label.length + 1));
  const title = l.title.length > room ? (room > 1 ? l.title.slice(0, room - 1) + "…" : "") : l.title;
  return `${head}${styled}${" ".repeat(Math.max(1, 12 - label.length))}${c.dim(title)}`.trimEnd();
}

/** The lessons with their states, the progress bar, and how to pick one: for a command without a terminal. */
export function lessonListWithStates(progress: Progress, c: Colors): string {
  const states = progress.states();
  const done = [...states.values()].filter((s) => s === "done").length;
  return [
    `Which lesson? Run: npm run lesson <number>   (on a terminal, npm run lesson alone opens a menu)`,
    "",
    ...LESSONS.map((l) => lessonLine(l, states.get(l.id) ?? "not started", c, 100, progress.lesson(l.id)?.passedAt)),
    "",
    progressBar(done, LESSONS.length, c),
  ].join("\n");
}

/**
 * A few lines about the lesson from its README: the first prose paragraph or two of its first
 * section (tables, lists and code left out), at most `maxLines` lines.
 */
export function readmeSummary(lesson: Lesson, root = WORKBOOK_ROOT, maxLines = 6): string {
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, "lessons", lesson.id, "README.md"), "utf8").replace(/\r\n?/g, "\n");
  } catch {
    return "";
  }
  const sections = text.split(/^## .*$/m);
  const first = sections.length > 1 ? sections[1] : text.replace(/^# .*$/m, "");
  const paragraphs = first
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p && !/^(\||```|[-*+] |\d+\. |>|#|<)/.test(p));
  const picked: string[] = [];
  let lines = 0;
  for (const p of paragraphs) {
    const n = p.split("\n").length;
    // A second paragraph only if it fits and does not lead into something left out (a colon).
    if (picked.length > 0 && (lines + n > maxLines || p.endsWith(":"))) break;
    picked.push(p);
    lines += n;
    if (picked.length === 2) break;
  }
  return picked
    .map((p) =>
      p
        .replace(/\*\*(.+?)\*\*/g, "$1")
        .replace(/:$/, "."),
    )
    .join("\n\n")
    .split("\n")
    .slice(0, maxLines + 2)
    .join("\n");
}

/** Watch mode with h, s and r wired to the real commands; Ctrl+C in their prompts stops watching. */
export async function watchWithActions(
  lesson: Lesson,
  o: MenuRun & { file?: string; manual?: boolean; check?: string } = {},
): Promise<{ code: number; next?: boolean; stopped?: boolean }> {
  const { watchLesson } = await import("./watch.ts");
  const output = o.output ?? process.stdout;
  const ac = new AbortController();
  let stopped = false;
  const guard = async <T>(action: () => Promise<T> | T): Promise<T | undefined> => {
    try {
      return await action();
    } catch (err) {
      if (!isExitPrompt(err)) throw err;
      stopped = true; // Ctrl+C in a confirmation: leave watch mode, and the command
      ac.abort();
      return undefined;
    }
  };
  const file = o.file ?? (o.root ? learnerFile(lesson, { root: o.root }) : undefined);
  const interactive = isTerminal(o);
  const r = await watchLesson(lesson, {
    file,
    manual: o.manual,
    live: o.live,
    check: o.check,
    input: o.input,
    output: o.output,
    signal: ac.signal,
    actions: {
      hint: async (last) => void (await guard(() => showHint(lesson, output, { root: o.root, stateDir: o.stateDir, result: last }))),
      solution: async () => void (await guard(() => showSolution(lesson, { file: o.file, root: o.root, stateDir: o.stateDir, input: o.input, output, err: output, interactive }))),
      // The line saying where the backup went stays on screen: the re-grading's redraw would wipe it.
      reset: async () => {
        let kept: string | undefined;
        await guard(() => resetLesson(lesson, { root: o.root, stateDir: o.stateDir, input: o.input, output, err: output, interactive, onBackup: (line) => (kept = line) }));
        return kept;
      },
    },
  });
  return stopped ? { code: 130, stopped } : r;
}

type Action = "watch" | "hint" | "solution" | "reset" | "next" | "list" | "quit";

/** Up one line, erase it: where the prompt's key help was when Ctrl+C closed it. */
export const ERASE_HELP_LINE = "\x1b[1A\x1b[2K";

/** 0 when the learner quits, 130 on Ctrl+C (after a "bye" line). */
export async function runMenu(o: MenuRun = {}): Promise<number> {
  const output = o.output ?? process.stdout;
  const input = o.input ?? process.stdin;
  const c = colors(output as NodeJS.WriteStream);
  const { select } = await import("@inquirer/prompts");
  const ask = async <T>(config: Parameters<typeof select<T>>[0]): Promise<T> => {
    try {
      return await withScreen(output, (screen) => select<T>(config, { input, output: screen }));
    } catch (err) {
      // Ctrl+C: the prompt leaves its "↑↓ navigate • ⏎ select" line behind; take it away.
      if (isExitPrompt(err)) output.write(ERASE_HELP_LINE);
      throw err;
    }
  };
  const root = o.root ?? WORKBOOK_ROOT;
  // The prompt wraps long lines, which pushes choices off its page: keep each to the screen.
  const width = ((output as Partial<NodeJS.WriteStream>).columns ?? 80) - 3;

  try {
    let lesson: Lesson | undefined;
    for (;;) {
      if (!lesson) {
        const progress = await loadProgress({ ...o, err: output });
        const states = progress.states();
        const done = [...states.values()].filter((s) => s === "done").length;
        output.write(`\n${c.bold("tls-workbook")} · learn TLS by doing\n${progressBar(done, LESSONS.length, c)}\n\n`);
        const current = LESSONS.find((l) => states.get(l.id) === "current");
        const picked = await ask<string>({
          message: "Pick a lesson",
          choices: [
            ...LESSONS.map((l) => ({ value: l.id, name: lessonLine(l, states.get(l.id) ?? "not started", c, width, progress.lesson(l.id)?.passedAt), short: `${l.number} ${l.slug}`, disabled: !l.available })),
            { value: "quit", name: "  quit" },
          ],
          default: current?.id,
          pageSize: LESSONS.length + 1,
          loop: false,
        });
        if (picked === "quit") return 0;
        lesson = LESSONS.find((l) => l.id === picked)!;
      }

      // The lesson: what it is about, the file to edit, and where it stands now.
      const file = learnerFile(lesson, { root });
      output.write(`\n${c.bold(`Lesson ${String(lesson.number).padStart(2, "0")} · ${lesson.title}`)}\n\n`);
      const summary = readmeSummary(lesson, root);
      if (summary) output.write(`${summary}\n\n`);
      output.write(`The file to edit: ${c.cyan(shown(file))}\nThe whole lesson:  ${shown(path.join(path.dirname(file), "README.md"))}\n\n`);
      const graded = await gradeAndReport(lesson, { root: o.root, stateDir: o.stateDir, live: o.live, interactive: true, input, out: output, err: output });
      let passed = graded.code === 0;
      output.write("\n");

      // What next, until the learner moves on.
      let move: Lesson | "list" | undefined;
      while (!move) {
        const next = nextLesson(lesson);
        const choices: { value: Action; name: string }[] = [
          { value: "watch", name: "watch: grade again on every save (keys h, s, r, n, q)" },
          { value: "hint", name: "hint: the next hint" },
          { value: "solution", name: "solution: the reference solution and a diff with your file" },
          { value: "reset", name: "reset: put the stub back (your file is backed up first)" },
          ...(next ? [{ value: "next" as const, name: `next lesson: ${next.number} ${next.slug}` }] : []),
          { value: "list", name: "all lessons" },
          { value: "quit", name: "quit" },
        ];
        const action = await ask<Action>({
          message: `Lesson ${lesson.number}: what now?`,
          choices,
          default: passed && next ? "next" : "watch",
          pageSize: choices.length,
          loop: false,
        });
        switch (action) {
          case "watch": {
            const r = await watchWithActions(lesson, { ...o, input, output });
            if (r.stopped || r.code === 130) throw Object.assign(new Error("stopped"), { name: "ExitPromptError" });
            if (r.next) move = nextLesson(lesson) ?? "list";
            else passed = r.code === 0;
            break;
          }
          case "hint":
            await showHint(lesson, output, { root: o.root, stateDir: o.stateDir });
            break;
          case "solution":
            await showSolution(lesson, { root: o.root, stateDir: o.stateDir, input, output, err: output, interactive: true });
            break;
          case "reset":
            if ((await resetLesson(lesson, { root: o.root, stateDir: o.stateDir, input, output, err: output, interactive: true })) === 0) passed = false;
            break;
          case "next":
            move = next;
            break;
          case "list":
            move = "list";
            break;
          case "quit":
            return 0;
        }
        output.write("\n");
      }
      lesson = move === "list" ? undefined : move;
    }
  } catch (err) {
    if (!isExitPrompt(err)) throw err;
    output.write("\nbye\n");
    return 130;
  }
}
