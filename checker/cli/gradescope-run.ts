// node checker/run.mjs gradescope-run [--check]: what run_autograder runs inside Gradescope's
// container, as root. Grades <root>/submission as one student with this (the instructor's)
// workbook, every lesson in gradescope.json, under the batch grader's confinement (the
// student's code runs as an unprivileged user), and writes <root>/results/results.json in
// Gradescope's format. <root> is AUTOGRADER_ROOT, default /autograder.
// --check (setup.sh): reads the settings and exits; the first run builds the grader.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runBatch } from "../batch/run.ts";
import { readConfig } from "../gradescope/config.ts";
import { gradescopeResults, type GradescopeResults } from "../gradescope/results.ts";
import { stageSubmission } from "../gradescope/submission.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import { describeFlag } from "../report/flags.ts";
import { runCli, UsageError } from "./common.ts";

function writeResults(resultsDir: string, r: GradescopeResults): void {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, "results.json");
  const tmp = `${file}.${crypto.randomBytes(3).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(r, null, 2) + "\n");
  fs.renameSync(tmp, file);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { check: { type: "boolean" } } });
  const config = readConfig(WORKBOOK_ROOT);
  if (values.check) {
    process.stdout.write(`gradescope-run: grades lessons ${config.lessons.map((l) => l.number).join(", ")}, tests ${config.visibility}\n`);
    return 0;
  }
  const root = path.resolve(process.env.AUTOGRADER_ROOT ?? "/autograder");
  const resultsDir = path.join(root, "results");
  const started = performance.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-gradescope-"));
  try {
    const staged = stageSubmission(path.join(root, "submission"), path.join(work, "submission"), config.lessons);
    const log: string[] = [];
    const batch = await runBatch({
      submissions: [{ student: "submission", dir: staged.dir, hasLessons: true }],
      lessons: config.lessons,
      jobs: 1,
      onIsolation: (m) => log.push(m),
      onWarning: (m) => log.push(`warning: ${m}`),
    });
    const student = batch.students[0];
    const integrity = student.flags.map((f) => `${f.lesson}: ${describeFlag(f)}`);
    const results = gradescopeResults(student, batch.lessons, {
      visibility: config.visibility,
      executionSeconds: (performance.now() - started) / 1000,
      notes: staged.notes,
      integrity,
    });
    writeResults(resultsDir, results);
    process.stdout.write(`${results.output}\n${log.join("\n")}\n`);
    return 0;
  } catch (err) {
    // Gradescope shows the student nothing without results.json: say what went wrong there too.
    const message = err instanceof UsageError ? err.message : `the autograder failed (please tell your instructor): ${(err as Error)?.message ?? String(err)}`;
    writeResults(resultsDir, { score: 0, execution_time: Math.round((performance.now() - started) / 1000), output: message, output_format: "text", stdout_visibility: "hidden", visibility: config.visibility, tests: [] });
    throw err;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

runCli("gradescope-run", () => main(process.argv.slice(2)));
