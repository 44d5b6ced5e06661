// npm run bench: time from start to verdict, side by side with a floor, in one run.
// Machines here are noisy, so runs are interleaved and we quote medians and ratios.
import { spawn } from "node:child_process";
import path from "node:path";
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
  try {
    // One warm-up of each (tsx's transform cache, the OS file cache), then interleaved runs.
    await timeRun(process.execPath, ["--import", "tsx", "checker/cli/lesson.ts", "5", "--grade-solution", "--json"], env);
    await timeRun(process.execPath, ["-e", floorScript(ports)], floorEnv);
    for (let i = 0; i < runs; i++) {
      verdict.push(await timeRun(process.execPath, ["--import", "tsx", "checker/cli/lesson.ts", "5", "--grade-solution", "--json"], env));
      floor.push(await timeRun(process.execPath, ["-e", floorScript(ports)], floorEnv));
    }
  } finally {
    await lab.close();
  }
  const result = {
    runs,
    lesson05VerdictMs: Math.round(median(verdict)),
    floorMs: Math.round(median(floor)),
    ratio: Number((median(verdict) / median(floor)).toFixed(2)),
  };
  if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
  else
    process.stdout.write(
      [
        `lesson 05 verdict, start to exit (node --import tsx checker/cli/lesson.ts 5 --grade-solution): median ${result.lesson05VerdictMs} ms over ${runs} runs`,
        `floor: one bare node process, the same ${ports.length} handshakes against a running lab:               median ${result.floorMs} ms`,
        `ratio: ${result.ratio}× (targets: verdict ≤ 600 ms, ratio ≤ 5×)`,
        "",
      ].join("\n"),
    );
  return 0;
}

runCli("bench", () => main(process.argv.slice(2)));
