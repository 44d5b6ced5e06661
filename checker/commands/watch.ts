// Watch mode: grade, then grade again every time the learner saves. The lesson's folder is
// watched (editors save by writing a temporary file and renaming it over the old one: only a
// folder watch sees that), events are filtered on the learner's file names, debounced, and
// coalesced: saves during a grading cause exactly one more grading afterwards, never a queue.
// A save that changed nothing is not graded again. Where fs.watch does not work (some network
// and WSL file systems), or with --manual, Enter re-grades instead.
//
// On a terminal the screen is redrawn with each result and keys act at once (raw mode);
// otherwise each report is followed by one plain marker line that tools and tests can wait for:
//   [watch] verdict: pass (25/25) in 187 ms — waiting for changes
import fs from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { learnerFile } from "../grading/grade.ts";
import { Lab } from "../lab/lab.ts";
import { dropSpareChild } from "../sandbox/sandbox.ts";
import { prefetchTypeCheck } from "../sandbox/typecheck.ts";
import { LESSONS, type Lesson } from "../manifest.ts";
import { countPassed, type LessonResult } from "../report/results.ts";
import { colors } from "../report/terminal.ts";
import { gradeAndReport } from "./grade.ts";
import { showHint } from "./hint.ts";

export interface WatchActions {
  /** `last`: the result on screen, whose first failing check's hint comes first. */
  hint(last?: LessonResult): void | Promise<void>;
  solution(): Promise<void>;
  /** May return a line to keep in the status area (where the backup went), under each redraw. */
  reset(): Promise<void | string>;
}

export interface WatchOptions {
  /** Watch and grade this file instead of the lesson's learner file. */
  file?: string;
  /** Re-grade on Enter instead of watching the file system. */
  manual?: boolean;
  /** Add live checks to each grading. */
  live?: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** What the h, s and r keys do (the dispatcher wires the real commands). */
  actions?: Partial<WatchActions>;
  debounceMs?: number;
  /** Stops watching (tests). */
  signal?: AbortSignal;
  /** --check: each grading runs only these checks (progress is left alone). */
  check?: string;
}

/** Long enough to merge the truncate-then-write of one save, short enough not to be felt. */
export const DEFAULT_DEBOUNCE_MS = 50;

const CTRL_C = "\u0003";
/** Clear the screen and the scrollback, cursor home: each result replaces the last one. */
const CLEAR = "\x1b[H\x1b[2J\x1b[3J";

type TtyIn = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown; isRaw?: boolean };
type TtyOut = NodeJS.WritableStream & { isTTY?: boolean };

/** Collects what gradeAndReport prints, so a redraw is one write (no flicker, nothing after a stop). */
class Collect extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

/**
 * Resolves when the learner quits (q: the last verdict's code; Ctrl+C: 130) or asks for the
 * next lesson (n, after a pass).
 */
