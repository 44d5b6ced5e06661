// Watch mode driven without a user: the learner file is a temporary copy of lesson 05's stub,
// saves are real file writes, and each verdict is read back from the marker line that watch
// mode prints when its output is not a terminal. Keys go through a fake terminal input (a
// PassThrough with isTTY and a setRawMode spy). No wall-clock assertions: only "within
// generous time" waits and "nothing happened after a pause" checks.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { execa } from "execa";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { watchLesson, type WatchOptions } from "../checker/commands/watch.ts";
import { findLesson } from "../checker/manifest.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";

const lesson = findLesson("5")!;
const STUB = fs.readFileSync(path.join(WORKBOOK_ROOT, "stubs", lesson.id, "exercise.ts"), "utf8");
const SOLUTION = fs.readFileSync(path.join(WORKBOOK_ROOT, "solutions", lesson.id, "exercise.ts"), "utf8");
const VERDICT = /^\[watch\] verdict: (pass|fail|error) \((\d+\/\d+(?:, \d+ skipped)?|could not grade)\) in (\d+) ms — (.*)$/gm;

let tmp: string;
let savedStateDir: string | undefined;
let n = 0;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-watch-"));
  savedStateDir = process.env.TLS_WORKBOOK_STATE_DIR;
  process.env.TLS_WORKBOOK_STATE_DIR = path.join(tmp, "state");
  fs.mkdirSync(process.env.TLS_WORKBOOK_STATE_DIR);
});
afterAll(() => {
  if (savedStateDir === undefined) delete process.env.TLS_WORKBOOK_STATE_DIR;
  else process.env.TLS_WORKBOOK_STATE_DIR = savedStateDir;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sessions: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(sessions.splice(0).map((s) => s.stop()));
  await pause(50); // a closed watcher's handle goes away on a later tick
});

