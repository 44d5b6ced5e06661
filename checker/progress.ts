// The one owner of the learner's progress file (.progress.json at the workbook root,
// gitignored). Written atomically: a crash mid-write leaves the old file, never half of one.
import fs from "node:fs";
import path from "node:path";
import { WORKBOOK_ROOT } from "./paths.ts";
import { countPassed, type LessonResult } from "./report/results.ts";

export interface LessonProgress {
  status: "pass" | "fail" | "error";
  passedAt?: string;
  lastAttempt?: string;
  checksPassed?: number;
  checksTotal?: number;
  hintsSeen?: number;
  solutionViewedBeforePass?: boolean;
}

export interface ProgressData {
  version: 1;
  lessons: Record<string, LessonProgress>;
}

export const PROGRESS_FILE = ".progress.json";

/** Where the progress file lives: the workbook root, or TLS_WORKBOOK_STATE_DIR (tests, shared machines). */
export function stateDir(): string {
  return process.env.TLS_WORKBOOK_STATE_DIR || WORKBOOK_ROOT;
}

export class Progress {
  /** Set when the file could not be read and was started afresh. */
  notice?: string;

  private constructor(readonly file: string, public data: ProgressData) {}

  static load(root: string): Progress {
    const file = path.join(root, PROGRESS_FILE);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return new Progress(file, empty());
    }
    try {
      const data = JSON.parse(text) as ProgressData;
      if (data?.version !== 1 || typeof data.lessons !== "object" || data.lessons === null) throw new Error("unexpected shape");
      return new Progress(file, data);
    } catch {
      // Keep the unreadable file for inspection, start a fresh one.
      const kept = `${file}.corrupt-${Date.now()}`;
      fs.renameSync(file, kept);
      const p = new Progress(file, empty());
      p.notice = `Your progress file was unreadable; it was kept as ${path.basename(kept)} and a fresh one started.`;
      return p;
    }
  }

  lesson(id: string): LessonProgress | undefined {
    return this.data.lessons[id];
  }

  recordAttempt(id: string, r: LessonResult, now = new Date()): void {
    const prev = this.data.lessons[id];
    const { passed, total } = countPassed(r);
    this.data.lessons[id] = {
      ...prev,
      status: r.status,
      lastAttempt: now.toISOString(),
      checksPassed: passed,
      checksTotal: total,
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

  save(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.data, null, 2) + "\n");
    fs.renameSync(tmp, this.file);
  }
}

function empty(): ProgressData {
  return { version: 1, lessons: {} };
}
