// npm run lesson N -- --reset: put the lesson's file back to its stub (stubs/NN-slug/<file>).
// Nothing the learner wrote is lost: their file is first copied, byte for byte, to
// .backup/NN-slug/<file>.<timestamp> (at the workbook root, or under TLS_WORKBOOK_STATE_DIR),
// never over an earlier backup, and the message says where. On a terminal it asks first
// (default no); without one it resets only with --force, and otherwise refuses (exit 2).
// Both writes are atomic: a temporary file in the same folder, then a rename.
import fs from "node:fs";
import path from "node:path";
import { learnerFile, stubFile } from "../grading/grade.ts";
import type { Lesson } from "../manifest.ts";
import { colors } from "../report/terminal.ts";
import { askYesNo, isTerminal, shown, stateDirOf, type Io, type Place } from "./grade.ts";

export interface ResetRun extends Place, Io {
  /** Reset without asking (needed without a terminal). */
  force?: boolean;
  /** A person can answer a question (default: input and output are terminals). */
  interactive?: boolean;
  /** One-line refusals and errors (default stderr). */
  err?: NodeJS.WritableStream;
  /** The time in the backup's name (tests). */
  now?: Date;
  /** Told the line that says where the backup went (watch mode keeps it on screen). */
  onBackup?: (line: string) => void;
}

/** 2026-11-27T10-23-31Z: sortable, and valid in a file name on every system. */
export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
}

let tmpCounter = 0;

/** Writes `data` to `target` through a temporary file in the same folder and a rename. */
function writeAtomically(target: string, data: Buffer): void {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${++tmpCounter}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Copies `data` (the learner's file as read) to <stateDir>/.backup/<lesson id>/<file>.<timestamp>,
 * adding -2, -3 ... when that name is taken. Returns the backup's path.
 */
export function backUp(lesson: Lesson, data: Buffer, o: Place & { now?: Date } = {}): string {
  const dir = path.join(stateDirOf(o), ".backup", lesson.id);
  fs.mkdirSync(dir, { recursive: true });
  const base = `${path.basename(lesson.files[0])}.${timestamp(o.now)}`;
  let target = path.join(dir, base);
  for (let n = 2; fs.existsSync(target); n++) target = path.join(dir, `${base}-${n}`);
  writeAtomically(target, data);
  // Written and renamed: read it back before the original is touched.
  if (!fs.readFileSync(target).equals(data)) throw new Error(`the backup ${target} does not match your file; nothing was reset`);
  return target;
}

/** 0 reset (or nothing to do, or declined at the prompt), 2 refused or impossible. */
export async function resetLesson(lesson: Lesson, o: ResetRun = {}): Promise<number> {
  const out = o.output ?? process.stdout;
  const err = o.err ?? process.stderr;
  const c = colors(out as NodeJS.WriteStream);
  const target = learnerFile(lesson, { root: o.root });
  const stub = stubFile(lesson, o.root);
  let pristine: Buffer;
  try {
    pristine = fs.readFileSync(stub);
  } catch {
    err.write(`lesson: the stub ${shown(stub)} is missing, so lesson ${lesson.number} cannot be reset; restore it from git\n`);
    return 2;
  }
  let current: Buffer | undefined;
  try {
    current = fs.readFileSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  if (current?.equals(pristine)) {
    out.write(`${shown(target)} is already the stub: nothing to reset.\n`);
    return 0;
  }

  if (!o.force) {
    const interactive = o.interactive ?? isTerminal(o);
    if (!interactive) {
      err.write(`lesson: --reset replaces ${shown(target)} with the stub; without a terminal to ask, add --force (your file is backed up first)\n`);
      return 2;
    }
    const question = current
      ? `Replace ${shown(target)} with the stub? Your file is backed up to .backup/ first.`
      : `${shown(target)} is missing. Put the stub there?`;
    if (!(await askYesNo(question, { input: o.input, output: out }))) {
      out.write("Nothing changed.\n");
      return 0;
    }
  }

  let backup: string | undefined;
  if (current) {
    // Read again: the file may have been saved while the question was on screen.
    try {
      current = fs.readFileSync(target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      current = undefined;
    }
    if (current) backup = backUp(lesson, current, o);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  writeAtomically(target, pristine);

  const lines: string[] = [];
  if (backup) {
    lines.push(`Your file was copied to ${c.bold(shown(backup))}.`);
    o.onBackup?.(lines[0]);
  }
  lines.push(`${c.green("✔")} ${shown(target)} is the stub again. ${c.cyan(`npm run lesson ${lesson.number}`)} grades it.`);
  out.write(lines.join("\n") + "\n");
  return 0;
}
