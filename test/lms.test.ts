// The LMS gradebook exports (checker/report/lms.ts): folder names as Moodle and Canvas
// download submissions give the student's id; a roster file (folder,id,name,email, Canvas's
// gradebook export, Moodle's grading worksheet) maps them otherwise; the Canvas import and
// the Moodle worksheet have the exact headers and rows their importers read; folders no one
// matches are listed, never guessed; hostile names stay text.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BatchResult, StudentResult } from "../checker/batch/types.ts";
import { UsageError } from "../checker/cli/common.ts";
import { gradesCsv } from "../checker/report/csv.ts";
import { idFromFolderName, lmsCsv, readRoster, rosterFromFolderNames, type Roster } from "../checker/report/lms.ts";
import { studentScore } from "../checker/report/points.ts";
import type { LessonResult } from "../checker/report/results.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-lms-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function file(content: string): string {
  const p = path.join(tmp, `roster-${++n}.csv`);
  fs.writeFileSync(p, content);
  return p;
}

// ---- folder names ----

describe("idFromFolderName", () => {
  it.each([
    ["Moodle, a file submission", "Ada Lovelace_12345_assignsubmission_file_", { id: "12345", name: "Ada Lovelace" }],
    ["Moodle, online text", "Zoë O'Neil_77_assignsubmission_onlinetext_", { id: "77", name: "Zoë O'Neil" }],
    ["Moodle, anonymous submissions", "Participant_4711_assignsubmission_file_", { id: "4711", name: "Participant" }],
    ["Moodle, a group", "Group A-Ada Lovelace_12345_assignsubmission_file_", { id: "12345", name: "Group A-Ada Lovelace" }],
    ["Moodle, the folder name cut after the id", "Ada Lovelace_12345", { id: "12345", name: "Ada Lovelace" }],
    ["Canvas", "lovelaceada_12345_67890_exercise.ts", { id: "12345", name: "lovelaceada" }],
    ["Canvas, late", "lovelaceada_LATE_12345_67890_exercise.ts", { id: "12345", name: "lovelaceada" }],
    ["Canvas, digits inside the name", "o_12brien_pat_555_999_answer.md", { id: "555", name: "o_12brien_pat" }],
  ])("reads %s", (_what, folder, expected) => {
    expect(idFromFolderName(folder)).toEqual(expected);
  });

  it.each([
    ["a plain name", "Ada Lovelace"],
    ["a GitHub Classroom repository", "tls-workbook-adalovelace"],
    ["Canvas's anonymous download", "anon_a1B2c_67890_exercise.ts"],
    ["Canvas's anonymous download, late", "LATE_anon_a1B2c_67890_exercise.ts"],
    ["no name before the number", "12345_assignsubmission_file_"],
    ["a number not between underscores", "ada_12345x_file"],
  ])("finds no id in %s", (_what, folder) => {
    expect(idFromFolderName(folder)).toBeUndefined();
  });

  it("rosterFromFolderNames keeps the folders that carry an id", () => {
    expect(rosterFromFolderNames(["lovelaceada_1001_5001_a.ts", "Ada Lovelace", "Zoë O'Neil_77_assignsubmission_file_"])).toEqual({
      source: "folders",
      entries: [
        { folder: "lovelaceada_1001_5001_a.ts", id: "1001", name: "lovelaceada", email: "", sisUserId: "", sisLoginId: "", section: "" },
        { folder: "Zoë O'Neil_77_assignsubmission_file_", id: "77", name: "Zoë O'Neil", email: "", sisUserId: "", sisLoginId: "", section: "" },
      ],
    });
  });
});

// ---- a hand-built batch of three ----

const L2 = "02-verified-client";
const L5 = "05-reject-bad-certs";
const v3 = (lesson: string, passed: number, failed: number): LessonResult => ({
  version: 3,
  lesson,
  status: failed ? "fail" : "pass",
  tests: [...[...Array(passed)].map((_, i) => ({ name: `p${i}`, status: "pass" as const })), ...[...Array(failed)].map((_, i) => ({ name: `f${i}`, status: "fail" as const }))],
});
const student = (name: string, lessons: StudentResult["lessons"], extra: Partial<StudentResult> = {}): StudentResult => ({ student: name, lessons, flags: [], ms: 1, ...extra });

