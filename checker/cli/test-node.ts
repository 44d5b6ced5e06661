// npm run test:node -- 22 | 24 | 26 | all | current [--refresh] [-- vitest args...]
// Runs the type check, the whole vitest suite and check-solutions under another Node, fetched
// from the npm registry (checker/node-versions.ts) and cached in .cache/node/. Closes with one
// "N passed, N failed" line that counts every version's tests.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { currentNode, nodeBuild, parseMajors, type NodeBuild } from "../node-versions.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import { runCli, UsageError } from "./common.ts";

const USAGE = "usage: npm run test:node -- <22|24|26|all|current> [--refresh] [--skip-typecheck] [--skip-solutions] [-- vitest arguments]";

interface VersionOutcome {
  version: string;
  passed: number;
  failed: number;
  /** "file > describe > test: first line of its error", for the summary: a failure in a long log is easy to miss. */
  failures: string[];
  steps: { name: string; ok: boolean; seconds: number }[];
}

/** Runs `args` under `node`, that Node's folder first on PATH (so tests that start `node` get it too). */
function step(node: NodeBuild, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(node.bin, args, {
      cwd: WORKBOOK_ROOT,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...env, PATH: `${path.dirname(node.bin)}${path.delimiter}${env.PATH ?? ""}` },
    });
    child.once("error", () => resolve(127));
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults?: { name: string; message?: string; assertionResults?: { status: string; fullName: string; failureMessages?: string[] }[] }[];
}

/** Each failed test as one line, its file relative to the project; a file that failed outside any test (a hook, an import) too. */
function failuresOf(r: VitestReport): string[] {
  const lines: string[] = [];
  const firstLine = (text: string | undefined) => (text ?? "").split("\n").find((l) => l.trim())?.trim().slice(0, 200) ?? "";
  for (const file of r.testResults ?? []) {
    const name = path.relative(WORKBOOK_ROOT, file.name) || file.name; // vitest ran there
    const failed = (file.assertionResults ?? []).filter((a) => a.status === "failed");
    for (const a of failed) lines.push(`${name} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    if (!failed.length && file.message) lines.push(`${name}: ${firstLine(file.message)}`);
  }
  return lines;
}

async function testUnder(node: NodeBuild, o: { typecheck: boolean; solutions: boolean; vitestArgs: string[] }): Promise<VersionOutcome> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // what the shell set would change the Node under test
  const outcome: VersionOutcome = { version: node.version, passed: 0, failed: 0, failures: [], steps: [] };
  const timed = async (name: string, args: string[]): Promise<boolean> => {
    process.stdout.write(`\n── Node ${node.version}: ${name} ──\n`);
    const t = performance.now();
    const ok = (await step(node, args, env)) === 0;
    outcome.steps.push({ name, ok, seconds: Math.round((performance.now() - t) / 100) / 10 });
    return ok;
  };
  const tsc = path.join("node_modules", "typescript", "bin", "tsc");
  // The checker and tests (erasable syntax only: Node strips their types), then the learner-side code.
  if (o.typecheck) for (const config of ["tsconfig.json", "tsconfig.learner.json"]) await timed(`type check (${config})`, [tsc, "-p", config]);
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-matrix-")), "vitest.json");
  try {
    await timed("vitest", [path.join("node_modules", "vitest", "vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...o.vitestArgs]);
    try {
      const r = JSON.parse(fs.readFileSync(report, "utf8")) as VitestReport;
      outcome.passed = r.numPassedTests;
      outcome.failed = r.numFailedTests;
      outcome.failures = failuresOf(r);
    } catch {
      outcome.failed += 1; // vitest wrote no report: it did not run to the end
    }
  } finally {
    fs.rmSync(path.dirname(report), { recursive: true, force: true });
  }
  if (o.solutions) await timed("check-solutions", [path.join("checker", "run.mjs"), "check-solutions"]);
  // A failed type check or check-solutions counts as one failed test, so the total shows it.
  outcome.failed += outcome.steps.filter((s) => !s.ok && s.name !== "vitest").length;
  if (outcome.steps.some((s) => s.name === "vitest" && !s.ok) && outcome.failed === 0) outcome.failed = 1;
  return outcome;
}

async function main(argv: string[]): Promise<number> {
  const dashes = argv.indexOf("--");
  const own = dashes >= 0 ? argv.slice(0, dashes) : argv;
  const vitestArgs = dashes >= 0 ? argv.slice(dashes + 1) : [];
  const { values, positionals } = parseArgs({
    args: own,
    allowPositionals: true,
    options: {
      refresh: { type: "boolean" },
      "skip-typecheck": { type: "boolean" },
      "skip-solutions": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!positionals.length) throw new UsageError(`say which Node: ${USAGE}`);
  let majors: (number | "current")[];
  try {
    majors = parseMajors(positionals);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const builds: NodeBuild[] = [];
  for (const m of majors) {
    try {
      builds.push(m === "current" ? currentNode() : await nodeBuild(m, { refresh: values.refresh, log: (l) => process.stdout.write(`${l}\n`) }));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const outcomes: VersionOutcome[] = [];
  for (const b of builds)
    outcomes.push(await testUnder(b, { typecheck: !values["skip-typecheck"], solutions: !values["skip-solutions"], vitestArgs }));
  process.stdout.write("\nNode test matrix\n");
  for (const o of outcomes) {
    const steps = o.steps.map((s) => `${s.name} ${s.ok ? "ok" : "FAILED"} (${s.seconds} s)`).join(", ");
    process.stdout.write(`  Node ${o.version.padEnd(8)} tests ${o.passed} passed, ${o.failed} failed · ${steps}\n`);
    for (const f of o.failures) process.stdout.write(`    failed: ${f}\n`);
  }
  const passed = outcomes.reduce((n, o) => n + o.passed, 0);
  const failed = outcomes.reduce((n, o) => n + o.failed, 0);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

runCli("test:node", () => main(process.argv.slice(2)));
