// The batch on the terminal: a progress bar on stderr while it runs (a line per finished
// student when stderr is not a terminal), then the class as a table of students × lessons on
// stdout, with a total per student and the integrity signals as footnotes.
import { findLesson } from "../manifest.ts";
import { countPassed, type LessonResult } from "../report/results.ts";
import { visibleLine, visibleName } from "../report/escape.ts";
import { colors } from "../report/terminal.ts";
import type { BatchResult, IntegrityFlag, StudentResult } from "./types.ts";

type Colors = ReturnType<typeof colors>;

// A folder name may hold anything but a slash, so no name or message reaches the terminal
// raw: names are shown as visibleName shows them (ESC as \u001b, a bidi override as \u202e,
// on one line), a reason as visibleLine (checker/report/escape.ts), as in every report.

/** Width on screen, for the characters this table uses (no wide characters are assumed). */
const width = (s: string) => [...s].length;
const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => " ".repeat(Math.max(0, n - width(s))) + s;

export interface Cell {
  mark: "✔" | "✘" | "!" | " ";
  text: string;
}

export function cell(r: LessonResult | undefined): Cell {
  if (!r) return { mark: " ", text: "—" };
  const { passed, total } = countPassed(r);
  const counts = total ? `${passed}/${total}` : "—";
  if (r.status === "pass") return { mark: "✔", text: counts };
  if (r.status === "fail") return { mark: "✘", text: counts };
  return { mark: "!", text: counts };
}

/**
 * Per lesson, how many checks it has: the most any student's grading judged. A lesson that
 * could not be graded at all (a syntax error) has no checks of its own to count, but they
 * still count against the total, so "31/31" never hides a lesson that did not compile.
 */
export function checksPerLesson(result: BatchResult): Record<string, number> {
  const most: Record<string, number> = {};
  for (const s of result.students) for (const [id, r] of Object.entries(s.lessons)) most[id] = Math.max(most[id] ?? 0, countPassed(r).total);
  return most;
}

export function studentTotals(s: StudentResult, lessons: readonly string[], perLesson: Record<string, number> = {}): { lessonsPassed: number; lessons: number; passed: number; total: number } {
  let lessonsPassed = 0;
  let passed = 0;
  let total = 0;
  for (const id of lessons) {
    const r = s.lessons[id];
    const c = r ? countPassed(r) : { passed: 0, total: 0 };
    if (r?.status === "pass") lessonsPassed++;
    passed += c.passed;
    total += Math.max(c.total, perLesson[id] ?? 0);
  }
  return { lessonsPassed, lessons: lessons.length, passed, total };
}

