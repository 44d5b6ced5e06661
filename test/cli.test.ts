// The lesson command as a learner runs it: exit codes, one-line errors, JSON, no colour off a TTY.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, expect, it } from "vitest";
import { hasGrader } from "../checker/graders/index.ts";
import { LESSONS } from "../checker/manifest.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-cli-"));
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

function lesson(...args: string[]) {
  return execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "lesson", ...args], {
    cwd: WORKBOOK_ROOT,
    reject: false,
    env: { TLS_WORKBOOK_STATE_DIR: stateDir, NO_COLOR: undefined, FORCE_COLOR: undefined },
    stdin: "ignore",
  });
}

function tempFile(source: string): string {
  const dir = fs.mkdtempSync(path.join(stateDir, "f-"));
  const file = path.join(dir, "exercise.ts");
  fs.writeFileSync(file, source);
  return file;
}

const ANSI = /\x1b\[/;
const oneLine = (s: string) => s.trim().split("\n").length === 1;

it.each(["99", "abc"])("an unknown lesson (%s) is a one-line error listing the lessons, exit 2", async (key) => {
  const r = await lesson(key);
  expect(r.exitCode).toBe(2);
  expect(oneLine(r.stderr)).toBe(true);
  expect(r.stderr).toMatch(/unknown lesson/);
  expect(r.stderr).toMatch(/2 verified-client/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

it("no lesson and no TTY: the lesson list with states and how to pick one, exit 2", async () => {
  const dir = fs.mkdtempSync(path.join(stateDir, "list-"));
  fs.writeFileSync(
    path.join(dir, ".progress.json"),
    JSON.stringify({ version: 1, lessons: { "01-what-tls-gives": { status: "pass", lastAttempt: "2026-01-01T00:00:00.000Z", passedAt: "2026-01-01T00:00:00.000Z" } } }),
  );
  const r = await execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "lesson"], {
    cwd: WORKBOOK_ROOT,
    reject: false,
    env: { TLS_WORKBOOK_STATE_DIR: dir, NO_COLOR: undefined, FORCE_COLOR: undefined },
    stdin: "ignore",
  });
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toMatch(/npm run lesson <number>/);
  expect(r.stderr).toMatch(/1\s+what-tls-gives\s+done/);
  expect(r.stderr).toMatch(/2\s+verified-client\s+current/);
  expect(r.stderr).toMatch(/5\s+reject-bad-certs\s+not started/);
  expect(r.stderr).toMatch(/1\/8 done/);
  expect(r.stderr).not.toMatch(ANSI);
});

it.each([
  [["2", "--watch", "--hint"], /^lesson: --watch and --hint do not go together/],
  [["2", "--manual", "--solution"], /^lesson: --manual and --solution do not go together/],
  [["2", "--solution", "--grade-solution"], /^lesson: --solution and --grade-solution do not go together/],
  [["2", "--force"], /^lesson: --force goes with --solution or --reset/],
  [["2", "--watch", "--json"], /^lesson: --json does not go with --watch/],
  [["2", "--hint", "--live"], /^lesson: --live does not go with --hint/],
  [["2", "--reset", "--file", "x.ts"], /^lesson: --file does not go with --reset/],
  [["2", "--grade-solution", "--file", "x.ts"], /^lesson: --file does not go with --grade-solution/],
  [["--watch"], /^lesson: --watch needs a lesson/],
  [["2", "--check", "body", "--live"], /^lesson: --check does not go with --live/],
  [["2", "--hint", "--check", "body"], /^lesson: --check does not go with --hint/],
  [["2", "--compare", "--json"], /^lesson: --json does not go with --compare/],
  [["2", "--check", " "], /^lesson: --check needs part of a check's name, or its number/],
])("%j is a one-line error, exit 2", async (args, message) => {
  const r = await lesson(...args);
  expect(r.exitCode).toBe(2);
  expect(oneLine(r.stderr)).toBe(true);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe("");
});

it("--help lists every option", async () => {
  const r = await lesson("--help");
  expect(r.exitCode).toBe(0);
  for (const o of ["--watch", "--manual", "--hint", "--check", "--compare", "--solution", "--force", "--reset", "--grade-solution", "--file", "--live", "--json", "--trace"]) expect(r.stdout).toContain(o);
});

it("a lesson is available exactly when its grader file exists", () => {
  for (const l of LESSONS) expect(l.available, l.id).toBe(fs.existsSync(path.join(WORKBOOK_ROOT, "checker/graders", `${l.id}.ts`)));
  expect(hasGrader("99-not-a-lesson")).toBe(false);
  expect(hasGrader("../cli/lesson")).toBe(false);
});

it("an unknown flag is a one-line error, exit 2", async () => {
  const r = await lesson("2", "--bogus");
  expect(r.exitCode).toBe(2);
  expect(oneLine(r.stderr)).toBe(true);
  expect(r.stderr).toMatch(/--bogus/);
});

it("--grade-solution --json prints one results.json v3 object and exits 0", async () => {
  const r = await lesson("5", "--grade-solution", "--json");
  expect(r.exitCode).toBe(0);
  const result = JSON.parse(r.stdout);
  expect(result).toMatchObject({ version: 3, lesson: "05-reject-bad-certs", status: "pass" });
  expect(result.tests.length).toBeGreaterThan(20);
  for (const t of result.tests) expect(Object.keys(t).every((k) => ["name", "status", "message", "output"].includes(k))).toBe(true);
});

it("a passing --file is not called done: progress counts only the learner's own file", async () => {
  const r = await lesson("1", "--file", path.join(WORKBOOK_ROOT, "solutions/01-what-tls-gives/answers.json"));
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/All 13 checks pass for .*answers\.json \(your progress is not changed/);
  expect(r.stdout).not.toMatch(/Lesson 1 is done/);
});

it("the stub fails (exit 1) with one ✘ line per check and no colour off a TTY", async () => {
  const r = await lesson("2", "--file", path.join(WORKBOOK_ROOT, "stubs/02-verified-client/exercise.ts"));
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toMatch(/^Lesson 02 · A verified TLS client/);
  expect(r.stdout).toMatch(/✘ connects to a valid server/);
  expect(r.stdout).toMatch(/tlsGet is still the stub/);
  // Said once, with the count, not once per check.
  expect(r.stdout.match(/tlsGet is still the stub/g)).toHaveLength(1);
  expect(r.stdout).toMatch(/^\d+ of the checks above fail the same way:$/m);
  expect(r.stdout).toMatch(/npm run lesson 2 -- --hint/);
  expect(r.stdout).not.toMatch(ANSI);
});

it("an untouched stub earns no check, not even the ones it passes by doing nothing", async () => {
  const r = await lesson("5", "--file", path.join(WORKBOOK_ROOT, "stubs/05-reject-bad-certs/exercise.ts"), "--json");
  expect(r.exitCode).toBe(1);
  const result = JSON.parse(r.stdout);
  expect(result.tests.filter((t: { status: string }) => t.status === "pass")).toEqual([]);
  expect(result.tests.find((t: { name: string }) => t.name.startsWith("leaves nothing behind")).message).toMatch(/not checked yet: every function .* is still the stub/);
});

it("a syntax error: exit 2, the learner's file:line, no grader stack", async () => {
  const file = tempFile("export async function tlsGet(host: string {\n}\n");
  const r = await lesson("2", "--file", file, "--json");
  expect(r.exitCode).toBe(2);
  const result = JSON.parse(r.stdout);
  expect(result.status).toBe("error");
  expect(result.message).toMatch(/exercise\.ts:1:\d+/);
});

it("a missing file: exit 2 with a clear message", async () => {
  const r = await lesson("2", "--file", path.join(stateDir, "nope.ts"));
  expect(r.exitCode).toBe(2);
  expect(r.stdout).toMatch(/nope\.ts does not exist/);
});

it("--hint shows the hints one more at a time and records the count", async () => {
  const first = await lesson("2", "--hint");
  expect(first.exitCode).toBe(0);
  expect(first.stdout).toMatch(/Hint 1 of 3/);
  expect(first.stdout).not.toMatch(/Hint 2/);
  const second = await lesson("2", "--hint");
  expect(second.stdout).toMatch(/Hint 1 of 3[\s\S]*Hint 2 of 3/);
  const progress = JSON.parse(fs.readFileSync(path.join(stateDir, ".progress.json"), "utf8"));
  expect(progress.lessons["02-verified-client"].hintsSeen).toBe(2);
});

it("--trace draws each connection after the verdict, in 80 columns; --json carries it in each test's trace", async () => {
  const r = await lesson("5", "--grade-solution", "--trace");
  expect(r.exitCode).toBe(0);
  const [verdict, traces] = r.stdout.split("Connections your code made, check by check (--trace):");
  expect(verdict).toMatch(/All \d+ checks pass/);
  expect(traces).toMatch(/ClientHello: SNI localhost/);
  expect(traces).toMatch(/alert 70 protocol_version/);
  expect(traces).toMatch(/Certificate: CN=expired-.*\n.*EXPIRED/);
  // The diagrams fit 80 columns (check names are as long as they are in the verdict too).
  for (const line of traces.split("\n").filter((l) => !/^[✔✘]/.test(l))) expect([...line].length).toBeLessThanOrEqual(80);
  const j = await lesson("5", "--grade-solution", "--json", "--trace");
  const result = JSON.parse(j.stdout);
  const expired = result.tests.find((t: { name: string }) => t.name.includes("(expired)"));
  expect(expired.trace.some((t: { endpoint: string; end?: { by: string } }) => t.endpoint === "expired" && t.end?.by === "client")).toBe(true);
  // Without --trace a passing check carries none.
  const plain = JSON.parse((await lesson("5", "--grade-solution", "--json")).stdout);
  expect(plain.tests.some((t: { trace?: unknown }) => t.trace)).toBe(false);
});

it("a failing network check shows its own connection without --trace", async () => {
  const file = tempFile(
    fs.readFileSync(path.join(WORKBOOK_ROOT, "solutions/02-verified-client/exercise.ts"), "utf8").replace("servername: host }", "servername: host, rejectUnauthorized: false }"),
  );
  const r = await lesson("2", "--file", file);
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toMatch(/what happened on the wire:/);
  expect(r.stdout).not.toMatch(/check by check \(--trace\)/);
});
