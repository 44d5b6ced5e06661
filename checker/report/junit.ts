// junit.xml: a <testsuite> per student, a <testcase> per check (classname = the lesson id).
// A failed check has <failure>, a check the grader could not run and a lesson that could
// not be graded at all (missing file, syntax error: one testcase of its own) have <error>,
// a skipped check has <skipped/>; what the code printed goes to <system-out>. The counts in
// the attributes are computed from the testcases written, so they always agree.
// Integrity signals are <properties> of the student's suite: "identical to the reference
// solution" per flag, and one per lesson for a file shared with others, naming every other
// student of its cluster (flags.ts): four students with one file make one property each, not
// three.
import type { BatchResult, StudentResult } from "../batch/types.ts";
import { flagClusters, studentSignals } from "./flags.ts";
import type { TestStatus } from "./results.ts";
import { visibleName, xmlAttr, xmlText } from "./escape.ts";

interface Case {
  lesson: string;
  name: string;
  status: TestStatus;
  message?: string;
  output?: string;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** The check cases of one student, in lesson order; a lesson without checks becomes one error case. */
export function junitCases(s: StudentResult, lessons: string[]): Case[] {
  const cases: Case[] = [];
  for (const lesson of lessons) {
    const r = s.lessons[lesson];
    if (!r) cases.push({ lesson, name: "(not graded)", status: "error", message: "no result for this lesson" });
    else if (r.tests.length === 0) cases.push({ lesson, name: "(could not grade)", status: "error", message: r.message ?? "could not grade" });
    else for (const t of r.tests) cases.push({ lesson, name: t.name, status: t.status, message: t.message, output: t.output });
  }
  return cases;
}

function count(cases: Case[]): Counts {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.status === "fail").length,
    errors: cases.filter((c) => c.status === "error").length,
    skipped: cases.filter((c) => c.status === "skip").length,
  };
}

const countAttrs = (c: Counts) => `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"`;
const firstLine = (s: string) => s.split("\n")[0];

function testcase(c: Case): string {
  const head = `    <testcase name="${xmlAttr(c.name)}" classname="${xmlAttr(c.lesson)}"`;
  const body: string[] = [];
  const message = c.message ?? "";
  if (c.status === "fail") body.push(`      <failure message="${xmlAttr(firstLine(message))}" type="fail">${xmlText(message)}</failure>`);
  if (c.status === "error") body.push(`      <error message="${xmlAttr(firstLine(message))}" type="error">${xmlText(message)}</error>`);
  if (c.status === "skip") body.push(`      <skipped message="${xmlAttr(firstLine(message))}"/>`);
  if (c.output) body.push(`      <system-out>${xmlText(c.output)}</system-out>`);
  return body.length ? `${head}>\n${body.join("\n")}\n    </testcase>` : `${head}/>`;
}

export function junitXml(result: BatchResult): string {
  const suites: string[] = [];
  const all: Case[] = [];
  let seconds = 0;
  const clusters = flagClusters(result.students, result.lessons);
  for (const s of result.students) {
    const cases = junitCases(s, result.lessons);
    all.push(...cases);
    seconds += s.ms / 1000;
    const props = studentSignals(s, clusters, visibleName).map((f) => `      <property name="integrity flag" value="${xmlAttr(`${f.lesson}: ${f.text}`)}"/>`);
    suites.push(
      [
        `  <testsuite name="${xmlAttr(visibleName(s.student))}" ${countAttrs(count(cases))} time="${(s.ms / 1000).toFixed(3)}" timestamp="${xmlAttr(result.generatedAt)}">`,
        ...(props.length ? ["    <properties>", ...props, "    </properties>"] : []),
        ...cases.map(testcase),
        "  </testsuite>",
      ].join("\n"),
    );
  }
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="tls-workbook" ${countAttrs(count(all))} time="${seconds.toFixed(3)}">`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
}
