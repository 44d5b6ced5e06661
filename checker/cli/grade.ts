// npm run grade -- <submissions-dir>: the instructor's command. Grades every lesson of every
// submission (one sub-folder per student, each with its lessons/ and maybe certs/) against
// one shared lab, several submissions at a time, each in confined children working on a
// temporary copy. Prints a progress bar (stderr), then the class table (stdout).
// Exit codes: 0 the batch ran (whatever the students scored), 2 it could not run.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { defaultJobs, discoverSubmissions, parseJobs, parseLessons, type Submission } from "../batch/discover.ts";
import { isInside } from "../batch/isolation.ts";
import { runBatch } from "../batch/run.ts";
import { Progress, renderTable } from "../batch/table.ts";
import type { BatchResult } from "../batch/types.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import { colors } from "../report/terminal.ts";
import { candidates, refusal, type Confinement } from "../sandbox/confine.ts";
import { killAllSandboxes } from "../sandbox/sandbox.ts";
import { runCli, UsageError } from "./common.ts";

const USAGE = "usage: npm run grade -- <submissions-dir> [--jobs N] [--lessons 2,5] [--student NAME] [--out DIR] [--isolation MODE] [--classroom]";

const HELP = `${USAGE}

  <submissions-dir>  a folder with one sub-folder per student, each a copy of the workbook
                     (its lessons/, maybe its certs/); only ever read
  --jobs N           submissions graded at the same time (default: ${defaultJobs()}, the number of cores)
  --lessons 2,5      grade only these lessons (numbers or slugs)
  --student NAME     grade only this student's sub-folder (still compared with the others)
  --out DIR          write results.json, grades.csv, junit.xml and report.html there
  --isolation MODE   auto (default: the strongest this machine has), namespaces,
                     user (root only: an unprivileged user per submission), or none
                     (Node's permission model only); see the README's isolation section
  --classroom        print the GitHub Classroom autograding output instead of the table;
                     without <submissions-dir>, grades this workbook as one submission

Exit code 0 when the batch ran, whatever the students scored; 2 when it could not run.`;

interface Reports {
  writeReports(result: BatchResult, outDir: string): Promise<string[]>;
  classroomOutput(result: BatchResult): string;
}

/** The report writers (checker/report/batch-reports.ts), loaded only when asked for. */
async function loadReports(what: string): Promise<Reports> {
  try {
    return (await import("../report/batch-reports.ts")) as Reports;
  } catch (err) {
    throw new UsageError(`${what} is not available: checker/report/batch-reports.ts could not be loaded (${(err as Error).message.split("\n")[0]})`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      jobs: { type: "string" },
      lessons: { type: "string" },
      student: { type: "string" },
      out: { type: "string" },
      classroom: { type: "boolean" },
      isolation: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`one submissions folder at a time, got: ${positionals.join(" ")}. ${USAGE}`);
  const dir = positionals[0];
  if (dir === undefined && !values.classroom) throw new UsageError(`which folder? ${USAGE}`);
  if (dir !== undefined && dir.trim() === "") throw new UsageError(`the submissions folder is an empty string. ${USAGE}`);
  if (values.student !== undefined && dir === undefined) throw new UsageError("--student picks a sub-folder of <submissions-dir>: give the folder too");
  if (values.student !== undefined && values.student.trim() === "") throw new UsageError("--student needs a name (a sub-folder of <submissions-dir>)");
  const lessons = parseLessons(values.lessons);
  const jobs = parseJobs(values.jobs);
  const confine = isolationMode(values.isolation);

  // Everything that could stop the batch is checked before it starts.
  let submissions: Submission[];
  let others: Submission[] = [];
  if (dir === undefined) {
    submissions = [{ student: path.basename(WORKBOOK_ROOT), dir: WORKBOOK_ROOT, hasLessons: fs.existsSync(path.join(WORKBOOK_ROOT, "lessons")) }];
  } else {
    const all = discoverSubmissions(dir);
    submissions = values.student === undefined ? all : discoverSubmissions(dir, { student: values.student });
    // With --student, the others are still compared with (integrity signals), never graded.
    if (values.student !== undefined) others = all.filter((s) => s.student !== values.student);
  }
  let outDir: string | undefined;
  if (values.out !== undefined) {
    if (values.out.trim() === "") throw new UsageError("--out needs a folder");
    outDir = path.resolve(values.out);
    if (dir !== undefined && isInside(path.resolve(dir), outDir))
      throw new UsageError(`--out ${values.out} is inside the submissions folder: choose a folder outside it (the grader never writes among the students' work)`);
    try {
      fs.mkdirSync(outDir, { recursive: true });
    } catch (err) {
      throw new UsageError(`cannot create --out ${values.out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  const reports = outDir !== undefined || values.classroom ? await loadReports(values.classroom ? "--classroom" : "--out") : undefined;

  // Ctrl+C, kill, or the terminal closing: every student's process is killed now (SIGKILL, so
  // one that ignores signals goes too) and the batch's temporary folder goes with our exit.
  const stop = (sig: NodeJS.Signals, code: number) => {
    const killed = killAllSandboxes();
    try {
      process.stderr.write(`\ngrade: stopped by ${sig}: ${killed} student process${killed === 1 ? "" : "es"} killed, temporary files removed, no reports written\n`);
    } catch {
      // the terminal is gone (SIGHUP): nobody to tell
    }
    process.exit(code);
  };
  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) process.once(sig, () => stop(sig, code));

  const progress = new Progress(submissions.length);
  const result = await runBatch({
    submissions,
    others,
    lessons,
    jobs,
    confine,
    onStart: (s) => progress.start(s),
    onDone: (r) => progress.finish(r, lessons.map((l) => l.id)),
    onWarning: (m) => process.stderr.write(`grade: warning: ${m}\n`),
    onIsolation: (m) => process.stderr.write(`grade: ${m}\n`),
  });
  progress.end();

  // With --classroom, stdout is for GitHub's reporter: the table goes to the log (stderr).
  const table = renderTable(result, colors(values.classroom ? process.stderr : process.stdout));
  if (values.classroom) process.stderr.write(table);
  else process.stdout.write(table);
  if (reports && outDir !== undefined) {
    const written = await reports.writeReports(result, outDir);
    (values.classroom ? process.stderr : process.stdout).write(`\nReports: ${written.map((f) => path.relative(process.cwd(), f) || f).join(", ")}\n`);
  }
  if (reports && values.classroom) process.stdout.write(reports.classroomOutput(result));
  return 0;
}

/** --isolation: checked before anything is graded; a mode this machine lacks is a one-line error. */
function isolationMode(mode: string | undefined): boolean | Confinement {
  if (mode === undefined || mode === "auto") return true;
  if (mode === "none") return false;
  const kind = ({ namespaces: "namespaces", user: "separate-user" } as const)[mode as "namespaces" | "user"];
  if (!kind) throw new UsageError(`--isolation ${mode}: choose auto, namespaces, user or none`);
  const tried = candidates(kind);
  if (tried.length === 0) throw new UsageError(`--isolation ${mode}: needs the grader to run as root (an unprivileged user per submission)`);
  const reasons: string[] = [];
  for (const c of tried) {
    const why = refusal(c);
    if (!why) return c;
    reasons.push(why);
  }
  throw new UsageError(`--isolation ${mode} is not available on this machine: ${reasons.join("; ")}`);
}

runCli("grade", () => main(process.argv.slice(2)), { handlesSignals: true });
