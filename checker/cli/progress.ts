// npm run progress [-- --json]: where the learner stands, lesson by lesson: state (a lesson
// done once and failing now says so, with the date it was first done), checks
// passed on the last run, hints seen, whether the solution was seen before passing, and the
// last attempt. An unreadable progress file is rebuilt by re-checking the lessons first.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadProgress, type Place } from "../commands/grade.ts";
import { progressBar, stateLabel, stateText } from "../commands/menu.ts";
import { LESSONS } from "../manifest.ts";
import type { LessonState, Progress } from "../progress.ts";
import { colors } from "../report/terminal.ts";
import { runCli, UsageError } from "./common.ts";

const USAGE = "usage: npm run progress [-- --json]";

export interface ProgressRow {
  number: number;
  id: string;
  slug: string;
  title: string;
  state: LessonState;
  /** The last attempt's status, or null when never graded. */
  status: "pass" | "fail" | "error" | null;
  checksPassed: number | null;
  checksTotal: number | null;
  attempts: number;
  hintsSeen: number;
  hintsTotal: number;
  solutionViewedBeforePass: boolean;
  /** ISO 8601 (UTC), or null. */
  lastAttempt: string | null;
  passedAt: string | null;
}

export interface ProgressReport {
  version: 1;
  done: number;
  total: number;
  lessons: ProgressRow[];
}

export function progressReport(progress: Progress): ProgressReport {
  const states = progress.states();
  const lessons = LESSONS.map((l): ProgressRow => {
    const p = progress.lesson(l.id);
    return {
      number: l.number,
      id: l.id,
      slug: l.slug,
      title: l.title,
      state: states.get(l.id) ?? "not started",
      status: p?.lastAttempt ? p.status : null,
      checksPassed: p?.checksPassed ?? null,
      checksTotal: p?.checksTotal ?? null,
      attempts: p?.attempts ?? 0,
      hintsSeen: p?.hintsSeen ?? 0,
      hintsTotal: l.hints.length,
      solutionViewedBeforePass: Boolean(p?.solutionViewedBeforePass),
      lastAttempt: p?.lastAttempt ?? null,
      passedAt: p?.passedAt ?? null,
    };
  });
  return { version: 1, done: lessons.filter((l) => l.state === "done").length, total: lessons.length, lessons };
}

/** Local date and time, to the minute: 2026-11-27 10:23. */
function localTime(iso: string | null): string {
  if (!iso) return "–";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "–";
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function renderProgress(r: ProgressReport, c = colors()): string {
  const head = ["#", "lesson", "state", "checks", "hints", "solution early", "last attempt"];
  const rows = r.lessons.map((l) => [
    String(l.number),
    l.slug,
    stateLabel(l.state, l.passedAt ?? undefined),
    l.checksTotal === null ? "–" : `${l.checksPassed}/${l.checksTotal}`,
    `${l.hintsSeen}/${l.hintsTotal}`,
    l.solutionViewedBeforePass ? "yes" : "no",
    localTime(l.lastAttempt),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[], style?: (cell: string, i: number) => string) =>
    cells.map((cell, i) => (style ? style(cell.padEnd(widths[i]), i) : cell.padEnd(widths[i]))).join("  ").trimEnd();
  const out = [c.bold(line(head)), ...rows.map((row, k) => line(row, (cell, i) => (i === 2 ? stateText(r.lessons[k].state, c, r.lessons[k].passedAt ?? undefined).replace(row[2], cell) : cell)))];
  out.push("", progressBar(r.done, r.total, c));
  const current = r.lessons.find((l) => l.state === "current");
  const failing = r.lessons.filter((l) => l.state === "failing");
  if (failing.length) out.push(`Done before, failing now: ${failing.map((l) => c.cyan(`npm run lesson ${l.number}`)).join(", ")} shows what broke`);
  if (current) out.push(`Next: ${c.cyan(`npm run lesson ${current.number}`)} (${current.title})`);
  else if (r.done === r.total) out.push(c.green("Every lesson is done."));
  return out.join("\n") + "\n";
}

export async function progressCommand(argv: string[], o: Place & { out?: NodeJS.WritableStream; err?: NodeJS.WritableStream } = {}): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  const out = o.out ?? process.stdout;
  if (values.help) {
    out.write(`${USAGE}\n\nEach lesson's state, checks passed on the last run, hints seen, solution seen before passing, last attempt.\n`);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}". ${USAGE}`);
  const progress = await loadProgress({ root: o.root, stateDir: o.stateDir, err: o.err ?? process.stderr });
  const report = progressReport(progress);
  out.write(values.json ? JSON.stringify(report, null, 2) + "\n" : renderProgress(report, colors(out as NodeJS.WriteStream)));
  return 0;
}

/** This file is the command being run (npm run progress), not a module imported by a test. */
function isMain(): boolean {
  if (!process.argv[1]) return false;
  const norm = (p: string) => {
    let real = path.resolve(p);
    try {
      real = fs.realpathSync(real);
    } catch {
      // keep the resolved path
    }
    return process.platform === "win32" ? real.toLowerCase() : real;
  };
  return norm(process.argv[1]) === norm(fileURLToPath(import.meta.url));
}

if (isMain()) runCli("progress", () => progressCommand(process.argv.slice(2)));
