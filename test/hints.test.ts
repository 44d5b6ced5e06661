// Help aimed at the failing check: per-check hints shown first by --hint, --check to run some
// checks only (progress untouched), and --compare side by side with the reference.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeGrader, GraderEnv } from "../checker/checks/check.ts";
import { compareLesson } from "../checker/commands/compare.ts";
import { gradeAndReport } from "../checker/commands/grade.ts";
import { showHint } from "../checker/commands/hint.ts";
import { loadGrader } from "../checker/graders/index.ts";
import { gradeLesson } from "../checker/grading/grade.ts";
import { Lab } from "../checker/lab/lab.ts";
import { findLesson, LESSONS } from "../checker/manifest.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";
import { Progress } from "../checker/progress.ts";

const temp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-hints-"));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start();
});
afterAll(async () => {
  await lab?.close();
});

/** The table's rows marked as differing (not the legend under it). */
const differing = (text: string) => text.split("\n").filter((l) => l.startsWith("≠") && !l.startsWith("≠ marks"));

function sink() {
  let text = "";
  const stream = new PassThrough();
  stream.on("data", (d: Buffer) => (text += d.toString("utf8")));
  return { stream, text: () => text };
}

function lesson(args: string[], stateDir: string) {
  return execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "lesson", ...args], {
    cwd: WORKBOOK_ROOT,
    reject: false,
    env: { TLS_WORKBOOK_STATE_DIR: stateDir, NO_COLOR: "1", FORCE_COLOR: undefined },
    stdin: "ignore",
  });
}

/** Lesson 02's solution with one mistake: only the first 'data' chunk is kept, so the body is lost. */
function brokenBody(): string {
  const file = path.join(fs.mkdtempSync(path.join(temp, "broken-")), "exercise.ts");
  const source = fs.readFileSync(path.join(WORKBOOK_ROOT, "solutions/02-verified-client/exercise.ts"), "utf8");
  const broken = source.replace('socket.on("data"', 'socket.once("data"');
  expect(broken).not.toBe(source);
  fs.writeFileSync(file, broken);
  return file;
}

/** A workbook of its own: stubs, solutions and lessons (as the stubs) of every lesson. */
function workbook(): string {
  const root = fs.mkdtempSync(path.join(temp, "wb-"));
  for (const l of LESSONS) {
    const stub = path.join(WORKBOOK_ROOT, "stubs", l.id, l.files[0]);
    for (const dir of ["stubs", "solutions", "lessons"]) fs.mkdirSync(path.join(root, dir, l.id), { recursive: true });
    fs.copyFileSync(stub, path.join(root, "stubs", l.id, l.files[0]));
    fs.copyFileSync(stub, path.join(root, "lessons", l.id, l.files[0]));
    fs.copyFileSync(path.join(WORKBOOK_ROOT, "solutions", l.id, l.files[0]), path.join(root, "solutions", l.id, l.files[0]));
  }
  return root;
}