/** Two lessons (20 points): Ada 10 + 7, Zoë 5 + 0 with lesson 05 set to 9 by hand, a third folder with no id. */
function batch(names: [string, string, string]): BatchResult {
  return {
    version: 1,
    generatedAt: "2026-11-27T10:00:00.123Z",
    lessons: [L2, L5],
    students: [
      student(names[0], { [L2]: v3(L2, 4, 0), [L5]: v3(L5, 7, 3) }),
      student(names[1], { [L2]: v3(L2, 1, 1), [L5]: v3(L5, 0, 2) }, { overrides: { [L5]: { points: 9, reason: "private: talked to her" } } }),
      student(names[2], { [L2]: v3(L2, 1, 0) }),
    ],
  };
}
const MOODLE = batch(["Ada Lovelace_12345_assignsubmission_file_", "Zoë O'Neil_77_assignsubmission_file_", "hopper-grace"]);
const CANVAS = batch(["lovelaceada_1001_5001_exercise.ts", "oneilzoe_LATE_1002_5002_exercise.ts", "hopper-grace"]);

describe("the Canvas gradebook import", () => {
  it("has Canvas's header, the points possible row and a row per student with an id, by the folder names", () => {
    const out = lmsCsv(CANVAS, "canvas");
    expect(out.csv).toBe(
      [
        "Student,ID,SIS User ID,SIS Login ID,Section,TLS Workbook",
        "Points Possible,,,,,20",
        "lovelaceada,1001,,,,17",
        "oneilzoe,1002,,,,14",
        "",
      ].join("\r\n"),
    );
    expect(out.unknownFolders).toEqual(["hopper-grace"]);
    expect(out.duplicateIds).toEqual([]);
    expect(out.csv.charCodeAt(0)).not.toBe(0xfeff); // Canvas would read a BOM as part of "Student"
  });

  it("never ends the column's title in a number in parentheses, which Canvas reads as an assignment id", () => {
    const header = lmsCsv(CANVAS, "canvas").csv.split("\r\n")[0];
    expect(header).not.toMatch(/\s\(\d+\)$/);
    expect(lmsCsv(CANVAS, "canvas", undefined, { canvasAssignmentId: "98765" }).csv.split("\r\n")[0]).toBe("Student,ID,SIS User ID,SIS Login ID,Section,TLS Workbook (98765)");
    expect(lmsCsv(CANVAS, "canvas", undefined, { title: "Lab 3" }).csv.split("\r\n")[0]).toBe("Student,ID,SIS User ID,SIS Login ID,Section,Lab 3");
    expect(() => lmsCsv(CANVAS, "canvas", undefined, { canvasAssignmentId: "12a" })).toThrow(UsageError);
  });

  it("takes names, SIS ids and sections from Canvas's own gradebook export, by the folder's id", () => {
    const roster = readRoster(
      file(
        "\uFEFFStudent,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (4242),Current Score\r\n" +
          "    Points Possible,,,,,5,(read only)\r\n" +
          '"Lovelace, Ada",1001,S-1,ada@uni.example,Section 1,5,100\r\n' +
          '"O\'Neil, Zoë",1002,S-2,zoe@uni.example,Section 2,,\r\n' +
          '"Student, Test",1099,,,Section 1,,\r\n',
      ),
    );
    expect(roster.source).toBe("canvas");
    expect(roster.entries.map((e) => e.id)).toEqual(["1001", "1002", "1099"]);
    const out = lmsCsv(CANVAS, "canvas", roster);
    expect(out.csv).toBe(
      [
        "Student,ID,SIS User ID,SIS Login ID,Section,TLS Workbook",
        "Points Possible,,,,,20",
        '"Lovelace, Ada",1001,S-1,ada@uni.example,Section 1,17',
        "\"O'Neil, Zoë\",1002,S-2,zoe@uni.example,Section 2,14",
        "",
      ].join("\r\n"),
    );
    expect(out.unknownFolders).toEqual(["hopper-grace"]);
  });

  it("lists a folder whose id is not on the roster instead of guessing", () => {
    const roster = readRoster(file("Student,ID,SIS User ID,SIS Login ID,Section\nLovelace Ada,1001,,,\n"));
    const out = lmsCsv(CANVAS, "canvas", roster);
    expect(out.csv.split("\r\n").slice(2, -1)).toEqual(["Lovelace Ada,1001,,,,17"]);
    expect(out.unknownFolders).toEqual(["oneilzoe_LATE_1002_5002_exercise.ts", "hopper-grace"]);
  });
});

