// The batch grader: every lesson of every submission, against one lab started once, several
// submissions at a time. Each submission is graded from its own temporary copy, in children
// confined to it (see isolation.ts); nothing a submission does can stop the batch: whatever
// goes wrong becomes an error for that student's lesson.
import { setMaxListeners } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gradeLesson } from "../grading/grade.ts";
import { Lab } from "../lab/lab.ts";
import type { Lesson } from "../manifest.ts";
import { errorResult, type LessonResult } from "../report/results.ts";
import type { SandboxOptions } from "../sandbox/sandbox.ts";
import type { Submission } from "./discover.ts";
import { integrityFlags, readStudentFiles, workbookReference, type Reference } from "./integrity.ts";
import { copySubmission, passesThroughLink, permissionModel, readInside, submissionSandbox, type CopyReport, type IsolationLimits, type PermissionModel } from "./isolation.ts";
import type { BatchResult, StudentResult } from "./types.ts";

/** How long one submission may take in all, every lesson included. */
export const DEFAULT_DEADLINE_MS = 90_000;
/** After the deadline, how long a lesson gets to wind down before it is abandoned. */
const DEADLINE_GRACE_MS = 5_000;
/** A submission's lessons wait on the network and on timers as much as they compute: a few at once keep the cores busy. */
export const LESSON_CONCURRENCY = 2;
/** Lesson 07's answer, as the instructor reads it, is cut here. */
const WRITTEN_ANSWER_MAX = 20_000;

export interface BatchOptions {
  submissions: Submission[];
  lessons: readonly Lesson[];
  /** Submissions graded at the same time. */
  jobs: number;
  /** Submissions compared with for the integrity signals but not graded (with --student). */
  others?: Submission[];
  /** A running lab to share (tests); otherwise one is started for the batch and closed after. */
  lab?: Lab;
  /** Per-submission time limit (default DEFAULT_DEADLINE_MS). */
  deadlineMs?: number;
  limits?: Partial<IsolationLimits>;
  /** Use Node's permission model when this Node has one (default true). */
  permissions?: boolean;
  /** Lessons of one submission graded at the same time (default LESSON_CONCURRENCY). */
  lessonConcurrency?: number;
  /** Laid over the batch's sandbox options (tests: shorter timeouts). */
  sandbox?: Partial<SandboxOptions>;
  /** The reference files for the integrity signals (default: this workbook's stubs/ and solutions/). */
  reference?: Reference;
  onStart?(student: string): void;
  onDone?(result: StudentResult, done: number, total: number): void;
  /** Something the instructor should know about the batch as a whole (one line). */
  onWarning?(message: string): void;
}

export async function runBatch(o: BatchOptions): Promise<BatchResult> {
  const generatedAt = new Date().toISOString();
  const model = o.permissions === false ? undefined : await permissionModel();
  if (o.permissions !== false && !model)
    o.onWarning?.(`Node ${process.version} offers no usable permission model: submissions run with a scrubbed environment in temporary copies, but could read other files on this machine`);
  const reference = o.reference ?? workbookReference(o.lessons);
  const flags = integrityFlags(
    o.submissions.map((s) => readStudentFiles(s.student, s.dir, o.lessons)),
    o.lessons,
    reference,
    (o.others ?? []).map((s) => readStudentFiles(s.student, s.dir, o.lessons)),
  );

  const batchTmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-batch-"));
  const removeTmp = () => fs.rmSync(batchTmp, { recursive: true, force: true });
  process.once("exit", removeTmp); // Ctrl+C included: no student's copy is left behind
  const lab = o.lab ?? (await Lab.start());
  const results: StudentResult[] = new Array(o.submissions.length);
  let next = 0;
  let done = 0;
  try {
    const worker = async () => {
      for (let i = next++; i < o.submissions.length; i = next++) {
        const sub = o.submissions[i];
        o.onStart?.(sub.student);
        const r = await gradeSubmission(sub, { ...o, lab, model, batchTmp, reference });
        r.flags = flags.get(sub.student) ?? [];
        results[i] = r;
        o.onDone?.(r, ++done, o.submissions.length);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, o.submissions.length)) }, worker));
  } finally {
    if (!o.lab) await lab.close();
    process.removeListener("exit", removeTmp);
    removeTmp();
  }
  return { version: 1, generatedAt, lessons: o.lessons.map((l) => l.id), students: results };
}

interface Context extends BatchOptions {
  lab: Lab;
  model: PermissionModel | undefined;
  batchTmp: string;
  reference: Reference;
}

