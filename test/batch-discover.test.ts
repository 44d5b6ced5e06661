// Finding the class in the folders instructors really have: a zip from an LMS or from macOS
// (clutter beside the students, a wrapper folder around them), names typed in NFC for folders
// stored in NFD, several --student at once, and lesson files or folders saved under a name
// that is almost right.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverClass, discoverSubmissions, nearMiss, nearMissLessonFolder } from "../checker/batch/discover.ts";
import { UsageError } from "../checker/cli/common.ts";

const L05 = "05-reject-bad-certs";
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-discover-test-"));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** A fresh folder holding `entries`: a path ending in "/" is a folder, any other a file. */
function tree(entries: string[]): string {
  const dir = fs.mkdtempSync(path.join(tmp, "t-"));
  for (const rel of entries) {
    const p = path.join(dir, rel);
    if (rel.endsWith("/")) fs.mkdirSync(p, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, "x");
    }
  }
  return dir;
}

/** A student folder with a lessons/ folder, under `prefix`. */
const student = (name: string, prefix = "") => `${prefix}${name}/lessons/${L05}/exercise.ts`;
const names = (dir: string, o?: Parameters<typeof discoverSubmissions>[1]) => discoverSubmissions(dir, o).map((s) => s.student);

describe("clutter", () => {
  it("never takes OS, archive or package clutter for a student", () => {
    const dir = tree([
      student("ada"),
      student("bob"),
      // macOS zips: resource forks mirror the students, lessons/ and all.
      "__MACOSX/ada/lessons/._exercise.ts",
      "__MACOSX/._ada",
      ".DS_Store",
      "Thumbs.db",
      "desktop.ini",
      "$RECYCLE.BIN/desktop.ini",
      "$Recycle.Bin/S-1-5-21/",
      ".Trashes/501/",
      ".Spotlight-V100/Store-V2/",
      ".fseventsd/fseventsd-uuid",
      ".cache/lessons/",
      "node_modules/lessons/",
    ]);
    expect(names(dir)).toEqual(["ada", "bob"]);
    // The same names as folders, in any case, are no students either.
    const folders = tree([student("ada"), "Thumbs.db/lessons/", "DESKTOP.INI/lessons/", "__macosx/lessons/", ".ds_store/lessons/"]);
    expect(names(folders)).toEqual(["ada"]);
  });
});

describe("a wrapper folder", () => {
  it("is looked through when it alone holds the students (tls-workbook-main/), and the result says so", () => {
    const dir = tree([student("ada", "tls-workbook-main/"), student("bob", "tls-workbook-main/"), "tls-workbook-main/cy/README.md", "__MACOSX/tls-workbook-main/._ada", ".DS_Store"]);
    const wrapper = path.join(dir, "tls-workbook-main");
    // The thin wrapper gives the same students; --student looks in the same place.
    expect(names(dir)).toEqual(["ada", "bob", "cy"]);
    const found = discoverClass(dir);
    expect(found.root).toBe(wrapper);
    expect(found.lookedThrough).toBe("tls-workbook-main");
    expect(found.submissions.map((s) => [s.student, s.dir, s.hasLessons])).toEqual([
      ["ada", path.join(wrapper, "ada"), true],
      ["bob", path.join(wrapper, "bob"), true],
      ["cy", path.join(wrapper, "cy"), false],
    ]);
    expect(names(dir, { student: "bob" })).toEqual(["bob"]);
    expect(() => discoverSubmissions(dir, { student: "tls-workbook-main" })).toThrow(/in .*tls-workbook-main; the students are: ada, bob, cy$/);
  });

  it("is looked through two levels deep (a class zip extracted into submissions/), never three", () => {
    const two = tree([student("ada", "submissions/Course 101 - Lab 5/"), student("bob", "submissions/Course 101 - Lab 5/"), "__MACOSX/submissions/", "submissions/.DS_Store"]);
    expect(names(two)).toEqual(["ada", "bob"]);
    const found = discoverClass(two);
    expect(found.root).toBe(path.join(two, "submissions", "Course 101 - Lab 5"));
    expect(found.lookedThrough).toBe(path.join("submissions", "Course 101 - Lab 5"));
    expect(found.submissions.map((s) => s.student)).toEqual(["ada", "bob"]);

    const three = tree([student("ada", "a/b/c/")]);
    expect(() => discoverSubmissions(three)).toThrow(UsageError);
    expect(() => discoverSubmissions(three)).toThrow(/nothing in .* looks like a submission: none of its 1 sub-folder\(s\) has a lessons\/ folder/);
  });

  it("is not looked through when the class is there already, or is one student, or has no work inside", () => {
    // The usual class: nothing looked through.
    const plain = tree([student("ada"), student("bob")]);
    expect(discoverClass(plain)).toEqual({ root: plain, submissions: discoverSubmissions(plain), others: [] });
    // One folder with lessons/ is a class of one, not a wrapper.
    const one = tree([student("tls-workbook-main")]);
    expect(discoverClass(one).lookedThrough).toBeUndefined();
    expect(names(one)).toEqual(["tls-workbook-main"]);
    // A lone folder beside another (not clutter) is no wrapper.
    const two = tree([student("ada", "wrapper/"), "notes/"]);
    expect(() => discoverClass(two)).toThrow(/none of its 2 sub-folder\(s\) has a lessons\/ folder/);
    // A wrapper around folders without lessons/ is not a class either.
    const empty = tree(["wrapper/ada/README.md"]);
    expect(() => discoverClass(empty)).toThrow(/none of its 1 sub-folder\(s\) has a lessons\/ folder/);
  });
});

