// Grading one lesson: find the learner's file, start a lab (or use the one given), run the
// learner's code in a sandbox, run the lesson's checks, and return a results.json v3 object.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { WORKBOOK_ROOT } from "../paths.ts";
import { Lab } from "../lab/lab.ts";
import type { Lesson } from "../manifest.ts";
import { errorResult, overallStatus, type LessonResult, type TestResult } from "../report/results.ts";
import { LearnerSyntaxError } from "../sandbox/bundle.ts";
import { describeProblem, LearnerLoadError, Sandbox, type SandboxOptions } from "../sandbox/sandbox.ts";
import { typeCheck, type TypeCheck } from "../sandbox/typecheck.ts";
import { CannotGrade, formatFailure, type CodeGrader, type FileGrader, type GraderEnv } from "../checks/check.ts";
import { runChecks, type TraceMode } from "./run-checks.ts";
import { CLEANUP_HINT, TYPE_CHECK_HINT } from "../checks/hints.ts";
import { loadGrader } from "../graders/index.ts";
import type { LiveOverrides } from "../live/targets.ts";


export interface GradeOptions {
  /** Grade this file instead of the learner's. */
  file?: string;
  /** Grade the reference solution. */
  solution?: boolean;
  /** A running lab to use (the batch grader shares one); otherwise one is started and closed. */
  lab?: Lab;
  /** The workbook whose lessons/ and certs/ to read (default: this one). */
  root?: string;
  /** Where lesson 04's cert.pem and key.pem are (default: <root>/certs). */
  certDir?: string;
  /** Add the live checks against real sites (badssl.com, example.com ...); skipped offline. */
  live?: boolean;
  /** Tests only: stand-ins for the live targets ({ expired: "localhost:8445", ... }); the product never sets it. */
  liveTargets?: LiveOverrides;
  sandbox?: Partial<SandboxOptions>;
  /** --check: run only the checks whose name contains this text (any case), or the one with this 1-based number. */
  check?: string;
  /** Which tests carry the trace of their connections: "failing" by default (see TraceMode). */
  trace?: TraceMode;
}

/** --check matched no check: the message (one line) says how to see their names. */
export class NoSuchCheck extends Error {}

/**
 * Which of these check names `filter` picks: by 1-based number (as the full report lists
 * them), or every name that contains it, ignoring case. Throws NoSuchCheck when none does.
 */
export function selectChecks(names: readonly string[], filter: string, lesson: Lesson): Set<number> {
  const f = filter.trim();
  const picked = new Set<number>();
  if (/^\d+$/.test(f)) {
    const n = Number(f);
    if (n >= 1 && n <= names.length) picked.add(n - 1);
  } else if (f) {
    names.forEach((name, i) => {
      if (name.toLowerCase().includes(f.toLowerCase())) picked.add(i);
    });
  }
  if (picked.size === 0)
    throw new NoSuchCheck(
      `no check of lesson ${lesson.number} matches "${filter}" (give part of a name, or a number from 1 to ${names.length}): npm run lesson ${lesson.number} lists them all, in order`,
    );
  return picked;
}

/** The tests `picked`, with the note that only they ran. */
function onlySelected(r: LessonResult, picked: Set<number>, filter: string, of: number): LessonResult {
  const tests = r.tests.filter((_t, i) => picked.has(i));
  return { ...r, status: overallStatus(tests), tests, selected: { filter, ran: tests.length, of } };
}

/** The lesson's pristine stub (stubs/ mirrors lessons/): what --reset restores and check-solutions grades. */
export function stubFile(lesson: Lesson, root = WORKBOOK_ROOT): string {
  return path.join(root, "stubs", lesson.id, lesson.files[0]);
}

export function learnerFile(lesson: Lesson, o: Pick<GradeOptions, "file" | "solution" | "root"> = {}): string {
  if (o.file) return path.resolve(o.file);
  const root = o.root ?? WORKBOOK_ROOT;
  return path.join(root, o.solution ? "solutions" : "lessons", lesson.id, lesson.files[0]);
}

export async function gradeLesson(lesson: Lesson, o: GradeOptions = {}): Promise<LessonResult> {
  const file = learnerFile(lesson, o);
  const shown = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file)) return errorResult(lesson.id, `${shown} does not exist. Restore it from git, or pass --file with the file to grade.`);
  const grader = await loadGrader(lesson.id);
  if (!grader) return errorResult(lesson.id, `lesson ${lesson.number} (${lesson.slug}) is not available yet`);
  if (grader.kind === "file") {
    const r = await gradeData(lesson, grader, file);
    if (o.check === undefined || r.tests.length === 0) return r;
    return onlySelected(r, selectChecks(r.tests.map((t) => t.name), o.check, lesson), o.check, r.tests.length);
  }
  return gradeCode(lesson, grader, file, o);
}

