// Points set by hand (checker/report/overrides.ts, points.ts, csv.ts): the overrides file is
// read as documented (RFC 4180, a BOM, comments, blank lines, semicolons), every mistake is a
// one-line UsageError naming the file and line, applyOverrides matches folder names
// NFC-normalised both ways without touching its input, and studentScore, grades.csv and
// report.html's totals all count the instructor's points, marked as set by hand.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BatchResult, StudentResult } from "../checker/batch/types.ts";
import { UsageError } from "../checker/cli/common.ts";
import { LESSONS } from "../checker/manifest.ts";
import { gradesCsv } from "../checker/report/csv.ts";
import { reportHtml } from "../checker/report/html.ts";
import { applyOverrides, readOverrides, type Overrides } from "../checker/report/overrides.ts";
import { lessonScore, studentLessonPoints, studentScore } from "../checker/report/points.ts";
import { ALL_LESSONS, handBatch } from "./fixtures/batch-result.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-overrides-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
/** Writes `content` (a string as UTF-8, or bytes) to a new file and returns its path. */
function file(content: string | Buffer, name = `overrides-${++n}.csv`): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}

/** The UsageError readOverrides throws, checked to be one line. */
function usageError(f: string): UsageError {
  let err: unknown;
  try {
    readOverrides(f, LESSONS);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UsageError);
  const message = (err as Error).message;
  expect(message).not.toMatch(/[\r\n]/);
  return err as UsageError;
}

const [l1, l2, l3, l4, l5, l6, l7] = ALL_LESSONS;

// ---- reading the file ----