async function gradeSubmission(sub: Submission, ctx: Context): Promise<StudentResult> {
  const started = performance.now();
  const deadlineMs = ctx.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const controller = new AbortController();
  setMaxListeners(64, controller.signal); // one per lesson and per sandbox in flight
  const timer = setTimeout(() => controller.abort(new Error(`stopped: this submission ran out of its ${formatSeconds(deadlineMs)} s time limit`)), deadlineMs);
  const root = fs.mkdtempSync(path.join(ctx.batchTmp, "s-"));
  const lessons: Record<string, LessonResult> = {};
  let writtenAnswer: string | undefined;
  try {
    let copy: CopyReport | undefined;
    let copyError: string | undefined;
    try {
      copy = copySubmission(sub.dir, root);
    } catch (err) {
      copyError = `could not copy this submission: ${(err as Error).message}`;
    }
    const sandbox = { ...submissionSandbox(root, { model: ctx.model, trustBundleFile: ctx.lab.trustBundleFile, signal: controller.signal, limits: ctx.limits }), ...ctx.sandbox };
    const one = async (lesson: Lesson): Promise<LessonResult> => {
      const rel = path.join("lessons", lesson.id, lesson.files[0]);
      if (copyError) return errorResult(lesson.id, copyError);
      if (!sub.hasLessons) return errorResult(lesson.id, "this submission has no lessons/ folder: nothing to grade");
      if (passesThroughLink(sub.dir, rel)) return errorResult(lesson.id, `${rel.replaceAll("\\", "/")} is (or is inside) a symbolic link: the batch grader never follows links out of a submission`);
      if (controller.signal.aborted) return errorResult(lesson.id, `not graded: ${(controller.signal.reason as Error).message}`);
      return gradeOne(lesson, root, sandbox, ctx.lab, controller.signal);
    };
    const results = await pool(ctx.lessons, ctx.lessonConcurrency ?? LESSON_CONCURRENCY, async (l) => withoutTempPaths(await one(l), root, sub.student));
    ctx.lessons.forEach((l, i) => (lessons[l.id] = results[i]));
    if (copy?.skipped.length) {
      // Said once, on the first lesson: what the grader did not copy and why.
      const first = lessons[ctx.lessons[0].id];
      const shown = copy.skipped.slice(0, 5).map((s) => s.replaceAll("\\", "/")).join(", ") + (copy.skipped.length > 5 ? ` and ${copy.skipped.length - 5} more` : "");
      const note = `not copied for grading (links, special files, node_modules/.git, or over the size limits): ${shown}`;
      if (first) first.message = first.message ? `${first.message}\n${note}` : note;
    }
    if (ctx.lessons.some((l) => l.kind === "text")) writtenAnswer = readWrittenAnswer(root, ctx.lessons.find((l) => l.kind === "text")!, ctx.reference);
  } finally {
    clearTimeout(timer);
    fs.rmSync(root, { recursive: true, force: true });
  }
  return { student: sub.student, lessons, flags: [], ...(writtenAnswer !== undefined ? { writtenAnswer } : {}), ms: Math.round(performance.now() - started) };
}

/** Runs f over items, at most `limit` at a time; results in the items' order. */
async function pool<T, R>(items: readonly T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** One lesson, never throwing, never outliving the submission's deadline by more than the grace. */
async function gradeOne(lesson: Lesson, root: string, sandbox: Partial<SandboxOptions>, lab: Lab, signal: AbortSignal): Promise<LessonResult> {
  const grading = gradeLesson(lesson, { root, certDir: path.join(root, "certs"), lab, sandbox }).catch((err: unknown) =>
    errorResult(lesson.id, `the grader itself failed on this lesson (please report it): ${(err as Error)?.message ?? String(err)}`),
  );
  let abandon: NodeJS.Timeout | undefined;
  let arm = () => {};
  const overdue = new Promise<LessonResult>((resolve) => {
    arm = () => {
      abandon = setTimeout(() => resolve(errorResult(lesson.id, `not finished: ${(signal.reason as Error).message}`)), DEADLINE_GRACE_MS);
    };
    if (signal.aborted) arm();
    else signal.addEventListener("abort", arm, { once: true });
  });
  try {
    return await Promise.race([grading, overdue]);
  } finally {
    signal.removeEventListener("abort", arm);
    clearTimeout(abandon);
  }
}

/** Lesson 07's answer as the grader read it (HTML comments left out); absent when missing or still the stub. */
function readWrittenAnswer(root: string, lesson: Lesson, ref: Reference): string | undefined {
  const text = readInside(root, path.join("lessons", lesson.id, lesson.files[0]));
  if (text === undefined) return undefined;
  const clean = (t: string) => t.replace(/<!--[\s\S]*?(-->|$)/g, "").trim();
  const answer = clean(text);
  if (answer === "" || (ref.stub[lesson.id] !== undefined && answer === clean(ref.stub[lesson.id]!))) return undefined;
  return answer.length > WRITTEN_ANSWER_MAX ? `${answer.slice(0, WRITTEN_ANSWER_MAX)}\n… (cut at ${WRITTEN_ANSWER_MAX} characters)` : answer;
}

/**
 * Messages name the learner's file as the grader saw it, in the temporary copy
 * ("../../tmp/tls-workbook-batch-…/s-…/lessons/02-…/exercise.ts:3:7"): the instructor
 * reads "<student>/lessons/02-…/exercise.ts:3:7" instead.
 */
function withoutTempPaths(r: LessonResult, root: string, student: string): LessonResult {
  const forms = new Set<string>([root, path.relative(process.cwd(), root)]);
  try {
    const real = fs.realpathSync(root);
    forms.add(real);
    forms.add(path.relative(process.cwd(), real));
  } catch {
    // already gone: the forms above will do
  }
  const sorted = [...forms].filter((f) => f.length > 3).sort((a, b) => b.length - a.length);
  const fix = (s: string | undefined) => {
    if (s === undefined) return s;
    let out = s;
    for (const f of sorted) out = out.split(f).join(student);
    return out;
  };
  return {
    ...r,
    ...(r.message !== undefined ? { message: fix(r.message) } : {}),
    tests: r.tests.map((t) => ({ ...t, ...(t.message !== undefined ? { message: fix(t.message) } : {}), ...(t.output !== undefined ? { output: fix(t.output) } : {}) })),
  };
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
