// npm run progress: the table and its --json; a corrupt progress file rebuilt by re-checking
// the lessons; and the final message when the last lesson passes (every lesson graded again).
// Runs on temporary workbook copies whose learner files come from the reference solutions.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { progressCommand, type ProgressReport } from "../checker/cli/progress.ts";
import { gradeAndReport } from "../checker/commands/grade.ts";
import { makeSelfSigned, writeCertFiles } from "../checker/lab/self-signed.ts";
import { LESSONS, findLesson } from "../checker/manifest.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";
import { Progress, PROGRESS_FILE } from "../checker/progress.ts";
import type { LessonResult } from "../checker/report/results.ts";
import { CATALOG } from "./helpers.ts";

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(label: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `tls-workbook-${label}-`));
  temps.push(d);
  return d;
}

// Lesson 07's reference answer is recognised as a copy when it is someone's own file: a right
// answer from the catalog stands in for it.
const OWN_ANSWER_07 = path.join(CATALOG, "07-why-not-verify-false", "right", "informal.md");

/** A workbook copy: lessons/ from stubs/ unless `solved` lists the lesson; lesson 04's certificate when solved. */
async function makeWorkbook(solved: string[]): Promise<string> {
  const root = tempDir("progress-root");
  for (const l of LESSONS) {
    const f = l.files[0];
    for (const dir of ["stubs", "solutions", "lessons"]) fs.mkdirSync(path.join(root, dir, l.id), { recursive: true });
    fs.copyFileSync(path.join(WORKBOOK_ROOT, "stubs", l.id, f), path.join(root, "stubs", l.id, f));
    fs.copyFileSync(path.join(WORKBOOK_ROOT, "solutions", l.id, f), path.join(root, "solutions", l.id, f));
    const src = !solved.includes(l.id) ? path.join(WORKBOOK_ROOT, "stubs", l.id, f) : l.number === 7 ? OWN_ANSWER_07 : path.join(WORKBOOK_ROOT, "solutions", l.id, f);
    fs.copyFileSync(src, path.join(root, "lessons", l.id, f));
  }
  if (solved.includes("04-self-signed-echo")) writeCertFiles(path.join(root, "certs"), await makeSelfSigned());
  return root;
}

function sink() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (d: Buffer) => (text += d.toString("utf8")));
  return { stream, text: () => text };
}

const result = (lesson: string, status: "pass" | "fail", passed: number, total: number): LessonResult => ({
  version: 3,
  lesson,
  status,
  tests: Array.from({ length: total }, (_, i) => ({ name: `t${i}`, status: i < passed ? "pass" : status })),
});

