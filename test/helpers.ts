// Test helpers: grade a learner file given as source text, against a shared lab.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Progress as BatchProgress } from "../checker/batch/table.ts";
import type { BatchResult } from "../checker/batch/types.ts";
import { gradeLesson } from "../checker/grading/grade.ts";
import type { Lab } from "../checker/lab/lab.ts";
import { findLesson } from "../checker/manifest.ts";
import type { LessonResult, TestResult } from "../checker/report/results.ts";
import type { SandboxOptions } from "../checker/sandbox/sandbox.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

export const CATALOG = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "catalog");

/** Grades `file` as lesson `key` (number or slug). */
export async function gradeFile(key: string, file: string, lab?: Lab, sandbox?: Partial<SandboxOptions>): Promise<LessonResult> {
  const lesson = findLesson(key);
  if (!lesson) throw new Error(`no lesson ${key}`);
  return gradeLesson(lesson, { file, lab, sandbox });
}

/** Writes `source` to a fresh temporary .ts file and grades it. */
export async function gradeSource(key: string, source: string, lab?: Lab, sandbox?: Partial<SandboxOptions>): Promise<LessonResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-test-"));
  const file = path.join(dir, "exercise.ts");
  fs.writeFileSync(file, source);
  try {
    return await gradeFile(key, file, lab, sandbox);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function failing(r: LessonResult): TestResult[] {
  return r.tests.filter((t) => t.status !== "pass");
}

/** All failure messages of a result, joined: what a learner would read. */
export function failureText(r: LessonResult): string {
  return [r.message ?? "", ...failing(r).map((t) => `${t.name}\n${t.message ?? ""}`)].join("\n");
}

/**
 * The catalog's own shape: every file has a table entry and every entry a file, and each
 * file opens with a one-line "// Wrong: ..." or "// Right: ..." saying what it does.
 */
export function describeCatalog(label: string, dir: string, wrong: string[], right: readonly string[]): void {
  describe(`the lesson ${label} catalog`, () => {
    it("has a test case for every file and a file for every case", () => {
      const listed = (kind: string) =>
        fs
          .readdirSync(path.join(dir, kind))
          .filter((f) => f.endsWith(".ts"))
          .map((f) => f.slice(0, -3))
          .sort();
      expect(listed("wrong")).toEqual([...wrong].sort());
      expect(listed("right")).toEqual([...right].sort());
    });

    it("starts every file with a one-line comment saying what it does", () => {
      for (const kind of ["wrong", "right"])
        for (const f of fs.readdirSync(path.join(dir, kind)))
          expect(fs.readFileSync(path.join(dir, kind, f), "utf8"), `${kind}/${f}`).toMatch(kind === "wrong" ? /^\/\/ Wrong: \S/ : /^\/\/ Right: \S/);
    });
  });
}

/** What the batch's progress prints off a terminal, one string per write, for a graded class. */
export function progressLines(b: BatchResult): string[] {
  const lines: string[] = [];
  const p = new BatchProgress(b.students.length, { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream);
  for (const s of b.students) {
    p.start(s.student);
    p.finish(s, b.lessons);
  }
  p.end();
  return lines;
}

/**
 * One lab for a catalog test file, and each catalog file graded once on it however many
 * tests look at the result. Call at the top level of the test file (it registers the hooks).
 */
export function catalogGrading(key: string, dir: string) {
  const state: { lab?: Lab } = {};
  const results = new Map<string, Promise<LessonResult>>();
  const fileOf = (kind: "wrong" | "right", name: string) => path.join(dir, kind, `${name}.ts`);
  beforeAll(async () => {
    const { Lab } = await import("../checker/lab/lab.ts");
    state.lab = await Lab.start();
  });
  afterAll(async () => {
    await Promise.allSettled(results.values());
    await state.lab?.close();
  });
  return {
    fileOf,
    /** The lab of this test file (started in beforeAll). */
    lab: (): Lab => state.lab!,
    /** The .ts files of a catalog folder, by name without extension. */
    listed: (kind: "wrong" | "right") =>
      fs
        .readdirSync(path.join(dir, kind))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => f.slice(0, -3))
        .sort(),
    grade(kind: "wrong" | "right", name: string): Promise<LessonResult> {
      const file = fileOf(kind, name);
      let r = results.get(file);
      if (!r) results.set(file, (r = gradeFile(key, file, state.lab)));
      return r;
    },
  };
}