describe("the Moodle grading worksheet", () => {
  it("has the worksheet's columns, Participant ids, the time of grading and a one-line feedback without the reason", () => {
    const out = lmsCsv(MOODLE, "moodle");
    expect(out.csv).toBe(
      [
        "Identifier,Full name,Email address,Grade,Maximum grade,Last modified (grade),Feedback comments",
        'Participant 12345,Ada Lovelace,,17,20,2026-11-27T10:00:00Z,"lesson 02: 10/10, lesson 05: 7/10"',
        "Participant 77,Zoë O'Neil,,14,20,2026-11-27T10:00:00Z,\"lesson 02: 5/10, lesson 05: 9/10 (set by hand)\"",
        "",
      ].join("\r\n"),
    );
    expect(out.csv).not.toContain("private");
    expect(out.unknownFolders).toEqual(["hopper-grace"]);
  });

  it("takes names and emails from Moodle's own worksheet", () => {
    const roster = readRoster(
      file(
        "\uFEFFIdentifier,Full name,Email address,Status,Grade,Maximum grade,Grade can be changed,Last modified (submission),Last modified (grade),Feedback comments\n" +
          "Participant 12345,Ada Lovelace,ada@uni.example,Submitted for grading,,100.00,Yes,\"Friday, 27 November 2026, 9:00 AM\",-,\n" +
          "Participant 77,Zoë O'Neil,zoe@uni.example,Submitted for grading,,100.00,Yes,-,-,\n",
      ),
    );
    expect(roster.source).toBe("moodle");
    const out = lmsCsv(MOODLE, "moodle", roster);
    expect(out.csv.split("\r\n").slice(1, 3)).toEqual([
      'Participant 12345,Ada Lovelace,ada@uni.example,17,20,2026-11-27T10:00:00Z,"lesson 02: 10/10, lesson 05: 7/10"',
      "Participant 77,Zoë O'Neil,zoe@uni.example,14,20,2026-11-27T10:00:00Z,\"lesson 02: 5/10, lesson 05: 9/10 (set by hand)\"",
    ]);
  });

  it("refuses a roster from the other LMS: its ids mean something else", () => {
    const canvasRoster = readRoster(file("Student,ID,SIS User ID,SIS Login ID,Section\nLovelace Ada,1001,,,\n"));
    expect(() => lmsCsv(MOODLE, "moodle", canvasRoster)).toThrow(/^--lms moodle: the roster is a Canvas gradebook export/);
    const moodleRoster = readRoster(file("Identifier,Full name,Email address\nParticipant 1,A,a@x\n"));
    expect(() => lmsCsv(CANVAS, "canvas", moodleRoster)).toThrow(/^--lms canvas: the roster is a Moodle grading worksheet/);
  });
});

