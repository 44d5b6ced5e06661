import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeEach, expect, it } from "vitest";
import { Progress, PROGRESS_FILE } from "../checker/progress.ts";
import type { LessonResult } from "../checker/report/results.ts";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-progress-"));
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
