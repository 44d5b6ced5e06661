// npm run grade -- <submissions-dir>: the instructor's command. Grades every lesson of every
// submission (one sub-folder per student, each with its lessons/ and maybe certs/) against
// one shared lab, several submissions at a time, each in confined children working on a
// temporary copy. Prints a progress bar (stderr), then the class table (stdout).
// Exit codes: 0 the batch ran (whatever the students scored), 2 it could not run.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { defaultJobs, discoverClass, parseJobs, parseLessons } from "../batch/discover.ts";
import { isInside } from "../batch/isolation.ts";
import { runBatch } from "../batch/run.ts";
import { defaultWidth, Progress, renderTable } from "../batch/table.ts";
import { LESSONS } from "../manifest.ts";
import { visibleName } from "../report/escape.ts";
import type { BatchResult, StudentResult } from "../batch/types.ts";
import { mergeResults, pickForRegrade, readPrevious } from "../report/merge.ts";
import { colors } from "../report/terminal.ts";
import { candidates, refusal, type Confinement } from "../sandbox/confine.ts";
import { killAllSandboxesAndWait } from "../sandbox/sandbox.ts";
import { runCli, UsageError } from "./common.ts";

const USAGE =
  "usage: npm run grade -- <submissions-dir> [--jobs N] [--lessons 2,5] [--student NAME]... [--only failed|errors] [--out DIR] [--overrides FILE] [--lms canvas|moodle [--roster FILE]] [--github-summary FILE] [--no-integrity] [--isolation MODE]";

