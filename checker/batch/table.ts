// The batch on the terminal: a progress bar on stderr while it runs (a line per finished
// student when stderr is not a terminal), then the class as a table of students × lessons on
// stdout, fitted to the terminal's width, with a total in points per student (the same as its
// progress line says) and the integrity signals as footnotes.
import { findLesson } from "../manifest.ts";
import { POINTS_PER_LESSON, studentScore } from "../report/points.ts";
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

// checksPerLesson and studentTotals count checks; the table and the progress lines no longer
// use them (their totals are points: studentScore, checker/report/points.ts).

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

/** The width the table fits when none is given: the terminal's, or 80 columns when stdout is not a terminal. */
export function defaultWidth(stream: NodeJS.WriteStream = process.stdout): number {
  return stream.isTTY && stream.columns > 0 ? stream.columns : 80;
}

export interface TableOptions {
  /** Columns every line of the table fits in (default: defaultWidth()). */
  width?: number;
}

/** In the full form, names are cut only when that leaves them this many characters (else compact). */
const FULL_FORM_MIN_NAME = 20;
/** Names are never cut shorter than this (… included), however narrow the terminal. */
const MIN_NAME = 8;

/**
 * A shown name or line as the units it may be cut between: "\\" (a backslash, doubled by
 * visibleName), a whole "\uXXXX" escape, or one character. An escape's digits are 4, or 5
 * to 6 when that is a code point the escaping would show so (a 4-digit escape may be followed
 * by a hex digit of the name: "\u202eab" is U+202E, then "ab").
 */
function units(s: string): string[] {
  const out: string[] = [];
  const re = /\\\\|\\u([0-9a-f]{4,6})|[\s\S]/gu;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    let u = m[0];
    if (m[1] && m[1].length > 4) {
      const digits = [m[1], m[1].slice(0, 5)].find((d) => d.length > 4 && d[0] !== "0" && parseInt(d, 16) <= 0x10ffff && visibleName(String.fromCodePoint(parseInt(d, 16))) === `\\u${d}`);
      u = `\\u${digits ?? m[1].slice(0, 4)}`;
      re.lastIndex = m.index + u.length;
    }
    out.push(u);
  }
  return out;
}

/** A name in at most `n` columns: cut between units, "…" at the end when cut. */
function cutName(name: string, n: number): string {
  if (width(name) <= n) return name;
  let out = "";
  for (const u of units(name)) {
    if (width(out) + width(u) > n - 1) break;
    out += u;
  }
  return `${out}…`;
}

/**
 * Lines of at most `w` columns: `pieces` joined by `sep`, the first line starting with `lead`,
 * the others with `indent`. A piece too long for a line of its own is split at its spaces,
 * and a word too long for one at its units (never inside a "\uXXXX").
 */
export function wrap(pieces: string[], sep: string, w: number, indent = "    ", lead = ""): string[] {
  if (width(indent) > w / 2) indent = "";
  const out: string[] = [];
  let line = lead;
  let empty = true;
  const newLine = () => {
    out.push(line.trimEnd());
    line = indent;
    empty = true;
  };
  const put = (piece: string, s: string): void => {
    if (width(line) + (empty ? 0 : width(s)) + width(piece) <= w) {
      line += (empty ? "" : s) + piece;
      empty = false;
      return;
    }
    // Room on a line of its own (this one when nothing is on it yet, else the next).
    const room = w - (empty ? width(line) : width(indent));
    if (piece.includes(" ") && width(piece) > room) {
      for (const [i, word] of piece.split(" ").entries()) put(word, i ? " " : s);
      return;
    }
    if (!empty && (width(piece) <= room || width(line) + width(s) >= w)) {
      newLine();
      return put(piece, s);
    }
    // A word longer than a line: cut between its units, starting on this line.
    if (!empty) line += s;
    let rest = units(piece);
    let fresh = empty;
    while (rest.length) {
      let take = 0;
      let used = width(line);
      while (take < rest.length && used + width(rest[take]) <= w) used += width(rest[take++]);
      if (take === 0 && !fresh) {
        newLine();
        fresh = true;
        continue;
      }
      take = Math.max(1, take);
      line += rest.slice(0, take).join("");
      empty = fresh = false;
      rest = rest.slice(take);
      if (rest.length) {
        newLine();
        fresh = true;
      }
    }
  };
  for (const p of pieces) put(p, sep);
  if (!empty || out.length === 0) out.push(line);
  return out;
}

/** A line of text wrapped at its spaces. */
const wrapText = (text: string, w: number, indent = "    ", lead = "") => wrap(text.split(" "), " ", w, indent, lead);

interface Row {
  name: string;
  cells: (Cell & { note: string })[];
  lessonsText: string;
  pointsText: string;
}

/**
 * The class table, its legend and footnotes, as text for stdout, every line within
 * `options.width` columns (colour codes aside). The full form shows each lesson's checks
 * passed ("✔ 13/13"); when it does not fit (its names cut to no fewer than 20 characters),
 * the compact form shows a mark per lesson ("✔", "✘[1]"), names cut to the room left (to
 * no fewer than 8, "…" included, so a very narrow terminal can still get wider rows). The
 * names cut are listed in full under the legend. The totals are points (studentScore,
 * checker/report/points.ts), as in the progress lines and every class report.
 */