export async function watchLesson(lesson: Lesson, o: WatchOptions = {}): Promise<{ code: number; next?: boolean }> {
  const input = (o.input ?? process.stdin) as TtyIn;
  const output = (o.output ?? process.stdout) as TtyOut;
  const file = learnerFile(lesson, { file: o.file });
  const dir = path.dirname(file);
  const names = o.file ? [path.basename(file)] : lesson.files;
  const rel = path.relative(process.cwd(), file);
  const shown = rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
  const debounceMs = o.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const screen = Boolean(output.isTTY);
  const keys = Boolean(input.isTTY) && typeof input.setRawMode === "function";
  const hasNext = LESSONS.some((l) => l.available && l.number > lesson.number);
  const c = colors(output as NodeJS.WriteStream);
  const actions: WatchActions = {
    hint: o.actions?.hint ?? (async (r) => void (await showHint(lesson, output, { result: r }))),
    solution: o.actions?.solution ?? (async () => void output.write(`The solution is not wired into this view: run npm run lesson ${lesson.number} -- --solution\n`)),
    reset: o.actions?.reset ?? (async () => void output.write(`Reset is not wired into this view: run npm run lesson ${lesson.number} -- --reset\n`)),
  };

  let manual = Boolean(o.manual);
  let manualReason = "";
  let watcher: fs.FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let last: LessonResult | undefined;
  let lastContent: string | undefined;
  let lastMs = 0;
  /** A grading is wanted: "changed" skips it when the content is what was graded last; "forced" (Enter) does not. */
  let wanted: false | "changed" | "forced" = false;
  const queued: (keyof WatchActions)[] = [];
  let working: Promise<void> | undefined;
  let stopped = false;
  let listening = false;
  let rawOn = false;
  let warmLab: Promise<Lab> | undefined;
  /** A line an action asked to keep on screen (reset: where the backup went), until the next action. */
  let kept: string | undefined;

  let settle!: (r: { code: number; next?: boolean }) => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<{ code: number; next?: boolean }>((res, rej) => {
    settle = res;
    fail = rej;
  });
  const verdictCode = () => (last?.status === "pass" ? 0 : 1);

  // ---- the screen --------------------------------------------------------------------------

  function legend(): string {
    if (!keys) return c.dim(manual ? "Enter: grade again · Ctrl+C: quit" : "Ctrl+C: quit");
    const parts = [manual ? "Enter grade again" : "", "h hint", "s solution", "r reset", last?.status === "pass" && hasNext ? "n next lesson" : "", "q quit"];
    return c.dim(parts.filter(Boolean).join(" · "));
  }

  function waiting(): string {
    return manual ? "press Enter to re-grade" : "waiting for changes";
  }

  function summary(r: LessonResult, ms: number): string {
    const { passed, total, skipped } = countPassed(r);
    const counts = r.status === "error" && total === 0 ? "could not grade" : `${passed}/${total}${skipped ? `, ${skipped} skipped` : ""}`;
    return `${r.status} (${counts}) in ${Math.round(ms)} ms`;
  }

  function draw(report: string): void {
    if (stopped || !last) return;
    const s = summary(last, lastMs);
    if (screen) {
      const mark = last.status === "pass" ? c.green("✔") : c.red("✘");
      const head = manualReason ? c.yellow(manualReason) + "\n\n" : "";
      const where = manual ? "" : ` · watching ${shown}`;
      const status = kept ? `${kept}\n` : "";
      output.write(`${CLEAR}${head}${report}\n${mark} ${s} · ${new Date().toLocaleTimeString()}${where}\n${status}${legend()}\n`);
    } else {
      output.write(`${report}[watch] verdict: ${s} — ${waiting()}\n`);
    }
  }

  function note(line: string): void {
    if (!stopped) output.write(line + "\n");
  }

  // ---- grading -----------------------------------------------------------------------------

  /** The learner files' content, to tell a real change from a save that changed nothing. */
  function content(): string {
    return names
      .map((n) => {
        try {
          return fs.readFileSync(path.join(dir, n), "utf8");
        } catch {
          return "\0missing";
        }
      })
      .join("\0");
  }

  async function grade(force: boolean): Promise<void> {
    const now = content();
    if (!force && last && now === lastContent) return; // saved without a change
    lastContent = now;
    if (screen && last) output.write(c.dim("… grading") + "\n");
    const sink = new Collect();
    // The report is coloured for where it will appear, not for the buffer it goes through.
    for (const prop of ["isTTY", "columns", "rows"] as const)
      Object.defineProperty(sink, prop, { get: () => (output as Partial<NodeJS.WriteStream>)[prop], configurable: true });
    const t = performance.now();
    // Kept warm between saves: one lab for the whole session (each grading still gets fresh
    // names and endpoints of its own) and a child process started ahead for the next grading.
    if (lesson.kind === "code") warmLab ??= Lab.start();
    const lab = warmLab && (await warmLab);
    const { result } = await gradeAndReport(lesson, { file: o.file, live: o.live, check: o.check, out: sink, lab, sandbox: { keepWarm: true }, ...(keys ? { hintKey: "h" } : {}) });
    if (stopped) return; // finished after a quit: never shown, so not the verdict we exit with
    lastMs = performance.now() - t;
    last = result;
    draw(sink.text);
  }

  async function act(name: keyof WatchActions): Promise<void> {
    // Hand the terminal over: a confirmation prompt in the action reads it in its own way.
    if (keys) {
      input.removeListener("data", onData);
      setRaw(false);
    }
    try {
      output.write("\n");
      kept = undefined;
      const keep = await (name === "hint" ? actions.hint(last) : actions[name]());
      if (typeof keep === "string" && keep) kept = keep;
    } catch (err) {
      if ((err as Error)?.name === "ExitPromptError") return void stop({ code: 130 }); // Ctrl+C in a prompt
      note(`${name}: ${(err as Error)?.message ?? String(err)}`.split("\n")[0]);
    } finally {
      if (keys && !stopped) {
        setRaw(true);
        input.on("data", onData);
        input.resume();
      }
    }
    if (!stopped) note(screen ? legend() : `[watch] ${waiting()}`);
  }

  /** One worker: actions and gradings never overlap, and what came in meanwhile runs after. */
  function pump(): void {
    if (working || stopped) return;
    working = (async () => {
      while (!stopped) {
        const a = queued.shift();
        if (a) {
          await act(a);
          continue;
        }
        if (wanted) {
          const force = wanted === "forced";
          wanted = false;
          await grade(force);
          continue;
        }
        break;
      }
    })().then(
      () => {
        working = undefined;
      },
      (err) => {
        working = undefined;
        void stop(undefined, err);
      },
    );
  }

  function want(kind: "changed" | "forced"): void {
    if (kind === "forced" || !wanted) wanted = kind;
    pump();
  }

  // ---- file watching -----------------------------------------------------------------------

  const caseless = process.platform === "win32" || process.platform === "darwin";
  const wantedNames = new Set(names.map((n) => (caseless ? n.toLowerCase() : n)));

  function onFsEvent(_event: string, filename: string | Buffer | null): void {
    if (stopped) return;
    // Some platforms give no name: then it may be ours, and the content check decides.
    if (filename !== null && filename !== undefined) {
      const n = path.basename(filename.toString());
      if (!wantedNames.has(caseless ? n.toLowerCase() : n)) return;
    }
    clearTimeout(debounce);
    debounce = setTimeout(() => want("changed"), debounceMs);
    if (lesson.kind === "code") prefetchTypeCheck(file); // the type check need not wait for the debounce
  }

  function cannotWatch(err: unknown): void {
    watcher?.close();
    watcher = undefined;
    if (manual || stopped) return;
    const e = err as { code?: string; message?: string };
    const why = e?.code === "ENOENT" ? `ENOENT: no folder ${dir}` : (e?.code ?? e?.message?.split("\n")[0] ?? String(err));
    manual = true;
    manualReason = `file watching does not work here (${why}): press Enter to re-grade`;
    if (!screen || last) note(screen ? c.yellow(manualReason) : `[watch] ${manualReason}`);
    startInput();
  }

  function startWatching(): void {
    try {
      watcher = fs.watch(dir, { persistent: true }, onFsEvent);
      watcher.on("error", cannotWatch);
    } catch (err) {
      cannotWatch(err);
    }
  }

  // ---- keys and Enter ----------------------------------------------------------------------

  function setRaw(on: boolean): void {
    if (!keys || rawOn === on) return;
    try {
      input.setRawMode!(on);
      rawOn = on;
    } catch {
      // a terminal that went away: nothing left to restore
    }
  }

  function onData(chunk: Buffer | string): void {
    if (stopped) return;
    const text = chunk.toString();
    if (!keys) {
      // Not a terminal: only Enter means something, and only in manual mode.
      if (manual && text.includes("\n")) want("forced");
      return;
    }
    if (text.startsWith("\x1b")) return; // arrows, function keys: escape sequences, not our keys
    for (const ch of text) {
      switch (ch) {
        case "q":
        case "Q":
          return void stop({ code: verdictCode() });
        case CTRL_C: // leaves everything, the menu included, like Ctrl+C anywhere else
          return void stop({ code: 130 });
        case "n":
        case "N":
          if (last?.status === "pass" && !hasNext) {
            note("n: this was the last lesson, and it passes: well done. q quits; npm run lesson shows every lesson.");
            break;
          }
          if (last?.status === "pass") return void stop({ code: 0, next: true });
          note(c.dim("n: the next lesson opens once this one passes."));
          break;
        case "h":
        case "H":
          enqueue("hint");
          break;
        case "s":
        case "S":
          enqueue("solution");
          break;
        case "r":
        case "R":
          enqueue("reset");
          break;
        case "\r":
        case "\n":
          want("forced");
          break;
      }
    }
  }

  function enqueue(a: keyof WatchActions): void {
    if (!queued.includes(a)) queued.push(a);
    pump();
  }

  function onEnd(): void {
    // Manual mode with an input that ended can never grade again: stop with the last verdict.
    if (manual && !keys) void stop({ code: verdictCode() });
  }

  function startInput(): void {
    if (listening || stopped) return;
    if (!keys && !manual) return; // a non-terminal input only matters for Enter in manual mode
    listening = true;
    setRaw(true);
    input.on("data", onData);
    input.on("end", onEnd);
    input.resume();
  }

  // ---- ways out ----------------------------------------------------------------------------

  /** Synchronous, idempotent: whatever happens, the terminal is given back as it was. */
  function teardown(): void {
    clearTimeout(debounce);
    watcher?.close();
    watcher = undefined;
    if (listening) {
      input.removeListener("data", onData);
      input.removeListener("end", onEnd);
      input.pause();
      listening = false;
    }
    setRaw(false);
    o.signal?.removeEventListener("abort", onAbort);
    process.removeListener("SIGINT", onSigint);
    process.removeListener("SIGTERM", onSigterm);
    process.removeListener("exit", teardown);
  }

  async function stop(r?: { code: number; next?: boolean }, err?: unknown, wait = true): Promise<void> {
    if (stopped) return;
    stopped = true;
    teardown();
    // A grading in flight closes its own lab and child when it ends: wait for it, so nothing is
    // left behind and nothing prints after we return (a signal means the process is ending).
    if (wait && working) await working.catch(() => {});
    dropSpareChild();
    await warmLab?.then((lab) => lab.close()).catch(() => {});
    if (err !== undefined) fail(err);
    else settle(r ?? { code: verdictCode() });
  }

  const onAbort = () => void stop();
  const onSigint = () => void stop({ code: 130 }, undefined, false);
  const onSigterm = () => void stop({ code: 143 }, undefined, false);

  if (o.signal?.aborted) return { code: 1 };
  o.signal?.addEventListener("abort", onAbort);
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  process.on("exit", teardown);

  try {
    if (!screen) note(`[watch] ${manual ? "manual mode: press Enter to re-grade" : `watching ${shown}: every save is graded`}`);
    if (!manual) startWatching();
    startInput();
    want("forced");
  } catch (err) {
    void stop(undefined, err);
  }
  return done;
}
