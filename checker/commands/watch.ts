// Scaffolding for issue 4's watch mode: the signature the dispatcher calls. Replaced by the
// real implementation in the same change; never shipped as is.
import type { Lesson } from "../manifest.ts";

export interface WatchActions {
  hint(): void | Promise<void>;
  solution(): Promise<void>;
  reset(): Promise<void>;
}

export interface WatchOptions {
  /** Watch and grade this file instead of the lesson's learner file. */
  file?: string;
  /** Re-grade on Enter instead of watching the file system. */
  manual?: boolean;
  /** Add live checks to each grading. */
  live?: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** What the h, s and r keys do (the dispatcher wires the real commands). */
  actions?: Partial<WatchActions>;
  debounceMs?: number;
  /** Stops watching (tests). */
  signal?: AbortSignal;
}

/** Resolves when the learner quits (q, Ctrl+C) or asks for the next lesson (n, after a pass). */
export async function watchLesson(lesson: Lesson, o: WatchOptions = {}): Promise<{ code: number; next?: boolean }> {
  void lesson;
  void o;
  throw new Error("watch mode is not built yet");
}