export function renderTable(result: BatchResult, c: Colors = colors(), options: TableOptions = {}): string {
  const w = Math.max(1, Math.floor(options.width ?? defaultWidth()));
  const lessons = result.lessons;
  const paint = (m: string) => (m === "✔" ? c.green(m) : m === "✘" ? c.red(m) : m === "!" ? c.yellow(m) : m);
  const footnotes: string[] = [];
  const rows: Row[] = result.students.map((s) => {
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
    const score = studentScore(s, [...lessons]);
    return { name: visibleName(s.student), cells, lessonsText: `${score.lessonsPassed}/${lessons.length}`, pointsText: `${score.points}/${score.max}` };
  });

  const lessonsW = Math.max(width("lessons"), ...rows.map((r) => width(r.lessonsText)));
  const pointsW = Math.max(width("points"), ...rows.map((r) => width(r.pointsText)));
  const totalsW = 2 + lessonsW + 2 + pointsW;
  const longest = Math.max(width("student"), ...rows.map((r) => width(r.name)));
  const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);

  // The full form: "✔ 13/13[1]" per lesson, two spaces between columns.
  const fullCell = (x: Row["cells"][number]) => ({ plain: `${x.mark} ${x.text}${x.note}`, shown: `${paint(x.mark)} ${x.text}${x.note ? c.magenta(x.note) : ""}` });
  const fullW = lessons.map((id, i) => Math.max(3, width(shortLesson(id)), ...rows.map((r) => width(fullCell(r.cells[i]).plain))));
  const fullRoom = w - (sum(fullW) + 2 * lessons.length + totalsW);
  // The compact form: "✔[1]" per lesson ("—" when not graded), a space between them.
  const compactCell = (x: Row["cells"][number]) => {
    const mark = x.mark === " " ? x.text : x.mark;
    return { plain: `${mark}${x.note}`, shown: `${paint(mark)}${x.note ? c.magenta(x.note) : ""}` };
  };
  const compactW = lessons.map((id, i) => Math.max(width(shortLesson(id)), ...rows.map((r) => width(compactCell(r.cells[i]).plain))));
  const compactRoom = w - (2 + sum(compactW) + Math.max(0, lessons.length - 1) + totalsW);

  const full = fullRoom >= Math.min(longest, FULL_FORM_MIN_NAME);
  const nameW = full ? Math.min(longest, fullRoom) : Math.min(longest, Math.max(MIN_NAME, compactRoom));
  const cellW = full ? fullW : compactW;
  const show = full ? fullCell : compactCell;
  const cellSep = full ? "  " : " ";
  const line = (name: string, cells: string[], lessonsText: string, pointsText: string) =>
    `${pad(name, nameW)}${full ? "" : "  "}${cells.map((x) => cellSep + x).join("").slice(full ? 0 : 1)}  ${padStart(lessonsText, lessonsW)}  ${padStart(pointsText, pointsW)}`;

  const out: string[] = [];
  out.push(c.bold(line("student", lessons.map((id, i) => pad(shortLesson(id), cellW[i])), "lessons", "points")));
  const cut: string[] = [];
  for (const r of rows) {
    const name = cutName(r.name, nameW);
    if (name !== r.name) cut.push(r.name);
    const cells = r.cells.map((x, i) => {
      const { plain, shown } = show(x);
      return shown + " ".repeat(Math.max(0, cellW[i] - width(plain)));
    });
    out.push(line(name, cells, r.lessonsText, r.pointsText));
  }
  out.push("");
  const legend = ["✔ pass", "✘ fail", "! could not grade (see the reports)", ...(full ? ["n/m checks passed"] : []), "— not graded", `points: ${POINTS_PER_LESSON} a lesson, for its share of checks passed`];
  for (const l of wrap(legend, "  ", w, "  ")) out.push(c.dim(l.replace(/[✔✘!]/g, (m) => paint(m))));
  for (const l of wrap(lessons.map((id) => `${shortLesson(id)} ${findLesson(id)?.slug ?? id}`), " · ", w, "  ")) out.push(c.dim(l));
  if (cut.length) {
    out.push("", ...wrapText("Names cut to fit, in full:", w, "  ").map((l) => c.bold(l)));
    for (const name of cut) out.push(...wrapText(name, w, "    ", "  "));
  }
  if (footnotes.length) {
    out.push("");
    out.push(...wrapText("Integrity signals (for you to look at, not verdicts):", w, "  ").map((l) => c.bold(l)));
    for (const f of footnotes) out.push(...wrapText(f, w, " ".repeat(width(f.slice(0, f.indexOf("] ") + 2)))));
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
    for (const [reason, ids] of byReason) sorry.push(...wrapText(`${visibleName(s.student)}, ${ids.length > 1 ? "lessons" : "lesson"} ${ids.join(", ")}: ${reason}`, w, "    ", "  "));
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
    // The same totals as the table: points (studentScore), then lessons passed.
    const score = studentScore(r, [...lessons]);
    const n = r.flags.length;
    const flagged = n ? `, ${n} integrity signal${n === 1 ? "" : "s"}` : "";
    this.stream.write(`[${this.done}/${this.total}] ${visibleName(r.student)}: ${score.points}/${score.max} points, ${score.lessonsPassed}/${lessons.length} lessons (${(r.ms / 1000).toFixed(1)} s${flagged})\n`);
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
