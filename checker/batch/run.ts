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
import { childUser, describeConfinement, probeConfinement, type Confinement } from "../sandbox/confine.ts";
import { copySubmissionAsync, removeTree, type CopyLimits } from "./copy.ts";
import { nearMiss, nearMissLessonFolder } from "./discover.ts";
import { integrityFlags, readStudentFiles, workbookReference, type Reference, type StudentFiles } from "./integrity.ts";
import { passesThroughLink, permissionModel, shareWithChild, submissionSandbox, type CopyReport, type IsolationLimits, type PermissionModel } from "./isolation.ts";
import { claimTempFolder, removeStaleTempFolders } from "./temp.ts";
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
  /** Bounds on what is copied of each submission (files, folders, bytes, depth). */
  copyLimits?: Partial<CopyLimits>;
  /** Use Node's permission model when this Node has one (default true). */
  permissions?: boolean;
  /** Use the operating system's confinement where it has one (Linux namespaces, a user per submission; default true), or exactly this one. */
  confine?: boolean | Confinement;
  /** Compare for integrity signals (default true); false for a run the student sees. */
  integrity?: boolean;
  /** Stops the batch: every student's process is killed, nothing more is graded, temporary files go. */
  signal?: AbortSignal;
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
  /** What contains each submission's code on this machine (one line, said once at the start). */
  onIsolation?(message: string): void;
}

export async function runBatch(o: BatchOptions): Promise<BatchResult> {
  const generatedAt = new Date().toISOString();
  const model = o.permissions === false ? undefined : await permissionModel();
  if (o.permissions !== false && !model)
    o.onWarning?.(`Node ${process.version} offers no usable permission model: submissions run with a scrubbed environment in temporary copies, but could read other files on this machine`);
  const notes: string[] = [];
  const confinement = o.confine === false ? undefined : typeof o.confine === "object" ? o.confine : await probeConfinement(notes);
  o.onIsolation?.(`isolation: ${o.confine === false ? "Node's permission model only (no operating-system confinement asked for)" : describeConfinement(confinement)}${notes.length ? ` (${notes[0]})` : ""}`);
  const reference = o.reference ?? workbookReference(o.lessons);
  // The bytes that are graded, flagged and shown (lesson 07), read once before any code runs.
  const snapshots = new Map(o.submissions.map((s) => [s.student, readStudentFiles(s.student, s.dir, o.lessons)]));
  const flags =
    o.integrity === false
      ? new Map<string, never[]>()
      : integrityFlags(
          [...snapshots.values()],
          o.lessons,
          reference,
          (o.others ?? []).map((s) => readStudentFiles(s.student, s.dir, o.lessons)),
        );

  await removeStaleTempFolders();
  const batchTmp = claimTempFolder("tls-workbook-batch-");
  // Children under users of their own must pass through it (to their copy, their transpiled
  // file, the lab's CA bundle), never list it.
  if (confinement?.user) fs.chmodSync(batchTmp, 0o711);
  // Retried: a child just killed may still be letting go of its files.
  const removeTmp = () => fs.rmSync(batchTmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
  process.once("exit", removeTmp); // whatever happens, no student's copy is left behind
  const lab = o.lab ?? (await Lab.start({ dir: path.join(batchTmp, "lab") }));
  const results: StudentResult[] = new Array(o.submissions.length);
  let next = 0;
  let done = 0;
  try {
    const worker = async (slot: number) => {
      for (let i = next++; i < o.submissions.length; i = next++) {
        const sub = o.submissions[i];
        if (o.signal?.aborted) {
          results[i] = { student: sub.student, lessons: Object.fromEntries(o.lessons.map((l) => [l.id, errorResult(l.id, `not graded: ${abortReason(o.signal!)}`)])), flags: [], ms: 0 };
          continue;
        }
        o.onStart?.(sub.student);
        // Under a root grader, each concurrent submission has a user of its own: no two can signal each other.
        const own = confinement?.user ? { ...confinement, user: childUser(slot) } : confinement;
        const r = await gradeSubmission(sub, { ...o, lab, model, confinement: own, batchTmp, reference, snapshot: snapshots.get(sub.student)! });
        r.flags = flags.get(sub.student) ?? [];
        results[i] = r;
        o.onDone?.(r, ++done, o.submissions.length);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, o.submissions.length)) }, (_, slot) => worker(slot)));
  } finally {
    if (!o.lab) await lab.close();
    await removeTree(batchTmp);
    process.removeListener("exit", removeTmp);
    removeTmp();
  }
  return { version: 1, generatedAt, lessons: o.lessons.map((l) => l.id), students: results };
}

function abortReason(signal: AbortSignal): string {
  const r = signal.reason as unknown;
  return r instanceof Error ? r.message : typeof r === "string" ? r : "the batch was stopped";
}

interface Context extends BatchOptions {
  lab: Lab;
  model: PermissionModel | undefined;
  confinement: Confinement | undefined;
  batchTmp: string;
  reference: Reference;
  snapshot: StudentFiles;
}

