// npm run bench: time from start to verdict, side by side with a floor, in one run; and in
// watch mode, the time from saving the learner's file to the verdict on screen.
// Machines here are noisy, so runs are interleaved and we quote medians and ratios.
// Then the batch grader: a made-up class of 60 (solutions, stubs, half-done work), all
// lessons, `npm run grade` against the baseline of one `lesson.ts N --file` per submission
// and lesson (timed on a sample, extrapolated).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { makeSampleClass } from "../batch/sample-class.ts";
import { Lab } from "../lab/lab.ts";
import { LESSONS } from "../manifest.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import { currentNode, nodeBuild, parseMajors, type NodeBuild } from "../node-versions.ts";
import { runCli, UsageError } from "./common.ts";

/** The handshakes lesson 05's grader makes, done by one bare node process: the floor. */
const FLOOR_ENDPOINTS = ["good", "tls-v1-2", "no-common-name", "expired", "not-yet-valid", "wrong-host", "self-signed", "untrusted-root", "incomplete-chain", "tls-v1-0", "tls-v1-1", "refused", "plain-http"];

function floorScript(ports: number[]): string {
  return `const tls = require("node:tls");
Promise.all(${JSON.stringify(ports)}.map((port) => new Promise((done) => {
  const s = tls.connect({ host: "localhost", port, servername: "localhost" }, () => { s.end(); done(); });
  s.on("error", done);
}))).then(() => process.exit(0));`;
}

function timeRun(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: WORKBOOK_ROOT, env, stdio: ["ignore", "ignore", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code) => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (code !== 0) reject(new Error(`${path.basename(args[args.length - 1] ?? cmd)} exited with ${code}`));
      else resolve(ms);
    });
  });
}

/**
 * Watch mode as a learner runs it, on a temporary copy of lesson 05's solution, its output a
 * pipe: each verdict ends with a "[watch] verdict: …" line. A save is timed from the write to
 * the arrival of that line.
 */
class WatchRun {
  private child!: ChildProcess;
  private buffered = "";
  private waiter?: (line: string) => void;
  private ended?: Error;
  private saves = 0;
  private readonly dir: string;
  private readonly file: string;
  private readonly source: string;
  private constructor(dir: string, file: string, source: string) {
    this.dir = dir;
    this.file = file;
    this.source = source;
  }

  static async start(env: NodeJS.ProcessEnv, node: NodeBuild): Promise<WatchRun> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-bench-"));
    const file = path.join(dir, "exercise.ts");
    const source = fs.readFileSync(path.join(WORKBOOK_ROOT, "solutions/05-reject-bad-certs/exercise.ts"), "utf8");
    fs.writeFileSync(file, source);
    const entry = path.join(dir, "watch-entry.mts");
    const url = (p: string) => JSON.stringify(pathToFileURL(path.join(WORKBOOK_ROOT, p)).href);
    fs.writeFileSync(
      entry,
      `const { watchLesson } = await import(${url("checker/commands/watch.ts")});
const { findLesson } = await import(${url("checker/manifest.ts")});
const r = await watchLesson(findLesson("5"), { file: process.argv[2] });
process.exit(r.code);
`,
    );
    const w = new WatchRun(dir, file, source);
    w.child = spawn(node.bin, [...loaderArgs(node), entry, file], {
      cwd: WORKBOOK_ROOT,
      env: { ...env, TLS_WORKBOOK_STATE_DIR: dir },
      stdio: ["ignore", "pipe", "inherit"],
    });
    w.child.stdout!.setEncoding("utf8");
    w.child.stdout!.on("data", (chunk: string) => {
      w.buffered += chunk;
      for (let nl = w.buffered.indexOf("\n"); nl >= 0; nl = w.buffered.indexOf("\n")) {
        const line = w.buffered.slice(0, nl);
        w.buffered = w.buffered.slice(nl + 1);
        if (line.startsWith("[watch] verdict:")) w.waiter?.(line);
      }
    });
    w.child.once("exit", (code) => {
      w.ended = new Error(`the watch-mode process exited with ${code}`);
      w.waiter?.("");
    });
    await w.nextVerdict(); // the first grading, at start
    return w;
  }

  private nextVerdict(ms = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("watch mode gave no verdict in 30 s")), ms);
      this.waiter = (line) => {
        clearTimeout(timer);
        this.waiter = undefined;
        if (this.ended) reject(this.ended);
        else if (!line.includes("verdict: pass")) reject(new Error(`watch mode: expected a pass, got: ${line}`));
        else resolve(line);
      };
    });
  }

  /** Saves the file with one comment line changed; the time to the verdict and the grading time it reports. */
  async save(): Promise<{ ms: number; gradingMs: number }> {
    const verdict = this.nextVerdict();
    const t = process.hrtime.bigint();
    fs.writeFileSync(this.file, `${this.source}\n// bench save ${++this.saves}\n`);
    const line = await verdict;
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    return { ms, gradingMs: Number(/ in (\d+) ms/.exec(line)?.[1] ?? NaN) };
  }

  async close(): Promise<void> {
    if (!this.ended) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs a command to its end (any exit code), its output thrown away; the wall time in ms. */
function timeAny(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: WORKBOOK_ROOT, env, stdio: ["ignore", "ignore", "ignore"] });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, code }));
  });
}

