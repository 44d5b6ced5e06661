// The menu (npm run lesson with no lesson, on a terminal), driven without a real user: key
// presses go into a PassThrough, and the screen is read back from another. It runs on a
// temporary copy of the workbook (lessons/ from stubs/ or solutions/) with its own progress.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lessonListWithStates, progressBar, readmeSummary, runMenu, ERASE_HELP_LINE } from "../checker/commands/menu.ts";
import { LESSONS, findLesson } from "../checker/manifest.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";
import { Progress } from "../checker/progress.ts";
import { colors } from "../checker/report/terminal.ts";

const DOWN = "\u001b[B";
const ENTER = "\r";
const CTRL_C = "\u0003";

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

/** A workbook copy: stubs/, solutions/, READMEs, and lessons/ from the stub unless `from` says otherwise. */
function makeWorkbook(from: Record<string, "stub" | "solution"> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-menu-"));
  temps.push(root);
  for (const l of LESSONS) {
    const f = l.files[0];
    for (const dir of ["stubs", "solutions"]) {
      fs.mkdirSync(path.join(root, dir, l.id), { recursive: true });
      fs.copyFileSync(path.join(WORKBOOK_ROOT, dir, l.id, f), path.join(root, dir, l.id, f));
    }
    fs.mkdirSync(path.join(root, "lessons", l.id), { recursive: true });
    fs.copyFileSync(path.join(WORKBOOK_ROOT, "lessons", l.id, "README.md"), path.join(root, "lessons", l.id, "README.md"));
    fs.copyFileSync(path.join(WORKBOOK_ROOT, from[l.id] === "solution" ? "solutions" : "stubs", l.id, f), path.join(root, "lessons", l.id, f));
  }
  return root;
}

