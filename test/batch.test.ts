// The batch grader on a small made-up class: every lesson of every student graded against one
// lab, broken submissions graded as errors, the originals never written to, integrity
// signals raised where they should be (and only there), the table, and `npm run grade`'s
// exit codes and one-line errors.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { discoverSubmissions, parseJobs, parseLessons } from "../checker/batch/discover.ts";
import { integrityFlags, MIN_LENGTH, normalise, stripTsComments, workbookReference, type StudentFiles } from "../checker/batch/integrity.ts";
import { copySubmissionAsync } from "../checker/batch/copy.ts";
import { runBatch } from "../checker/batch/run.ts";
import { makeSampleClass } from "../checker/batch/sample-class.ts";
import { Progress, renderTable } from "../checker/batch/table.ts";
import { visibleName } from "../checker/report/escape.ts";
import type { BatchResult, StudentResult } from "../checker/batch/types.ts";
import { UsageError } from "../checker/cli/common.ts";
import { makeSelfSigned, writeCertFiles } from "../checker/lab/self-signed.ts";
import { LESSONS } from "../checker/manifest.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";
import { QUESTIONS } from "../checker/quiz/questions.ts";
import { colors } from "../checker/report/terminal.ts";
import { CATALOG } from "./helpers.ts";

const ids = LESSONS.map((l) => l.id);
const [L01, L02, L03, L04, L05, L06, L07, L08] = ids;
const lessonFile = (id: string) => LESSONS.find((l) => l.id === id)!.files[0];
const ref = (dir: "solutions" | "stubs", id: string) => fs.readFileSync(path.join(WORKBOOK_ROOT, dir, id, lessonFile(id)), "utf8");
const SOLVED: Record<string, string> = JSON.parse(ref("solutions", L01));

/** Answers with `wrong` questions (by index) given a wrong option, the rest right. */
function quiz(wrong: number[], order: "as-is" | "reversed" = "as-is"): string {
  const entries = QUESTIONS.map((q, i) => [q.id, wrong.includes(i) ? q.options.find((o) => !o.correct)!.id : SOLVED[q.id]] as const);
  const obj = Object.fromEntries(order === "reversed" ? [...entries].reverse() : entries);
  return order === "reversed" ? JSON.stringify(obj) : JSON.stringify(obj, null, 4);
}

let tmp: string;
let classDir: string;
let result: BatchResult;
let before: Map<string, string>;
let leftInTmp: string[];