const TEXT_NOTE = "This check is automatic: it looks for the ideas in your own words, not for exact phrases. Your instructor may read your answer too.";

/** A data lesson (quiz answers, a written text): the file is read, never run. */
async function gradeData(lesson: Lesson, grader: FileGrader, file: string): Promise<LessonResult> {
  try {
    const tests = await grader.grade(fs.readFileSync(file, "utf8"), file);
    const note = lesson.kind === "text" ? TEXT_NOTE : undefined;
    return { version: 3, lesson: lesson.id, status: overallStatus(tests), ...(note ? { message: note } : {}), tests };
  } catch (err) {
    if (err instanceof CannotGrade) return errorResult(lesson.id, err.message);
    throw err;
  }
}

async function gradeCode(lesson: Lesson, grader: CodeGrader, file: string, o: GradeOptions): Promise<LessonResult> {
  // Read (and check) any stand-ins for the live targets before anything starts.
  const liveModule = o.live ? await import("../live/index.ts") : undefined;
  const liveTargets = liveModule ? (o.liveTargets ?? liveModule.overridesFromEnv()) : undefined;
  // The lab's servers come up while the learner's file is transpiled and its child starts.
  const lab = o.lab ?? Lab.prepare();
  const scope = lab.scope();
  const workDir = fs.mkdtempSync(path.join(o.sandbox?.tmpDir ?? os.tmpdir(), "tls-workbook-grading-"));
  if (o.sandbox?.confinement?.user) fs.chmodSync(workDir, 0o755); // the child's own user reads what graders put here
  // Under the permission model (the batch grader) the child may also read this grading's own
  // folder, where graders put the files they hand to the learner's code (lesson 04's caFile).
  const permissions = o.sandbox?.permissions && { ...o.sandbox.permissions, read: [...o.sandbox.permissions.read, workDir] };
  const starting = Sandbox.start({ file, trustBundleFile: lab.trustBundleFile, timeoutMs: grader.timeoutMs, extraEnv: grader.childEnv, ...o.sandbox, ...(permissions ? { permissions } : {}) });
  // TypeScript's checker runs alongside, in its own process (imports not followed in a class).
  // With --check by name, only when it is picked (by number, it may be: it is the last one).
  const typeChecked = o.check === undefined || /^\s*\d+\s*$/.test(o.check) || TYPE_CHECK.toLowerCase().includes(o.check.trim().toLowerCase());
  const typed: Promise<TypeCheck> = typeChecked
    ? typeCheck(file, { workDir, confined: Boolean(o.sandbox?.permissions), signal: o.sandbox?.signal })
    : Promise.resolve({ kind: "unavailable", reason: "not picked by --check" } as TypeCheck);
  // Live checks load only with --live: no DNS lookup, no extra module otherwise. Their probe
  // of the first live target runs while the offline checks do.
  const live = liveModule?.startLive(lesson.id, { overrides: liveTargets, extraCaFile: lab.trustBundleFile });
  let sandbox: Sandbox | undefined;
  try {
    const [started] = await Promise.allSettled([starting, lab.listening]);
    if (started.status === "fulfilled") sandbox = started.value; // closed in finally, whatever happens next
    await lab.listening;
    if (started.status === "rejected") {
      const err = started.reason;
      if (err instanceof LearnerSyntaxError) return errorResult(lesson.id, `could not compile ${err.message}`);
      if (err instanceof LearnerLoadError) return errorResult(lesson.id, `could not load your file: ${err.detail}`);
      throw err;
    }
    // A closed port of this grading's own: a shared one could be taken by another's server meanwhile.
    await scope.ownClosedPort();
    const env: GraderEnv = { lab, scope, certDir: o.certDir ?? path.join(o.root ?? WORKBOOK_ROOT, "certs"), solution: Boolean(o.solution), workDir };
    const checks = await grader.checks(env);
    // --check: the numbers and names are those of the full report (the grader's checks, then cleanup and type check).
    const names = [...checks.map((c) => c.name), CLEANUP_CHECK, TYPE_CHECK];
    const picked = o.check === undefined ? undefined : selectChecks(names, o.check, lesson);
    if (Object.keys(scope.hosts).length) await sandbox!.setHosts(scope.hosts);
    // Calls shared between checks (ctx.shared) are made by whichever picked check asks first.
    const wanted = (i: number) => !picked || picked.has(i);
    // What the cleanup check judges is what every other check's calls left open: picked, it
    // needs them all to run (only the picked ones are reported), or it passes for nothing.
    const runs = (i: number) => wanted(i) || wanted(checks.length);
    const ran = await runChecks(checks.filter((_c, i) => runs(i)), lab, sandbox!, scope, { trace: o.trace });
    // Checks not picked are placeholders here, left out of the result at the end.
    const notRun = (name: string): TestResult => ({ name, status: "skip" });
    let tests = checks.map((c, i) => (runs(i) ? ran.shift()! : notRun(c.name)));
    tests.push(wanted(checks.length) ? await cleanupCheck(sandbox!) : notRun(CLEANUP_CHECK));
    tests.push(wanted(checks.length + 1) ? typeCheckResult(await typed, file) : notRun(TYPE_CHECK));
    // A stub "keeps verification on" and "leaves nothing behind" only because it does
    // nothing: no credit until some of the learner's own code has run.
    if (sandbox!.onlyStubsRan) tests = tests.map((t) => (t.status === "pass" ? { name: t.name, status: "fail", message: STUB_NOTHING_YET } : t));
    // After the offline grade is complete (cleanup included, so a slow network cannot fail
    // it), in the same sandbox; skipped, never failed, when the internet is out of reach.
    if (live) tests.push(...(await live.results(sandbox!)));
    const result: LessonResult = { version: 3, lesson: lesson.id, status: overallStatus(tests), tests };
    return picked ? onlySelected(result, picked, o.check!, names.length) : result;
  } finally {
    live?.close();
    await Promise.all([sandbox?.close(), o.lab ? scope.close() : lab.close()]);
    await typed.catch(() => undefined); // it writes in workDir: done before that goes
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const TYPE_CHECK = "type-checks without errors (TypeScript, strict)";

/** The learner's own type errors, file:line:col and TypeScript's message: a lesson with any is not done. */
function typeCheckResult(t: TypeCheck, file: string): TestResult {
  if (t.kind === "unavailable") return { name: TYPE_CHECK, status: "skip", message: `not checked: ${t.reason}` };
  if (t.diagnostics.length === 0) return { name: TYPE_CHECK, status: "pass" };
  const shown = path.relative(process.cwd(), file) || file;
  const lines = t.diagnostics.slice(0, 5).map((d) => `${shown}:${d.line}:${d.column}: ${d.code}: ${d.message}`);
  if (t.diagnostics.length > 5) lines.push(`… and ${t.diagnostics.length - 5} more`);
  return {
    name: TYPE_CHECK,
    status: "fail",
    message: formatFailure(
      { expected: "no type errors", got: `${t.diagnostics.length} type error${t.diagnostics.length === 1 ? "" : "s"}:\n${lines.join("\n")}`, mistake: "Fix each one at the line shown (your editor underlines the same errors)." },
      "A type error is a bug the compiler found for free: code that does not type-check may run today and break on the next input.",
    ),
    hint: TYPE_CHECK_HINT,
  };
}

const STUB_NOTHING_YET = 'not checked yet: every function you were asked to write is still the stub (it throws "not implemented").';

/** Every code lesson ends with it: nothing left running, no error that nobody handled. */
const CLEANUP_CHECK = "leaves nothing behind: no open server or connection, no unhandled error";

async function cleanupCheck(sandbox: Sandbox): Promise<TestResult> {
  const name = CLEANUP_CHECK;
  const why = "Sockets and servers left open keep a program from exiting and leak file descriptors; an unhandled error is a crash waiting in production.";
  const broken = sandbox.brokenReason;
  const problems: string[] = [];
  if (broken) problems.push(broken.message);
  else {
    const open = await sandbox.openHandles();
    const servers = open?.filter((h) => h === "TCPServerWrap").length ?? 0;
    const sockets = open?.filter((h) => h === "TCPSocketWrap").length ?? 0;
    if (servers) problems.push(`${servers} server(s) still listening: close every server you start`);
    const by = sandbox.openBy.length ? ` (opened by ${sandbox.openBy.join(", ")})` : "";
    if (sockets) problems.push(`${sockets} connection(s) still open after your functions returned${by}: end or destroy each socket`);
  }
  for (const p of sandbox.problems.slice(0, 3)) problems.push(describeProblem(p));
  if (problems.length === 0) return { name, status: "pass" };
  return { name, status: "fail", message: formatFailure({ expected: "nothing left running and no unhandled error", got: problems.join("; ") }, why), hint: CLEANUP_HINT };
}