describe("--student", () => {
  it("finds a folder stored in NFD (macOS) from a name typed in NFC, and keeps the folder's own name", () => {
    const nfd = "Jose\u0301";
    const dir = tree([student(nfd), student("Zoe\u0308"), student("ada")]);
    const [jose] = discoverSubmissions(dir, { student: "Jos\u00e9" });
    expect(jose.student).toBe(nfd);
    expect(jose.dir).toBe(path.join(dir, nfd));
    // And the other way round.
    expect(names(dir, { student: "Zo\u00eb".normalize("NFD") })).toEqual(["Zoe\u0308"]);
    expect(names(dir, { students: ["Zo\u00eb"] })).toEqual(["Zoe\u0308"]);
    // others (compared with, never graded) leaves out the folder matched, whatever its form.
    expect(discoverClass(dir, { student: "Jos\u00e9" }).others.map((s) => s.student)).toEqual(["ada", "Zoe\u0308"]);
  });

  it("prefers the folder spelled exactly as typed, and will not guess between two others", () => {
    // Linux keeps both forms apart: two folders that read the same.
    const dir = tree([student("Jos\u00e9"), student("Jose\u0301"), student("Zo\u00eb Jose\u0301"), student("Zoe\u0308 Jos\u00e9")]);
    expect(names(dir, { student: "Jos\u00e9" })).toEqual(["Jos\u00e9"]);
    expect(names(dir, { student: "Jose\u0301" })).toEqual(["Jose\u0301"]);
    expect(() => discoverSubmissions(dir, { student: "Zo\u00eb Jos\u00e9" })).toThrow(UsageError);
    expect(() => discoverSubmissions(dir, { student: "Zo\u00eb Jos\u00e9" })).toThrow(/^--student "Zoë José" matches 2 folders in .* spelled with the same letters \(.*\): give one exactly$/);
  });

  it("takes several names, each submission once, in class order", () => {
    const dir = tree([student("s10"), student("s9"), student("ada"), student("Jose\u0301")]);
    expect(names(dir, { students: ["s10", "ada", "s9", "s10", "Jos\u00e9"] })).toEqual(["ada", "Jose\u0301", "s9", "s10"]);
    // --student once and several times together, the same name in both forms.
    expect(names(dir, { student: "s9", students: ["ada", "s9", "Jose\u0301", "Jos\u00e9"] })).toEqual(["ada", "Jose\u0301", "s9"]);
    const found = discoverClass(dir, { students: ["s9", "ada"] });
    expect(found.submissions.map((s) => s.student)).toEqual(["ada", "s9"]);
    expect(found.others.map((s) => s.student)).toEqual(["Jose\u0301", "s10"]);
  });

  it("names every unknown name in one error that lists the students", () => {
    const dir = tree([student("ada"), student("bob"), student("cy")]);
    let err: unknown;
    try {
      discoverSubmissions(dir, { students: ["nobody", "ada", "ghost", "nobody"] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as Error).message;
    expect(message).toBe(`no submissions named "nobody", "ghost" in ${dir}; the students are: ada, bob, cy`);
    expect(message.split("\n")).toHaveLength(1);
    // One unknown name among several: the message as with --student once.
    expect(() => discoverSubmissions(dir, { students: ["ada", "nobody"] })).toThrow(`no submission named "nobody" in ${dir}; the students are: ada, bob, cy`);
    // A long class: the first 8 and the count.
    const big = tree(Array.from({ length: 12 }, (_, i) => student(`s${i + 1}`)));
    expect(() => discoverSubmissions(big, { students: ["x", "y"] })).toThrow(/^no submissions named "x", "y" in .*; the students are: s1, s2, s3, s4, s5, s6, s7, s8 … \(12 in all\)$/);
  });
});

describe("nearMiss", () => {
  const lesson = (files: string[]) => tree(files);

  it.each([
    // Another case.
    ["Exercise.ts", "exercise.ts"],
    ["EXERCISE.TS", "exercise.ts"],
    ["Answers.json", "answers.json"],
    // A copy.
    ["exercise (1).ts", "exercise.ts"],
    ["exercise copy.ts", "exercise.ts"],
    ["exercise - Copy.ts", "exercise.ts"],
    ["exercise-2.ts", "exercise.ts"],
    ["answers (3).json", "answers.json"],
    ["answer copy.md", "answer.md"],
    // An extension added.
    ["answers.json.txt", "answers.json"],
    ["exercise.ts.txt", "exercise.ts"],
    ["answer.md.txt", "answer.md"],
    // The wrong extension.
    ["exercise.js", "exercise.ts"],
    ["answer.txt", "answer.md"],
    ["answers.txt", "answers.json"],
  ])("finds %j for %s and says to rename it", (found, expected) => {
    const dir = lesson([found, "notes.txt"]);
    const hint = nearMiss(dir, expected);
    expect(hint).toBe(`found "${found}": rename it to ${expected}`);
    expect(hint).not.toMatch(/git|restore/i);
  });

  it("names the closest one first, and the others like it, on one line", () => {
    const dir = lesson(["exercise (2).ts", "Exercise.ts", "exercise.js", "exercise (1).ts"]);
    expect(nearMiss(dir, "exercise.ts")).toBe(`found "Exercise.ts", "exercise (1).ts", "exercise (2).ts" and 1 more: rename the right one to exercise.ts`);
  });

  it("says nothing when the file is there, nothing is close, or the near miss is a link, a folder or hidden", () => {
    expect(nearMiss(lesson(["exercise.ts", "Exercise.ts"]), "exercise.ts")).toBeUndefined();
    expect(nearMiss(lesson(["solution.ts", "exercise_final.ts", "exercises.ts", "my-exercise.ts", "exercise.docx", "exercise (1).docx"]), "exercise.ts")).toBeUndefined();
    expect(nearMiss(lesson([]), "answers.json")).toBeUndefined();
    expect(nearMiss(path.join(tmp, "no-such-lesson"), "answers.json")).toBeUndefined();
    const links = lesson(["elsewhere/exercise.ts", "Answer.md/", "._exercise.ts"]);
    fs.symlinkSync(path.join(links, "elsewhere", "exercise.ts"), path.join(links, "exercise (1).ts"));
    fs.symlinkSync(path.join(links, "elsewhere", "exercise.ts"), path.join(links, "answers.json.txt"));
    expect(nearMiss(links, "exercise.ts")).toBeUndefined();
    expect(nearMiss(links, "answers.json")).toBeUndefined();
    expect(nearMiss(links, "answer.md")).toBeUndefined();
    // A link beside a real near miss: only the real one is named.
    fs.writeFileSync(path.join(links, "exercise.js"), "x");
    expect(nearMiss(links, "exercise.ts")).toBe(`found "exercise.js": rename it to exercise.ts`);
  });

  it("says nothing for a name that only looks close (a line break, an escape sequence, a format character)", () => {
    const dir = lesson(["exercise\n(1).ts", "Exercise\u001b[2J.ts"]);
    fs.writeFileSync(path.join(dir, "exercise (1)\u202e.ts"), "x");
    expect(nearMiss(dir, "exercise.ts")).toBeUndefined();
    fs.writeFileSync(path.join(dir, "EXERCISE.ts"), "x");
    expect(nearMiss(dir, "exercise.ts")).toBe(`found "EXERCISE.ts": rename it to exercise.ts`);
  });
});

describe("nearMissLessonFolder", () => {
  it.each([`${L05} (1)`, `${L05} copy`, `${L05} - Copy`, `${L05}-2`, "05-Reject-Bad-Certs", "05", "5", "reject-bad-certs", "5-reject-bad-certs"])(
    "finds folder %j and says to rename it",
    (name) => {
      const lessons = tree([`${name}/exercise.ts`, "02-verified-client/exercise.ts"]);
      expect(nearMissLessonFolder(lessons, L05)).toBe(`found folder "${name}": rename it to ${L05}`);
    },
  );

  it("says nothing when the folder is there, nothing is close, or the near miss is a link or a file", () => {
    expect(nearMissLessonFolder(tree([`${L05}/`, `${L05} (1)/`]), L05)).toBeUndefined();
    expect(nearMissLessonFolder(tree(["02-verified-client/", "06-tls-health/", "50/", "05-reject-bad-certs-old-stuff/", "lesson5/"]), L05)).toBeUndefined();
    expect(nearMissLessonFolder(path.join(tmp, "no-such-lessons"), L05)).toBeUndefined();
    const links = tree(["elsewhere/exercise.ts", "05", `.${L05}/`]);
    fs.symlinkSync(path.join(links, "elsewhere"), path.join(links, `${L05} (1)`));
    expect(nearMissLessonFolder(links, L05)).toBeUndefined();
    fs.mkdirSync(path.join(links, "05-REJECT-BAD-CERTS"));
    expect(nearMissLessonFolder(links, L05)).toBe(`found folder "05-REJECT-BAD-CERTS": rename it to ${L05}`);
  });
});