describe("readOverrides", () => {
  it("reads numbers, padded numbers, ids and slugs, RFC 4180 quoting, a BOM, CRLF, comments and blank lines", () => {
    const f = file(
      [
        "\uFEFFstudent,lesson,points,reason",
        "# the first pass, Monday",
        "",
        "Ada Lovelace,7,9,\"fine, in her own words\"",
        "   ",
        "O'Neil Zoë,05,10,\"she said \"\"it works\"\"\"",
        `"Smith, Bob",07-why-not-verify-false,0,"two`,
        `lines"`,
        "Carol , verified-client , 3 ,",
        "#Carol,1,1,commented out",
        "Dan,1,4,see issue #3",
        "",
      ].join("\r\n"),
    );
    const o = readOverrides(f, LESSONS);
    expect(o.file).toBe(f);
    expect(o.entries).toEqual([
      { student: "Ada Lovelace", lesson: l7, points: 9, reason: "fine, in her own words", line: 4 },
      { student: "O'Neil Zoë", lesson: l5, points: 10, reason: 'she said "it works"', line: 6 },
      { student: "Smith, Bob", lesson: l7, points: 0, reason: "two\nlines", line: 7 },
      { student: "Carol", lesson: l2, points: 3, line: 9 },
      { student: "Dan", lesson: l1, points: 4, reason: "see issue #3", line: 11 },
    ]);
  });

  it("takes the columns in any order, without a reason column, and Excel's semicolon-separated CSV", () => {
    expect(readOverrides(file("Points,Student,Lesson\n10,ada,2\n"), LESSONS).entries).toEqual([{ student: "ada", lesson: l2, points: 10, line: 2 }]);
    expect(readOverrides(file("student;lesson;points;reason\nZoë;3;7;late, but fine\n"), LESSONS).entries).toEqual([{ student: "Zoë", lesson: l3, points: 7, reason: "late, but fine", line: 2 }]);
    expect(readOverrides(file("student,lesson,points,reason\n"), LESSONS).entries).toEqual([]);
  });

  const HEADER = "student,lesson,points,reason\n";
  it.each([
    ["an unknown lesson number", `${HEADER}ada,9,5,\n`, /^F line 2: unknown lesson "9": a number from 1 to 8 or an id such as 08-chain-of-trust$/],
    ["an unknown lesson id", `${HEADER}ada,02-verified-klient,5,\n`, /^F line 2: unknown lesson "02-verified-klient"/],
    ["lesson 0", `${HEADER}# c\nada,0,5\n`, /^F line 3: unknown lesson "0"/],
    ["points above 10", `${HEADER}ada,2,11,\n`, /^F line 2: points "11" out of range: a whole number from 0 to 10$/],
    ["negative points", `${HEADER}ada,2,-1,\n`, /^F line 2: points "-1" out of range/],
    ["a fraction of a point", `${HEADER}ada,2,7.5,\n`, /^F line 2: points "7.5" out of range/],
    ["points in words", `${HEADER}ada,2,ten,\n`, /^F line 2: points "ten" out of range/],
    ["no points", `${HEADER}ada,2,,why\n`, /^F line 2: no points$/],
    ["no student", `${HEADER}\n,2,5,\n`, /^F line 3: no student$/],
    ["no lesson", `${HEADER}ada,,5,\n`, /^F line 2: no lesson$/],
    ["a reason with an unquoted comma", `${HEADER}ada,2,5,late, but fine\n`, /^F line 2: 5 fields where the header has 4 \(quote a reason that holds a comma/],
    ["the same student and lesson twice (07 and 7, NFC and NFD)", `${HEADER}Zoë,07,5,\nbob,7,5\nZoe\u0308,7,6,\n`, /^F line 4: "Zoe\u0308", lesson 07 again \(first on line 2\)$/],
    ["a quote that is never closed", `${HEADER}ada,2,5,"open\n`, /^F line \d+: bad CSV \(a quote is opened and never closed\)$/],
    ["text after a closing quote", `${HEADER}ada,2,5\n"bob"x,2,5\n`, /^F line 3: bad CSV \(text right after a closing quote/],
    ["text after a closing quote and a space", `${HEADER}"bob" x,2,5\n`, /^F line 2: bad CSV \(text right after a closing quote/],
    ["a quote inside an unquoted field", `${HEADER}bob,2,5,"fine"\nthe "Z",2,5\n`, /^F line 3: bad CSV \(a quote inside an unquoted field/],
    ["an unknown column", `student,lesson,score,reason\nada,2,5\n`, /^F line 1: unknown column "score": expected the header student,lesson,points,reason/],
    ["no points column", `student,lesson,reason\nada,2,5\n`, /^F line 1: no points column: expected the header/],
    ["a column twice", `student,lesson,points,points\n`, /^F line 1: the column "points" twice/],
    ["an empty file", ``, /^F: empty: expected the header student,lesson,points,reason/],
    ["a file of comments only", `# nothing yet\n\n`, /^F: empty:/],
    ["a control character in a value (shown, not raw)", `${HEADER}ada,\u001b[2J,5\n`, /^F line 2: unknown lesson "\\u001b\[2J"/],
  ])("refuses %s, naming the file and line", (_what, content, message) => {
    const f = file(content);
    const err = usageError(f);
    expect(err.message.replace(f, "F")).toMatch(message);
  });

  it("refuses a file that is not UTF-8, one that is missing, and a folder", () => {
    const latin1 = file(Buffer.from("student,lesson,points\nZo\xeb,2,5\n", "latin1"));
    expect(usageError(latin1).message).toBe(`${latin1}: not UTF-8 text (in Excel, save it as "CSV UTF-8")`);
    const missing = path.join(tmp, "no-such.csv");
    expect(usageError(missing).message).toBe(`${missing}: cannot read it: no such file`);
    expect(usageError(tmp).message).toBe(`${tmp}: cannot read it: a folder, not a file`);
  });
});

// ---- applying it ----

const student = (name: string, extra: Partial<StudentResult> = {}): StudentResult => ({ student: name, lessons: {}, flags: [], ms: 1, ...extra });
const batchOf = (...students: StudentResult[]): BatchResult => ({ version: 1, generatedAt: "2026-11-27T10:00:00.000Z", lessons: ALL_LESSONS, students });
const overrides = (...entries: [string, string, number, string?][]): Overrides => ({
  file: "overrides.csv",
  entries: entries.map(([s, lesson, points, reason], i) => ({ student: s, lesson, points, ...(reason ? { reason } : {}), line: i + 2 })),
});

describe("applyOverrides", () => {
  it("sets StudentResult.overrides on the students named, lists unknown names, and leaves its input alone", () => {
    const input = batchOf(student("ada"), student("bob"), student("carol"));
    const frozen = JSON.stringify(input);
    const r = applyOverrides(input, overrides(["ada", l7, 9, "own words"], ["nobody", l2, 5], ["ada", l2, 10], ["carol", l3, 0], ["nobody", l3, 1], ["Ada", l1, 1]));
    expect(r.result.students.map((s) => s.overrides)).toEqual([{ [l7]: { points: 9, reason: "own words" }, [l2]: { points: 10 } }, undefined, { [l3]: { points: 0 } }]);
    expect(r.unknownStudents).toEqual(["nobody", "Ada"]); // once each, in the file's order; names are case-sensitive
    expect(r.ambiguousStudents).toEqual([]);
    expect(JSON.stringify(input)).toBe(frozen);
    expect(r.result).not.toBe(input);
    expect(r.result.students[1]).toBe(input.students[1]); // untouched students are the same objects
    expect({ ...r.result, students: [] }).toEqual({ ...input, students: [] });
  });

  it("matches names NFC-normalised both ways: a file typed in NFC, folders made in NFD, and the reverse", () => {
    const nfc = "Zo\u00eb";
    const nfd = "Zoe\u0308";
    expect(nfc).not.toBe(nfd);
    const a = applyOverrides(batchOf(student(nfd)), overrides([nfc, l2, 7]));
    expect(a.result.students[0].overrides).toEqual({ [l2]: { points: 7 } });
    expect(a.unknownStudents).toEqual([]);
    const b = applyOverrides(batchOf(student(nfc)), overrides([nfd, l2, 6]));
    expect(b.result.students[0].overrides).toEqual({ [l2]: { points: 6 } });
    expect(b.unknownStudents).toEqual([]);
  });

  it("prefers the folder spelled exactly so, and applies nothing for a name two folders share once normalised", () => {
    const nfc = "\u1ec7"; // ệ
    const nfd = "e\u0323\u0302";
    const other = "e\u0302\u0323"; // a third spelling: the same letter once normalised
    expect(new Set([nfc, nfd, other].map((s) => s.normalize("NFC"))).size).toBe(1);
    const exact = applyOverrides(batchOf(student(nfc), student(nfd)), overrides([nfd, l4, 8]));
    expect(exact.result.students.map((s) => s.overrides)).toEqual([undefined, { [l4]: { points: 8 } }]);
    const ambiguous = applyOverrides(batchOf(student(nfd), student(other)), overrides([nfc, l4, 8]));
    expect(ambiguous.result.students.map((s) => s.overrides)).toEqual([undefined, undefined]);
    expect(ambiguous.ambiguousStudents).toEqual([nfc]);
    expect(ambiguous.unknownStudents).toEqual([]);
  });

  it("keeps overrides already there for other lessons; the file's win for the same lesson", () => {
    const input = batchOf(student("ada", { overrides: { [l1]: { points: 2 }, [l2]: { points: 3, reason: "old" } } }));
    const r = applyOverrides(input, overrides(["ada", l2, 9, "new"]));
    expect(r.result.students[0].overrides).toEqual({ [l1]: { points: 2 }, [l2]: { points: 9, reason: "new" } });
    expect(input.students[0].overrides).toEqual({ [l1]: { points: 2 }, [l2]: { points: 3, reason: "old" } });
  });

  it("reads a real file end to end into the result", () => {
    const f = file("student,lesson,points,reason\nAda Lovelace,3,10,regraded by hand\nGhost,1,1,\n");
    const r = applyOverrides(handBatch(), readOverrides(f, LESSONS));
    expect(r.result.students[0].overrides).toEqual({ [l3]: { points: 10, reason: "regraded by hand" } });
    expect(r.unknownStudents).toEqual(["Ghost"]);
  });
});

// ---- every report counts them ----

/** handBatch with Ada's lesson 03 (computed: 1 of 2 checks, 5 points) set to 10 and her lesson 06 (0) to 4; O'Neil's 02 (an error) to 6. */
function overriddenBatch(): BatchResult {
  const b = handBatch();
  b.students[0] = { ...b.students[0], overrides: { [l3]: { points: 10, reason: "the check was wrong, see mail" }, [l6]: { points: 4 } } };
  b.students[1] = { ...b.students[1], overrides: { [l2]: { points: 6, reason: 'a "typo", fixed =SUM(1)\u202e' } } };
  return b;
}

/** An RFC 4180 reader, enough for grades.csv (quoted fields, doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\r" && text[i + 1] === "\n") row.push(field), rows.push(row), (row = []), (field = ""), i++;
    else field += c;
  }
  return rows;
}

describe("points set by hand in points.ts and every report", () => {
  it("studentLessonPoints gives the instructor's points, marked, and keeps what the checks say", () => {
    const b = overriddenBatch();
    const ada = b.students[0];
    expect(lessonScore(ada.lessons[l3]).points).toBe(5);
    const sc = studentLessonPoints(ada, l3);
    expect(sc).toEqual({ ...lessonScore(ada.lessons[l3]), points: 10, overridden: { points: 10, reason: "the check was wrong, see mail" } });
    expect(sc.status).toBe("fail"); // the checks still fail: only the points change
    expect(studentLessonPoints(ada, l6)).toEqual({ ...lessonScore(ada.lessons[l6]), points: 4, overridden: { points: 4 } });
    // Without an override, exactly lessonScore.
    expect(studentLessonPoints(ada, l1)).toEqual(lessonScore(ada.lessons[l1]));
    expect(studentLessonPoints(ada, l1).overridden).toBeUndefined();
    // A lesson the batch holds no result for can still be set by hand.
    const quoted = { ...b.students[1], overrides: { [l6]: { points: 3 } } };
    expect(studentLessonPoints(quoted, l6)).toMatchObject({ status: "missing", points: 3, overridden: { points: 3 } });
  });

  it("studentScore adds the instructor's points in place of the computed ones", () => {
    const plain = handBatch().students[0];
    const b = overriddenBatch();
    const before = studentScore(plain, ALL_LESSONS);
    const after = studentScore(b.students[0], ALL_LESSONS);
    expect(after.points).toBe(before.points - 5 + 10 - 0 + 4);
    expect(after.max).toBe(80);
    expect(after.lessonsPassed).toBe(before.lessonsPassed);
    expect(studentScore(b.students[1], ALL_LESSONS).points).toBe(studentScore(handBatch().students[1], ALL_LESSONS).points + 6);
  });

  it("brings a hand-edited override (results.json) into 0..10 and ignores one that is not a number", () => {
    const ada = handBatch().students[0];
    const odd = { ...ada, overrides: { [l1]: { points: 15 }, [l2]: { points: -3 }, [l3]: { points: 7.9 }, [l4]: { points: Number.NaN }, [l5]: { points: "9" as unknown as number } } };
    expect([l1, l2, l3, l4, l5].map((id) => studentLessonPoints(odd, id).points)).toEqual([10, 0, 7, lessonScore(ada.lessons[l4]).points, lessonScore(ada.lessons[l5]).points]);
  });

  it("grades.csv holds the set points in the lesson's cell, the total with them, and says so in its last column", () => {
    const b = overriddenBatch();
    const text = gradesCsv(b);
    expect(text.startsWith("\uFEFFstudent,")).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]).toEqual(["student", ...ALL_LESSONS, "total", "max", "flags", "overridden"]);
    const [ada, quoted, formula] = rows.slice(1);
    expect(ada[1 + ALL_LESSONS.indexOf(l3)]).toBe("10");
    expect(ada[1 + ALL_LESSONS.indexOf(l6)]).toBe("4");
    expect(Number(ada[1 + ALL_LESSONS.length])).toBe(studentScore(b.students[0], ALL_LESSONS).points);
    expect(Number(ada[1 + ALL_LESSONS.length])).toBe(ada.slice(1, 1 + ALL_LESSONS.length).reduce((a, c) => a + Number(c), 0));
    expect(ada.at(-1)).toBe("03: set by hand (the check was wrong, see mail); 06: set by hand");
    expect(quoted[1 + ALL_LESSONS.indexOf(l2)]).toBe("6");
    // The reason is instructor text, escaped all the same: quotes doubled, the bidi override visible.
    expect(quoted.at(-1)).toBe('02: set by hand (a "typo", fixed =SUM(1)\\u202e)');
    expect(text).toContain(`,"02: set by hand (a ""typo"", fixed =SUM(1)\\u202e)"\r\n`);
    expect(formula.at(-1)).toBe("");
  });

  it("report.html's totals and grades.csv's agree, set points included", () => {
    const b = overriddenBatch();
    const csvTotals = parseCsv(gradesCsv(b).slice(1))
      .slice(1)
      .map((r) => Number(r[1 + ALL_LESSONS.length]));
    const page = reportHtml(b);
    const htmlTotals = [...page.matchAll(/<td class="total" data-points="(\d+)">/g)].map((m) => Number(m[1]));
    expect(htmlTotals).toEqual(csvTotals);
    expect(csvTotals).toEqual(b.students.map((s) => studentScore(s, ALL_LESSONS).points));
    expect(csvTotals[0]).not.toBe(studentScore(handBatch().students[0], ALL_LESSONS).points);
  });
});
