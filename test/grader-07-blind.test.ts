// Lesson 07 against its blind corpus: answers written by helper sessions that saw only the
// lesson's README and the empty answer.md (never the grader, its tests or the reference
// answer), many voices and Englishes. honest/ are answers a fair teacher accepts; wrong/
// are plausible answers a fair teacher rejects (each folder's INDEX-*.md says who wrote what,
// and each wrong one's flaw). The grader must pass at least 95% of the first and fail at least
// 90% of the second (today: all of both but one fragment with no main verb).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOG, failureText, gradeFile } from "./helpers.ts";

const DIR = path.join(CATALOG, "07-why-not-verify-false", "blind");
const answers = (kind: "honest" | "wrong") =>
  fs
    .readdirSync(path.join(DIR, kind))
    .filter((f) => f.endsWith(".md") && !f.startsWith("INDEX"))
    .sort()
    .map((f) => path.join(DIR, kind, f));

describe("lesson 07 on answers written blind", () => {
  it("passes at least 95% of at least 60 honest answers", async () => {
    const files = answers("honest");
    expect(files.length).toBeGreaterThanOrEqual(60);
    const failed: string[] = [];
    for (const f of files) {
      const r = await gradeFile("7", f);
      if (r.status !== "pass") failed.push(`${path.basename(f)}:\n${failureText(r)}`);
    }
    const rate = (files.length - failed.length) / files.length;
    expect(rate, `honest answers failed (${failed.length} of ${files.length}):\n${failed.join("\n\n")}`).toBeGreaterThanOrEqual(0.95);
  });

  it("fails at least 90% of at least 30 plausible bad answers", async () => {
    const files = answers("wrong");
    expect(files.length).toBeGreaterThanOrEqual(30);
    const passed: string[] = [];
    for (const f of files) if ((await gradeFile("7", f)).status === "pass") passed.push(path.basename(f));
    const rate = (files.length - passed.length) / files.length;
    expect(rate, `bad answers that passed: ${passed.join(", ")}`).toBeGreaterThanOrEqual(0.9);
  });
});
