// The one owner of the learner's progress file (.progress.json at the workbook root,
// gitignored). Written atomically: a crash mid-write leaves the old file, never half of one.
// An unreadable file is kept aside; openProgress() then rebuilds it by re-checking the
// learner's lessons (the caller says how to grade), so a corrupt file costs no progress.
import fs from "node:fs";
import path from "node:path";
import { LESSONS, type Lesson } from "./manifest.ts";
import { WORKBOOK_ROOT } from "./paths.ts";
import { countPassed, type LessonResult } from "./report/results.ts";

export interface LessonProgress {
  /** The status of the last grading of the learner's own file. */
  status: "pass" | "fail" | "error";
  /** The first time it passed. */
  passedAt?: string;
  lastAttempt?: string;
  /** Checks passed and run on the last attempt. */
  checksPassed?: number;
  checksTotal?: number;
  /** How many gradings of the learner's file were recorded. */
  attempts?: number;
  hintsSeen?: number;
  /** The reference solution was shown before the lesson first passed. */
  solutionViewedBeforePass?: boolean;
  /** The first check that failed on the last attempt, with its own hint: what --hint shows first. */
  firstFailing?: { check: string; hint?: string };
}

/** Only optional fields were ever added: version 1 files of every release read the same. */
export interface ProgressData {
  version: 1;
  lessons: Record<string, LessonProgress>;
  /** When every lesson first passed, re-checked together: the workbook is finished (said once). */
  finishedAt?: string;
}

export const PROGRESS_FILE = ".progress.json";

/** Where the progress file (and .backup/) live: TLS_WORKBOOK_STATE_DIR if set, else the workbook root. */
export function stateDir(root: string = WORKBOOK_ROOT): string {
  return process.env.TLS_WORKBOOK_STATE_DIR || root;
}

/**
 * How a lesson stands for the learner: the menu and `npm run progress` show it. "failing":
 * it was done (passedAt, kept) but its last attempt fails.
 */
export type LessonState = "done" | "failing" | "current" | "started" | "not started";

export class Progress {
  /** Set when the file could not be read and was started afresh (or rebuilt). */
  notice?: string;
  /** The unreadable text, while it has not been kept aside yet (see openProgress). */
  private corruptText?: string;

  readonly file: string;
  data: ProgressData;
  private constructor(file: string, data: ProgressData) {
    this.file = file;
    this.data = data;
  }

  /**
   * Reads the progress in `root`. An unreadable file is kept aside as
   * .progress.json.corrupt-<time> and a fresh progress started, with a one-line notice.
   * openProgress() does better: it rebuilds the progress by re-checking the lessons.
   */
  static load(root: string): Progress {
    const p = Progress.read(root);
    if (p.corruptText !== undefined) {
      const kept = p.keepCorruptAside();
      p.notice = `Your progress file was unreadable; it was kept as ${path.basename(kept)} and a fresh one started.`;
    }
    return p;
  }