describe("npm run progress", () => {
  it("a lesson done once and failing now: 'done <first date>, now failing', not current 0/N", async () => {
    const state = tempDir("progress-failing");
    const p = Progress.load(state);
    p.recordAttempt("01-what-tls-gives", result("01-what-tls-gives", "pass", 13, 13), new Date("2026-11-20T12:00:00Z"));
    p.recordAttempt("01-what-tls-gives", result("01-what-tls-gives", "fail", 0, 13), new Date("2026-11-23T12:00:00Z"));
    p.save();
    const out = sink();
    expect(await progressCommand([], { stateDir: state, out: out.stream })).toBe(0);
    const line = out.text().split("\n").find((l) => l.startsWith("1 "));
    expect(line).toMatch(/^1\s+what-tls-gives\s+done 2026-11-2\d, now failing\s+0\/13/);
    expect(out.text()).toMatch(/^2\s+verified-client\s+current/m);
    expect(out.text()).toMatch(/Done before, failing now: npm run lesson 1 shows what broke/);
    const json = sink();
    await progressCommand(["--json"], { stateDir: state, out: json.stream });
    expect((JSON.parse(json.text()) as ProgressReport).lessons[0]).toMatchObject({ state: "failing", status: "fail", passedAt: "2026-11-20T12:00:00.000Z" });
  });

  it("a table: state, checks on the last run, hints, early solution, last attempt; --json the same as data", async () => {
    const state = tempDir("progress-state");
    const p = Progress.load(state);
    p.recordAttempt("01-what-tls-gives", result("01-what-tls-gives", "pass", 13, 13), new Date("2026-11-20T09:05:00Z"));
    p.recordAttempt("02-verified-client", result("02-verified-client", "fail", 12, 18), new Date("2026-11-21T10:00:00Z"));
    p.recordHint("02-verified-client");
    p.recordHint("02-verified-client");
    p.recordSolutionView("02-verified-client");
    p.recordHint("05-reject-bad-certs");
    p.save();

    const out = sink();
    expect(await progressCommand([], { stateDir: state, out: out.stream })).toBe(0);
    const lines = out.text().split("\n");
    expect(lines[0]).toMatch(/^#\s+lesson\s+state\s+checks\s+hints\s+solution early\s+last attempt$/);
    expect(lines.find((l) => l.startsWith("1 "))).toMatch(/^1\s+what-tls-gives\s+done\s+13\/13\s+0\/4\s+no\s+2026-11-2\d \d\d:\d\d$/);
    expect(lines.find((l) => l.startsWith("2 "))).toMatch(/^2\s+verified-client\s+current\s+12\/18\s+2\/3\s+yes\s+2026-11-2\d \d\d:\d\d$/);
    expect(lines.find((l) => l.startsWith("3 "))).toMatch(/^3\s+inspect-cert\s+not started\s+–\s+0\/3\s+no\s+–$/);
    expect(lines.find((l) => l.startsWith("5 "))).toMatch(/^5\s+reject-bad-certs\s+not started\s+–\s+1\/3/); // a hint alone is no attempt
    expect(out.text()).toMatch(/█{3}░{21} 1\/8 done/);
    expect(out.text()).toMatch(/Next: npm run lesson 2/);
    expect(out.text()).not.toMatch(/\x1b\[/);

    const json = sink();
    expect(await progressCommand(["--json"], { stateDir: state, out: json.stream })).toBe(0);
    const data = JSON.parse(json.text()) as ProgressReport;
    expect(data).toMatchObject({ version: 1, done: 1, total: 8 });
    expect(data.lessons).toHaveLength(8);
    expect(data.lessons[1]).toEqual({
      number: 2,
      id: "02-verified-client",
      slug: "verified-client",
      title: "A verified TLS client",
      state: "current",
      status: "fail",
      checksPassed: 12,
      checksTotal: 18,
      attempts: 1,
      hintsSeen: 2,
      hintsTotal: 3,
      solutionViewedBeforePass: true,
      lastAttempt: "2026-11-21T10:00:00.000Z",
      passedAt: null,
    });
    expect(data.lessons[0]).toMatchObject({ state: "done", status: "pass", passedAt: "2026-11-20T09:05:00.000Z", solutionViewedBeforePass: false });
    expect(data.lessons[2]).toMatchObject({ state: "not started", status: null, checksPassed: null, lastAttempt: null });
  });

  it("the command itself: --json on stdout, exit 0; a stray argument is one line, exit 2", async () => {
    const state = tempDir("progress-cli");
    const run = (...args: string[]) =>
      execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "progress", ...args], {
        cwd: WORKBOOK_ROOT,
        reject: false,
        env: { TLS_WORKBOOK_STATE_DIR: state },
        stdin: "ignore",
      });
    const ok = await run("--json");
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ version: 1, done: 0, total: 8 });
    const bad = await run("--bogus");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(fs.readdirSync(state)).toEqual([]); // reading progress writes nothing
  });

  it("a corrupt progress file is rebuilt by re-checking the lessons, with a one-line notice; the old one is kept", async () => {
    const root = await makeWorkbook(["01-what-tls-gives", "07-why-not-verify-false", "03-inspect-cert"]);
    // Lesson 2 started but not passing: a half-written function.
    const two = path.join(root, "lessons", "02-verified-client", "exercise.ts");
    fs.appendFileSync(two, "// started\n");
    fs.writeFileSync(path.join(root, PROGRESS_FILE), '{"version": 1, "lessons": {"01-what-tls-gives": {"sta');
    const out = sink();
    const err = sink();
    expect(await progressCommand(["--json"], { root, stateDir: root, out: out.stream, err: err.stream })).toBe(0);
    expect(err.text().trim().split("\n")).toHaveLength(1);
    expect(err.text()).toMatch(/unreadable \(kept as \.progress\.json\.corrupt-\d+\); it was rebuilt by re-checking your lessons: 3 of 8 pass/);
    const data = JSON.parse(out.text()) as ProgressReport;
    const by = Object.fromEntries(data.lessons.map((l) => [l.number, l]));
    expect(by[1]).toMatchObject({ state: "done", status: "pass", checksPassed: 13, checksTotal: 13 });
    expect(by[3]).toMatchObject({ state: "done", status: "pass" });
    expect(by[7]).toMatchObject({ state: "done", status: "pass" });
    expect(by[2]).toMatchObject({ state: "current", status: "fail" });
    expect(by[2].checksPassed).toBeLessThan(by[2].checksTotal!);
    for (const n of [4, 5, 6]) expect(by[n]).toMatchObject({ state: "not started", status: null }); // still the stub: not graded
    const kept = fs.readdirSync(root).filter((f) => f.startsWith(`${PROGRESS_FILE}.corrupt-`));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(root, kept[0]), "utf8")).toContain('"sta');
    // Rebuilt and saved: the next run reads it quietly.
    const again = sink();
    await progressCommand([], { root, stateDir: root, out: sink().stream, err: again.stream });
    expect(again.text()).toBe("");
  });
});