function put(rel: string, text: string): void {
  const file = path.join(classDir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
const lessonPath = (student: string, id: string) => `${student}/lessons/${id}/${lessonFile(id)}`;

/** Every entry under `dir`: kind, size, mtime and content digest (links: their target). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d)) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      const rel = path.relative(dir, p);
      if (st.isSymbolicLink()) out.set(rel, `link ${fs.readlinkSync(p)} ${st.mtimeMs}`);
      else if (st.isDirectory()) {
        out.set(rel, `dir ${st.mtimeMs}`);
        walk(p);
      } else out.set(rel, `file ${st.size} ${st.mtimeMs} ${crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex")}`);
    }
  };
  walk(dir);
  return out;
}

const byName = (name: string): StudentResult => result.students.find((s) => s.student === name)!;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-batch-test-"));
  classDir = path.join(tmp, "class");
  // ada: the reference solutions (and a certificate); bob: the untouched stubs.
  for (const id of ids) put(lessonPath("ada", id), ref("solutions", id));
  writeCertFiles(path.join(classDir, "ada", "certs"), await makeSelfSigned());
  for (const id of ids) put(lessonPath("bob", id), ref("stubs", id));
  // cy: a correct quiz in another order; the solution re-indented with other comments; a
  // syntax error; the same wrong lesson 05 as dee (formatted differently); an answer of her own.
  put(lessonPath("cy", L01), quiz([], "reversed"));
  put(lessonPath("cy", L02), `/* my own work, honest */\n${ref("solutions", L02).replace(/^\/\/.*$/gm, "// rewritten").replace(/^ {2}/gm, "\t")}`);
  put(lessonPath("cy", L03), `export async function inspectTls( {\n`);
  const wrong05 = fs.readFileSync(path.join(CATALOG, L05, "wrong", "always-other.ts"), "utf8");
  put(lessonPath("cy", L05), `// cy's classifier\n${wrong05}`);
  put(lessonPath("cy", L07), fs.readFileSync(path.join(CATALOG, L07, "right", "informal.md"), "utf8"));
  // dee and eve: the same quiz with three mistakes in common; dee also has cy's lesson 05.
  put(lessonPath("dee", L01), quiz([1, 4, 8]));
  put(lessonPath("dee", L05), `${wrong05.replace(/\n/g, "\n\n").replace(/^\/\/.*$/m, "/* dee */")}`);
  put(lessonPath("eve", L01), quiz([1, 4, 8], "reversed"));
  // gus: no lessons/ folder at all. yan and zed: one mistake in common is no signal.
  put("gus/README.md", "I forgot to hand in my work\n");
  put(lessonPath("yan", L01), quiz([2]));
  put(lessonPath("zed", L01), quiz([2], "reversed"));
  before = snapshot(classDir);

  // The batch's temporary files go to a folder of this test's own, to see that none is left.
  const privateTmp = fs.mkdtempSync(path.join(tmp, "tmpdir-"));
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = privateTmp;
  try {
    result = await runBatch({ submissions: discoverSubmissions(classDir), lessons: LESSONS, jobs: 3 });
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  leftInTmp = fs.readdirSync(privateTmp);
}, 180_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("runBatch", () => {
  it("grades every lesson of every student, in name order", () => {
    expect(result.version).toBe(1);
    expect(result.lessons).toEqual(ids);
    expect(result.students.map((s) => s.student)).toEqual(["ada", "bob", "cy", "dee", "eve", "gus", "yan", "zed"]);
    for (const s of result.students) {
      expect(Object.keys(s.lessons)).toEqual(ids);
      for (const r of Object.values(s.lessons)) expect(r.version).toBe(3);
      expect(s.ms).toBeGreaterThan(0);
    }
  });

  it("passes the reference solutions and fails the stubs, as npm run lesson does", () => {
    const ada = byName("ada");
    for (const id of [L01, L02, L03, L04, L05, L06]) expect(ada.lessons[id].status, id).toBe("pass");
    for (const r of Object.values(byName("bob").lessons)) expect(r.status).toBe("fail");
  });

  it("grades broken work as errors for that student only, naming the student's file", () => {
    const cy = byName("cy");
    expect(cy.lessons[L01].status).toBe("pass");
    expect(cy.lessons[L02].status).toBe("pass");
    expect(cy.lessons[L03].status).toBe("error");
    expect(cy.lessons[L03].message).toMatch(/^could not compile cy\/lessons\/03-inspect-cert\/exercise\.ts:\d+:\d+: /);
    // The line it is about, from the graded file, and a caret under the column.
    const [, line, column] = /:(\d+):(\d+): /.exec(cy.lessons[L03].message!)!;
    const shown = cy.lessons[L03].message!.split("\n");
    expect(shown[1]).toBe(`  ${line} | ${fs.readFileSync(path.join(classDir, "cy", "lessons", L03, "exercise.ts"), "utf8").split("\n")[Number(line) - 1]}`);
    expect(shown[2].indexOf("^")).toBe(`  ${line} | `.length + Number(column) - 1);
    expect(JSON.stringify(result)).not.toContain("tls-workbook-batch-");
    expect(byName("eve").lessons[L02].status).toBe("error"); // no such file
    expect(byName("eve").lessons[L02].message).toMatch(/^lessons\/02-verified-client\/exercise\.ts is not in this submission/);
    for (const r of Object.values(byName("gus").lessons)) {
      expect(r.status).toBe("error");
      expect(r.message).toMatch(/no lessons\/ folder/);
    }
  });

  it("never writes to the originals, and leaves no temporary copy behind", () => {
    expect(snapshot(classDir)).toEqual(before);
    expect(leftInTmp).toEqual([]);
  });

  it("flags files identical to the solution or to another student's, and nothing else", () => {
    const flags = Object.fromEntries(result.students.map((s) => [s.student, s.flags]));
    // The solutions, every lesson but the quiz (a correct quiz is everyone's).
    expect(flags.ada).toEqual([L02, L03, L04, L05, L06, L07, L08].map((lesson) => ({ lesson, kind: "matches-solution" })));
    // cy: the solution re-indented with other comments is still the solution; her lesson 05 is dee's.
    expect(flags.cy).toEqual([
      { lesson: L02, kind: "matches-solution" },
      { lesson: L05, kind: "matches-student", other: "dee" },
    ]);
    // dee and eve: the same three wrong answers; dee and cy: the same lesson 05.
    expect(flags.dee).toEqual([
      { lesson: L01, kind: "matches-student", other: "eve" },
      { lesson: L05, kind: "matches-student", other: "cy" },
    ]);
    expect(flags.eve).toEqual([{ lesson: L01, kind: "matches-student", other: "dee" }]);
    // The stubs, one shared mistake, no files: nothing.
    for (const name of ["bob", "gus", "yan", "zed"]) expect(flags[name], name).toEqual([]);
  });

  it("keeps lesson 07's answer for the instructor to read (not the stub's)", () => {
    const cy = byName("cy").writtenAnswer;
    expect(cy).toBe(fs.readFileSync(path.join(CATALOG, L07, "right", "informal.md"), "utf8").replace(/<!--[\s\S]*?-->/g, "").trim());
    expect(byName("ada").writtenAnswer).toBe(ref("solutions", L07).trim());
    expect(byName("bob").writtenAnswer).toBeUndefined();
    expect(byName("dee").writtenAnswer).toBeUndefined();
  });
});

describe("the table", () => {
  it("shows each student's lessons as pass, fail or error with checks passed, totals in points, and the signals", () => {
    // Wide enough for the full form (test/batch-table.test.ts: the widths, the compact form).
    const text = renderTable(result, colors({ isTTY: false } as NodeJS.WriteStream), { width: 200 });
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^student\s+01\s+02\s+03\s+04\s+05\s+06\s+07\s+08\s+lessons\s+points$/);
    const row = (name: string) => lines.find((l) => l.startsWith(`${name} `))!;
    expect(row("ada")).toMatch(/✔ 13\/13\s+✔ 28\/28\[1\]/);
    expect(row("ada")).toMatch(/\s7\/8\s+\d+\/\d+$/);
    expect(row("bob")).toMatch(/✘ 0\/13\s+✘ 0\/28/); // an untouched stub earns no check
    expect(row("bob")).toMatch(/\s0\/8\s+\d+\/\d+$/);
    expect(row("cy")).toMatch(/! —/);
    // A lesson that could not be graded still counts its points in the total.
    const total = (name: string) => row(name).match(/(\d+)\/(\d+)$/)!.slice(1).map(Number);
    expect(total("gus")).toEqual([0, 80]);
    expect(total("ada")[1]).toBe(80);
    expect(text).toMatch(/\[1\] ada: lessons 02, 03, 04, 05, 06, 07, 08 identical to the reference solution/);
    expect(text).toMatch(/\] cy: lesson 02 identical to the reference solution; lesson 05 identical to dee's/);
    expect(text).toMatch(/\] eve: lesson 01 identical to dee's/);
    expect(text).toMatch(/gus, lessons 01, 02, 03, 04, 05, 06, 07, 08: this submission has no lessons\/ folder/);
    expect(text).not.toMatch(/\x1b\[/);
  });

  it("never lets a name put an escape sequence on the terminal", () => {
    expect(visibleName("evil\x1b[2J\x07name\u202e")).toBe("evil\\u001b[2J\\u0007name\\u202e");
  });

  it("reports progress as a line per student when stderr is not a terminal", () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
    const p = new Progress(2, stream);
    p.start("ada");
    p.finish(byName("ada"), ids);
    p.end();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[1\/2\] ada: \d+\/80 points, 7\/8 lessons \(\d+\.\d s, 7 integrity signals\)\n$/);
  });
});

describe("integrity normalisation", () => {
  it("sets aside comments and whitespace in TypeScript, but not strings", () => {
    const a = `// mine\nconst x = "a // not a comment";  /* block */\nexport function f(a: number) {\n  return a + 1;\n}\n`;
    const b = `const x = "a // not a comment";\nexport function f(a:number){return a+1;} // done`;
    expect(normalise("exercise.ts", a)).toBe(normalise("exercise.ts", b));
    expect(normalise("exercise.ts", a)).not.toBe(normalise("exercise.ts", b.replace("a + 1", "a + 2").replace("a+1", "a+2")));
    expect(stripTsComments(`const u = 'http://x'; // c`)).toBe(`const u = 'http://x'; `);
    expect(normalise("exercise.ts", "const a = 1")).not.toBe(normalise("exercise.ts", "consta=1"));
  });

  it("reads JSON by value (key order, notes) and Markdown without its HTML comments", () => {
    expect(normalise("answers.json", `{"b": 1, "a": [1, 2], "_note": "x"}`)).toBe(normalise("answers.json", `{\n  "a": [1,2],\n  "b": 1\n}`));
    expect(normalise("answer.md", "<!-- TODO -->\nHello   world.\n\n")).toBe(normalise("answer.md", "Hello world.<!-- mine -->"));
  });

  it("does not flag short files, nor compare the untouched stub", () => {
    const lessons = LESSONS.filter((l) => l.id === L05);
    const reference = workbookReference(lessons);
    const s = (student: string, text: string): StudentFiles => ({ student, files: { [L05]: text } });
    const tiny = "export {};";
    expect(normalise("exercise.ts", tiny).length).toBeLessThan(MIN_LENGTH);
    const flags = integrityFlags([s("a", reference.stub[L05]!), s("b", `${reference.stub[L05]}\n// edited nothing`), s("c", tiny), s("d", tiny)], lessons, reference);
    expect([...flags.values()].flat()).toEqual([]);
  });

  it("compares a graded student with the others without flagging them (--student)", () => {
    const lessons = LESSONS.filter((l) => l.id === L05);
    const text = `export function classifyTlsError(e: unknown) { return String((e as { code?: string }).code ?? "other"); }`;
    const flags = integrityFlags([{ student: "a", files: { [L05]: text } }], lessons, workbookReference(lessons), [{ student: "b", files: { [L05]: text } }]);
    expect([...flags.keys()]).toEqual(["a"]);
    expect(flags.get("a")).toEqual([{ lesson: L05, kind: "matches-student", other: "b" }]);
  });
});

describe("discovery and arguments", () => {
  it("takes every sub-folder for a student once one has lessons/, hidden folders aside", () => {
    const dir = fs.mkdtempSync(path.join(tmp, "disc-"));
    fs.mkdirSync(path.join(dir, "s10", "lessons"), { recursive: true });
    fs.mkdirSync(path.join(dir, "s9", "lessons"), { recursive: true });
    fs.mkdirSync(path.join(dir, "no-work"));
    fs.mkdirSync(path.join(dir, ".git"));
    fs.writeFileSync(path.join(dir, "notes.txt"), "");
    expect(discoverSubmissions(dir).map((s) => [s.student, s.hasLessons])).toEqual([
      ["no-work", false],
      ["s9", true],
      ["s10", true],
    ]);
    expect(discoverSubmissions(dir, { student: "s9" }).map((s) => s.student)).toEqual(["s9"]);
    expect(() => discoverSubmissions(dir, { student: "s11" })).toThrow(UsageError);
    expect(() => discoverSubmissions(path.join(dir, "no-work"))).toThrow(/no sub-folders/);
  });

  it("reads --lessons and --jobs, or says what is wrong", () => {
    expect(parseLessons("5, 2,02").map((l) => l.number)).toEqual([2, 5]);
    expect(parseLessons("reject-bad-certs").map((l) => l.number)).toEqual([5]);
    expect(parseLessons(undefined)).toHaveLength(LESSONS.filter((l) => l.available).length);
    expect(() => parseLessons("2,x")).toThrow(/unknown lesson "x"/);
    expect(() => parseLessons(",")).toThrow(UsageError);
    expect(parseJobs("3")).toBe(3);
    for (const bad of ["0", "-1", "1.5", "two", "", "1000"]) expect(() => parseJobs(bad), bad).toThrow(UsageError);
  });

  it("copies lessons/ and certs/ only, and no link", async () => {
    const src = fs.mkdtempSync(path.join(tmp, "copy-src-"));
    const dest = path.join(tmp, `copy-dest-${process.pid}`);
    fs.mkdirSync(path.join(src, "lessons", "05"), { recursive: true });
    fs.mkdirSync(path.join(src, "certs"));
    fs.mkdirSync(path.join(src, "solutions"));
    fs.mkdirSync(path.join(src, "lessons", "node_modules"));
    fs.writeFileSync(path.join(src, "lessons", "05", "exercise.ts"), "x");
    fs.writeFileSync(path.join(src, "certs", "cert.pem"), "c");
    fs.writeFileSync(path.join(src, "solutions", "s.ts"), "s");
    fs.symlinkSync(path.join(WORKBOOK_ROOT, "package.json"), path.join(src, "lessons", "05", "link.json"));
    const report = await copySubmissionAsync(src, dest);
    expect(fs.readdirSync(dest).sort()).toEqual(["certs", "lessons"]);
    expect(fs.readdirSync(path.join(dest, "lessons", "05"))).toEqual(["exercise.ts"]);
    expect(report.files).toBe(2);
    expect(report.skipped.map((s) => s.replaceAll("\\", "/")).sort()).toEqual(["lessons/05/link.json", "lessons/node_modules"]);
  });
});

describe("a lesson file the grader cannot read", () => {
  it("is that student's error, named, and the others are graded (mode 000, or EACCES as root can meet it)", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, "unreadable-"));
    for (const name of ["locked", "open"]) {
      fs.mkdirSync(path.join(dir, name, "lessons", L05), { recursive: true });
      fs.writeFileSync(path.join(dir, name, "lessons", L05, "exercise.ts"), ref("solutions", L05) + `// ${name}\n`);
    }
    const locked = path.join(dir, "locked", "lessons", L05, "exercise.ts");
    fs.chmodSync(locked, 0o000);
    // Root reads mode 000 files anyway: there, opening it fails the way it does for anyone else.
    const realOpen = fs.openSync;
    const spy = vi.spyOn(fs, "openSync").mockImplementation(((p: fs.PathLike, ...rest: unknown[]) => {
      if (String(p) === locked) throw Object.assign(new Error(`EACCES: permission denied, open '${locked}'`), { code: "EACCES" });
      return (realOpen as (...a: unknown[]) => number)(p, ...rest);
    }) as typeof fs.openSync);
    try {
      const r = await runBatch({ submissions: discoverSubmissions(dir), lessons: LESSONS.filter((l) => l.id === L05), jobs: 2 });
      const by = (n: string) => r.students.find((s) => s.student === n)!.lessons[L05];
      expect(by("locked").status).toBe("error");
      expect(by("locked").message).toMatch(/cannot read lessons\/05-reject-bad-certs\/exercise\.ts \(EACCES\)/);
      expect(by("open").status).toBe("pass");
    } finally {
      spy.mockRestore();
      fs.chmodSync(locked, 0o644);
    }
  }, 60_000);
});