interface BatchBench {
  students: number;
  batchMs: number;
  batchPerSubmissionMs: number;
  baselineSample: number;
  baselineSampleMs: number;
  baselinePerSubmissionMs: number;
  baselineEstimatedMs: number;
  speedup: number;
  jobs: number;
  /** With --isolation-rounds: the same class, interleaved, with the confinement this machine has and with none. */
  isolation?: { rounds: number; autoMs: number; noneMs: number; perSubmissionCostMs: number; ratio: number };
}

/**
 * The batch grader on a made-up class (checker/batch/sample-class.ts), every lesson:
 * `node checker/run.mjs grade <class>` once, start to exit; and the baseline,
 * `node checker/run.mjs lesson N --file <file> --json` once per submission and
 * lesson, one after the other, on the first `sample` submissions (the kinds
 * take turns: 9 is three of each), scaled to the class.
 */
async function benchBatch(students: number, sample: number, env: NodeJS.ProcessEnv, isolationRounds = 0): Promise<BatchBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-bench-class-"));
  try {
    const klass = await makeSampleClass(path.join(dir, "class"), students);
    await makeSampleClass(path.join(dir, "warm"), 3);
    const stateEnv = { ...env, TLS_WORKBOOK_STATE_DIR: path.join(dir, "state") }; // lesson.ts keeps progress: not in the workbook
    const grade = (d: string) => timeAny([RUN, "grade", d], env);
    const warmRun = await grade(path.join(dir, "warm"));
    if (warmRun.code !== 0) throw new Error(`npm run grade exited with ${warmRun.code} on the warm-up class`);
    const batch = await grade(path.join(dir, "class"));
    if (batch.code !== 0) throw new Error(`npm run grade exited with ${batch.code}`);
    let baselineSampleMs = 0;
    const lessons = LESSONS.filter((l) => l.available);
    for (const s of klass.slice(0, sample))
      for (const l of lessons) {
        const file = path.join(s.dir, "lessons", l.id, l.files[0]);
        baselineSampleMs += (await timeAny([RUN, "lesson", String(l.number), "--file", file, "--json"], stateEnv)).ms;
      }
    // What the operating-system confinement costs: the same class with it (auto) and without
    // (--isolation none), taking turns so that the machine's noise falls on both alike.
    let isolation: BatchBench["isolation"];
    if (isolationRounds > 0) {
      const auto: number[] = [];
      const none: number[] = [];
      for (let i = 0; i < isolationRounds; i++) {
        auto.push((await timeAny([RUN, "grade", path.join(dir, "class")], env)).ms);
        none.push((await timeAny([RUN, "grade", path.join(dir, "class"), "--isolation", "none"], env)).ms);
      }
      const autoMs = median(auto);
      const noneMs = median(none);
      isolation = { rounds: isolationRounds, autoMs: Math.round(autoMs), noneMs: Math.round(noneMs), perSubmissionCostMs: Math.round((autoMs - noneMs) / students), ratio: Number((autoMs / noneMs).toFixed(2)) };
    }
    const n = Math.min(sample, students);
    const baselinePerSubmissionMs = baselineSampleMs / n;
    const baselineEstimatedMs = baselinePerSubmissionMs * students;
    return {
      students,
      batchMs: Math.round(batch.ms),
      batchPerSubmissionMs: Math.round(batch.ms / students),
      baselineSample: n,
      baselineSampleMs: Math.round(baselineSampleMs),
      baselinePerSubmissionMs: Math.round(baselinePerSubmissionMs),
      baselineEstimatedMs: Math.round(baselineEstimatedMs),
      speedup: Number((baselineEstimatedMs / batch.ms).toFixed(1)),
      jobs: os.availableParallelism(),
      ...(isolation ? { isolation } : {}),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: "string", default: "9" },
      json: { type: "boolean" },
      students: { type: "string", default: "60" },
      "baseline-sample": { type: "string", default: "9" },
      "skip-batch": { type: "boolean" },
      "only-batch": { type: "boolean" },
      "isolation-rounds": { type: "string", default: "0" },
      node: { type: "string", default: "current" },
      "trace-cost": { type: "boolean" },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a whole number of at least 1");
  const students = Number(values.students);
  const sample = Number(values["baseline-sample"]);
  if (!Number.isInteger(students) || students < 1) throw new Error("--students takes a whole number of at least 1");
  if (!Number.isInteger(sample) || sample < 1) throw new Error("--baseline-sample takes a whole number of at least 1");
  if (values["trace-cost"]) {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const t = await benchTraceCost(runs, env);
    process.stdout.write(values.json ? JSON.stringify({ trace: t }) + "\n" : formatTraceCost(t));
    return 0;
  }
  if (values["only-batch"]) {
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const rounds = Number(values["isolation-rounds"]);
    if (!Number.isInteger(rounds) || rounds < 0) throw new Error("--isolation-rounds takes a whole number");
    const b = await benchBatch(students, sample, env, rounds);
    process.stdout.write(values.json ? JSON.stringify({ batch: b }) + "\n" : formatBatch(b));
    return 0;
  }
  let builds: NodeBuild[];
  try {
    builds = [];
    for (const m of parseMajors(values.node!.split(",")))
      builds.push(m === "current" ? currentNode() : await nodeBuild(m, { log: (l) => process.stderr.write(`${l}\n`) }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const npmStartMs = await benchNpmStart(runs, env);
  const perNode: NodeBench[] = [];
  for (const b of builds) perNode.push(await benchNode(b, runs, env));
  const batch = values["skip-batch"] ? undefined : await benchBatch(students, sample, env);
  const result = { runs, npmStartMs, nodes: perNode, ...(batch ? { batch } : {}) };
  if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
  else process.stdout.write(formatNodes(perNode, runs, npmStartMs) + (batch ? formatBatch(batch) : ""));
  return 0;
}

const RUN = path.join("checker", "run.mjs");

interface TraceCost {
  runs: number;
  lessons: { lesson: number; offMs: number; onMs: number; traceMs: number; ratio: number; traceRatio: number }[];
}

/**
 * --trace-cost: a one-shot verdict (lesson N --grade-solution --json) with the lab's connection
 * records off (TLS_WORKBOOK_TRACE=off), on (the default) and on with --trace (every check's
 * trace kept and printed), interleaved; medians and ratios. The budget: on/off ≤ 1.10.
 */
async function benchTraceCost(runs: number, env: NodeJS.ProcessEnv): Promise<TraceCost> {
  const lessons: TraceCost["lessons"] = [];
  for (const lesson of [2, 5, 8]) {
    const args = [RUN, "lesson", String(lesson), "--grade-solution", "--json"];
    const off: number[] = [];
    const on: number[] = [];
    const traced: number[] = [];
    await timeRun(process.execPath, args, env); // the bundle and the compile cache, once
    for (let i = 0; i < runs; i++) {
      off.push(await timeRun(process.execPath, args, { ...env, TLS_WORKBOOK_TRACE: "off" }));
      on.push(await timeRun(process.execPath, args, env));
      traced.push(await timeRun(process.execPath, [...args, "--trace"], env));
    }
    const [o, n, t] = [median(off), median(on), median(traced)];
    lessons.push({ lesson, offMs: Math.round(o), onMs: Math.round(n), traceMs: Math.round(t), ratio: Number((n / o).toFixed(3)), traceRatio: Number((t / o).toFixed(3)) });
  }
  return { runs, lessons };
}

function formatTraceCost(t: TraceCost): string {
  const lines = [`connection records, one-shot verdict (lesson N --grade-solution --json), medians of ${t.runs} interleaved runs:`];
  for (const l of t.lessons) lines.push(`  lesson ${String(l.lesson).padStart(2, "0")}: records off ${l.offMs} ms, on ${l.onMs} ms (${l.ratio}×), on with --trace ${l.traceMs} ms (${l.traceRatio}×)`);
  return lines.join("\n") + "\n";
}

/** What a Node needs to run the workbook's TypeScript: nothing where it strips types itself, tsx elsewhere. */
function loaderArgs(node: NodeBuild): string[] {
  return node.stripsTypes ? [] : ["--import", "tsx"];
}

interface NodeBench {
  node: string;
  loader: string;
  lesson05VerdictMs: number;
  floorMs: number;
  ratio: number;
  watchSaveToVerdictMs: number;
  watchGradingMs: number;
  watchToOneShot: number;
}

/** `npm run -s env`: what npm itself adds in front of every `npm run lesson` (subtract it to compare with bare commands). */
async function benchNpmStart(runs: number, env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const npm = process.env.npm_execpath;
  if (!npm || !/\.(c?js|mjs)$/.test(npm)) return undefined;
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) times.push(await timeRun(process.execPath, [npm, "run", "-s", "env"], env));
  return Math.round(median(times.slice(1)));
}

/**
 * One Node: lesson 05's verdict as `npm run lesson 5 -- --grade-solution --json` runs it
 * (node checker/run.mjs ...), against the floor (the same handshakes from one bare node
 * process), and watch mode's save-to-verdict, interleaved run by run.
 */
async function benchNode(node: NodeBuild, runs: number, env: NodeJS.ProcessEnv): Promise<NodeBench> {
  const lab = await Lab.start();
  const floorEnv = { ...env, NODE_EXTRA_CA_CERTS: lab.trustBundleFile };
  const ports = FLOOR_ENDPOINTS.map((n) => lab.endpoint(n).port);
  const oneShot = [RUN, "lesson", "5", "--grade-solution", "--json"];
  const verdict: number[] = [];
  const floor: number[] = [];
  const watchSave: number[] = [];
  const watchGrading: number[] = [];
  let watch: WatchRun | undefined;
  try {
    // One warm-up of each (tsx's transform cache, the OS file cache), then interleaved runs.
    await timeRun(node.bin, oneShot, env);
    await timeRun(node.bin, ["-e", floorScript(ports)], floorEnv);
    watch = await WatchRun.start(env, node);
    await watch.save();
    for (let i = 0; i < runs; i++) {
      verdict.push(await timeRun(node.bin, oneShot, env));
      floor.push(await timeRun(node.bin, ["-e", floorScript(ports)], floorEnv));
      const w = await watch.save();
      watchSave.push(w.ms);
      watchGrading.push(w.gradingMs);
    }
  } finally {
    await Promise.all([lab.close(), watch?.close()]);
  }
  return {
    node: node.version,
    loader: "bundle",
    lesson05VerdictMs: Math.round(median(verdict)),
    floorMs: Math.round(median(floor)),
    ratio: Number((median(verdict) / median(floor)).toFixed(2)),
    watchSaveToVerdictMs: Math.round(median(watchSave)),
    watchGradingMs: Math.round(median(watchGrading)),
    watchToOneShot: Number((median(watchSave) / median(verdict)).toFixed(2)),
  };
}

function formatNodes(nodes: NodeBench[], runs: number, npmStartMs: number | undefined): string {
  const head = ["Node", "loader", "one-shot", "floor", "ratio", "watch save→verdict", "(grading)"];
  const rows = nodes.map((n) => [n.node, n.loader, `${n.lesson05VerdictMs} ms`, `${n.floorMs} ms`, `${n.ratio}×`, `${n.watchSaveToVerdictMs} ms`, `${n.watchGradingMs} ms`]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [
    `lesson 05, medians of ${runs} interleaved runs: one-shot = node checker/run.mjs lesson 5 --grade-solution --json, start to exit`,
    `(what npm run lesson runs${npmStartMs !== undefined ? `; npm's own start, npm run -s env, adds ${npmStartMs} ms` : ""}); floor = the same ${FLOOR_ENDPOINTS.length} handshakes from one bare node process`,
    line(head),
    ...rows.map(line),
    "targets: one-shot ≤ 200 ms and ≤ 2.5× the floor on Node 24, ≤ 400 ms on Node 20; watch ≤ 150 ms on Node 24",
    "",
  ].join("\n");
}

function formatBatch(b: BatchBench): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `batch: npm run grade on ${b.students} made-up submissions (solutions, stubs, half-done), all lessons, --jobs ${b.jobs}: ${s(b.batchMs)} (${b.batchPerSubmissionMs} ms per submission)`,
    `baseline: lesson.ts N --file, once per submission and lesson, timed on ${b.baselineSample} submissions: ${s(b.baselineSampleMs)} (${b.baselinePerSubmissionMs} ms per submission), so ~${s(b.baselineEstimatedMs)} for ${b.students}`,
    `batch speed-up: ${b.speedup}× (targets: ≥ 4×, and under 60 s for 60 submissions)`,
    ...(b.isolation
      ? [`isolation: medians of ${b.isolation.rounds} interleaved runs, ${s(b.isolation.autoMs)} with this machine's confinement, ${s(b.isolation.noneMs)} with --isolation none: ${b.isolation.perSubmissionCostMs} ms per submission (${b.isolation.ratio}×)`]
      : []),
    "",
  ].join("\n");
}

runCli("bench", () => main(process.argv.slice(2)));