/** "identical to the reference solution" / "identical to bob's" (one lesson's flags). */
export function describeFlags(flags: IntegrityFlag[]): string {
  const parts: string[] = [];
  if (flags.some((f) => f.kind === "matches-solution")) parts.push("identical to the reference solution");
  const others = flags.filter((f) => f.kind === "matches-student").map((f) => visibleName(f.other ?? "another student"));
  if (others.length) parts.push(`identical to ${others.map((o) => `${o}'s`).join(", ")}`);
  return parts.join("; ");
}

const shortLesson = (id: string) => id.slice(0, 2);

/** The class table, its legend and footnotes, as text for stdout. */
export function renderTable(result: BatchResult, c: Colors = colors()): string {
  const lessons = result.lessons;
  const paint = (m: Cell["mark"]) => (m === "✔" ? c.green(m) : m === "✘" ? c.red(m) : m === "!" ? c.yellow(m) : m);
  const footnotes: string[] = [];
  const perLesson = checksPerLesson(result);
  const rows = result.students.map((s) => {
    // One footnote per flagged student, its number on each flagged cell.
    const flagged = lessons.filter((id) => s.flags.some((f) => f.lesson === id));
    let note = "";
    if (flagged.length) {
      const byText = new Map<string, string[]>();
      for (const id of flagged) {
        const text = describeFlags(s.flags.filter((f) => f.lesson === id));
        byText.set(text, [...(byText.get(text) ?? []), shortLesson(id)]);
      }
      const parts = [...byText].map(([text, ids]) => `${ids.length > 1 ? "lessons" : "lesson"} ${ids.join(", ")} ${text}`);
      footnotes.push(`[${footnotes.length + 1}] ${visibleName(s.student)}: ${parts.join("; ")}`);
      note = `[${footnotes.length}]`;
    }
    const cells = lessons.map((id) => ({ ...cell(s.lessons[id]), note: flagged.includes(id) ? note : "" }));
    const t = studentTotals(s, lessons, perLesson);
    return { name: visibleName(s.student), cells, lessonsText: `${t.lessonsPassed}/${t.lessons}`, checksText: `${t.passed}/${t.total}` };
  });
  const nameW = Math.max(width("student"), ...rows.map((r) => width(r.name)));
  const cellW = lessons.map((_, i) => Math.max(3, ...rows.map((r) => 2 + width(r.cells[i].text) + width(r.cells[i].note))));
  const lessonsW = Math.max(width("lessons"), ...rows.map((r) => width(r.lessonsText)));
  const checksW = Math.max(width("checks"), ...rows.map((r) => width(r.checksText)));
  const out: string[] = [];
  const header = [pad("student", nameW), ...lessons.map((id, i) => pad(shortLesson(id), cellW[i])), padStart("lessons", lessonsW), padStart("checks", checksW)].join("  ");
  out.push(c.bold(header));
  for (const r of rows) {
    const cells = r.cells.map((x, i) => {
      const plain = `${x.mark} ${x.text}${x.note}`;
      const shown = `${paint(x.mark)} ${x.text}${x.note ? c.magenta(x.note) : ""}`;
      return shown + " ".repeat(Math.max(0, cellW[i] - width(plain)));
    });
    out.push([pad(r.name, nameW), ...cells, padStart(r.lessonsText, lessonsW), padStart(r.checksText, checksW)].join("  "));
  }
  out.push("");
  const names = lessons.map((id) => `${shortLesson(id)} ${findLesson(id)?.slug ?? id}`).join(" · ");
  out.push(c.dim(`${c.green("✔")} pass  ${c.red("✘")} fail  ${c.yellow("!")} could not grade (see the reports)  n/m checks passed  — not graded`));
  out.push(c.dim(names));
  if (footnotes.length) {
    out.push("");
    out.push(c.bold("Integrity signals (for you to look at, not verdicts):"));
    out.push(...footnotes);
  }
  // Why a lesson could not be graded at all, a line per student and reason.
  const sorry: string[] = [];
  for (const s of result.students) {
    const byReason = new Map<string, string[]>();
    for (const id of lessons) {
      const l = s.lessons[id];
      if (l?.status !== "error" || l.tests.length) continue;
      const reason = visibleLine((l.message ?? "no reason given").split("\n")[0]);
      byReason.set(reason, [...(byReason.get(reason) ?? []), shortLesson(id)]);
    }
    for (const [reason, ids] of byReason) sorry.push(`  ${visibleName(s.student)}, ${ids.length > 1 ? "lessons" : "lesson"} ${ids.join(", ")}: ${reason}`);
  }
  if (sorry.length) out.push("", c.bold("Could not grade:"), ...sorry);
  return out.join("\n") + "\n";
}

/** The progress of the batch, on stderr: a bar redrawn in place on a terminal, a line per student otherwise. */
export class Progress {
  private readonly running = new Set<string>();
  private done = 0;
  private readonly started = Date.now();
  private drawn = false;
  private timer?: NodeJS.Timeout;
  private readonly c: Colors;

  private readonly total: number;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;

  constructor(total: number, stream: NodeJS.WriteStream = process.stderr, tty = Boolean(stream.isTTY)) {
    this.total = total;
    this.stream = stream;
    this.tty = tty;
    this.c = colors(stream);
    if (this.tty) {
      this.timer = setInterval(() => this.draw(), 250);
      this.timer.unref();
      process.once("exit", this.clear);
    }
  }

  start(student: string): void {
    this.running.add(student);
    if (this.tty) this.draw();
  }

  finish(r: StudentResult, lessons: readonly string[]): void {
    this.running.delete(r.student);
    this.done++;
    if (this.tty) return this.draw();
    const t = studentTotals(r, lessons);
    const flagged = r.flags.length ? `, ${r.flags.length} integrity signal(s)` : "";
    this.stream.write(`[${this.done}/${this.total}] ${visibleName(r.student)}: ${t.lessonsPassed}/${t.lessons} lessons, ${t.passed}/${t.total} checks (${(r.ms / 1000).toFixed(1)} s${flagged})\n`);
  }

  private draw(): void {
    const cols = Math.max(40, this.stream.columns || 80);
    const barW = Math.min(30, Math.max(10, cols - 60));
    const filled = Math.round((this.done / Math.max(1, this.total)) * barW);
    const secs = Math.round((Date.now() - this.started) / 1000);
    const clock = `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")}`;
    const counts = ` ${this.done}/${this.total} students · ${clock}`;
    let now = [...this.running].map(visibleName).join(", ");
    const room = cols - 1 - barW - width(counts) - 3;
    if (now && width(now) > room) now = room > 1 ? [...now].slice(0, room - 1).join("") + "…" : "";
    this.stream.write(`\r\u001b[2K${this.c.green("█".repeat(filled))}${this.c.dim("░".repeat(barW - filled))}${counts}${now ? ` · ${now}` : ""}`);
    this.drawn = true;
  }

  /** Removes the bar (before the table is printed). */
  readonly clear = (): void => {
    clearInterval(this.timer);
    if (this.drawn) this.stream.write("\r\u001b[2K");
    this.drawn = false;
  };

  end(): void {
    this.clear();
    process.removeListener("exit", this.clear);
  }
}
