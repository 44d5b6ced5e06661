// npm run lesson N -- --solution: the reference solution and a coloured diff between the
// learner's file and it. Once the lesson passes (it passed before, or passes now), it is
// shown at once. Before that, a person at a terminal is asked first (default no); without a
// terminal it is refused unless --force is given. A view before the first pass is recorded
// in the progress (solutionViewedBeforePass).
import fs from "node:fs";
import { gradeLesson, learnerFile } from "../grading/grade.ts";
import type { Lesson } from "../manifest.ts";
import { countPassed } from "../report/results.ts";
import { colors } from "../report/terminal.ts";
import { askYesNo, isTerminal, loadProgress, shown, type Io, type Place } from "./grade.ts";

export interface SolutionRun extends Place, Io {
  /** Compare this file with the solution instead of the learner's. */
  file?: string;
  /** Show it before a pass without asking. */
  force?: boolean;
  /** A person can answer a question (default: input and output are terminals). */
  interactive?: boolean;
  /** One-line refusals (default stderr). */
  err?: NodeJS.WritableStream;
}

/** 0 shown (or declined at the prompt), 2 refused or nothing to show. */
export async function showSolution(lesson: Lesson, o: SolutionRun = {}): Promise<number> {
  const out = o.output ?? process.stdout;
  const err = o.err ?? process.stderr;
  const interactive = o.interactive ?? isTerminal(o);
  const solutionFile = learnerFile(lesson, { solution: true, root: o.root });
  const mine = learnerFile(lesson, { file: o.file, root: o.root });
  const ownFile = !o.file;
  if (!fs.existsSync(solutionFile)) {
    err.write(`lesson: there is no reference solution for lesson ${lesson.number} (${shown(solutionFile)} is missing)\n`);
    return 2;
  }

  const progress = await loadProgress(o);
  let passed = progress.hasPassed(lesson.id);
  if (!passed) {
    // Not passed yet according to the progress: maybe it passes now.
    out.write(`Checking ${shown(mine)} first...\n`);
    const result = await gradeLesson(lesson, { file: mine, root: o.root });
    if (ownFile) progress.recordAttempt(lesson.id, result);
    progress.save();
    passed = result.status === "pass";
    const { passed: n, total } = countPassed(result);
    if (!passed) out.write(result.status === "error" ? `It could not be graded: ${(result.message ?? "").split("\n")[0]}\n` : `It does not pass yet: ${n} of ${total} checks pass.\n`);
  }
  if (!passed && !o.force) {
    if (!interactive) {
      err.write(
        `lesson: lesson ${lesson.number} does not pass yet; add --force to see its solution anyway (seeing it before you pass is recorded in your progress)\n`,
      );
      return 2;
    }
    const yes = await askYesNo(`Lesson ${lesson.number} does not pass yet. See the solution anyway? (It is noted in your progress.)`, { input: o.input, output: out });
    if (!yes) {
      out.write(`Not shown. ${colors(out as NodeJS.WriteStream).cyan(`npm run lesson ${lesson.number} -- --hint`)} gives a hint instead.\n`);
      return 0;
    }
  }
  if (!passed) {
    progress.recordSolutionView(lesson.id);
    progress.save();
  }

  const c = colors(out as NodeJS.WriteStream);
  const solution = fs.readFileSync(solutionFile, "utf8");
  const lines: string[] = [];
  lines.push(c.bold(`Reference solution for lesson ${String(lesson.number).padStart(2, "0")} · ${lesson.title}`) + c.dim(`  (${shown(solutionFile)})`));
  lines.push("");
  lines.push(solution.trimEnd());
  lines.push("");
  let yours: string | undefined;
  try {
    yours = fs.readFileSync(mine, "utf8");
  } catch {
    yours = undefined;
  }
  if (yours === undefined) {
    lines.push(c.dim(`${shown(mine)} does not exist, so there is nothing to compare.`));
  } else {
    const ops = diffLines(yours, solution);
    if (ops.every((op) => op.kind === " ")) lines.push(c.green(`Your file, ${shown(mine)}, is the same as the solution.`));
    else {
      lines.push(c.bold(`Your file compared with it`) + `  (${c.red(`- ${shown(mine)}`)}, ${c.green(`+ the solution`)})`);
      lines.push(renderDiff(ops, c));
    }
    if (lesson.kind === "text") lines.push("", c.dim("Your answer is yours: it does not need to match this one, only to carry the same ideas."));
  }
  out.write(lines.join("\n") + "\n");
  return 0;
}

