// The instructor's workflow around `npm run grade`: re-grading one student, some lessons or
// what did not pass into the reports already there; every mistake in the options reported
// before anything is graded; the near-miss hint for a misnamed file; a wrapper folder looked
// through; and the GitHub Actions template, run the way the workflow runs it, with its job
// summary checked from a fixture.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchResult } from "../checker/batch/types.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";
import { visibleLine } from "../checker/report/escape.ts";
import { jobSummary } from "../checker/report/job-summary.ts";
import { HOSTILE_NAME, HOSTILE_OUTPUT, handBatch } from "./fixtures/batch-result.ts";

const RUN = path.join(WORKBOOK_ROOT, "checker", "run.mjs");
const L02 = "02-verified-client";
const L05 = "05-reject-bad-certs";
const sol = (id: string) => fs.readFileSync(path.join(WORKBOOK_ROOT, "solutions", id, "exercise.ts"), "utf8");
const stub = (id: string) => fs.readFileSync(path.join(WORKBOOK_ROOT, "stubs", id, "exercise.ts"), "utf8");

let base: string;
let classDir: string;

function grade(args: string[], env: NodeJS.ProcessEnv = {}) {
  const t = Date.now();
  const r = spawnSync(process.execPath, [RUN, "grade", ...args], { cwd: WORKBOOK_ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", NODE_OPTIONS: "", ...env }, timeout: 180_000 });
  return { ...r, ms: Date.now() - t };
}
const results = (out: string) => JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as BatchResult;
function put(rel: string, text: string): void {
  const f = path.join(classDir, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
}

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-workflow-"));
  classDir = path.join(base, "class");
  // ada: done; bob: lesson 05 undone; cy: lesson 05 misnamed.
  for (const [name, l05] of [["ada", sol(L05)], ["bob", stub(L05)]]) {
    put(`${name}/lessons/${L02}/exercise.ts`, `// ${name}\n${sol(L02)}`);
    put(`${name}/lessons/${L05}/exercise.ts`, `// ${name}\n${l05}`);
  }
  put(`cy/lessons/${L02}/exercise.ts`, `// cy\n${sol(L02)}`);
  put(`cy/lessons/${L05}/exercise (1).ts`, `// cy\n${sol(L05)}`);
});

afterAll(() => {
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

describe("re-grading into existing reports", () => {
  let out: string;
  beforeAll(() => {
    out = path.join(base, "reports");
    const r = grade([classDir, "--lessons", "2,5", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
  }, 180_000);

  it("names a near-miss file for the instructor: found \"exercise (1).ts\": rename it", () => {
    const cy = results(out).students.find((s) => s.student === "cy")!;
    expect(cy.lessons[L05].status).toBe("error");
    expect(cy.lessons[L05].message).toMatch(/lessons\/05-reject-bad-certs\/exercise\.ts is not in this submission: found "exercise \(1\)\.ts": rename it to exercise\.ts/);
    expect(cy.lessons[L05].message).not.toMatch(/git/);
  });

  it("--student updates that student's rows and keeps the class", () => {
    put(`bob/lessons/${L05}/exercise.ts`, `// bob, fixed\n${sol(L05)}`);
    const r = grade([classDir, "--student", "bob", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Reports \(updated\)/);
    const after = results(out);
    expect(after.students.map((s) => s.student)).toEqual(["ada", "bob", "cy"]);
    expect(after.students.find((s) => s.student === "bob")!.lessons[L05].status).toBe("pass");
    expect(fs.readFileSync(path.join(out, "grades.csv"), "utf8").split("\r\n").filter((l) => /^(ada|bob|cy),/.test(l))).toHaveLength(3);
  }, 120_000);

  it("--only failed re-grades just the lessons that did not pass, and updates them", () => {
    fs.renameSync(path.join(classDir, "cy", "lessons", L05, "exercise (1).ts"), path.join(classDir, "cy", "lessons", L05, "exercise.ts"));
    // cy's lesson 02 passed: broken now, it is not re-graded, so it stays as graded.
    const l02 = path.join(classDir, "cy", "lessons", L02, "exercise.ts");
    const kept = fs.readFileSync(l02, "utf8");
    fs.writeFileSync(l02, "export function (");
    const r = grade([classDir, "--only", "failed", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    const progress = r.stderr.split("\n").filter((l) => /^\[\d+\/\d+\]/.test(l));
    expect(progress).toHaveLength(1); // cy only
    expect(progress[0]).toMatch(/cy/);
    const after = results(out);
    expect(after.students).toHaveLength(3);
    expect(after.students.find((s) => s.student === "cy")!.lessons[L05].status).toBe("pass");
    expect(after.students.find((s) => s.student === "cy")!.lessons[L02].status).toBe("pass");
    fs.writeFileSync(l02, kept);
    const again = grade([classDir, "--only", "failed", "--out", out]);
    expect(again.stdout).toMatch(/Nothing to re-grade/);
  }, 120_000);

  it("--student given twice grades both", () => {
    const r = grade([classDir, "--student", "ada", "--student", "cy", "--lessons", "2", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.split("\n").filter((l) => /^\[\d+\/2\]/.test(l))).toHaveLength(2);
    expect(results(out).students).toHaveLength(3);
  }, 120_000);
});

it("--overrides and --lms: points set by hand in every report, and a gradebook the LMS imports", () => {
  const out = path.join(base, "lms-out");
  const overrides = path.join(base, "overrides.csv");
  fs.writeFileSync(overrides, "student,lesson,points,reason\nbob,5,7,read by hand\nnobody,5,3,\n");
  const roster = path.join(base, "roster.csv");
  fs.writeFileSync(roster, "folder,id,name,email\nada,101,Ada L,ada@example.edu\nbob,102,Bob B,bob@example.edu\n");
  const r = grade([classDir, "--lessons", "5", "--out", out, "--overrides", overrides, "--lms", "moodle", "--roster", roster]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/no student folder named nobody/);
  expect(r.stderr).toMatch(/no moodle id for 1 folder\(s\).*cy/);
  const gradebook = fs.readFileSync(path.join(out, "gradebook-moodle.csv"), "utf8");
  expect(gradebook).toMatch(/^Identifier,Full name,Email address,Grade,Maximum grade/);
  expect(gradebook).toMatch(/Participant 102,Bob B,bob@example.edu,7,10,/);
  const csv = fs.readFileSync(path.join(out, "grades.csv"), "utf8");
  expect(csv.split("\r\n").find((l) => l.startsWith("bob,"))).toMatch(/^bob,7,7,10,.*set by hand/);
  expect(fs.existsSync(path.join(out, "summary.csv"))).toBe(true);
}, 120_000);

it("takes paths from where the command was typed (INIT_CWD, as npm sets it), and keeps points set by hand on a later full run", () => {
  const out = path.join(base, "lms-out");
  const r = grade(["class", "--out", "lms-out"], { INIT_CWD: base, npm_lifecycle_event: "grade" });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/kept 1 point set by hand from the earlier reports/);
  expect(r.stderr).toMatch(/bob: \d+\/80 points/);
  const row = fs.readFileSync(path.join(out, "grades.csv"), "utf8").split("\r\n").find((l) => l.startsWith("bob,"))!;
  expect(row).toMatch(/set by hand/);
  // The progress line totals as the reports do.
  const total = row.split(",")[9]; // student, the eight lessons, total
  expect(r.stderr).toMatch(new RegExp(`bob: ${total}/80 points`));
  expect(r.stdout).toMatch(/Reports in lms-out: results\.json/);
}, 120_000);

describe("mistakes in the options stop the command before any grading, in one line", () => {
  it.each([
    [["--only", "failed"], /--only re-grades from the reports in --out/],
    [["--only", "passed", "--out", "x"], /--only takes failed or errors/],
    [["--lms", "canvas"], /--lms writes its gradebook into --out/],
    [["--lms", "blackboard", "--out", "x"], /--lms takes canvas or moodle/],
    [["--roster", "r.csv"], /--roster maps folders to LMS ids/],
    [["--student", "nobody"], /no submission named "nobody"/],
    [["--isolation", "docker"], /--isolation docker: choose auto, namespaces, user or none/],
    [["--github-summary", ""], /--github-summary needs a file/],
    [["--overrides", "/no/such/overrides.csv"], /overrides\.csv/],
  ])("%j", (args, message) => {
    const r = grade([classDir, ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.ms).toBeLessThan(15_000); // nothing was graded
    expect(r.stderr).not.toMatch(/^\[/m);
  });

  it("--only with no previous results.json in --out, and no empty --out left behind by a run that could not start", () => {
    const r = grade([classDir, "--only", "errors", "--out", path.join(base, "empty-out")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no results\.json in .* to re-grade from/);
    const s = grade([classDir, "--student", "nobody", "--out", path.join(base, "never-made")]);
    expect(s.status).toBe(2);
    expect(fs.existsSync(path.join(base, "never-made"))).toBe(false);
  });

  it("--classroom is gone (GitHub Classroom was retired): an unknown option", () => {
    const r = grade([classDir, "--classroom"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/classroom/);
  });
});

it("looks through a single wrapper folder and says so", () => {
  const wrapped = path.join(base, "wrapped");
  const f = path.join(wrapped, "tls-workbook-class", "zoe", "lessons", "01-what-tls-gives", "answers.json");
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, "{}");
  fs.mkdirSync(path.join(wrapped, "__MACOSX"));
  const r = grade([wrapped, "--lessons", "1"]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/the students are the folders in .*tls-workbook-class \(looked through the wrapper folder\)/);
  expect(r.stdout).toMatch(/zoe/);
  expect(r.stdout).not.toMatch(/__MACOSX/);
}, 60_000);

describe("the GitHub Actions template", () => {
  const workflow = fs.readFileSync(path.join(WORKBOOK_ROOT, ".github", "workflows", "grade.yml"), "utf8");

  it("checks out the instructor's grader at a pinned ref into its own folder, and uploads junit.xml and results.json", () => {
    expect(workflow).toMatch(/repository: \$\{\{ env\.GRADER_REPOSITORY \}\}/);
    expect(workflow).toMatch(/ref: \$\{\{ env\.GRADER_REF \}\}/);
    expect(workflow).toMatch(/path: grader/);
    expect(workflow).toMatch(/path: student/);
    expect(workflow).toMatch(/reports\/junit\.xml/);
    expect(workflow).toMatch(/reports\/results\.json/);
    expect(workflow).not.toMatch(/classroom-resources|autograding-grading-reporter/);
    expect(workflow).toMatch(/--no-integrity/);
    expect(fs.existsSync(path.join(WORKBOOK_ROOT, ".github", "classroom"))).toBe(false);
  });

  it("its grade step, run as the workflow runs it, writes a job summary and the reports, with no integrity signal", () => {
    const script = /- name: Grade\n(?:.*\n)*?\s+run: \|\n((?:\s{10}.*\n)+)/.exec(workflow)?.[1];
    expect(script).toBeDefined();
    const ws = path.join(base, "workspace");
    fs.mkdirSync(path.join(ws, "student", "lessons", L05), { recursive: true });
    fs.writeFileSync(path.join(ws, "student", "lessons", L05, "exercise.ts"), sol(L05)); // identical to the solution: no signal may show
    fs.mkdirSync(path.join(ws, "student", "checker"), { recursive: true });
    fs.writeFileSync(path.join(ws, "student", "checker", "run.mjs"), "console.log('the student\\'s own grader')");
    fs.symlinkSync(WORKBOOK_ROOT, path.join(ws, "grader"));
    const summary = path.join(ws, "summary.md");
    const r = spawnSync("bash", ["-e", "-c", script!], {
      cwd: ws,
      encoding: "utf8",
      env: { ...process.env, GITHUB_WORKSPACE: ws, GITHUB_REPOSITORY: "course/tls-workbook-dana", GITHUB_STEP_SUMMARY: summary, LESSONS: "5", NODE_OPTIONS: "" },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const md = fs.readFileSync(summary, "utf8");
    expect(md).toMatch(/## TLS workbook: tls-workbook-dana: 10\/10 points/);
    expect(md).toMatch(/### Lesson 05: .*: 10\/10 points/);
    expect(md).not.toMatch(/identical|integrity/i);
    const res = JSON.parse(fs.readFileSync(path.join(ws, "reports", "results.json"), "utf8")) as BatchResult;
    expect(res.students[0].flags).toEqual([]);
    expect(fs.existsSync(path.join(ws, "reports", "junit.xml"))).toBe(true);
  }, 120_000);
});

describe("the job summary, from a fixture", () => {
  const b = handBatch();
  const md = jobSummary(b);

  it("has the total per student, one table per lesson, and every failed check with its message", () => {
    for (const s of b.students) expect(md).toContain(`points`);
    const tables = md.split("\n").filter((l) => l === "| check | result | message |");
    expect(tables.length).toBeGreaterThanOrEqual(b.lessons.length);
    let failed = 0;
    for (const s of b.students)
      for (const id of b.lessons)
        for (const t of s.lessons[id]?.tests ?? []) {
          if (t.status !== "fail" || !t.message) continue;
          failed++;
          // The row of that check carries its message (escaped: compare letters and digits only).
          const row = md.split("\n").find((l) => l.startsWith("| ") && l.includes("❌") && l.replace(/[^A-Za-z0-9]/g, "").includes(visibleLine(t.name).replace(/[^A-Za-z0-9]/g, "").slice(0, 15)));
          expect(row, t.name).toBeDefined();
          const words = t.message.split(/\r?\n/).map(visibleLine).join("").replace(/[^A-Za-z0-9]/g, "").slice(0, 30);
          expect(row!.replace(/<br>/g, "").replace(/[^A-Za-z0-9]/g, "")).toContain(words);
        }
    expect(failed).toBeGreaterThan(0);
  });

  it("never passes through HTML or Markdown from what a student controls, and holds no integrity signal", () => {
    const hostile = { ...b, students: b.students.map((s, i) => (i === 0 ? { ...s, student: HOSTILE_NAME, lessons: Object.fromEntries(Object.entries(s.lessons).map(([k, l]) => [k, { ...l, tests: l.tests.map((t) => ({ ...t, status: "fail" as const, message: HOSTILE_OUTPUT, output: "| a | b |\n<img src=x>" })) }])) } : s)) };
    const text = jobSummary(hostile);
    expect(text).not.toMatch(/<script|<img|<\/details>/i);
    expect(text).not.toMatch(/\u001b|\u0000/);
    expect(text).not.toMatch(/identical to/);
    // Table rows stay rows: no raw pipe from the student's text splits a cell.
    for (const line of text.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| check"))) expect(line.replace(/\\\|/g, "").split("|").length).toBe(5);
  });
});