async function waitFor<T>(probe: () => T | undefined, what: string, screen: () => string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen so far:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function session(root: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let raw = "";
  output.on("data", (d: Buffer) => (raw += d.toString("utf8")));
  const screen = () => stripVTControlCharacters(raw);
  const done = runMenu({ root, stateDir: root, input, output });
  done.catch(() => {});
  /** Waits until `text` appears on screen after position `from`; returns where it ends. */
  const seen = (text: string | RegExp, from = 0) =>
    waitFor(
      () => {
        const s = screen().slice(from);
        const m = typeof text === "string" ? (s.includes(text) ? { index: s.indexOf(text), 0: text } : null) : text.exec(s);
        return m ? from + m.index + m[0].length : undefined;
      },
      String(text),
      screen,
    );
  return { input, screen, done, seen, raw: () => raw };
}

let root: string;
beforeAll(() => {
  // Lesson 1 answered right; lesson 2 tried and failing (with 1 hint seen); the rest untouched.
  root = makeWorkbook({ "01-what-tls-gives": "solution" });
  process.env.TLS_WORKBOOK_STATE_DIR = root; // the hint command reads it
  const p = Progress.load(root);
  p.recordAttempt("01-what-tls-gives", { version: 3, lesson: "01-what-tls-gives", status: "pass", tests: [{ name: "a", status: "pass" }] });
  p.recordAttempt("02-verified-client", { version: 3, lesson: "02-verified-client", status: "fail", tests: [{ name: "a", status: "fail" }] });
  p.save();
});

describe("the menu", () => {
  it("lists the lessons with their states and a progress bar; a picked lesson is summarised, graded and offers the actions", async () => {
    const s = session(root);
    let at = await s.seen("Pick a lesson");
    const list = await s.seen(/quit/, at);
    const frame = s.screen();
    expect(frame).toMatch(/█{3}░{21} 1\/8 done/);
    expect(frame).toMatch(/✔\s+1\s+what-tls-gives\s+done\s+What TLS gives you/);
    expect(frame).toMatch(/▶\s+2\s+verified-client\s+current/);
    expect(frame).toMatch(/3\s+inspect-cert\s+not started/);
    expect(frame).toMatch(/7\s+why-not-verify-false\s+not started\s+Why not/);
    void list;

    // The cursor starts on the current lesson (2); lesson 7 is five lines down.
    for (let i = 0; i < 5; i++) s.input.write(DOWN);
    s.input.write(ENTER);
    at = await s.seen("Lesson 07 · Why not rejectUnauthorized: false?", at);
    await s.seen("Sooner or later a connection fails", at); // the README's first paragraph
    at = await s.seen(/The file to edit: \S*lessons[\\/]07-why-not-verify-false[\\/]answer\.md/, at);
    at = await s.seen(/checks pass\./, at); // the report of the grading
    at = await s.seen("Lesson 7: what now?", at);
    const menu = await s.seen("quit", at);
    const actions = s.screen().slice(at, menu);
    for (const a of ["watch", "hint", "solution", "reset", "all lessons"]) expect(actions).toContain(a);
    expect(s.screen().slice(at, menu)).toContain("next lesson: 8 chain-of-trust"); // 7 is no longer the last

    // Hint: the choices are watch, hint, ...: one down.
    s.input.write(DOWN);
    s.input.write(ENTER);
    at = await s.seen("Hint 1 of 3:", at);
    at = await s.seen("Lesson 7: what now?", at);

    // Reset: asks first (the answer is the stub already: nothing to do, without asking).
    s.input.write(DOWN + DOWN + DOWN + ENTER);
    at = await s.seen("is already the stub: nothing to reset.", at);
    at = await s.seen("Lesson 7: what now?", at);

    // All lessons (after next lesson), then lesson 1 (done): its grading passes and "next lesson" is offered first.
    s.input.write(DOWN + DOWN + DOWN + DOWN + DOWN + ENTER);
    at = await s.seen("Pick a lesson", at);
    await s.seen("quit", at);
    expect(s.screen().slice(at - 200)).toMatch(/█{3}░{21} 1\/8 done/);
    s.input.write("\u001b[A" + ENTER); // up from the current lesson (2) to lesson 1
    at = await s.seen("Lesson 01 · What TLS gives you", at);
    at = await s.seen("All 13 checks pass. Lesson 1 is done.", at);
    at = await s.seen("Lesson 1: what now?", at);
    await s.seen("quit", at);
    expect(s.screen().slice(at)).toMatch(/next lesson: 2 verified-client/);

    // Quit: the last choice. Nothing more to press than down to the end.
    for (let i = 0; i < 7; i++) s.input.write(DOWN);
    s.input.write(ENTER);
    await expect(s.done).resolves.toBe(0);

    const progress = Progress.load(root);
    expect(progress.lesson("07-why-not-verify-false")).toMatchObject({ status: "fail", hintsSeen: 1, attempts: 1 });
    expect(progress.lesson("01-what-tls-gives")).toMatchObject({ status: "pass", attempts: 2 });
  });

  it("Ctrl+C at the lesson list ends it with a bye line and exit 130", async () => {
    const s = session(root);
    await s.seen("Pick a lesson");
    s.input.write(CTRL_C);
    await expect(s.done).resolves.toBe(130);
    expect(s.screen()).toMatch(/\nbye\n$/);
    // The key help under the list is erased, not left on the screen.
    const at = s.raw().lastIndexOf("navigate");
    expect(at).toBeGreaterThan(0);
    expect(s.raw().indexOf(ERASE_HELP_LINE, at)).toBeGreaterThan(at);
  });

  it("Ctrl+C at a reset question leaves the file alone and ends with exit 130", async () => {
    const mine = path.join(root, "lessons", "03-inspect-cert", "exercise.ts");
    fs.appendFileSync(mine, "// my work\n");
    const before = fs.readFileSync(mine);
    const s = session(root);
    let at = await s.seen("Pick a lesson");
    s.input.write(DOWN + ENTER); // from 2 (current) to 3
    at = await s.seen("Lesson 3: what now?", at);
    await s.seen("quit", at);
    s.input.write(DOWN + DOWN + DOWN + ENTER);
    at = await s.seen("Replace", at);
    await s.seen("(y/N)", at);
    s.input.write(CTRL_C);
    await expect(s.done).resolves.toBe(130);
    expect(fs.readFileSync(mine).equals(before)).toBe(true);
    expect(fs.existsSync(path.join(root, ".backup", "03-inspect-cert"))).toBe(false);
  });
});

describe("pieces of the menu", () => {
  it("the progress bar: three cells a lesson", () => {
    expect(progressBar(0, 7)).toBe(`${"░".repeat(21)} 0/7 done`);
    expect(progressBar(3, 7)).toBe(`${"█".repeat(9)}${"░".repeat(12)} 3/7 done`);
    expect(progressBar(7, 7)).toBe(`${"█".repeat(21)} 7/7 done`);
  });

  it("every lesson's README gives a short prose summary (no tables, lists or code)", () => {
    for (const l of LESSONS) {
      const s = readmeSummary(l);
      expect(s.length, l.id).toBeGreaterThan(80);
      const lines = s.split("\n");
      expect(lines.length, l.id).toBeLessThanOrEqual(8);
      for (const line of lines) expect(line, l.id).not.toMatch(/^(\||```|- |\d+\. )/);
      expect(s, l.id).not.toMatch(/\*\*|:$/);
    }
    expect(readmeSummary(findLesson("2")!)).toMatch(/^Plain TCP carries your bytes/);
  });

  it("a lesson done once and failing now is listed as such, with the date it was first done", () => {
    const dir = makeWorkbook();
    const p = Progress.load(dir);
    const r = (status: "pass" | "fail") => ({ version: 3 as const, lesson: "01-what-tls-gives", status, tests: [{ name: "a", status }] });
    p.recordAttempt("01-what-tls-gives", r("pass"), new Date("2026-11-20T12:00:00Z"));
    p.recordAttempt("01-what-tls-gives", r("fail"), new Date("2026-11-21T12:00:00Z"));
    const text = lessonListWithStates(p, colors({ isTTY: false } as NodeJS.WriteStream));
    expect(text).toMatch(/^!\s+1\s+what-tls-gives\s+done 2026-11-2\d, now failing\s+What TLS gives you$/m);
    expect(text).toMatch(/▶\s+2\s+verified-client\s+current/);
  });

  it("without a terminal: the list with states, the bar and how to pick one", () => {
    const p = Progress.load(root);
    const text = lessonListWithStates(p, colors(new PassThrough() as unknown as NodeJS.WriteStream));
    expect(text).toMatch(/npm run lesson <number>/);
    expect(text).toMatch(/1\s+what-tls-gives\s+.*done/);
    expect(text).toMatch(/2\s+verified-client\s+.*current/);
    expect(text).toMatch(/1\/8 done/);
    expect(text).not.toMatch(/\x1b\[/);
  });
});

describe("watch mode wired to the real commands", () => {
  it("r resets through its question (backup made), s asks before a pass, and Ctrl+C there ends watching with 130", async () => {
    const wb = makeWorkbook();
    const lesson = findLesson("7")!;
    const mine = path.join(wb, "lessons", lesson.id, "answer.md");
    fs.appendFileSync(mine, "\nMy first thoughts, not finished.\n");
    const work = fs.readFileSync(mine);
    // A terminal as far as the commands can tell: raw mode is a no-op on a PassThrough.
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
    const output = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: 40 });
    let raw = "";
    output.on("data", (d: Buffer) => (raw += d.toString("utf8")));
    const screen = () => stripVTControlCharacters(raw);
    const { watchWithActions } = await import("../checker/commands/menu.ts");
    const done = watchWithActions(lesson, { root: wb, stateDir: wb, input, output });
    done.catch(() => {});
    const seen = async (text: string, from = 0) => {
      await waitFor(() => (screen().indexOf(text, from) >= 0 ? true : undefined), text, screen);
      return screen().indexOf(text, from) + text.length;
    };
    let at = await seen("checks pass."); // the first grading
    at = await seen("q quit", at);

    input.write("r");
    at = await seen("with the stub?", at);
    await seen("(y/N)", at);
    input.write("y\r");
    at = await seen("is the stub again", at);
    // The re-grading redraws the screen; the line saying where the backup went stays in its status area.
    at = await seen("checks pass.", at); // the redraw is one write: the whole frame is there
    const lastFrame = stripVTControlCharacters(raw.slice(raw.lastIndexOf("\x1b[H\x1b[2J")));
    expect(lastFrame).toMatch(/checks pass\.[\s\S]*Your file was copied to \S*\.backup[\\/]07-why-not-verify-false[\\/]answer\.md\.[\s\S]*q quit/);
    expect(fs.readFileSync(mine).equals(fs.readFileSync(path.join(wb, "stubs", lesson.id, "answer.md")))).toBe(true);
    const backups = fs.readdirSync(path.join(wb, ".backup", lesson.id));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(wb, ".backup", lesson.id, backups[0])).equals(work)).toBe(true);
    at = await seen("q quit", at);

    input.write("s");
    at = await seen("See the solution anyway?", at);
    input.write(CTRL_C);
    await expect(done).resolves.toMatchObject({ code: 130, stopped: true });
    expect(screen().slice(at)).not.toContain("Reference solution");
  });
});
