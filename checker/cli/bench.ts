// npm run bench: time from start to verdict, side by side with a floor, in one run; and in
// watch mode, the time from saving the learner's file to the verdict on screen.
// Machines here are noisy, so runs are interleaved and we quote medians and ratios.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Lab } from "../lab/lab.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import { runCli } from "./common.ts";

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
  private constructor(private readonly dir: string, private readonly file: string, private readonly source: string) {}

  static async start(env: NodeJS.ProcessEnv): Promise<WatchRun> {
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
    w.child = spawn(process.execPath, ["--import", "tsx", entry, file], {
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

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { runs: { type: "string", default: "9" }, json: { type: "boolean" } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a whole number of at least 1");
  const lab = await Lab.start();
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const floorEnv = { ...env, NODE_EXTRA_CA_CERTS: lab.trustBundleFile };
  const ports = FLOOR_ENDPOINTS.map((n) => lab.endpoint(n).port);
  const verdict: number[] = [];
  const floor: number[] = [];
  const watchSave: number[] = [];
  const watchGrading: number[] = [];
  let watch: WatchRun | undefined;
  try {
    // One warm-up of each (tsx's transform cache, the OS file cache), then interleaved runs.
    await timeRun(process.execPath, ["--import", "tsx", "checker/cli/lesson.ts", "5", "--grade-solution", "--json"], env);
    await timeRun(process.execPath, ["-e", floorScript(ports)], floorEnv);
    watch = await WatchRun.start(env);
    await watch.save();
    for (let i = 0; i < runs; i++) {
      verdict.push(await timeRun(process.execPath, ["--import", "tsx", "checker/cli/lesson.ts", "5", "--grade-solution", "--json"], env));
      floor.push(await timeRun(process.execPath, ["-e", floorScript(ports)], floorEnv));
      const w = await watch.save();
      watchSave.push(w.ms);
      watchGrading.push(w.gradingMs);
    }
  } finally {
    await Promise.all([lab.close(), watch?.close()]);
  }
  const result = {
    runs,
    lesson05VerdictMs: Math.round(median(verdict)),
    floorMs: Math.round(median(floor)),
    ratio: Number((median(verdict) / median(floor)).toFixed(2)),
    watchSaveToVerdictMs: Math.round(median(watchSave)),
    watchGradingMs: Math.round(median(watchGrading)),
    watchToOneShot: Number((median(watchSave) / median(verdict)).toFixed(2)),
  };
  if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
  else
    process.stdout.write(
      [
        `lesson 05 verdict, start to exit (node --import tsx checker/cli/lesson.ts 5 --grade-solution): median ${result.lesson05VerdictMs} ms over ${runs} runs`,
        `floor: one bare node process, the same ${ports.length} handshakes against a running lab:               median ${result.floorMs} ms`,
        `ratio: ${result.ratio}× (targets: verdict ≤ 600 ms, ratio ≤ 5×)`,
        `watch mode, save to verdict line (lesson 05's solution, one comment changed):             median ${result.watchSaveToVerdictMs} ms (grading itself ${result.watchGradingMs} ms)`,
        `watch / one-shot: ${result.watchToOneShot}× (target: save to verdict ≤ 400 ms)`,
        "",
      ].join("\n"),
    );
  return 0;
}

runCli("bench", () => main(process.argv.slice(2)));