describe("per-check hints", () => {
  it.each(["02-verified-client", "03-inspect-cert", "04-self-signed-echo", "05-reject-bad-certs", "06-tls-health", "08-chain-of-trust"])("every check of %s has a hint of its own", async (id) => {
    const grader = (await loadGrader(id)) as CodeGrader;
    const scope = lab.scope();
    const workDir = fs.mkdtempSync(path.join(temp, "env-"));
    try {
      const env: GraderEnv = { lab, scope, certDir: path.join(WORKBOOK_ROOT, "certs"), solution: true, workDir };
      const checks = await grader.checks(env);
      expect(checks.length).toBeGreaterThan(10);
      for (const c of checks) {
        expect(c.hint, c.name).toBeTruthy();
        expect(c.hint!.length, c.name).toBeGreaterThan(30);
      }
    } finally {
      await scope.close();
    }
  });

  it("a failing check's result carries its hint; passing ones carry none", async () => {
    const r = await gradeLesson(findLesson("2")!, { file: brokenBody(), lab });
    const failing = r.tests.filter((t) => t.status !== "pass");
    expect(failing.map((t) => t.name)).toEqual(["returns everything the server sent back (at least the whole body)"]);
    expect(failing[0].hint).toMatch(/'data' chunk/);
    expect(r.tests.filter((t) => t.status === "pass" && t.hint)).toEqual([]);
  });

  it("--hint: the body check's hint comes first, not one about tls.connect; then the lesson's hints, one more each time", async () => {
    const state = fs.mkdtempSync(path.join(temp, "state-"));
    const file = brokenBody();
    const first = await lesson(["2", "--hint", "--file", file], state);
    expect(first.exitCode).toBe(0);
    const lines = first.stdout.split("\n");
    expect(lines[0]).toBe("The first check that fails: returns everything the server sent back (at least the whole body)");
    expect(lines[1]).toMatch(/^ {2}hint: Collect every 'data' chunk/);
    expect(lines[1]).not.toMatch(/tls\.connect/);
    expect(first.stdout).toMatch(/Then the lesson's hints:\nHint 1 of 3:/);
    expect(first.stdout).not.toMatch(/Hint 2 of 3/);
    const second = await lesson(["2", "--hint", "--file", file], state);
    expect(second.stdout).toMatch(/The first check that fails: returns everything[\s\S]*Hint 1 of 3[\s\S]*Hint 2 of 3/);
  });

  it("--hint on the learner's own file uses the last grading progress recorded, and grades again once the file is saved", async () => {
    const root = workbook();
    const l = findLesson("2")!;
    const mine = path.join(root, "lessons", l.id, "exercise.ts");
    fs.copyFileSync(brokenBody(), mine);
    fs.utimesSync(mine, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const graded = await gradeAndReport(l, { root, stateDir: root, lab, out: sink().stream });
    expect(graded.code).toBe(1);
    expect(Progress.load(root).lesson(l.id)?.firstFailing).toMatchObject({ check: "returns everything the server sent back (at least the whole body)", hint: expect.stringMatching(/'data' chunk/) });

    const out = sink();
    await showHint(l, out.stream, { root, stateDir: root });
    expect(out.text()).toMatch(/^The first check that fails: returns everything the server sent back/);

    // Saved since (now the stub again): no grading, the lesson's hints alone.
    fs.copyFileSync(path.join(root, "stubs", l.id, "exercise.ts"), mine);
    const again = sink();
    await showHint(l, again.stream, { root, stateDir: root });
    expect(again.text()).not.toMatch(/first check that fails/);
    expect(again.text()).toMatch(/^Hint 1 of 3[\s\S]*Hint 2 of 3/);
  });

  it("watch mode's h: the first failing check of the result on screen", async () => {
    const r = await gradeLesson(findLesson("2")!, { file: brokenBody(), lab });
    const state = fs.mkdtempSync(path.join(temp, "state-"));
    const out = sink();
    await showHint(findLesson("2")!, out.stream, { stateDir: state, result: r });
    expect(out.text()).toMatch(/^The first check that fails: returns everything[^\n]*\n {2}hint: Collect every 'data' chunk/);
  });

  it("the quiz and lesson 07 carry hints on their failing results too", async () => {
    const quiz = await gradeLesson(findLesson("1")!, { file: path.join(WORKBOOK_ROOT, "stubs/01-what-tls-gives/answers.json") });
    expect(quiz.tests.filter((t) => t.status === "fail").every((t) => t.hint)).toBe(true);
    const text = await gradeLesson(findLesson("7")!, { file: path.join(WORKBOOK_ROOT, "stubs/07-why-not-verify-false/answer.md") });
    const failing = text.tests.filter((t) => t.status === "fail");
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.every((t) => t.hint)).toBe(true);
  });
});

describe("--check", () => {
  it("by text and by number: only those checks, the summary says so, progress is not changed", async () => {
    const state = fs.mkdtempSync(path.join(temp, "state-"));
    const byText = await lesson(["2", "--grade-solution", "--check", "BODY"], state);
    expect(byText.exitCode).toBe(0);
    expect(byText.stdout.match(/^[✔✘] /gm)).toHaveLength(1);
    expect(byText.stdout).toMatch(/^✔ returns everything the server sent back/m);
    expect(byText.stdout).toMatch(/^ran 1 of 28 checks \(--check BODY\): progress not changed$/m);
    expect(byText.stdout).not.toMatch(/is done/);

    const byNumber = await lesson(["2", "--check", "3", "--json", "--file", brokenBody()], state);
    expect(byNumber.exitCode).toBe(0);
    const result = JSON.parse(byNumber.stdout);
    expect(result.tests.map((t: { name: string }) => t.name)).toEqual(["reports who the certificate was issued to (the subject CN)"]);
    expect(result.selected).toEqual({ filter: "3", ran: 1, of: 28 });

    const failing = await lesson(["2", "--check", "rejects", "--file", path.join(WORKBOOK_ROOT, "stubs/02-verified-client/exercise.ts")], state);
    expect(failing.exitCode).toBe(1);
    expect(failing.stdout).toMatch(/^0 of 13 selected checks pass\.$/m);
    expect(failing.stdout).toMatch(/^ran 13 of 28 checks \(--check rejects\): progress not changed$/m);
    expect(fs.existsSync(path.join(state, ".progress.json"))).toBe(false);
  });

  it("the learner's own file: not recorded, not counted as an attempt, a done lesson stays done", async () => {
    const root = workbook();
    const l = findLesson("5")!;
    fs.copyFileSync(path.join(root, "solutions", l.id, "exercise.ts"), path.join(root, "lessons", l.id, "exercise.ts"));
    await gradeAndReport(l, { root, stateDir: root, lab, out: sink().stream });
    const before = Progress.load(root).lesson(l.id);
    expect(before).toMatchObject({ status: "pass", attempts: 1 });
    fs.copyFileSync(path.join(root, "stubs", l.id, "exercise.ts"), path.join(root, "lessons", l.id, "exercise.ts"));
    const out = sink();
    const r = await gradeAndReport(l, { root, stateDir: root, lab, out: out.stream, check: "classifies" });
    expect(r.code).toBe(1);
    expect(out.text()).toMatch(/ran \d+ of \d+ checks \(--check classifies\): progress not changed/);
    expect(Progress.load(root).lesson(l.id)).toEqual(before);
  });

  it("a report with some checks failing gives the number of the first failing one, and that number runs it", async () => {
    const state = fs.mkdtempSync(path.join(temp, "state-"));
    const file = brokenBody();
    const full = await lesson(["2", "--file", file], state);
    expect(full.exitCode).toBe(1);
    const marks = full.stdout.split("\n").filter((l) => /^[✔✘] /.test(l));
    const n = marks.findIndex((l) => l.startsWith("✘")) + 1;
    expect(n).toBeGreaterThan(1);
    expect(full.stdout).toMatch(new RegExp(`^Only that check, faster: npm run lesson 2 -- --check ${n}$`, "m"));
    const one = await lesson(["2", "--check", String(n), "--file", file], state);
    expect(one.stdout.split("\n").filter((l) => /^[✔✘] /.test(l))).toEqual([marks[n - 1]]);
    // Every check failing (the stub): the numbers would help nobody, the line is left out.
    const stub = await lesson(["2", "--file", path.join(WORKBOOK_ROOT, "stubs/02-verified-client/exercise.ts")], state);
    expect(stub.stdout).not.toMatch(/--check/);
  });

  it("no match: a one-line error saying how to see the names, exit 2", async () => {
    const r = await lesson(["2", "--grade-solution", "--check", "no such check"], temp);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^lesson: no check of lesson 2 matches "no such check" \(.*1 to 28\): npm run lesson 2 lists them all, in order$/m);
    const zero = await lesson(["2", "--grade-solution", "--check", "0"], temp);
    expect(zero.exitCode).toBe(2);
  });

  it("the cleanup check picked alone still judges what the other checks' calls left open, and names the function that opened them", async () => {
    const file = path.join(WORKBOOK_ROOT, "test/catalog/05-reject-bad-certs/wrong/never-closes.ts");
    const r = await gradeLesson(findLesson("5")!, { file, lab, check: "leaves nothing behind" });
    expect(r.tests.map((t) => t.name)).toEqual([expect.stringMatching(/^leaves nothing behind/)]);
    expect(r.tests[0].status, r.tests[0].message).toBe("fail");
    expect(r.tests[0].message).toMatch(/still open after your functions returned \(opened by connectStrict\)/);
  });

  it("shared calls still work when only a later check runs, on every code lesson", async () => {
    for (const [key, check] of [["2", "Connection: close"], ["3", "daysLeft"], ["5", 'classifies expired as "expired"'], ["6", "honours opts.warnDays"]] as const) {
      const r = await gradeLesson(findLesson(key)!, { solution: true, lab, check });
      expect(r.status, `${key} ${check}`).toBe("pass");
      expect(r.tests).toHaveLength(1);
    }
  });
});

