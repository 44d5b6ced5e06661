// The same class gets the same grades every run, however many submissions run at once: every
// check of every lesson of every student, at --jobs 1, 4 and 8 (the lab is shared by all of a
// batch's submissions: nothing one leaves there may change another's verdict).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { discoverSubmissions } from "../checker/batch/discover.ts";
import { runBatch } from "../checker/batch/run.ts";
import { makeSampleClass } from "../checker/batch/sample-class.ts";
import type { BatchResult } from "../checker/batch/types.ts";
import { LESSONS } from "../checker/manifest.ts";

const base = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-determinism-"));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** Every verdict, by student, lesson and check: status only (messages name random ports and paths). */
function verdicts(r: BatchResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of r.students)
    for (const [id, l] of Object.entries(s.lessons)) {
      out[`${s.student} ${id}`] = l.status;
      for (const t of l.tests) out[`${s.student} ${id} ${t.name}`] = t.status;
    }
  return out;
}

it("gives identical verdicts on every check at --jobs 1, 4 and 8", async () => {
  const dir = path.join(base, "class");
  await makeSampleClass(dir, 6);
  const lessons = LESSONS.filter((l) => l.available);
  const runs: Record<string, string>[] = [];
  for (const jobs of [1, 4, 8]) runs.push(verdicts(await runBatch({ submissions: discoverSubmissions(dir), lessons, jobs })));
  expect(Object.keys(runs[0]).length).toBeGreaterThan(6 * 7 * 5);
  expect(runs[1]).toEqual(runs[0]);
  expect(runs[2]).toEqual(runs[0]);
}, 180_000);