const HELP = `${USAGE}

  <submissions-dir>  a folder with one sub-folder per student, each a copy of the workbook
                     (its lessons/, maybe its certs/); only ever read. A single wrapper
                     folder (a zip's) is looked through; __MACOSX and the like are no students
  --jobs N           submissions graded at the same time (default: ${defaultJobs()}, the number of cores)
  --lessons 2,5      grade only these lessons (numbers or slugs)
  --student NAME     grade only this student's sub-folder (repeat for several); still
                     compared with the others
  --only failed      re-grade, from the results.json in --out, every lesson that did not
                     pass (--only errors: that could not be graded); the reports are updated
  --out DIR          write results.json, grades.csv, junit.xml, report.html and summary.csv
                     there; a partial run (--student, --lessons, --only) updates the
                     students' rows of the reports already there
  --overrides FILE   points set by hand (student,lesson,points,reason), merged into every report
  --lms KIND         also write a gradebook for canvas or moodle into --out (ids from the
                     folder names, or from --roster FILE)
  --github-summary FILE
                     append a Markdown summary (GitHub Actions' $GITHUB_STEP_SUMMARY)
  --no-integrity     no integrity signals anywhere (the run a student sees)
  --isolation MODE   auto (default: the strongest this machine has), namespaces,
                     user (root only: an unprivileged user per submission), or none
                     (Node's permission model only); see the README's isolation section

Exit code 0 when the batch ran, whatever the students scored; 2 when it could not run.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      jobs: { type: "string" },
      lessons: { type: "string" },
      student: { type: "string", multiple: true },
      only: { type: "string" },
      out: { type: "string" },
      overrides: { type: "string" },
      lms: { type: "string" },
      roster: { type: "string" },
      "github-summary": { type: "string" },
      "no-integrity": { type: "boolean" },
      isolation: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  // Paths are the instructor's, relative to where they typed the command: `npm run grade` runs
  // us in the workbook and says where that was in INIT_CWD (only trusted from npm's own run of this script).
  const here = process.env.npm_lifecycle_event === "grade" && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
  const at = (p: string) => path.resolve(here, p);
  // Every mistake in how the command was called is found here, before 20 s of grading.
  if (positionals.length > 1) throw new UsageError(`one submissions folder at a time, got: ${positionals.join(" ")}. ${USAGE}`);
  const dir = positionals[0];
  if (dir === undefined) throw new UsageError(`which folder? ${USAGE}`);
  if (dir.trim() === "") throw new UsageError(`the submissions folder is an empty string. ${USAGE}`);
  const names = values.student ?? [];
  if (names.some((n) => n.trim() === "")) throw new UsageError("--student needs a name (a sub-folder of <submissions-dir>)");
  if (values.only !== undefined && values.only !== "failed" && values.only !== "errors") throw new UsageError(`--only takes failed or errors, got "${values.only}"`);
  if (values.only !== undefined && values.out === undefined) throw new UsageError("--only re-grades from the reports in --out: give --out with the folder of a previous run");
  if (values.lms !== undefined && values.lms !== "canvas" && values.lms !== "moodle") throw new UsageError(`--lms takes canvas or moodle, got "${values.lms}"`);
  if (values.lms !== undefined && values.out === undefined) throw new UsageError("--lms writes its gradebook into --out: give --out too");
  if (values.roster !== undefined && values.lms === undefined) throw new UsageError("--roster maps folders to LMS ids: give --lms canvas or --lms moodle too");
  let lessons = parseLessons(values.lessons);
  const jobs = parseJobs(values.jobs);
  const confine = isolationMode(values.isolation);
  const overrides = values.overrides !== undefined ? (await import("../report/overrides.ts")).readOverrides(at(values.overrides), LESSONS) : undefined;
  const lms = values.lms !== undefined ? await import("../report/lms.ts") : undefined;
  const roster = lms && values.roster !== undefined ? lms.readRoster(at(values.roster)) : undefined;
  const summaryFile = values["github-summary"];
  if (summaryFile !== undefined && summaryFile.trim() === "") throw new UsageError("--github-summary needs a file (in GitHub Actions: \"$GITHUB_STEP_SUMMARY\")");

  let outDir: string | undefined;
  if (values.out !== undefined) {
    if (values.out.trim() === "") throw new UsageError("--out needs a folder");
    outDir = at(values.out);
    if (isInside(at(dir), outDir))
      throw new UsageError(`--out ${values.out} is inside the submissions folder: choose a folder outside it (the grader never writes among the students' work)`);
  }
  const previous = outDir !== undefined ? readPrevious(outDir) : undefined;
  const partial = names.length > 0 || values.lessons !== undefined || values.only !== undefined;
  // Re-grading some students into existing reports: the lessons those reports hold, unless told.
  if (previous && partial && values.lessons === undefined) lessons = lessons.filter((l) => previous.lessons.includes(l.id));

  const klass = discoverClass(at(dir), names.length ? { students: names } : {});
  if (klass.lookedThrough) process.stderr.write(`grade: the students are the folders in ${path.join(dir, klass.lookedThrough)} (looked through the wrapper folder)\n`);
  // Made only now that the run can start: a mistake leaves no empty folder behind.
  if (outDir !== undefined) {
    try {
      fs.mkdirSync(outDir, { recursive: true });
    } catch (err) {
      throw new UsageError(`cannot create --out ${values.out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  let submissions = klass.submissions;
  const others = klass.others;
  let picked: Map<string, string[]> | undefined;
  if (values.only !== undefined) {
    if (!previous) throw new UsageError(`--only ${values.only}: no results.json in ${values.out} to re-grade from`);
    const chosen = pickForRegrade(previous, values.only);
    picked = chosen;
    submissions = submissions.filter((s) => chosen.has(s.student));
    const ids = new Set([...chosen.values()].flat());
    lessons = lessons.filter((l) => ids.has(l.id));
    if (submissions.length === 0 || lessons.length === 0) {
      process.stdout.write(`Nothing to re-grade: every lesson in ${path.join(values.out!, "results.json")} ${values.only === "errors" ? "could be graded" : "passed"}.\n`);
      return 0;
    }
  }

  // Ctrl+C, kill, or the terminal closing: every student's process is killed now (SIGKILL, so
  // one that ignores signals goes too) and the batch's temporary folder goes with our exit.
  const stopping = new AbortController();
  const stop = async (sig: NodeJS.Signals, code: number) => {
    stopping.abort(new Error(`the batch was stopped by ${sig}`)); // no student starts after this
    const killed = await killAllSandboxesAndWait();
    // The transpiler runs in a process of its own and makes folders for what it writes: stop it
    // before the batch's folder goes, or a build under way would bring a piece of it back.
    await import("esbuild").then((e) => e.stop()).catch(() => {});
    try {
      process.stderr.write(`\ngrade: stopped by ${sig}: ${killed} student process${killed === 1 ? "" : "es"} killed, temporary files removed, no reports written\n`);
    } catch {
      // the terminal is gone (SIGHUP): nobody to tell
    }
    process.exit(code);
  };
  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) process.once(sig, () => void stop(sig, code));

  // The progress line totals as the reports will: points set by hand (kept or from --overrides) included.
  const applyFile = overrides ? (await import("../report/overrides.ts")).applyOverrides : undefined;
  const withOverrides = (r: StudentResult): StudentResult => {
    const kept = previous?.students.find((p) => p.student === r.student)?.overrides;
    const fromFile = applyFile && overrides ? applyFile({ version: 1, generatedAt: "", lessons: [], students: [r] }, overrides).result.students[0].overrides : undefined;
    return kept || fromFile ? { ...r, overrides: { ...kept, ...fromFile } } : r;
  };
  const progress = new Progress(submissions.length);
  const fresh = await runBatch({
    submissions,
    others,
    lessons,
    jobs,
    confine,
    signal: stopping.signal,
    integrity: !values["no-integrity"],
    onStart: (s) => progress.start(s),
    onDone: (r) => progress.finish(withOverrides(r), lessons.map((l) => l.id)),
    onWarning: (m) => process.stderr.write(`grade: warning: ${m}\n`),
    onIsolation: (m) => process.stderr.write(`grade: ${m}\n`),
  });
  progress.end();

  // --only: what passed before stays as it was graded, even for a student re-graded for another lesson.
  const graded = picked ? { ...fresh, students: fresh.students.map((s) => ({ ...s, lessons: Object.fromEntries(Object.entries(s.lessons).filter(([id]) => picked!.get(s.student)?.includes(id))) })) } : fresh;
  let result = previous && partial ? mergeResults(previous, graded) : keepOverrides(graded, previous);
  if (overrides) {
    const applied = (await import("../report/overrides.ts")).applyOverrides(result, overrides);
    result = applied.result;
    for (const n of applied.unknownStudents) process.stderr.write(`grade: warning: ${values.overrides}: no student folder named ${visibleName(n)}: its override is not applied\n`);
    for (const n of applied.ambiguousStudents) process.stderr.write(`grade: warning: ${values.overrides}: ${visibleName(n)} matches several folders once normalised: its override is not applied\n`);
  }

  process.stdout.write(renderTable(result, colors(process.stdout)));
  const { summaryText } = await import("../report/summary.ts");
  process.stdout.write(`\n${summaryText(result, defaultWidth())}\n`);
  if (summaryFile !== undefined) {
    const { jobSummary } = await import("../report/job-summary.ts");
    try {
      fs.appendFileSync(summaryFile, `${jobSummary(result)}\n`);
    } catch (err) {
      throw new UsageError(`cannot write --github-summary ${summaryFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (outDir !== undefined) {
    const { writeReports } = await import("../report/batch-reports.ts");
    const written = await writeReports(result, outDir);
    if (lms && values.lms) {
      const g = lms.lmsCsv(result, values.lms as "canvas" | "moodle", roster);
      const file = path.join(outDir, `gradebook-${values.lms}.csv`);
      fs.writeFileSync(file, g.csv);
      written.push(file);
      if (g.unknownFolders.length)
        process.stderr.write(`grade: warning: no ${values.lms} id for ${g.unknownFolders.length} folder(s) (${roster ? `not on the roster ${values.roster}, by folder or by the id in its name` : "no id in the folder name: give --roster"}), left out of ${path.basename(file)}: ${g.unknownFolders.map(visibleName).join(", ")}\n`);
      for (const d of g.duplicateIds) process.stderr.write(`grade: warning: ${d.folders.map(visibleName).join(" and ")} have the same ${values.lms} id ${d.id}: left out of ${path.basename(file)}\n`);
    }
    process.stdout.write(`\nReports${previous && partial ? " (updated)" : ""} in ${path.relative(here, outDir) || "."}: ${written.map((f) => path.basename(f)).join(", ")}\n`);
  }
  return 0;
}

/**
 * A full run into a folder that holds earlier reports: the points an instructor set by hand
 * there are kept for the same students (said once), not silently dropped.
 */
function keepOverrides(fresh: BatchResult, previous: BatchResult | undefined): BatchResult {
  if (!previous) return fresh;
  let kept = 0;
  const students = fresh.students.map((s) => {
    const o = previous.students.find((p) => p.student === s.student)?.overrides;
    if (!o) return s;
    kept += Object.keys(o).length;
    return { ...s, overrides: { ...o, ...s.overrides } };
  });
  if (kept) process.stderr.write(`grade: kept ${kept} point${kept === 1 ? "" : "s"} set by hand from the earlier reports in --out (give --overrides to change them)\n`);
  return { ...fresh, students };
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
