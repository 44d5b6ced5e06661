import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { Progress, PROGRESS_FILE } from "../checker/progress.ts";
import type { LessonResult } from "../checker/report/results.ts";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-progress-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const result = (status: "pass" | "fail"): LessonResult => ({
  version: 3,
  lesson: "02-verified-client",
  status,
  tests: [
    { name: "a", status: "pass" },
    { name: "b", status },
  ],
});

it("a missing file is an empty progress, without a notice", () => {
  const p = Progress.load(dir);
  expect(p.data.lessons).toEqual({});
  expect(p.notice).toBeUndefined();
});

it("records attempts and the first pass, and saves atomically (no temp file left)", () => {
  const p = Progress.load(dir);
  p.recordAttempt("02-verified-client", result("fail"), new Date("2026-01-01T00:00:00Z"));
  p.recordAttempt("02-verified-client", result("pass"), new Date("2026-01-02T00:00:00Z"));
  p.recordAttempt("02-verified-client", result("pass"), new Date("2026-01-03T00:00:00Z"));
  p.save();
  expect(fs.readdirSync(dir)).toEqual([PROGRESS_FILE]);
  const again = Progress.load(dir).lesson("02-verified-client")!;
  expect(again).toMatchObject({ status: "pass", passedAt: "2026-01-02T00:00:00.000Z", lastAttempt: "2026-01-03T00:00:00.000Z", checksPassed: 2, checksTotal: 2 });
});

it("a corrupt file is kept aside and a fresh one started, with a one-line notice", () => {
  fs.writeFileSync(path.join(dir, PROGRESS_FILE), '{"version": 1, "less');
  const p = Progress.load(dir);
  expect(p.data.lessons).toEqual({});
  expect(p.notice).toMatch(/unreadable/);
  expect(p.notice!.split("\n")).toHaveLength(1);
  const kept = fs.readdirSync(dir).find((f) => f.includes(".corrupt-"))!;
  expect(fs.readFileSync(path.join(dir, kept), "utf8")).toBe('{"version": 1, "less');
});

it("a file of the wrong shape counts as corrupt", () => {
  fs.writeFileSync(path.join(dir, PROGRESS_FILE), "[1,2,3]");
  expect(Progress.load(dir).notice).toMatch(/unreadable/);
});

it("a file from before (no attempts field) reads as it is, and counting starts from there", () => {
  const old = { version: 1, lessons: { "02-verified-client": { status: "fail", lastAttempt: "2026-01-01T00:00:00.000Z", checksPassed: 1, checksTotal: 2, hintsSeen: 1 } } };
  fs.writeFileSync(path.join(dir, PROGRESS_FILE), JSON.stringify(old));
  const p = Progress.load(dir);
  expect(p.notice).toBeUndefined();
  expect(p.lesson("02-verified-client")).toEqual(old.lessons["02-verified-client"]);
  p.recordAttempt("02-verified-client", result("fail"));
  expect(p.lesson("02-verified-client")).toMatchObject({ attempts: 1, hintsSeen: 1 });
});

it("states: done (last attempt passed), current (the first not done), started (tried), not started", () => {
  const p = Progress.load(dir);
  const r = (lesson: string, status: "pass" | "fail"): LessonResult => ({ version: 3, lesson, status, tests: [{ name: "a", status }] });
  p.recordAttempt("01-what-tls-gives", r("01-what-tls-gives", "pass"));
  p.recordAttempt("03-inspect-cert", r("03-inspect-cert", "fail"));
  p.recordAttempt("04-self-signed-echo", r("04-self-signed-echo", "pass"));
  p.recordHint("05-reject-bad-certs"); // a hint is not an attempt
  expect(Object.fromEntries(p.states())).toEqual({
    "01-what-tls-gives": "done",
    "02-verified-client": "current",
    "03-inspect-cert": "started",
    "04-self-signed-echo": "done",
    "05-reject-bad-certs": "not started",
    "06-tls-health": "not started",
    "07-why-not-verify-false": "not started",
    "08-chain-of-trust": "not started",
  });
  expect(p.allPassed()).toBe(false);
});

