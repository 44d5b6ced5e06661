// The class table on a real terminal (checker/batch/table.ts): it fits the width (80 columns
// when stdout is not a terminal), in a compact form when the full one does not fit, with long
// names cut with … and listed in full, footnotes wrapped; and its totals are the points of
// the grading rule (checker/report/points.ts), the same as the progress line says.
import pc from "picocolors";
import { afterEach, describe, expect, it } from "vitest";
import { renderTable } from "../checker/batch/table.ts";
import type { BatchResult, StudentResult } from "../checker/batch/types.ts";
import { LESSONS } from "../checker/manifest.ts";
import { visibleName } from "../checker/report/escape.ts";
import { studentScore } from "../checker/report/points.ts";
import type { LessonResult, TestResult } from "../checker/report/results.ts";
import { progressLines } from "./helpers.ts";

const ids = LESSONS.map((l) => l.id);
const [L01, L02, L03, L04, L05, L06, L07, L08] = ids;
const LONG = "bartholomew-fitzgerald-montgomery-smythe"; // 40 characters
const noColours = pc.createColors(false);

const ANSI = /\x1b\[[0-9;]*m/g;
const strip = (s: string) => s.replace(ANSI, "");
const cols = (line: string) => [...strip(line)].length;
const linesOf = (text: string) => text.replace(/\n$/, "").split("\n");

/** `passed` passing checks and `failed` failing ones, as a lesson's v3 result. */
function lesson(id: string, passed: number, failed: number, extra: TestResult[] = []): LessonResult {
  const tests: TestResult[] = [
    ...Array.from({ length: passed }, (_, i) => ({ name: `check ${i + 1}`, status: "pass" as const })),
    ...Array.from({ length: failed }, (_, i) => ({ name: `check ${passed + i + 1}`, status: "fail" as const, message: "expected: 1\ngot:      2" })),
    ...extra,
  ];
  return { version: 3, lesson: id, status: failed ? "fail" : extra.some((t) => t.status === "error") ? "error" : "pass", tests };
}

function batch(): BatchResult {
  const alice: StudentResult = {
    student: "alice",
    lessons: { [L01]: lesson(L01, 13, 0), [L02]: lesson(L02, 28, 0), [L03]: lesson(L03, 7, 2), [L04]: lesson(L04, 5, 0), [L05]: lesson(L05, 4, 0), [L06]: lesson(L06, 3, 0), [L07]: lesson(L07, 2, 0), [L08]: lesson(L08, 6, 0) },
    flags: [
      { lesson: L02, kind: "matches-solution" },
      { lesson: L05, kind: "matches-student", other: LONG },
    ],
    ms: 2100,
  };
  const long: StudentResult = {
    student: LONG,
    lessons: { [L01]: lesson(L01, 0, 13), [L02]: lesson(L02, 14, 14), [L03]: lesson(L03, 0, 9), [L04]: lesson(L04, 0, 5), [L05]: lesson(L05, 4, 0), [L06]: lesson(L06, 0, 3), [L07]: lesson(L07, 0, 2), [L08]: lesson(L08, 0, 6) },
    flags: [{ lesson: L05, kind: "matches-student", other: "alice" }],
    ms: 1500,
  };
  const carol: StudentResult = {
    student: "carol",
    lessons: {
      [L01]: lesson(L01, 13, 0, [{ name: "live: example.com", status: "skip", message: "offline" }]),
      [L02]: { version: 3, lesson: L02, status: "error", tests: [], message: `could not compile lessons/02-verified-client/exercise.ts:3:10: ERROR: Expected ";" but found "{" (the file has a syntax error near the top; fix it and grade again)` },
      [L03]: lesson(L03, 1, 0, [{ name: "check 2", status: "error", message: "the grader itself failed on this check" }]),
      // L04: no result at all (not graded for this student).
      [L05]: lesson(L05, 2, 2),
      [L06]: lesson(L06, 3, 0),
      [L07]: lesson(L07, 1, 1),
      [L08]: lesson(L08, 3, 3),
    },
    flags: [],
    ms: 900,
  };
  return { version: 1, generatedAt: "2026-11-27T10:00:00.000Z", lessons: ids, students: [alice, long, carol] };
}


/** A student's row: the line that starts with its name, or with its name cut (…). */
function rowOf(text: string, name: string): string {
  const lines = linesOf(strip(text));
  const found = lines.find((l) => l.startsWith(`${name} `)) ?? lines.find((l) => /^\S+…\s/.test(l) && name.startsWith(l.split("…")[0]));
  if (!found) throw new Error(`no row for ${name} in:\n${text}`);
  return found;
}
const totalOf = (row: string) => row.match(/(\d+)\/(\d+)$/)!.slice(1).map(Number);
const COMPACT_HEADER = /^student\s+01 +02 +03 +04 +05 +06 +07 +08\s+lessons\s+points$/;
const FULL_HEADER = /^student\s+01\s+02\s+03\s+04\s+05\s+06\s+07\s+08\s+lessons\s+points$/;

describe("the table at a width", () => {
  const saved = { isTTY: Object.getOwnPropertyDescriptor(process.stdout, "isTTY"), columns: Object.getOwnPropertyDescriptor(process.stdout, "columns") };
  afterEach(() => {
    for (const key of ["isTTY", "columns"] as const) {
      if (saved[key]) Object.defineProperty(process.stdout, key, saved[key]);
      else delete (process.stdout as { isTTY?: boolean; columns?: number })[key];
    }
  });

  it("keeps every line within 80 columns at width 80, in the compact form", () => {
    const text = renderTable(batch(), noColours, { width: 80 });
    const lines = linesOf(text);
    expect(lines.filter((l) => cols(l) > 80)).toEqual([]);
    expect(lines[0]).toMatch(COMPACT_HEADER);
    // Compact: a single mark per lesson (and the footnote number), no counts.
    expect(rowOf(text, "alice")).toMatch(/^alice +✔ +✔\[1\] +✘ +✔ +✔\[1\] +✔ +✔ +✔ +7\/8 +77\/80$/);
    expect(rowOf(text, "carol")).toMatch(/^carol +✔ +! +! +— +✘ +✔ +✘ +✘ +2\/8 +40\/80$/);
    expect(text).not.toMatch(/13\/13/);
  });

  it("uses the full form, with the checks passed per lesson, when it fits (width 140)", () => {
    const text = renderTable(batch(), noColours, { width: 140 });
    const lines = linesOf(text);
    expect(lines.filter((l) => cols(l) > 140)).toEqual([]);
    expect(lines[0]).toMatch(FULL_HEADER);
    expect(rowOf(text, "alice")).toMatch(/^alice +✔ 13\/13 +✔ 28\/28\[1\] +✘ 7\/9 +✔ 5\/5 +✔ 4\/4\[1\] +✔ 3\/3 +✔ 2\/2 +✔ 6\/6 +7\/8 +77\/80$/);
    expect(rowOf(text, LONG)).toMatch(new RegExp(`^${LONG} +✘ 0/13 +✘ 14/28 `));
    expect(rowOf(text, "carol")).toMatch(/^carol +✔ 13\/13 +! — +! 1\/2 +— +✘ 2\/4 +✔ 3\/3 +✘ 1\/2 +✘ 3\/6 +2\/8 +40\/80$/);
    expect(text).not.toMatch(/…/);
  });

  it("defaults to 80 columns when stdout is not a terminal, to its width when it is", () => {
    Object.defineProperty(process.stdout, "isTTY", { value: false, configurable: true, writable: true });
    Object.defineProperty(process.stdout, "columns", { value: 140, configurable: true, writable: true });
    const piped = renderTable(batch(), noColours);
    expect(linesOf(piped).filter((l) => cols(l) > 80)).toEqual([]);
    expect(rowOf(piped, "alice")).not.toMatch(/13\/13/);
    Object.defineProperty(process.stdout, "isTTY", { value: true, configurable: true, writable: true });
    const onTerminal = renderTable(batch(), noColours);
    expect(rowOf(onTerminal, "alice")).toMatch(/✔ 13\/13/);
    expect(linesOf(onTerminal).filter((l) => cols(l) > 140)).toEqual([]);
  });

  it("cuts long names with … at one column, and lists them in full", () => {
    const text = strip(renderTable(batch(), noColours, { width: 80 }));
    const row = rowOf(text, LONG);
    const cut = row.split("…")[0];
    expect(cut.length).toBeGreaterThanOrEqual(8);
    expect(LONG.startsWith(cut)).toBe(true);
    expect(cut.length).toBeLessThan(LONG.length);
    // The lesson cells start at the same column on every row.
    const lines = linesOf(text);
    const start = lines[0].indexOf("01");
    for (const name of ["alice", LONG, "carol"]) expect([...rowOf(text, name)][start - 1], name).toBe(" ");
    expect([...row][start]).toBe("✘");
    // The full name still appears, on a line of its own in the list of names cut.
    expect(lines.some((l) => l.trim() === LONG)).toBe(true);
  });

  it("never exceeds the width by cutting names further, to no fewer than 8 characters, never inside a \\uXXXX escape", () => {
    const hostile = `\u202e\u202e\u202e${"x".repeat(5)}\u001b[2J\u001b[2J${"\\".repeat(3)}\u200b\u200b-and-then-some`;
    const b = batch();
    b.students[1] = { ...b.students[1], student: hostile };
    const shown = visibleName(hostile);
    // From the narrowest width at which the compact rows fit with 8 characters of name.
    for (let w = 54; w <= 80; w++) {
      const text = strip(renderTable(b, noColours, { width: w }));
      const lines = linesOf(text);
      const table = lines.slice(0, 4);
      expect(table.filter((l) => cols(l) > w), `width ${w}`).toEqual([]);
      const row = lines.find((l) => l.startsWith("\\u202e"))!;
      const cut = row.split("…")[0];
      expect(shown.startsWith(cut), `width ${w}`).toBe(true);
      expect(cut, `width ${w}: a whole number of escapes`).toMatch(/^(?:\\\\|\\u[0-9a-f]{4}|[^\\])+$/);
      // Listed in full (wrapped, on lines of its own), once.
      const first = lines.findIndex((l) => l.startsWith("  \\u202e"));
      let end = first + 1;
      while (/^ {4}\S/.test(lines[end] ?? "")) end++;
      expect(lines.slice(first, end).map((l) => l.trim()).join(""), `width ${w}`).toBe(shown);
    }
    // Too narrow for anything: names stop at 8 characters ("…" included).
    const narrow = linesOf(strip(renderTable(batch(), noColours, { width: 30 })));
    const row = narrow.find((l) => l.startsWith(LONG.slice(0, 4)))!;
    expect(row.slice(0, 8)).toBe(`${LONG.slice(0, 7)}…`);
  });

  it("wraps the footnotes and the could-not-grade lines at the width, continuation lines indented", () => {
    for (const w of [80, 60]) {
      const text = strip(renderTable(batch(), noColours, { width: w }));
      const lines = linesOf(text);
      expect(lines.filter((l) => cols(l) > w), `width ${w}`).toEqual([]);
      const from = lines.findIndex((l) => l.startsWith("[1] "));
      expect(from).toBeGreaterThan(0);
      expect(lines[from + 1]).toMatch(/^ {2,}\S/);
      const signals = lines.slice(from, lines.findIndex((l, i) => i > from && l === "")).join(" ").replace(/\s+/g, " ");
      expect(signals).toContain(`[1] alice: lesson 02 identical to the reference solution; lesson 05 identical to ${LONG}'s`);
      expect(signals).toContain(`[2] ${LONG}: lesson 05 identical to alice's`);
      const sorry = lines.slice(lines.indexOf("Could not grade:") + 1);
      expect(sorry[0]).toMatch(/^ {2}carol, lesson 02: could not compile/);
      expect(sorry.slice(1).every((l) => /^ {4,}\S/.test(l))).toBe(true);
      expect(sorry.join(" ").replace(/\s+/g, " ")).toContain(`fix it and grade again)`);
    }
  });

  it("shows the same total in the table as in the progress line: the points of studentScore", () => {
    const b = batch();
    const progress = progressLines(b);
    expect(progress).toEqual([
      "[1/3] alice: 77/80 points, 7/8 lessons (2.1 s, 2 integrity signals)\n",
      `[2/3] ${LONG}: 15/80 points, 1/8 lessons (1.5 s, 1 integrity signal)\n`,
      "[3/3] carol: 40/80 points, 2/8 lessons (0.9 s)\n",
    ]);
    for (const width of [80, 140]) {
      const text = renderTable(b, noColours, { width });
      b.students.forEach((s, i) => {
        const score = studentScore(s, b.lessons);
        const fromProgress = progress[i].match(/: (\d+)\/(\d+) points/)!.slice(1).map(Number);
        expect(totalOf(rowOf(text, s.student)), `${s.student} at ${width}`).toEqual([score.points, score.max]);
        expect(fromProgress).toEqual([score.points, score.max]);
      });
    }
  });

  it("measures the width without the colour codes, and colours as before", () => {
    const plain = renderTable(batch(), noColours, { width: 80 });
    const coloured = renderTable(batch(), pc.createColors(true), { width: 80 });
    expect(coloured).toMatch(/\x1b\[32m✔\x1b\[39m/);
    expect(coloured).toMatch(/\x1b\[35m\[1\]\x1b\[39m/);
    expect(strip(coloured)).toBe(plain);
    expect(linesOf(coloured).filter((l) => cols(l) > 80)).toEqual([]);
  });
});