describe("npm run grade", () => {
  const grade = (...args: string[]) =>
    execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "grade", ...args], {
      cwd: WORKBOOK_ROOT,
      reject: false,
      env: { NO_COLOR: "1", FORCE_COLOR: undefined },
      stdin: "ignore",
    });

  it.each([
    [["/no/such/folder"], /no such folder/],
    [[], /which folder\?/],
    [["%TMP%"], /looks like a submission|no sub-folders/],
    [["%CLASS%", "--lessons", "2,9"], /unknown lesson "9"/],
    [["%CLASS%", "--student", "nobody"], /no submission named "nobody"/],
    [["%CLASS%", "--jobs", "0"], /--jobs takes a whole number/],
    [["%CLASS%", "--out", "%CLASS%/reports"], /inside the submissions folder/],
    [["%CLASS%", "--bogus"], /Unknown option '--bogus'/],
  ])("%j is a one-line error, exit 2", async (args, message) => {
    const empty = fs.mkdtempSync(path.join(tmp, "empty-"));
    const r = await grade(...args.map((a) => a.replace("%TMP%", empty).replace("%CLASS%", classDir)));
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  });

  it("grades a class: exit 0 whatever the scores, a line per student on stderr, the table on stdout, reports with --out", async () => {
    const dir = path.join(tmp, "cli-class");
    await makeSampleClass(dir, 2, ["solution", "stub"]);
    const out = path.join(tmp, "cli-out");
    const r = await grade(dir, "--lessons", "1,2", "--jobs", "2", "--out", out);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^\[1\/2\] student-0\d: /m);
    expect(r.stderr).toMatch(/^\[2\/2\] student-0\d: /m);
    expect(r.stdout).toMatch(/^student\s+01\s+02\s+lessons\s+points$/m);
    expect(r.stdout).toMatch(/^student-01\s+✔ 13\/13\s+✔ 28\/28\[1\]\s+2\/2\s+20\/20$/m);
    expect(r.stdout).toMatch(/^student-02\s+✘ 0\/13\s+✘ \d+\/28\s+0\/2\s+\d+\/20$/m);
    expect(r.stdout).toMatch(/\[1\] student-01: lesson 02 identical to the reference solution/);
    expect(fs.readdirSync(out).sort()).toEqual(expect.arrayContaining(["results.json"]));
  }, 60_000);
});