// ---- a small line diff (LCS): learner files are a few hundred lines at most ----

export interface DiffOp {
  /** " " in both, "-" only in the first text (the learner's), "+" only in the second (the solution). */
  kind: " " | "-" | "+";
  line: string;
  /** 1-based line numbers in the first and second text (the side the line is on). */
  a?: number;
  b?: number;
}

/** Lines of a text; Windows line endings and a final newline make no difference. */
function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** The edit script from `from` to `to`, line by line, through a longest common subsequence. */
export function diffLines(from: string, to: string): DiffOp[] {
  const a = splitLines(from);
  const b = splitLines(to);
  // Common head and tail first: the table only covers the part that differs.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const n = a.length - head - tail;
  const m = b.length - head - tail;
  // lcs[i][j]: the LCS length of a[head+i..] and b[head+j..] (within the middle part).
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[head + i] === b[head + j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: DiffOp[] = [];
  for (let k = 0; k < head; k++) ops.push({ kind: " ", line: a[k], a: k + 1, b: k + 1 });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[head + i] === b[head + j]) {
      ops.push({ kind: " ", line: a[head + i], a: head + i + 1, b: head + j + 1 });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      ops.push({ kind: "+", line: b[head + j], b: head + j + 1 });
      j++;
    } else {
      ops.push({ kind: "-", line: a[head + i], a: head + i + 1 });
      i++;
    }
  }
  for (let k = 0; k < tail; k++) ops.push({ kind: " ", line: a[a.length - tail + k], a: a.length - tail + k + 1, b: b.length - tail + k + 1 });
  // Within each run of changes, removals first, then additions: easier to read.
  return tidy(ops);
}

function tidy(ops: DiffOp[]): DiffOp[] {
  const res: DiffOp[] = [];
  let minus: DiffOp[] = [];
  let plus: DiffOp[] = [];
  const flush = () => {
    res.push(...minus, ...plus);
    minus = [];
    plus = [];
  };
  for (const op of ops) {
    if (op.kind === "-") minus.push(op);
    else if (op.kind === "+") plus.push(op);
    else {
      flush();
      res.push(op);
    }
  }
  flush();
  return res;
}

/** A unified diff: hunks with `context` unchanged lines around each change; - red, + green. */
export function renderDiff(ops: DiffOp[], c = colors(), context = 3): string {
  const changed = ops.map((op, i) => (op.kind === " " ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return "";
  // Group the changes into hunks that share context.
  const hunks: [number, number][] = [];
  for (const i of changed) {
    const start = Math.max(0, i - context);
    const end = Math.min(ops.length - 1, i + context);
    const last = hunks.at(-1);
    if (last && start <= last[1] + 1) last[1] = end;
    else hunks.push([start, end]);
  }
  const out: string[] = [];
  for (const [start, end] of hunks) {
    const part = ops.slice(start, end + 1);
    const aLines = part.filter((op) => op.kind !== "+");
    const bLines = part.filter((op) => op.kind !== "-");
    const aStart = aLines[0]?.a ?? firstBefore(ops, start, "a");
    const bStart = bLines[0]?.b ?? firstBefore(ops, start, "b");
    out.push(c.cyan(`@@ -${aStart},${aLines.length} +${bStart},${bLines.length} @@`));
    for (const op of part) {
      const text = `${op.kind} ${op.line}`;
      out.push(op.kind === "-" ? c.red(text) : op.kind === "+" ? c.green(text) : c.dim(text));
    }
  }
  return out.join("\n");
}

/** For a hunk with no line on one side: the line number it comes after (diff's convention). */
function firstBefore(ops: DiffOp[], index: number, side: "a" | "b"): number {
  for (let i = index - 1; i >= 0; i--) {
    const n = ops[i][side];
    if (n !== undefined) return n;
  }
  return 0;
}
