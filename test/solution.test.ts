// --solution: the reference solution and a coloured diff, gated on a pass. Runs on temporary
// copies of the workbook; the interactive question is answered through injected streams.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { execa } from "execa";
import pc from "picocolors";
import { afterAll, describe, expect, it } from "vitest";
import { diffLines, renderDiff, showSolution } from "../checker/commands/solution.ts";
import { LESSONS, findLesson } from "../checker/manifest.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";
import { Progress } from "../checker/progress.ts";

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

function makeWorkbook(from: Record<string, "stub" | "solution"> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-solution-"));
  temps.push(root);
  for (const l of LESSONS) {
    const f = l.files[0];
    for (const dir of ["stubs", "solutions"]) {
      fs.mkdirSync(path.join(root, dir, l.id), { recursive: true });
      fs.copyFileSync(path.join(WORKBOOK_ROOT, dir, l.id, f), path.join(root, dir, l.id, f));
    }
    fs.mkdirSync(path.join(root, "lessons", l.id), { recursive: true });
    fs.copyFileSync(path.join(WORKBOOK_ROOT, from[l.id] === "solution" ? "solutions" : "stubs", l.id, f), path.join(root, "lessons", l.id, f));
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
  return { input, output, err, out: () => stripVTControlCharacters(out), rawOut: () => out, errText: () => errText };
}

const quiz = findLesson("1")!;
const client = findLesson("2")!;

describe("diffLines and renderDiff", () => {
  it("finds the lines removed and added, keeping the common ones, whatever the line endings", () => {
    const ops = diffLines("a\r\nb\r\nc\r\nd\r\n", "a\nB\nc\nd\ne\n");
    expect(ops.map((o) => `${o.kind}${o.line}`)).toEqual([" a", "-b", "+B", " c", " d", "+e"]);
    expect(diffLines("same\n", "same").every((o) => o.kind === " ")).toBe(true);
    expect(diffLines("", "x\ny\n").map((o) => o.kind)).toEqual(["+", "+"]);
  });

  it("is a longest common subsequence: moving one line is one removal and one addition", () => {
    const from = ["1", "2", "3", "4", "5", "6"].join("\n");
    const to = ["2", "3", "4", "5", "6", "1"].join("\n");
    const ops = diffLines(from, to);
    expect(ops.filter((o) => o.kind !== " ").map((o) => `${o.kind}${o.line}`)).toEqual(["-1", "+1"]);
  });

  it("hunks with context, - in red and + in green when colours are on, plain when off", () => {
    const from = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const to = [...from];
    to[4] = "changed 5";
    to[25] = "changed 26";
    const ops = diffLines(from.join("\n"), to.join("\n"));
    const plain = renderDiff(ops, pc.createColors(false));
    expect(plain.match(/^@@/gm)).toHaveLength(2);
    expect(plain).toContain("@@ -2,7 +2,7 @@");
    expect(plain).toContain("- line 5\n+ changed 5");
    expect(plain).not.toContain("line 12");
    expect(plain).not.toMatch(/\x1b\[/);
    const coloured = renderDiff(ops, pc.createColors(true));
    expect(coloured).toContain("\x1b[31m- line 5\x1b[39m");
    expect(coloured).toContain("\x1b[32m+ changed 5\x1b[39m");
  });
});

describe("showSolution", () => {
  it("after a pass: the solution and the diff with the learner's file, no question, nothing recorded as early", async () => {
    const root = makeWorkbook({ "02-verified-client": "solution" });
    const mine = path.join(root, "lessons", client.id, "exercise.ts");
    fs.writeFileSync(mine, fs.readFileSync(mine, "utf8").replace("const chunks: Buffer[] = [];", "const chunks: Buffer[] = []; // my buffer"));
    const p = Progress.load(root);
    p.recordAttempt(client.id, { version: 3, lesson: client.id, status: "pass", tests: [{ name: "x", status: "pass" }] });
    p.save();
    const s = streams();
    const code = await showSolution(client, { root, stateDir: root, output: s.output, err: s.err, interactive: false });
    expect(code).toBe(0);
    expect(s.out()).toContain("Reference solution for lesson 02");
    expect(s.out()).toContain(fs.readFileSync(path.join(root, "solutions", client.id, "exercise.ts"), "utf8").trimEnd());
    expect(s.out()).toMatch(/^- {5}const chunks: Buffer\[\] = \[\]; \/\/ my buffer$/m);
    expect(s.out()).toMatch(/^\+ {5}const chunks: Buffer\[\] = \[\];$/m);
    expect(s.out()).not.toContain("Checking"); // passed before: not graded again
    expect(s.rawOut()).not.toMatch(/\x1b\[/); // not a terminal
    expect(Progress.load(root).lesson(client.id)?.solutionViewedBeforePass).toBeUndefined();
  });

  it("not passed before but passing now: graded, recorded as a pass, then shown", async () => {
    const root = makeWorkbook({ "01-what-tls-gives": "solution" });
    const mine = path.join(root, "lessons", quiz.id, "answers.json");
    fs.writeFileSync(mine, JSON.stringify(JSON.parse(fs.readFileSync(mine, "utf8"))) + "\n"); // one line, same answers
    const s = streams();
    expect(await showSolution(quiz, { root, stateDir: root, output: s.output, err: s.err, interactive: false })).toBe(0);
    expect(s.out()).toMatch(/Checking \S+answers\.json first/);
    expect(s.out()).toContain("Your file compared with it");
    expect(s.out()).toMatch(/^\+ {3}"q01-three-properties": "c",$/m);
    const rec = Progress.load(root).lesson(quiz.id)!;
    expect(rec.status).toBe("pass");
    expect(rec.solutionViewedBeforePass).toBeUndefined();
  });

  it("before a pass without a terminal: refused in one line, exit 2, nothing shown", async () => {
    const root = makeWorkbook();
    const s = streams();
    expect(await showSolution(quiz, { root, stateDir: root, output: s.output, err: s.err, interactive: false })).toBe(2);
    expect(s.errText().trim().split("\n")).toHaveLength(1);
    expect(s.errText()).toMatch(/does not pass yet; add --force/);
    expect(s.out()).not.toContain("Reference solution");
    expect(s.out()).toMatch(/It does not pass yet: 0 of \d+ checks pass/);
    const rec = Progress.load(root).lesson(quiz.id)!;
    expect(rec.status).toBe("fail"); // the attempt is recorded
    expect(rec.solutionViewedBeforePass).toBeUndefined();
  });

  it("before a pass with --force: shown, and the early view recorded", async () => {
    const root = makeWorkbook();
    const s = streams();
    expect(await showSolution(quiz, { root, stateDir: root, output: s.output, err: s.err, interactive: false, force: true })).toBe(0);
    expect(s.out()).toContain("Reference solution for lesson 01");
    expect(s.out()).toMatch(/^\+ {3}"q01-three-properties": "c",$/m);
    expect(Progress.load(root).lesson(quiz.id)).toMatchObject({ status: "fail", solutionViewedBeforePass: true });
  });

  it("before a pass on a terminal: asks, default no; yes shows it and records the early view", async () => {
    const root = makeWorkbook();
    const no = streams();
    const declined = showSolution(quiz, { root, stateDir: root, input: no.input, output: no.output, err: no.err, interactive: true });
    await waitFor(() => no.out().includes("See the solution anyway?"));
    no.input.write("\r"); // Enter: the default, no
    expect(await declined).toBe(0);
    expect(no.out()).not.toContain("Reference solution");
    expect(no.out()).toMatch(/Not shown\./);
    expect(Progress.load(root).lesson(quiz.id)?.solutionViewedBeforePass).toBeUndefined();

    const yes = streams();
    const accepted = showSolution(quiz, { root, stateDir: root, input: yes.input, output: yes.output, err: yes.err, interactive: true });
    await waitFor(() => yes.out().includes("See the solution anyway?"));
    yes.input.write("y\r");
    expect(await accepted).toBe(0);
    expect(yes.out()).toContain("Reference solution for lesson 01");
    expect(Progress.load(root).lesson(quiz.id)?.solutionViewedBeforePass).toBe(true);
  });

  it("the command: refused without a terminal (exit 2, one line); --force shows it, without colour", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-solution-cli-"));
    temps.push(dir);
    const file = path.join(dir, "exercise.ts");
    fs.copyFileSync(path.join(WORKBOOK_ROOT, "stubs", client.id, "exercise.ts"), file);
    const run = (...args: string[]) =>
      execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "lesson", "2", ...args], {
        cwd: WORKBOOK_ROOT,
        reject: false,
        env: { TLS_WORKBOOK_STATE_DIR: dir, NO_COLOR: undefined, FORCE_COLOR: undefined },
        stdin: "ignore",
      });
    const refused = await run("--solution", "--file", file);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/^lesson: lesson 2 does not pass yet; add --force/);
    expect(refused.stdout).not.toContain("Reference solution");

    const forced = await run("--solution", "--force", "--file", file);
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toContain("Reference solution for lesson 02");
    expect(forced.stdout).toMatch(/^- {3}throw new Error\("not implemented: tlsGet"\);$/m);
    expect(forced.stdout).not.toMatch(/\x1b\[/);
    const progress = JSON.parse(fs.readFileSync(path.join(dir, ".progress.json"), "utf8"));
    expect(progress.lessons[client.id].solutionViewedBeforePass).toBe(true);
  });
});

async function waitFor(probe: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
