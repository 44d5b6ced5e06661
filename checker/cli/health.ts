// npm run health -- host[:port] ... [--timeout MS] [--warn-days N] [--solution | --file PATH]:
// runs the learner's lesson-06 checker on real targets and prints its table.
// Exit codes, as monitoring tools use them: 0 all PASS, 1 some WARN, 2 some FAIL or could not run.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { learnerFile } from "../grading/grade.ts";
import { findLesson } from "../manifest.ts";
import { LearnerSyntaxError } from "../sandbox/bundle.ts";
import { describeError, LearnerLoadError, Sandbox, type CallResult } from "../sandbox/sandbox.ts";
import { runCli, UsageError } from "./common.ts";

const USAGE = "usage: npm run health -- host[:port] ... [--timeout MS] [--warn-days N] [--solution | --file PATH]";
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_WARN_DAYS = 30;
/** How much longer than the checker's own timeout the sandbox waits for its answer. */
const SANDBOX_SLACK_MS = 5000;
const STUB = /^not implemented(: (\w+))?/i;

/** "host" or "host:port" (IPv6 in brackets), port 1-65535; anything else is a usage error. */
function validTarget(target: string): boolean {
  const m = /^(?:\[[0-9a-fA-F:.]+\]|[^\s:[\]/]+)(?::(\d+))?$/.exec(target);
  if (!m) return false;
  if (m[1] === undefined) return true;
  const port = Number(m[1]);
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

function wholeNumber(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`${flag} takes a whole number${min > 0 ? ` of at least ${min}` : ""}, got "${text}"`);
  return Number(text);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv);
  if (values.help) {
    process.stdout.write(
      `${USAGE}\n\nChecks each target with your tlsHealth (lessons/06-tls-health/exercise.ts) and prints\nits formatHealth table. Exit 0: all PASS; 1: some WARN; 2: some FAIL.\n`,
    );
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`no targets given. ${USAGE}`);
  // A target that is not host[:port] is the checker's to report, as a FAIL row (lesson 06's
  // own rule): the others are still checked. Said on stderr too.
  for (const bad of positionals.filter((t) => !validTarget(t))) process.stderr.write(`health: "${bad}" is not a target (host or host:port, a port from 1 to 65535): it should be a FAIL row\n`);
  if (values.file && values.solution) throw new UsageError("--file and --solution do not go together");
  const timeoutMs = wholeNumber(values.timeout, "--timeout", 1) ?? DEFAULT_TIMEOUT_MS;
  const warnDays = wholeNumber(values["warn-days"], "--warn-days", 0) ?? DEFAULT_WARN_DAYS;

  const lesson = findLesson("6")!;
  const file = learnerFile(lesson, { file: values.file, solution: values.solution });
  const shown = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file)) throw new UsageError(`${shown} does not exist`);

  // No lab here: the child trusts what this machine trusts, as the learner's own script would.
  let sandbox: Sandbox;
  try {
    sandbox = await Sandbox.start({ file, timeoutMs: timeoutMs + SANDBOX_SLACK_MS });
  } catch (err) {
    if (err instanceof LearnerSyntaxError) throw new UsageError(`could not compile ${err.message}`);
    if (err instanceof LearnerLoadError) throw new UsageError(`could not load ${shown}: ${err.detail}`);
    throw err;
  }
  try {
    const checked = await sandbox.call("tlsHealth", [positionals, { timeoutMs, warnDays }]);
    passOn(checked);
    const results = expectValue(checked, "tlsHealth", shown);
    if (!Array.isArray(results) || results.length !== positionals.length || results.some((r) => !r || typeof r !== "object"))
      throw new UsageError(`tlsHealth in ${shown} should return one result per target, got ${JSON.stringify(results)?.slice(0, 200)}`);
    const formatted = await sandbox.call("formatHealth", [results]);
    passOn(formatted);
    const table = expectValue(formatted, "formatHealth", shown);
    if (typeof table !== "string") throw new UsageError(`formatHealth in ${shown} should return a string, got ${JSON.stringify(table)?.slice(0, 200)}`);
    process.stdout.write(table.endsWith("\n") || table === "" ? table : `${table}\n`);
    // Every failure a missing CA explains (the lab's servers without NODE_EXTRA_CA_CERTS): say how to trust it.
    const untrusted = /UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN|unable to get local issuer/i;
    if (!process.env.NODE_EXTRA_CA_CERTS && results.some((r: { reason?: unknown }) => typeof r.reason === "string" && untrusted.test(r.reason)))
      process.stderr.write("health: a certificate's issuer is not trusted here. Checking the lab's servers? Trust its CA first: npm run lab prints the NODE_EXTRA_CA_CERTS=… line to put before this command.\n");
    const grades = results.map((r: { grade?: unknown }) => r.grade);
    if (grades.some((g) => g !== "PASS" && g !== "WARN")) return 2;
    return grades.includes("WARN") ? 1 : 0;
  } finally {
    await sandbox.close();
  }
}

/** What the learner's code printed goes to stderr, so stdout stays the table. */
function passOn(r: CallResult): void {
  if (r.output) process.stderr.write(r.output.endsWith("\n") ? r.output : `${r.output}\n`);
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        timeout: { type: "string" },
        "warn-days": { type: "string" },
        solution: { type: "boolean" },
        file: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    // node:util's own messages quote oddly and run over lines: say it plainly, in one.
    const e = err as { code?: string; message?: string };
    const opt = /'(-[^']*)'/.exec(e.message ?? "")?.[1];
    if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && opt) throw new UsageError(`unknown option ${opt}. ${USAGE}`);
    if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && opt) throw new UsageError(`${opt} needs a value. ${USAGE}`);
    throw new UsageError(String(e.message).split("\n")[0]);
  }
}

/** The value the call resolved with, or a one-line UsageError saying what happened instead. */
function expectValue(r: CallResult, fn: string, shown: string): unknown {
  if (r.status === "resolved") return r.value;
  if (r.status === "missing") throw new UsageError(`${shown} does not export a function named ${fn}`);
  if (r.status === "broken") throw new UsageError(`${fn} in ${shown}: ${r.message}`);
  if (STUB.test(r.error.message ?? "")) throw new UsageError(`${fn} in ${shown} is still the stub: write it first (or try the reference one with --solution)`);
  throw new UsageError(`${fn} in ${shown} threw ${describeError(r.error).split("\n")[0]}`);
}

runCli("health", () => main(process.argv.slice(2)));