it("a solution view counts as early only before the first pass", () => {
  const p = Progress.load(dir);
  expect(p.recordSolutionView("02-verified-client")).toBe(true);
  expect(p.lesson("02-verified-client")).toEqual({ status: "fail", solutionViewedBeforePass: true });
  p.recordAttempt("03-inspect-cert", { ...result("pass"), lesson: "03-inspect-cert" });
  expect(p.recordSolutionView("03-inspect-cert")).toBe(false);
  expect(p.lesson("03-inspect-cert")?.solutionViewedBeforePass).toBeUndefined();
});

it("open(): a corrupt file is rebuilt from a re-check of the lessons, with a one-line notice", async () => {
  fs.writeFileSync(path.join(dir, PROGRESS_FILE), "{ nope");
  const asked: string[] = [];
  const p = await Progress.open(dir, async (lessons) => {
    asked.push(...lessons.map((l) => l.id));
    return new Map<string, LessonResult | undefined>([
      ["02-verified-client", result("pass")],
      ["03-inspect-cert", { ...result("fail"), lesson: "03-inspect-cert" }],
      ["04-self-signed-echo", undefined], // untouched: not recorded
    ]);
  });
  expect(asked).toHaveLength(8);
  expect(p.notice).toMatch(/rebuilt by re-checking your lessons: 1 of 8 pass/);
  expect(p.notice!.split("\n")).toHaveLength(1);
  expect(Object.keys(Progress.load(dir).data.lessons).sort()).toEqual(["02-verified-client", "03-inspect-cert"]);
  expect(fs.readdirSync(dir).filter((f) => f.includes(".corrupt-"))).toHaveLength(1);
  // A readable file is not re-checked.
  const again = await Progress.open(dir, async () => {
    throw new Error("must not re-check");
  });
  expect(again.notice).toBeUndefined();
});

it("open(): a rebuild that fails halfway leaves the corrupt file where it was, to be rebuilt next time", async () => {
  fs.writeFileSync(path.join(dir, PROGRESS_FILE), "{ nope");
  await expect(
    Progress.open(dir, async () => {
      throw new Error("interrupted");
    }),
  ).rejects.toThrow("interrupted");
  expect(fs.readdirSync(dir)).toEqual([PROGRESS_FILE]);
  expect(fs.readFileSync(path.join(dir, PROGRESS_FILE), "utf8")).toBe("{ nope");
});

it("a done lesson whose last attempt fails is 'failing', not current: when it was first done is kept, and the first failing check with its hint", () => {
  const p = Progress.load(dir);
  const first = new Date("2026-11-20T09:05:00Z");
  p.recordAttempt("01-what-tls-gives", { ...result("pass"), lesson: "01-what-tls-gives" }, first);
  const failed: LessonResult = {
    version: 3,
    lesson: "01-what-tls-gives",
    status: "fail",
    tests: [
      { name: "a", status: "pass" },
      { name: "b", status: "fail", message: "no", hint: "do this" },
      { name: "c", status: "fail", message: "no" },
    ],
  };
  p.recordAttempt("01-what-tls-gives", failed, new Date("2026-11-22T10:00:00Z"));
  p.save();
  const again = Progress.load(dir);
  expect(again.lesson("01-what-tls-gives")).toMatchObject({ status: "fail", passedAt: first.toISOString(), firstFailing: { check: "b", hint: "do this" } });
  const states = again.states();
  expect(states.get("01-what-tls-gives")).toBe("failing");
  expect(states.get("02-verified-client")).toBe("current"); // the first lesson never done
  again.recordAttempt("01-what-tls-gives", { ...result("pass"), lesson: "01-what-tls-gives" });
  expect(again.states().get("01-what-tls-gives")).toBe("done");
  expect(again.lesson("01-what-tls-gives")?.firstFailing).toBeUndefined();
  expect(again.lesson("01-what-tls-gives")?.passedAt).toBe(first.toISOString());
});
