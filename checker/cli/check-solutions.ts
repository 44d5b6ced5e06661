// npm run check-solutions: the author's check (after rustlings' `dev check`). Every
// available lesson's reference solution must pass, and every stub (stubs/, the pristine
// copy of what lessons/ starts as) must fail and still carry its TODO markers, so a learner
// always starts from a failing, guided file.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { gradeLesson, stubFile } from "../grading/grade.ts";
import { Lab } from "../lab/lab.ts";
import { LESSONS } from "../manifest.ts";
import { countPassed, type LessonResult } from "../report/results.ts";
import { colors } from "../report/terminal.ts";
import { runCli } from "./common.ts";

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean" } } });
  const c = colors();
  const lab = await Lab.start();
  const problems: string[] = [];
  const report: { lesson: string; solution: LessonResult; stub: LessonResult }[] = [];
  try {
    for (const lesson of LESSONS.filter((l) => l.available)) {
      const pristine = stubFile(lesson);
      const [solution, stub] = await Promise.all([gradeLesson(lesson, { solution: true, lab }), gradeLesson(lesson, { file: pristine, lab })]);
      report.push({ lesson: lesson.id, solution, stub });
      const bad: string[] = [];
      if (solution.status !== "pass") {
        const failing = solution.tests.filter((t) => t.status !== "pass").map((t) => `${t.name}: ${t.message?.split("\n")[0]}`);
        bad.push(`the solution does not pass (${solution.message ?? failing.join("; ")})`);
      }
      if (stub.status !== "fail") bad.push(`the stub should fail its checks, but its status is "${stub.status}"${stub.message ? ` (${stub.message})` : ""}`);
      if (!fs.readFileSync(pristine, "utf8").includes("TODO")) bad.push("the stub has no TODO marker left");
      const s = countPassed(solution);
      const t = countPassed(stub);
      const line = `${lesson.id.padEnd(24)} solution ${s.passed}/${s.total} pass, stub ${t.passed}/${t.total} pass`;
      if (!values.json) process.stdout.write(`${bad.length ? c.red("✘") : c.green("✔")} ${line}\n${bad.map((b) => `    ${b}\n`).join("")}`);
      problems.push(...bad.map((b) => `${lesson.id}: ${b}`));
    }
  } finally {
    await lab.close();
  }
  // The graders' own servers (relays, echo clients' peers, private endpoints) must be gone too.
  await new Promise((r) => setTimeout(r, 50)); // a closed server leaves the handle list a moment later
  const left = process.getActiveResourcesInfo().filter((h) => h === "TCPServerWrap").length;
  if (left) {
    problems.push(`the graders left ${left} server(s) listening after grading`);
    if (!values.json) process.stdout.write(`${c.red("✘")} the graders left ${left} server(s) listening after grading\n`);
  }
  if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  else process.stdout.write(problems.length ? c.red(`${problems.length} problem(s).\n`) : c.green("Every solution passes and every stub fails.\n"));
  return problems.length ? 1 : 0;
}

runCli("check-solutions", () => main(process.argv.slice(2)));
