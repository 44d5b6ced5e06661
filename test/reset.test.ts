// --reset: the stub comes back, and the learner's file is kept in .backup/ first, byte for
// byte, never over an earlier backup. Runs on temporary copies of the workbook.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { resetLesson } from "../checker/commands/reset.ts";
import { LESSONS, findLesson } from "../checker/manifest.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(label: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `tls-workbook-${label}-`));
  temps.push(d);
  return d;
}

/** lessons/ and stubs/ of a workbook copy, every learner file the stub. */
function makeWorkbook(): string {
  const root = tempDir("reset");
  for (const l of LESSONS) {
    for (const dir of ["stubs", "lessons"]) {
      fs.mkdirSync(path.join(root, dir, l.id), { recursive: true });
      fs.copyFileSync(path.join(WORKBOOK_ROOT, "stubs", l.id, l.files[0]), path.join(root, dir, l.id, l.files[0]));
    }
  }
  return root;
}

function streams() {
  const input = new PassThrough();
  const output = new PassThrough();
  const err = new PassThrough();
  let out = "";
  let errText = "";
  output.on("data", (d: Buffer) => (out += d.toString("utf8")));
  err.on("data", (d: Buffer) => (errText += d.toString("utf8")));
  return { input, output, err, out: () => stripVTControlCharacters(out), errText: () => errText };
}

const lesson = findLesson("5")!;
const fileIn = (root: string) => path.join(root, "lessons", lesson.id, "exercise.ts");
const stubIn = (root: string) => fs.readFileSync(path.join(root, "stubs", lesson.id, "exercise.ts"));
// Work in progress with everything that must survive as is: CRLF, a BOM, non-ASCII, a byte that is not UTF-8.
const work = Buffer.concat([Buffer.from("\ufeff// my work: é ✓\r\nexport const x = 1;\r\n", "utf8"), Buffer.from([0xff, 0x0a])]);
const now = new Date("2026-11-27T10:23:31.456Z");