describe("a folder,id,name,email roster", () => {
  it("maps folders named any way, and wins over the id a folder name carries", () => {
    const roster = readRoster(
      file("folder,id,name,email\nhopper-grace,3003,Grace Hopper,grace@uni.example\n#hash,999,,\nZoë O'Neil_77_assignsubmission_file_,78,Zoë O'Neil,zoe@uni.example\n"),
    );
    expect(roster.source).toBe("csv");
    const out = lmsCsv(MOODLE, "moodle", roster);
    expect(out.csv.split("\r\n").slice(1, -1).map((l) => l.split(",").slice(0, 4).join(","))).toEqual(["Participant 78,Zoë O'Neil,zoe@uni.example,14", "Participant 3003,Grace Hopper,grace@uni.example,10"]);
    expect(out.unknownFolders).toEqual(["Ada Lovelace_12345_assignsubmission_file_"]);
  });

  it("matches folder names NFC-normalised, both ways", () => {
    const nfd = "Zoe\u0308";
    const b = batch([nfd, "a", "b"]);
    const out = lmsCsv(b, "canvas", readRoster(file("folder,id\nZo\u00eb,42\n")));
    expect(out.csv.split("\r\n")[2]).toBe(`${nfd},42,,,,17`);
    expect(out.unknownFolders).toEqual(["a", "b"]);
  });

  it("an id-only roster joins on the id in the folder names", () => {
    const roster = readRoster(file("id,name,email\n12345,Ada King,ada@uni.example\n"));
    const out = lmsCsv(MOODLE, "moodle", roster);
    expect(out.csv.split("\r\n")[1]).toMatch(/^Participant 12345,Ada King,ada@uni\.example,17,/);
    expect(out.unknownFolders).toEqual(["Zoë O'Neil_77_assignsubmission_file_", "hopper-grace"]);
  });

  it("leaves out folders that come to the same id, and says which", () => {
    const b = batch(["lovelaceada_1001_5001_a.ts", "lovelaceada_1001_5002_b.ts", "carol_1003_5003_c.ts"]);
    const out = lmsCsv(b, "canvas");
    expect(out.csv.split("\r\n").slice(2, -1)).toEqual(["carol,1003,,,,10"]);
    expect(out.duplicateIds).toEqual([{ id: "1001", folders: ["lovelaceada_1001_5001_a.ts", "lovelaceada_1001_5002_b.ts"] }]);
    expect(out.unknownFolders).toEqual([]);
  });

  it.each([
    ["an unknown header", "name,email\nAda,a@x\n", /^F line 1: not a roster: expected folder,id,name,email, a Canvas gradebook export/],
    ["an empty file", "", /^F: empty: expected folder,id,name,email/],
    ["an id that is not a number", "folder,id\nada,A-12\n", /^F line 2: id "A-12" is not an LMS id \(digits\)$/],
    ["a folder twice", "folder,id\nada,1\nbob,2\nada,3\n", /^F line 4: folder "ada" again \(first on line 2\)$/],
    ["a row with no folder", "folder,id\n,1\n", /^F line 2: no folder$/],
    ["a Canvas ID that is not a number", "Student,ID,SIS User ID,SIS Login ID,Section\nAda,x1,,,\n", /^F line 2: ID "x1" is not a Canvas user id/],
    ["a Canvas ID twice", "Student,ID,SIS User ID,SIS Login ID,Section\nAda,1,,,\nBob,1,,,\n", /^F line 3: ID 1 again \(first on line 2\)$/],
    ["a Moodle identifier without a number", "Identifier,Full name\nParticipant,Ada\n", /^F line 2: Identifier "Participant" holds no participant number$/],
    ["bad CSV", 'folder,id\n"ada,1\n', /^F line \d+: bad CSV \(a quote is opened and never closed\)$/],
  ])("refuses %s with a one-line error naming the file and line", (_what, content, message) => {
    const f = file(content);
    let err: unknown;
    try {
      readRoster(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toMatch(/[\r\n]/);
    expect((err as Error).message.replace(f, "F")).toMatch(message);
  });
});

describe("hostile names in the LMS files", () => {
  /** A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF only. */
  function parseCsv(text: string): string[][] {
    const rows: string[][] = [];
    let i = 0;
    while (i < text.length) {
      const row: string[] = [];
      for (;;) {
        let field = "";
        if (text[i] === '"') {
          for (i++; ; ) {
            const q = text.indexOf('"', i);
            if (q < 0) throw new Error("unterminated quoted field");
            field += text.slice(i, q);
            i = q + 1;
            if (text[i] !== '"') break;
            field += '"';
            i++;
          }
        } else {
          const m = /^[^,"\r\n]*/.exec(text.slice(i))![0];
          field = m;
          i += m.length;
        }
        row.push(field);
        if (text[i] === ",") i++;
        else if (text.startsWith("\r\n", i)) {
          i += 2;
          break;
        } else throw new Error(`expected a comma or CRLF at ${i}`);
      }
      rows.push(row);
    }
    return rows;
  }

  const FORMULA = `=HYPERLINK("http://evil.example","x")`;
  const hostile = batch([`${FORMULA}_501_assignsubmission_file_`, "\u202eecila, \"bob\"\u0007_502_assignsubmission_file_", "x_503_assignsubmission_file_"]);
  const roster: Roster = {
    source: "csv",
    entries: [{ folder: "x_503_assignsubmission_file_", id: "503", name: "-1+2\r\nbreak, x", email: "+1@evil.example", sisUserId: "", sisLoginId: "", section: "" }],
  };

  it.each(["moodle", "canvas"] as const)("keeps every name text in the %s file: quoted, a formula defused, nothing invisible, one line per row", (kind) => {
    const withRoster: Roster = { source: "csv", entries: [...rosterFromFolderNames(hostile.students.map((s) => s.student)).entries.slice(0, 2), ...roster.entries] };
    const out = lmsCsv(hostile, kind, withRoster);
    const rows = parseCsv(out.csv);
    expect(rows.length).toBe(kind === "canvas" ? 5 : 4);
    for (const r of rows) expect(r.length).toBe(rows[0].length);
    const names = rows.slice(kind === "canvas" ? 2 : 1).map((r) => r[kind === "canvas" ? 0 : 1]);
    expect(names).toEqual([`'${FORMULA}`, '\\u202eecila, "bob"\\u0007', "'-1+2\\u000d\\u000abreak, x"]);
    expect(out.csv).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cf}/u);
    expect(out.csv.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    if (kind === "moodle") expect(rows[3][2]).toBe("'+1@evil.example");
  });
});

describe("every report adds up the same", () => {
  it("the LMS grade is grades.csv's total and studentScore's, points set by hand included", () => {
    const fromCsv = gradesCsv(MOODLE)
      .slice(1)
      .split("\r\n")
      .slice(1, 3)
      .map((line) => Number(line.split(",")[3]));
    const moodle = lmsCsv(MOODLE, "moodle")
      .csv.split("\r\n")
      .slice(1, 3)
      .map((line) => Number(line.split(",")[3]));
    const canvas = lmsCsv(CANVAS, "canvas")
      .csv.split("\r\n")
      .slice(2, 4)
      .map((line) => Number(line.split(",").at(-1)));
    const scores = MOODLE.students.slice(0, 2).map((s) => studentScore(s, MOODLE.lessons).points);
    expect({ fromCsv, moodle, canvas }).toEqual({ fromCsv: scores, moodle: scores, canvas: scores });
    expect(scores).toEqual([17, 14]); // 14 = 5 + 9 set by hand (computed: 5 + 0)
  });
});