describe("--compare", () => {
  it("lesson 02: the solution as the learner's file gives equal columns; a broken one differs where it is broken", async () => {
    const same = sink();
    expect(await compareLesson(findLesson("2")!, { file: path.join(WORKBOOK_ROOT, "solutions/02-verified-client/exercise.ts"), out: same.stream, width: 140 })).toBe(0);
    expect(same.text()).toMatch(/input\s+│ yours\s+│ reference/);
    expect(same.text()).toMatch(/tlsGet\(expired\)\s+│ rejects CERT_HAS_EXPIRED\s+│ rejects CERT_HAS_EXPIRED/);
    expect(differing(same.text())).toEqual([]);
    expect(same.text()).toMatch(/\(0 of \d+\)/);
    expect(same.text()).not.toMatch(/pass|fail|✔|✘/i);

    const broken = sink();
    await compareLesson(findLesson("2")!, { file: brokenBody(), out: broken.stream, width: 140 });
    expect(differing(broken.text()).length).toBeGreaterThan(0);
    for (const l of differing(broken.text())) expect(l).toMatch(/^≠\s+response\s+│/);
  });

  it("lesson 05: each endpoint's rejection and classification, side by side", async () => {
    const same = sink();
    await compareLesson(findLesson("5")!, { file: path.join(WORKBOOK_ROOT, "solutions/05-reject-bad-certs/exercise.ts"), out: same.stream, width: 140 });
    expect(same.text()).toMatch(/connectStrict\(untrusted-root\)\s+│ rejects SELF_SIGNED_CERT_IN_CHAIN\s+│ rejects SELF_SIGNED_CERT_IN_CHAIN/);
    expect(differing(same.text())).toEqual([]);

    // A classifier that reads the message: the trap of SELF_SIGNED_CERT_IN_CHAIN shows.
    const file = path.join(fs.mkdtempSync(path.join(temp, "c05-")), "exercise.ts");
    const source = fs.readFileSync(path.join(WORKBOOK_ROOT, "solutions/05-reject-bad-certs/exercise.ts"), "utf8");
    fs.writeFileSync(file, source.replace("return Object.hasOwn(BY_CODE, code)", 'if (/self.signed/i.test(String((err as Error)?.message))) return "self-signed";\n  return Object.hasOwn(BY_CODE, code)'));
    const broken = sink();
    await compareLesson(findLesson("5")!, { file, out: broken.stream, width: 140 });
    const lines = broken.text().split("\n");
    const i = lines.findIndex((l) => /connectStrict\(untrusted-root\)/.test(l));
    expect(lines[i + 1]).toMatch(/^≠\s+classifyTlsError\(err\)\s+│ "self-signed"\s+│ "untrusted-root"/);
  });

  it("other lessons: a clear one-line message, exit 2", async () => {
    const r = await lesson(["4", "--compare"], temp);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--compare is for the lessons whose functions return values \(02, 03, 05, 06\)/);
  });
});
