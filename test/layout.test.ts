// The workbook's shape: every lesson has its README, its learner file, a pristine stub of
// that file (for --reset and check-solutions) and a reference solution.
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { LESSONS } from "../checker/manifest.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";

it.each(LESSONS.map((l) => [l.id, l] as const))("%s has README, learner file, stub and solution", (_id, lesson) => {
  expect(fs.existsSync(path.join(WORKBOOK_ROOT, "lessons", lesson.id, "README.md"))).toBe(true);
  for (const f of lesson.files)
    for (const dir of ["lessons", "stubs", "solutions"]) expect(fs.existsSync(path.join(WORKBOOK_ROOT, dir, lesson.id, f)), `${dir}/${lesson.id}/${f}`).toBe(true);
  expect(lesson.hints.length).toBeGreaterThanOrEqual(2);
});

it("stubs/ holds exactly the learner files, nothing else", () => {
  const stubs = fs.readdirSync(path.join(WORKBOOK_ROOT, "stubs")).flatMap((id) => fs.readdirSync(path.join(WORKBOOK_ROOT, "stubs", id)).map((f) => `${id}/${f}`));
  expect(stubs.sort()).toEqual(LESSONS.flatMap((l) => l.files.map((f) => `${l.id}/${f}`)).sort());
});

it("no test reads the learner's own files in lessons/: npm test passes in a copy where every lesson is solved", () => {
  const dir = path.join(WORKBOOK_ROOT, "test");
  const offenders: string[] = [];
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    fs.readFileSync(path.join(dir, f), "utf8")
      .split("\n")
      .forEach((line, i) => {
        // The workbook's root joined with lessons/ and a learner file: use stubs/ or solutions/ instead.
        if (/(WORKBOOK_ROOT|\bROOT)\b[^;]*["'`/]lessons\b/.test(line) && /exercise\.ts|answers?\.json|answer\.md|files\[0\]/.test(line)) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(offenders).toEqual([]);
});