async function gradeSubmission(sub: Submission, ctx: Context): Promise<StudentResult> {
  const started = performance.now();
  const deadlineMs = ctx.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const controller = new AbortController();
  setMaxListeners(64, controller.signal); // one per lesson and per sandbox in flight
  const timer = setTimeout(() => controller.abort(new Error(`stopped: this submission ran out of its ${formatSeconds(deadlineMs)} s time limit`)), deadlineMs);
  const stop = () => controller.abort(new Error(`stopped: ${abortReason(ctx.signal!)}`));
  if (ctx.signal?.aborted) stop();
  else ctx.signal?.addEventListener("abort", stop, { once: true });
  const root = fs.mkdtempSync(path.join(ctx.batchTmp, "s-"));
  const lessons: Record<string, LessonResult> = {};
  let writtenAnswer: string | undefined;
  try {
    let copy: CopyReport | undefined;
    let copyError: string | undefined;
    // The lesson files are the snapshot's bytes, whatever the folder holds by now.
    const overrides: Record<string, string> = {};
    const absent: string[] = [];
    for (const l of ctx.lessons) {
      const text = ctx.snapshot.files[l.id];
      if (text !== undefined) overrides[`lessons/${l.id}/${l.files[0]}`] = text;
      else absent.push(path.join(root, "lessons", l.id, l.files[0]));
    }
    try {
      copy = await copySubmissionAsync(sub.dir, root, ctx.copyLimits, overrides);
      // Missing (or unreadable) when the snapshot was taken: missing when graded too.
      await Promise.all(absent.map((f) => fs.promises.rm(f, { force: true })));
      if (ctx.confinement?.user) await shareWithChild(root);
    } catch (err) {
      copyError = `could not copy this submission: ${(err as Error).message}`;
    }
    const sandbox = {
      ...submissionSandbox(root, { model: ctx.model, trustBundleFile: ctx.lab.trustBundleFile, signal: controller.signal, limits: ctx.limits, confinement: ctx.confinement }),
      tmpDir: ctx.batchTmp,
      ...ctx.sandbox,
    };
    const one = async (lesson: Lesson): Promise<LessonResult> => {
      const rel = path.join("lessons", lesson.id, lesson.files[0]);
      if (copyError) return errorResult(lesson.id, copyError);
      if (!sub.hasLessons) return errorResult(lesson.id, "this submission has no lessons/ folder: nothing to grade");
      if (passesThroughLink(sub.dir, rel)) return errorResult(lesson.id, `${rel.replaceAll("\\", "/")} is (or is inside) a symbolic link: the batch grader never follows links out of a submission`);
      const unreadable = ctx.snapshot.unreadable?.[lesson.id];
      if (unreadable) return errorResult(lesson.id, `cannot read ${rel.replaceAll("\\", "/")} (${unreadable}): make it readable and submit it again`);
      if (ctx.snapshot.files[lesson.id] === undefined) {
        // Advice for the instructor reading the table: what the student handed in instead, if anything close.
        const hint = nearMiss(path.join(sub.dir, "lessons", lesson.id), lesson.files[0]) ?? nearMissLessonFolder(path.join(sub.dir, "lessons"), lesson.id);
        return errorResult(lesson.id, `${rel.replaceAll("\\", "/")} is not in this submission${hint ? `: ${hint}` : ""}`);
      }
      if (controller.signal.aborted) return errorResult(lesson.id, `not graded: ${(controller.signal.reason as Error).message}`);
      return gradeOne(lesson, root, sandbox, ctx.lab, controller.signal);
    };
    const results = await pool(ctx.lessons, ctx.lessonConcurrency ?? LESSON_CONCURRENCY, async (l) => withSourceLine(withoutTempPaths(await one(l), root, sub.student), ctx.snapshot.files[l.id]));
    ctx.lessons.forEach((l, i) => (lessons[l.id] = results[i]));
    if (copy?.skipped.length) {
      // Said once, on the first lesson: what the grader did not copy and why.
      const first = lessons[ctx.lessons[0].id];
      const more = copy.skipped.length - 5 + (copy.skippedMore ?? 0);
      const shown = copy.skipped.slice(0, 5).map((s) => s.replaceAll("\\", "/")).join(", ") + (more > 0 ? ` and ${more} more` : "");
      const note = `not copied for grading (links, special files, node_modules/.git, or over the size limits): ${shown}`;
      if (first) first.message = first.message ? `${first.message}\n${note}` : note;
    }
    if (ctx.lessons.some((l) => l.kind === "text")) writtenAnswer = writtenAnswerOf(ctx.snapshot, ctx.lessons.find((l) => l.kind === "text")!, ctx.reference);
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener("abort", stop);
    await removeTree(root); // never blocking the other submissions, however many files it holds
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
  const grading = gradeLesson(lesson, { root, certDir: path.join(root, "certs"), lab, sandbox, trace: "none" }).catch((err: unknown) =>
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

/** Lesson 07's answer as graded (the snapshot; HTML comments left out); absent when missing or still the stub. */
function writtenAnswerOf(snapshot: StudentFiles, lesson: Lesson, ref: Reference): string | undefined {
  const text = snapshot.files[lesson.id];
  if (text === undefined) return undefined;
  const clean = (t: string) => t.replace(/<!--[\s\S]*?(-->|$)/g, "").trim();
  const answer = clean(text);
  if (answer === "" || (ref.stub[lesson.id] !== undefined && answer === clean(ref.stub[lesson.id]!))) return undefined;
  return answer.length > WRITTEN_ANSWER_MAX ? `${answer.slice(0, WRITTEN_ANSWER_MAX)}\n… (cut at ${WRITTEN_ANSWER_MAX} characters)` : answer;
}

/** A compile error shows the line it is about, from the graded bytes: "  12 | const x = ;" and a caret under the column. */
function withSourceLine(r: LessonResult, text: string | undefined): LessonResult {
  const m = r.message && /^could not compile .+?:(\d+):(\d+): /.exec(r.message);
  if (!m || text === undefined) return r;
  const line = text.split(/\r?\n/)[Number(m[1]) - 1];
  if (line === undefined) return r;
  const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  const gutter = `  ${m[1]} | `;
  const caret = Number(m[2]) - 1 <= 200 ? `\n${" ".repeat(gutter.length + Number(m[2]) - 1)}^` : "";
  return { ...r, message: `${r.message}\n${gutter}${shown}${caret}` };
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
