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
import { runCli, UsageError } from "./common.ts";

const USAGE = "usage: npm run grade -- <submissions-dir> [--jobs N] [--lessons 2,5] [--student NAME] [--out DIR] [--classroom]";

const HELP = `${USAGE}

  <submissions-dir>  a folder with one sub-folder per student, each a copy of the workbook
                     (its lessons/, maybe its certs/); only ever read
  --jobs N           submissions graded at the same time (default: ${defaultJobs()}, the number of cores)
  --lessons 2,5      grade only these lessons (numbers or slugs)
  --student NAME     grade only this student's sub-folder (still compared with the others)
  --out DIR          write results.json, grades.csv, junit.xml and report.html there
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

  const progress = new Progress(submissions.length);
  const result = await runBatch({
    submissions,
    others,
    lessons,
    jobs,
    onStart: (s) => progress.start(s),
    onDone: (r) => progress.finish(r, lessons.map((l) => l.id)),
    onWarning: (m) => process.stderr.write(`grade: warning: ${m}\n`),
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

runCli("grade", () => main(process.argv.slice(2)));
