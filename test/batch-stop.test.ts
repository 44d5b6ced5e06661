// Stopping `npm run grade` in the middle: Ctrl+C (SIGINT), kill (SIGTERM) and a closed terminal
// (SIGHUP) kill every student's process (one that ignores signals included), remove every
// temporary file and say so in one line; a grader killed with SIGKILL leaves no process
// running, and the next batch removes the folder it left. Linux: processes are found in /proc.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKBOOK_ROOT } from "../checker/paths.ts";

const L05 = "05-reject-bad-certs";
const SOLUTION_05 = fs.readFileSync(path.join(WORKBOOK_ROOT, "solutions", L05, "exercise.ts"), "utf8");
const looping = (top = "") => `${top}\n${SOLUTION_05.replace("export async function connectStrict(", "async function unused(")}\nvoid unused;\nexport async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> { void host; void port; for (;;) {} }\n`;

let base: string;
let classDir: string;

/** The batch is under way: its folder exists and its children run the harness (not the start-up probes). */
const grading = (tmp: string) => fs.readdirSync(tmp).some((n) => n.startsWith("tls-workbook-batch-")) && processesWith(tmp).filter((pid) => cmdline(pid).includes("harness.mjs")).length >= 3;

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

/** Processes whose command line mentions `marker` (the batch's private TMPDIR): the grader's children. */
function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, "utf8").includes(marker)) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

async function until(what: string, f: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startGrade(tmp: string, dir = classDir, args: string[] = ["--lessons", "5", "--jobs", "3"]) {
  fs.mkdirSync(tmp, { recursive: true });
  const child = spawn(process.execPath, [path.join(WORKBOOK_ROOT, "checker", "run.mjs"), "grade", dir, ...args], {
    cwd: WORKBOOK_ROOT,
    env: { ...process.env, TMPDIR: tmp, NODE_OPTIONS: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

const linux = process.platform === "linux" ? describe : describe.skip;

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-stop-"));
  classDir = path.join(base, "class");
  for (const [name, text] of [
    ["loops-1", looping()],
    ["loops-2", looping()],
    ["ignores-signals", looping(`for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, () => {});`)],
  ]) {
    const file = path.join(classDir, name, "lessons", L05, "exercise.ts");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
});

afterAll(() => {
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

linux("stopping npm run grade", () => {
  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    it(`${sig}: every student process killed, every temporary file removed, one line, exit ${code}`, async () => {
      const tmp = path.join(base, `tmp-${sig}`);
      const g = startGrade(tmp);
      await until("the students' processes", () => grading(tmp));
      g.child.kill(sig);
      const end = await g.exited;
      expect(end.code, g.stderr()).toBe(code);
      const lines = g.stderr().split("\n").filter((l) => l.includes("stopped"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^grade: stopped by ${sig}: \\d+ student process(es)? killed, temporary files removed`));
      await until("no process left", () => processesWith(tmp).length === 0, 3000);
      expect(fs.readdirSync(tmp)).toEqual([]);
    }, 60_000);
  }

  it("SIGKILL: no student process outlives the grader, and the next batch removes the folder it left", async () => {
    const tmp = path.join(base, "tmp-SIGKILL");
    const g = startGrade(tmp);
    await until("the students' processes", () => grading(tmp));
    g.child.kill("SIGKILL");
    await g.exited;
    await until("the children to die with the grader", () => processesWith(tmp).length === 0, 3000);
    expect(fs.readdirSync(tmp).filter((n) => n.startsWith("tls-workbook-batch-"))).toHaveLength(1); // left behind
    // The next batch (here: the quiz only, one student) cleans up what a dead grader left.
    const quizClass = path.join(base, "quiz-class");
    fs.mkdirSync(path.join(quizClass, "one", "lessons"), { recursive: true });
    const next = startGrade(tmp, quizClass, ["--lessons", "1"]);
    expect((await next.exited).code, next.stderr()).toBe(0);
    expect(fs.readdirSync(tmp)).toEqual([]);
  }, 60_000);
});