  /** Reads without side effects: an unreadable file leaves an empty progress and corruptText set. */
  private static read(root: string): Progress {
    const file = path.join(root, PROGRESS_FILE);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return new Progress(file, empty());
    }
    try {
      const data = JSON.parse(text) as ProgressData;
      if (data?.version !== 1 || typeof data.lessons !== "object" || data.lessons === null || Array.isArray(data.lessons)) throw new Error("unexpected shape");
      for (const v of Object.values(data.lessons)) if (typeof v !== "object" || v === null || typeof v.status !== "string") throw new Error("unexpected shape");
      return new Progress(file, data);
    } catch {
      const p = new Progress(file, empty());
      p.corruptText = text;
      return p;
    }
  }

  /** Renames the unreadable file out of the way (never deleted: it may be inspected); returns its new name. */
  private keepCorruptAside(): string {
    let kept = `${this.file}.corrupt-${Date.now()}`;
    for (let n = 2; fs.existsSync(kept); n++) kept = `${this.file}.corrupt-${Date.now()}-${n}`;
    fs.renameSync(this.file, kept);
    this.corruptText = undefined;
    return kept;
  }

  lesson(id: string): LessonProgress | undefined {
    return this.data.lessons[id];
  }

  /** `recheck`: the grader re-checked the lesson itself (finishing the workbook): not the learner's attempt. */
  recordAttempt(id: string, r: LessonResult, now = new Date(), o: { recheck?: boolean } = {}): void {
    const prev = this.data.lessons[id];
    const { passed, total } = countPassed(r);
    const first = r.tests.find((t) => t.status === "fail" || t.status === "error");
    this.data.lessons[id] = {
      ...prev,
      firstFailing: first ? { check: first.name, ...(first.hint ? { hint: first.hint } : {}) } : undefined,
      status: r.status,
      lastAttempt: now.toISOString(),
      checksPassed: passed,
      checksTotal: total,
      attempts: (prev?.attempts ?? 0) + (o.recheck ? 0 : 1),
      ...(r.status === "pass" && !prev?.passedAt ? { passedAt: now.toISOString() } : {}),
    };
  }

  /** Counts one more hint seen; returns the new count. */
  recordHint(id: string): number {
    const prev = this.data.lessons[id] ?? { status: "fail" as const };
    const hintsSeen = (prev.hintsSeen ?? 0) + 1;
    this.data.lessons[id] = { ...prev, hintsSeen };
    return hintsSeen;
  }

  /** The solution was shown: recorded when the lesson never passed; returns whether it was early. */
  recordSolutionView(id: string): boolean {
    const prev = this.data.lessons[id];
    if (prev?.passedAt) return false;
    this.data.lessons[id] = { ...(prev ?? { status: "fail" }), solutionViewedBeforePass: true };
    return true;
  }

  /** When the workbook was first finished (every lesson passing, re-checked together). */
  get finishedAt(): string | undefined {
    return this.data.finishedAt;
  }

  markFinished(now = new Date()): void {
    this.data.finishedAt ??= now.toISOString();
  }

  /** Ever passed (a later failing attempt does not take it back). */
  hasPassed(id: string): boolean {
    return Boolean(this.data.lessons[id]?.passedAt);
  }

  /** Every available lesson's last attempt passed. */
  allPassed(lessons: readonly Lesson[] = LESSONS): boolean {
    const available = lessons.filter((l) => l.available);
    return available.length > 0 && available.every((l) => this.data.lessons[l.id]?.status === "pass");
  }

  /**
   * done: the last attempt passed; failing: passed once, the last attempt fails; current: the
   * first lesson never passed; started: tried, not passing; not started.
   */
  states(lessons: readonly Lesson[] = LESSONS): Map<string, LessonState> {
    const states = new Map<string, LessonState>();
    let current = false;
    for (const l of lessons) {
      const p = this.data.lessons[l.id];
      if (p?.status === "pass") states.set(l.id, "done");
      else if (p?.passedAt) states.set(l.id, "failing");
      else if (!current && l.available) {
        states.set(l.id, "current");
        current = true;
      } else states.set(l.id, p?.lastAttempt ? "started" : "not started");
    }
    return states;
  }

  save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify(this.data, null, 2) + "\n");
      fs.renameSync(tmp, this.file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  /**
   * Loads the progress in `root`; an unreadable file is rebuilt by re-checking every available
   * lesson with `recheck` (undefined for a lesson means "never touched": left unrecorded).
   * The unreadable file is kept aside only once the rebuilt one can be saved, so an interrupted
   * rebuild is simply done again next time. Hints seen and early solution views cannot be
   * recovered from the learner's files; the notice (one line) says so.
   */
  static async open(root: string, recheck: Recheck): Promise<Progress> {
    const p = Progress.read(root);
    if (p.corruptText === undefined) return p;
    const lessons = LESSONS.filter((l) => l.available);
    const results = await recheck(lessons);
    const now = new Date();
    for (const l of lessons) {
      const r = results.get(l.id);
      if (r) p.recordAttempt(l.id, r, now);
    }
    const kept = p.keepCorruptAside();
    p.save();
    const passing = lessons.filter((l) => p.lesson(l.id)?.status === "pass").length;
    p.notice =
      `Your progress file was unreadable (kept as ${path.basename(kept)}); it was rebuilt by re-checking your lessons: ` +
      `${passing} of ${lessons.length} pass (hints seen could not be recovered).`;
    return p;
  }
}

/** Grades the learner's files of these lessons, quietly; undefined: the file is still the stub. */
export type Recheck = (lessons: readonly Lesson[]) => Promise<Map<string, LessonResult | undefined>>;

function empty(): ProgressData {
  return { version: 1, lessons: {} };
}