describe("the last lesson to pass", () => {
  const ALL = LESSONS.map((l) => l.id);
  const seedAllButSeven = (root: string) => {
    const p = Progress.load(root);
    for (const id of ALL) if (id !== ALL[6]) p.recordAttempt(id, result(id, "pass", 1, 1), new Date("2026-11-01T00:00:00Z"));
    p.recordAttempt(ALL[6], result(ALL[6], "fail", 3, 9), new Date("2026-11-01T00:00:00Z"));
    p.save();
  };

  it("re-checks every lesson and confirms all eight", async () => {
    const root = await makeWorkbook(ALL);
    seedAllButSeven(root);
    const out = sink();
    const { code } = await gradeAndReport(findLesson("7")!, { root, stateDir: root, out: out.stream, err: out.stream });
    expect(code).toBe(0);
    expect(out.text()).toMatch(/That was the last lesson to pass\. Re-checking all 8 lessons/);
    expect(out.text()).toMatch(/All 8 lessons pass, re-checked just now/);
    const p = Progress.load(root);
    for (const id of ALL) {
      expect(p.lesson(id)?.status, id).toBe("pass");
      expect(p.lesson(id)?.lastAttempt, id).not.toBe("2026-11-01T00:00:00.000Z"); // really graded again
    }
    expect(p.lesson("02-verified-client")?.checksTotal).toBeGreaterThan(1);
    // The re-check is the grader's, not the learner's: no attempt counted for it.
    for (const id of ALL) if (id !== ALL[6]) expect(p.lesson(id)?.attempts, id).toBe(1);
    expect(p.finishedAt).toBeDefined();
  }, 120_000);

  it("re-checks once per completion: a finished workbook whose lesson is broken and fixed is not re-checked again", async () => {
    const root = await makeWorkbook(ALL);
    seedAllButSeven(root);
    const first = sink();
    await gradeAndReport(findLesson("7")!, { root, stateDir: root, out: first.stream, err: first.stream });
    expect(first.text()).toMatch(/Re-checking all 8 lessons/);
    const p = Progress.load(root);
    p.recordAttempt(ALL[6], result(ALL[6], "fail", 3, 9)); // broken since
    p.save();
    const again = sink();
    await gradeAndReport(findLesson("7")!, { root, stateDir: root, out: again.stream, err: again.stream });
    expect(again.text()).toMatch(/All \d+ checks pass\. Lesson 7 is done\./);
    expect(again.text()).not.toMatch(/Re-checking/);
  }, 120_000);

  it("names a lesson that no longer passes (its file went back to the stub since)", async () => {
    const root = await makeWorkbook(ALL.filter((id) => id !== "03-inspect-cert"));
    seedAllButSeven(root); // progress still says lesson 3 passed
    const out = sink();
    const { code } = await gradeAndReport(findLesson("7")!, { root, stateDir: root, out: out.stream, err: out.stream });
    expect(code).toBe(0);
    expect(out.text()).toMatch(/This lesson no longer passes:\n\s+✘ 03 inspect-cert: \d+ of \d+ checks pass; see npm run lesson 3/);
    expect(out.text()).not.toMatch(/All 8 lessons pass/);
    expect(Progress.load(root).lesson("03-inspect-cert")?.status).toBe("fail");
  }, 120_000);

  it("only the grading that makes all eight pass re-checks: a later pass does not", async () => {
    const root = await makeWorkbook(["01-what-tls-gives"]);
    const p = Progress.load(root);
    for (const id of ALL) p.recordAttempt(id, result(id, "pass", 1, 1));
    p.save();
    const out = sink();
    expect((await gradeAndReport(findLesson("1")!, { root, stateDir: root, out: out.stream })).code).toBe(0);
    expect(out.text()).not.toMatch(/Re-checking/);
  });
});