describe("resetLesson", () => {
  it("copies the learner's exact bytes to .backup/<id>/<file>.<timestamp>, restores the stub, and says where", async () => {
    const root = makeWorkbook();
    fs.writeFileSync(fileIn(root), work);
    const s = streams();
    expect(await resetLesson(lesson, { root, stateDir: root, force: true, output: s.output, err: s.err, now })).toBe(0);
    const backup = path.join(root, ".backup", lesson.id, "exercise.ts.2026-11-27T10-23-31Z");
    expect(fs.readFileSync(backup).equals(work)).toBe(true);
    expect(fs.readFileSync(fileIn(root)).equals(stubIn(root))).toBe(true);
    expect(s.out()).toContain(path.join(".backup", lesson.id, "exercise.ts.2026-11-27T10-23-31Z"));
    expect(s.out()).toMatch(/is the stub again/);
    // No temporary file left anywhere.
    expect(fs.readdirSync(path.dirname(fileIn(root)))).toEqual(["exercise.ts"]);
    expect(fs.readdirSync(path.dirname(backup))).toEqual([path.basename(backup)]);
  });

  it("a second reset never overwrites the first backup", async () => {
    const root = makeWorkbook();
    fs.writeFileSync(fileIn(root), work);
    await resetLesson(lesson, { root, stateDir: root, force: true, output: new PassThrough(), now });
    const second = Buffer.from("// second try\n");
    fs.writeFileSync(fileIn(root), second);
    const s = streams();
    expect(await resetLesson(lesson, { root, stateDir: root, force: true, output: s.output, now })).toBe(0);
    const dir = path.join(root, ".backup", lesson.id);
    expect(fs.readdirSync(dir).sort()).toEqual(["exercise.ts.2026-11-27T10-23-31Z", "exercise.ts.2026-11-27T10-23-31Z-2"]);
    expect(fs.readFileSync(path.join(dir, "exercise.ts.2026-11-27T10-23-31Z")).equals(work)).toBe(true);
    expect(fs.readFileSync(path.join(dir, "exercise.ts.2026-11-27T10-23-31Z-2")).equals(second)).toBe(true);
    expect(s.out()).toContain("exercise.ts.2026-11-27T10-23-31Z-2");
  });

  it("a file that is already the stub: says so, backs nothing up, changes nothing", async () => {
    const root = makeWorkbook();
    const before = fs.statSync(fileIn(root)).mtimeMs;
    const s = streams();
    expect(await resetLesson(lesson, { root, stateDir: root, force: true, output: s.output })).toBe(0);
    expect(s.out()).toMatch(/already the stub: nothing to reset/);
    expect(fs.existsSync(path.join(root, ".backup"))).toBe(false);
    expect(fs.statSync(fileIn(root)).mtimeMs).toBe(before);
  });

  it("without a terminal and without --force: refused in one line, exit 2, the file untouched", async () => {
    const root = makeWorkbook();
    fs.writeFileSync(fileIn(root), work);
    const s = streams();
    expect(await resetLesson(lesson, { root, stateDir: root, interactive: false, output: s.output, err: s.err })).toBe(2);
    expect(s.errText().trim().split("\n")).toHaveLength(1);
    expect(s.errText()).toMatch(/add --force/);
    expect(fs.readFileSync(fileIn(root)).equals(work)).toBe(true);
    expect(fs.existsSync(path.join(root, ".backup"))).toBe(false);
  });

  it("on a terminal it asks first: the default is no; yes resets", async () => {
    const root = makeWorkbook();
    fs.writeFileSync(fileIn(root), work);
    const no = streams();
    const declined = resetLesson(lesson, { root, stateDir: root, interactive: true, input: no.input, output: no.output, now });
    await waitFor(() => no.out().includes("(y/N)"));
    expect(no.out().replace(/\s+/g, " ")).toMatch(/Replace \S+exercise\.ts with the stub\? Your file is backed up/); // the prompt wraps long lines
    no.input.write("\r");
    expect(await declined).toBe(0);
    expect(no.out()).toContain("Nothing changed.");
    expect(fs.readFileSync(fileIn(root)).equals(work)).toBe(true);

    const yes = streams();
    const accepted = resetLesson(lesson, { root, stateDir: root, interactive: true, input: yes.input, output: yes.output, now });
    await waitFor(() => yes.out().includes("(y/N)"));
    yes.input.write("y\r");
    expect(await accepted).toBe(0);
    expect(fs.readFileSync(fileIn(root)).equals(stubIn(root))).toBe(true);
    expect(fs.readFileSync(path.join(root, ".backup", lesson.id, "exercise.ts.2026-11-27T10-23-31Z")).equals(work)).toBe(true);
  });

  it("backups go under TLS_WORKBOOK_STATE_DIR when it is set; a missing learner file just gets the stub", async () => {
    const root = makeWorkbook();
    const state = tempDir("reset-state");
    const saved = process.env.TLS_WORKBOOK_STATE_DIR;
    process.env.TLS_WORKBOOK_STATE_DIR = state;
    try {
      fs.writeFileSync(fileIn(root), work);
      await resetLesson(lesson, { root, force: true, output: new PassThrough(), now });
      expect(fs.readFileSync(path.join(state, ".backup", lesson.id, "exercise.ts.2026-11-27T10-23-31Z")).equals(work)).toBe(true);
      expect(fs.existsSync(path.join(root, ".backup"))).toBe(false);

      fs.rmSync(fileIn(root));
      const s = streams();
      expect(await resetLesson(lesson, { root, force: true, output: s.output, now })).toBe(0);
      expect(fs.readFileSync(fileIn(root)).equals(stubIn(root))).toBe(true);
      expect(s.out()).not.toMatch(/copied to/);
    } finally {
      if (saved === undefined) delete process.env.TLS_WORKBOOK_STATE_DIR;
      else process.env.TLS_WORKBOOK_STATE_DIR = saved;
    }
  });

  it("the command without a terminal: --reset with another option is refused before anything is read", async () => {
    const state = tempDir("reset-cli");
    const r = await execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "lesson", "5", "--reset", "--file", "x.ts"], {
      cwd: WORKBOOK_ROOT,
      reject: false,
      env: { TLS_WORKBOOK_STATE_DIR: state },
      stdin: "ignore",
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe("lesson: --file does not go with --reset");
  });
});

async function waitFor(probe: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