async function waitFor<T>(probe: () => T | undefined | false, what: string, screen: () => string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the output so far:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

type FakeTty = PassThrough & { isTTY?: boolean; setRawMode?: (on: boolean) => void };

/** One watch session on a fresh copy of the stub, with streams we can drive and read. */
function session(o: Partial<WatchOptions> & { tty?: boolean; source?: string } = {}) {
  const dir = path.join(tmp, `s${++n}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, "exercise.ts");
  fs.writeFileSync(file, o.source ?? STUB);
  const input: FakeTty = new PassThrough();
  const rawCalls: boolean[] = [];
  if (o.tty) {
    input.isTTY = true;
    input.setRawMode = vi.fn((on: boolean) => void rawCalls.push(on));
  }
  const output = new PassThrough();
  let text = "";
  output.on("data", (d: Buffer) => (text += d.toString("utf8")));
  const abort = new AbortController();
  let resolved: { code: number; next?: boolean } | undefined;
  const done = watchLesson(lesson, { file, input, output, signal: abort.signal, debounceMs: 20, ...o });
  done.then((r) => (resolved = r)).catch(() => {});
  const verdicts = () => [...text.matchAll(VERDICT)].map((m) => ({ status: m[1], counts: m[2], ms: Number(m[3]), tail: m[4] }));
  const screen = () => text;
  const s = {
    file,
    dir,
    input,
    rawCalls,
    done,
    screen,
    verdicts,
    resolved: () => resolved,
    save: (content: string) => fs.writeFileSync(file, content),
    /** Waits until there are `count` verdicts and returns the last one. */
    verdict: async (count: number) => (await waitFor(() => verdicts().length >= count && verdicts(), `verdict #${count}`, screen))[count - 1],
    stop: async () => {
      abort.abort();
      return done.catch(() => {});
    },
  };
  sessions.push(s);
  return s;
}

/** Lesson 05's solution whose module takes `ms` to load, and writes the pid of the child running it to `marker` first. */
const slowSolution = (marker: string, ms: number) =>
  `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, String(process.pid));\nawait new Promise((r) => setTimeout(r, ${ms}));\n${SOLUTION}`;

/** The grading's child is still running (a zombie waiting to be reaped, or a reused pid, does not count). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== "linux") return true;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("harness.mjs");
  } catch {
    return false;
  }
}

const watchers = () => process.getActiveResourcesInfo().filter((r) => r === "FSEventWrap").length;

it("grades at once, grades again on each save, and stops cleanly on abort with no watcher left", async () => {
  const before = watchers();
  const s = session();
  expect(await s.verdict(1)).toMatchObject({ status: "fail", tail: "waiting for changes" });
  expect(s.screen()).toMatch(/Lesson 05 · Rejecting bad certificates/);
  expect(s.screen()).toMatch(/✘ /);
  expect(watchers()).toBe(before + 1);

  s.save(SOLUTION);
  const second = await s.verdict(2);
  expect(second.status).toBe("pass");
  expect(second.counts).toMatch(/^(\d+)\/\1$/);

  await s.stop();
  expect(s.resolved()).toEqual({ code: 0 });
  await pause(50);
  expect(watchers()).toBe(before);
  // Nothing happens on a save any more.
  s.save(STUB + "\n// after the stop\n");
  await pause(400);
  expect(s.verdicts()).toHaveLength(2);
});

it("on a terminal, a failing verdict says to press h for a hint, not to run another command", async () => {
  const s = session({ tty: true });
  await s.verdict(1);
  expect(s.screen()).toMatch(/Stuck\? Press h for a hint\./);
  expect(s.screen()).not.toMatch(/-- --hint/);
  await s.stop();
});

it("n on the last lesson, once it passes, says it was the last one instead of ending silently", async () => {
  const dir = path.join(tmp, `last-${++n}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, "exercise.ts");
  fs.copyFileSync(path.join(WORKBOOK_ROOT, "solutions", "08-chain-of-trust", "exercise.ts"), file);
  const input: FakeTty = new PassThrough();
  input.isTTY = true;
  input.setRawMode = () => {};
  const output = new PassThrough();
  let text = "";
  output.on("data", (d: Buffer) => (text += d.toString("utf8")));
  const abort = new AbortController();
  const done = watchLesson(findLesson("8")!, { file, input, output, signal: abort.signal, debounceMs: 20 });
  await waitFor(() => /\[watch\] verdict: pass/.test(text), "a passing verdict", () => text);
  expect(text).not.toMatch(/n next lesson/);
  input.write("n");
  await waitFor(() => /this was the last lesson/.test(text), "the last-lesson note", () => text);
  abort.abort();
  await done.catch(() => {});
});

it("an editor's save (temporary file renamed over the learner's) is seen through the folder watch", async () => {
  const s = session();
  await s.verdict(1);
  const tmpFile = path.join(s.dir, ".exercise.ts.swp");
  fs.writeFileSync(tmpFile, SOLUTION);
  fs.renameSync(tmpFile, s.file);
  expect((await s.verdict(2)).status).toBe("pass");
  // Another file in the folder is not the learner's: no grading.
  fs.writeFileSync(path.join(s.dir, "notes.txt"), "hello");
  await pause(400);
  expect(s.verdicts()).toHaveLength(2);
});

it("a save that changed nothing does not grade again; a real change still does", async () => {
  const s = session();
  await s.verdict(1);
  s.save(STUB); // the same bytes
  const now = new Date();
  fs.utimesSync(s.file, now, now);
  await pause(600);
  expect(s.verdicts()).toHaveLength(1);
  s.save(STUB + "\n// a change\n");
  expect((await s.verdict(2)).status).toBe("fail");
});

it("saves during a running grading cause at most one more grading, of the last content", async () => {
  // A stub whose module takes 1.5 s to load, and says when it started: the grading is surely
  // running while we save again. The last save does not compile: its verdict is "error".
  const started = path.join(tmp, `started-${n + 1}`);
  const s = session();
  await s.verdict(1);
  s.save(`import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(started)}, "");\nawait new Promise((r) => setTimeout(r, 1500));\n${STUB}`);
  await waitFor(() => fs.existsSync(started), "the slow grading to start", s.screen);
  for (let i = 1; i <= 4; i++) {
    s.save(`${STUB}\n// save ${i}\n${i === 4 ? "export const broken = ;\n" : ""}`);
    await pause(40); // longer than the debounce: each save is its own event
  }
  await s.verdict(3);
  await pause(1000);
  const [, slow, last] = s.verdicts();
  const after = () => s.screen().slice(s.screen().indexOf("[watch] verdict:"));
  if (slow.status !== "fail" || slow.ms < 1500 || last.status !== "error" || s.verdicts().length !== 3)
    throw new Error(`expected the slow grading (fail, ≥ 1500 ms), then one grading of the last save (error), and no more; got:\n${after()}`);
  expect(s.screen()).toMatch(/could not compile .*exercise\.ts:\d+/);
});
it("abort during a grading waits for it to end: its child is gone and nothing is printed after", async () => {
  const started = path.join(tmp, `started-abort-${n + 1}`);
  const s = session();
  await s.verdict(1);
  s.save(slowSolution(started, 4000));
  await waitFor(() => fs.existsSync(started) && fs.readFileSync(started, "utf8"), "the slow grading to start", s.screen);
  const pid = Number(fs.readFileSync(started, "utf8"));
  expect(alive(pid)).toBe(true);
  const shown = s.screen().length;
  await s.stop();
  expect(s.resolved()).toEqual({ code: 1 });
  await waitFor(() => !alive(pid), "the grading's child to be gone", s.screen, 5_000);
  await pause(200);
  expect(s.screen().length).toBe(shown);
});

it("--manual: saves are not watched, Enter grades again (even without a change)", async () => {
  const before = watchers();
  const s = session({ manual: true });
  expect(await s.verdict(1)).toMatchObject({ status: "fail", tail: "press Enter to re-grade" });
  expect(watchers()).toBe(before);
  s.save(SOLUTION);
  await pause(500);
  expect(s.verdicts()).toHaveLength(1);
  s.input.write("\n");
  expect((await s.verdict(2)).status).toBe("pass");
  s.input.write("\n");
  expect((await s.verdict(3)).status).toBe("pass");
});

it("--manual with an input that ends: stops with the last verdict", async () => {
  const s = session({ manual: true, source: SOLUTION });
  await s.verdict(1);
  s.input.end();
  expect(await s.done).toEqual({ code: 0 });
});

it("when fs.watch throws (ENOSPC), it says so in one line and falls back to Enter", async () => {
  vi.spyOn(fs, "watch").mockImplementation(() => {
    throw Object.assign(new Error("ENOSPC: System limit for number of file watchers reached"), { code: "ENOSPC" });
  });
  const s = session();
  expect(await s.verdict(1)).toMatchObject({ status: "fail", tail: "press Enter to re-grade" });
  expect(s.screen()).toMatch(/^\[watch\] file watching does not work here \(ENOSPC\): press Enter to re-grade$/m);
  s.save(SOLUTION);
  s.input.write("\n");
  expect((await s.verdict(2)).status).toBe("pass");
});

it("when the watcher fails later (an error event), it falls back to Enter too", async () => {
  const real = fs.watch;
  let watcher: fs.FSWatcher | undefined;
  vi.spyOn(fs, "watch").mockImplementation(((...args: Parameters<typeof fs.watch>) => (watcher = real(...args))) as typeof fs.watch);
  const before = watchers();
  const s = session();
  await s.verdict(1);
  watcher!.emit("error", Object.assign(new Error("EPERM: operation not permitted, watch"), { code: "EPERM" }));
  expect(s.screen()).toMatch(/file watching does not work here \(EPERM\): press Enter to re-grade/);
  await pause(50);
  expect(watchers()).toBe(before); // the failed watcher is closed
  s.save(SOLUTION);
  await pause(500);
  expect(s.verdicts()).toHaveLength(1);
  s.input.write("\n");
  expect(await s.verdict(2)).toMatchObject({ status: "pass", tail: "press Enter to re-grade" });
});

it("keys on a terminal: n does nothing before a pass, h calls the hint, n after a pass asks for the next lesson", async () => {
  const hint = vi.fn();
  const s = session({ tty: true, actions: { hint } });
  await s.verdict(1);
  expect(s.rawCalls).toEqual([true]);
  s.input.write("n");
  await pause(300);
  expect(s.resolved()).toBeUndefined();
  expect(s.screen()).toMatch(/next lesson opens once this one passes/);
  s.input.write("h");
  await waitFor(() => hint.mock.calls.length === 1, "the hint action", s.screen);
  expect(s.rawCalls.at(-1)).toBe(true); // given back to the keys after the action
  s.save(SOLUTION);
  expect((await s.verdict(2)).status).toBe("pass");
  s.input.write("n");
  expect(await s.done).toEqual({ code: 0, next: true });
  expect(s.rawCalls.at(-1)).toBe(false);
});

it("q quits with the last verdict's code, Ctrl+C with 130, and both restore the terminal", async () => {
  const s = session({ tty: true });
  await s.verdict(1);
  s.input.write("q");
  expect(await s.done).toEqual({ code: 1 });
  expect(s.rawCalls).toEqual([true, false]);

  const t = session({ tty: true, source: SOLUTION });
  expect((await t.verdict(1)).status).toBe("pass");
  t.input.write("\u0003");
  expect(await t.done).toEqual({ code: 130 });
  expect(t.rawCalls.at(-1)).toBe(false);
});

it("the default h shows the next hint and counts it in progress", async () => {
  const s = session({ tty: true });
  await s.verdict(1);
  s.input.write("h");
  await waitFor(() => /Hint 1 of 3:/.test(s.screen()), "the first hint", s.screen);
  const progress = JSON.parse(fs.readFileSync(path.join(process.env.TLS_WORKBOOK_STATE_DIR!, ".progress.json"), "utf8"));
  expect(progress.lessons[lesson.id].hintsSeen).toBe(1);
  s.input.write("h");
  await waitFor(() => /Hint 2 of 3:/.test(s.screen()), "the second hint", s.screen);
});

it("an action that throws is one line and watching goes on; Ctrl+C in an action's prompt quits cleanly", async () => {
  const reset = vi.fn(async () => {
    throw new Error("could not write the backup\n    at somewhere");
  });
  const solution = vi.fn(async () => {
    throw Object.assign(new Error("User force closed the prompt"), { name: "ExitPromptError" });
  });
  const s = session({ tty: true, actions: { reset, solution } });
  await s.verdict(1);
  s.input.write("r");
  await waitFor(() => /^reset: could not write the backup$/m.test(s.screen()), "the reset error", s.screen);
  expect(s.screen()).not.toMatch(/at somewhere/);
  s.save(SOLUTION);
  expect((await s.verdict(2)).status).toBe("pass");
  s.input.write("s");
  expect(await s.done).toEqual({ code: 130 });
  expect(s.rawCalls.at(-1)).toBe(false);
});

it("SIGTERM during a grading: the process ends with the terminal restored and no child left", async () => {
  const dir = path.join(tmp, "sigterm");
  fs.mkdirSync(dir);
  const file = path.join(dir, "exercise.ts");
  const started = path.join(tmp, "started-sigterm");
  fs.writeFileSync(file, SOLUTION);
  const entry = path.join(dir, "entry.mts");
  const watchModule = path.join(WORKBOOK_ROOT, "checker/commands/watch.ts");
  const manifest = path.join(WORKBOOK_ROOT, "checker/manifest.ts");
  fs.writeFileSync(
    entry,
    `import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
const { watchLesson } = await import(pathToFileURL(${JSON.stringify(watchModule)}).href);
const { findLesson } = await import(pathToFileURL(${JSON.stringify(manifest)}).href);
const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (on) => process.stderr.write("raw:" + on + "\\n") });
const r = await watchLesson(findLesson("5"), { file: ${JSON.stringify(file)}, input });
process.stderr.write("resolved:" + JSON.stringify(r) + "\\n");
process.exit(r.code);
`,
  );
  const child = execa(process.execPath, ["--import", "tsx", entry], { cwd: WORKBOOK_ROOT, reject: false, env: { NO_COLOR: "1" } });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  await waitFor(() => /\[watch\] verdict: pass/.test(out), "the first verdict", () => out, 30_000);
  fs.writeFileSync(file, slowSolution(started, 10_000));
  await waitFor(() => fs.existsSync(started) && fs.readFileSync(started, "utf8"), "the slow grading to start", () => out);
  const pid = Number(fs.readFileSync(started, "utf8"));
  child.kill("SIGTERM");
  const r = await child;
  expect(r.stderr).toMatch(/raw:true\nraw:false\nresolved:\{"code":143\}/);
  expect(r.exitCode).toBe(143);
  await waitFor(() => !alive(pid), "the grading's child to be gone", () => out, 5_000);
});
