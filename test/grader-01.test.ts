// The lesson 01 grader (a quiz) and its question bank. No lab is needed: answers files are
// written into a temporary folder and graded with gradeFile("1", file).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { correctOption, QUESTIONS, type Question } from "../checker/quiz/questions.ts";
import type { LessonResult } from "../checker/report/results.ts";
import { failing, failureText, gradeFile } from "./helpers.ts";

const ROOT = path.join(import.meta.dirname, "..");
const STUB = path.join(ROOT, "stubs", "01-what-tls-gives", "answers.json");
const SOLUTION = path.join(ROOT, "solutions", "01-what-tls-gives", "answers.json");
const README = path.join(ROOT, "lessons", "01-what-tls-gives", "README.md");

let dir: string;
let n = 0;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-quiz-"));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes `content` (an object, or raw text) to a fresh answers.json and grades it as lesson 1. */
async function grade(content: Record<string, unknown> | string): Promise<LessonResult> {
  const sub = path.join(dir, String(++n));
  fs.mkdirSync(sub);
  const file = path.join(sub, "answers.json");
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return gradeFile("1", file);
}

const allCorrect = () => Object.fromEntries(QUESTIONS.map((q) => [q.id, correctOption(q).id]));
const result = (r: LessonResult, q: Question) => r.tests.find((t) => t.name === q.title)!;
const quoted = (ids: string[]) => ids.map((id) => `"${id}"`);

/** Does `text` give away the right option of `q`: its letter named as the answer, or its text? */
function givesAway(text: string, q: Question): string | undefined {
  const right = correctOption(q);
  const lower = text.toLowerCase();
  if (lower.includes(right.text.toLowerCase())) return "the right option's text";
  if (text.includes(`"${right.id}"`) || new RegExp(`(?<![\\w'])${right.id}\\)`).test(text)) return `the right option's id "${right.id}"`;
  if (new RegExp(`\\b(option|answer|choice|letter|pick|choose)(\\s+(is|was|would be))?\\s*[:"'(]?\\s*${right.id}\\b`, "i").test(text)) return `the right option's id "${right.id}"`;
  // No run of six words taken from the right option.
  const words = right.text.toLowerCase().split(/\s+/);
  for (let i = 0; i + 6 <= words.length; i++) {
    const run = words.slice(i, i + 6).join(" ");
    if (lower.replace(/\s+/g, " ").includes(run)) return `six words of the right option ("${run}")`;
  }
  return undefined;
}

describe("the lesson 01 question bank", () => {
  it("has at least 10 questions with stable, readable, unique ids and titles", () => {
    expect(QUESTIONS.length).toBeGreaterThanOrEqual(10);
    for (const q of QUESTIONS) expect(q.id).toMatch(/^q\d\d-[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(new Set(QUESTIONS.map((q) => q.id)).size).toBe(QUESTIONS.length);
    expect(new Set(QUESTIONS.map((q) => q.title)).size).toBe(QUESTIONS.length);
  });

  it.each(QUESTIONS.map((q) => [q.id, q] as const))("%s: ≥ 3 options a.., exactly one correct, an explanation for every wrong one", (_id, q) => {
    expect(q.options.length).toBeGreaterThanOrEqual(3);
    expect(q.options.map((o) => o.id)).toEqual(["a", "b", "c", "d"].slice(0, q.options.length));
    expect(q.options.filter((o) => o.correct)).toHaveLength(1);
    expect(new Set(q.options.map((o) => o.text)).size).toBe(q.options.length);
    for (const o of q.options) {
      // One terminal line in the asker: "❯ " plus the text within 80 columns.
      expect(o.text.length, `${q.id} ${o.id}`).toBeLessThanOrEqual(76);
      if (o.correct) expect(o.explanation, `${q.id} ${o.id}: the right option needs no explanation`).toBeUndefined();
      else expect(o.explanation?.length ?? 0, `${q.id} ${o.id}: explanation`).toBeGreaterThan(60);
    }
    expect(q.why.length).toBeGreaterThan(40);
  });

  it("puts the right answer under different letters (all \"a\" cannot pass)", () => {
    const letters = QUESTIONS.map((q) => correctOption(q).id);
    expect(new Set(letters).size).toBe(4);
    expect(letters.filter((l) => l === "a").length).toBeLessThan(QUESTIONS.length / 3);
  });

  it("no explanation (or why) gives the right option away", () => {
    for (const q of QUESTIONS)
      for (const text of [...q.options.map((o) => o.explanation ?? ""), q.why]) {
        const leak = givesAway(text, q);
        expect(leak, `${q.id}: "${text}" contains ${leak}`).toBeUndefined();
      }
  });

  it("the give-away detector itself catches the letter, the text and long runs of it", () => {
    const q = QUESTIONS[0];
    const right = correctOption(q);
    expect(givesAway(`The answer is ${right.id}.`, q)).toBeDefined();
    expect(givesAway(`Choose "${right.id}".`, q)).toBeDefined();
    expect(givesAway(`See (${right.id}) or ${right.id}) above.`, q)).toBeDefined();
    expect(givesAway(`It is: ${right.text.toUpperCase()}!`, q)).toBeDefined();
    expect(givesAway(`Think: ${right.text.split(" ").slice(0, 6).join(" ")} and so on`, q)).toBeDefined();
    expect(givesAway(q.options.find((o) => !o.correct)!.explanation!, q)).toBeUndefined();
  });

  it("the README lists every question with its id, prompt and lettered options", () => {
    const readme = fs.readFileSync(README, "utf8");
    for (const q of QUESTIONS) {
      expect(readme).toContain(`**${q.id}** · ${q.prompt}`);
      for (const o of q.options) expect(readme).toContain(`- ${o.id}) ${o.text}\n`);
    }
    expect(readme.split("\n").length).toBeLessThanOrEqual(181);
  });

  it("the stub has every question unanswered and a _TODO; the solution has every right answer", () => {
    const stub = JSON.parse(fs.readFileSync(STUB, "utf8"));
    expect(Object.keys(stub).filter((k) => !k.startsWith("_"))).toEqual(QUESTIONS.map((q) => q.id));
    for (const q of QUESTIONS) expect(stub[q.id]).toBeNull();
    expect(stub._TODO).toMatch(/TODO/);
    expect(stub._TODO).toMatch(/npm run lesson 1/);
    expect(JSON.parse(fs.readFileSync(SOLUTION, "utf8"))).toEqual(allCorrect());
  });
});

describe("lesson 01 grader", () => {
  it("grades a value nested 100 000 deep and a 30 MB file without crashing or echoing them back", async () => {
    const q = QUESTIONS[0];
    const deep = await grade(`{"${q.id}": ${"[".repeat(100_000)}${"]".repeat(100_000)}, "${"k".repeat(5000)}": "a"}`);
    expect(deep.status).toBe("fail");
    expect(result(deep, q).message).toMatch(/is an array \(1 item\), which is not one of its options/);
    const unknownKeys = deep.tests.find((t) => t.name === "every key in answers.json is a question id")!;
    expect(unknownKeys.message!.length).toBeLessThan(600);
    const huge = await grade(`{"${q.id}": "${"a".repeat(30 * 1024 * 1024)}"}`);
    expect(huge.status).toBe("error");
    expect(huge.message).toMatch(/answers\.json is 30720 KB: an answers file is one small JSON object/);
    expect(JSON.stringify(huge).length).toBeLessThan(2000);
  });

  it("the stub fails: every question is unanswered and says how to answer", async () => {
    const r = await gradeFile("1", STUB);
    expect(r.status).toBe("fail");
    expect(r.tests.map((t) => t.name)).toEqual(QUESTIONS.map((q) => q.title));
    for (const t of r.tests) {
      expect(t.status).toBe("fail");
      expect(t.message).toMatch(/^not answered yet: "q\d\d-[\w-]+" is null\. Set it to "a", "b", "c" or "d" in answers\.json \(the questions are in the README\), or run `npm run lesson 1` in a terminal to be asked\.$/);
    }
  });

  it("the reference solution passes, one check per question", async () => {
    const r = await gradeFile("1", SOLUTION);
    expect(r.status, failureText(r)).toBe("pass");
    expect(r.tests).toHaveLength(QUESTIONS.length);
  });

  it("all correct passes, however the letter is spelled (\"C\", \" c \", \"(c)\", \"c)\")", async () => {
    const spellings = [(l: string) => l.toUpperCase(), (l: string) => ` ${l} `, (l: string) => `(${l})`, (l: string) => `${l})`];
    const answers = Object.fromEntries(QUESTIONS.map((q, i) => [q.id, spellings[i % spellings.length](correctOption(q).id)]));
    const r = await grade(answers);
    expect(r.status, failureText(r)).toBe("pass");
  });

  it("all \"a\" fails, each wrong question with the explanation written for option a", async () => {
    const r = await grade(Object.fromEntries(QUESTIONS.map((q) => [q.id, "a"])));
    expect(r.status).toBe("fail");
    for (const q of QUESTIONS) {
      const t = result(r, q);
      if (correctOption(q).id === "a") {
        expect(t.status).toBe("pass");
        continue;
      }
      expect(t.status).toBe("fail");
      expect(t.message).toContain(`your answer to "${q.id}": "a" (${q.options[0].text})`);
      expect(t.message).toContain(q.options[0].explanation!);
      expect(t.message).toContain(`why it matters: ${q.why}`);
    }
  });

  describe("one wrong answer fails exactly that question, with its own explanation and no give-away", () => {
    const cases = QUESTIONS.flatMap((q) => q.options.filter((o) => !o.correct).map((o) => [`${q.id} "${o.id}"`, q, o] as const));
    it.each(cases)("%s", async (_name, q, o) => {
      const r = await grade({ ...allCorrect(), [q.id]: o.id });
      expect(r.status).toBe("fail");
      expect(failing(r).map((t) => t.name)).toEqual([q.title]);
      const message = result(r, q).message!;
      expect(message).toContain(o.explanation!);
      const leak = givesAway(message.replace(`your answer to "${q.id}": "${o.id}" (${o.text})`, ""), q);
      expect(leak, message).toBeUndefined();
    });
  });

  it("an option id that does not exist fails that question and names the valid ids", async () => {
    const [q1, q2, q3] = QUESTIONS;
    const r = await grade({ ...allCorrect(), [q1.id]: "e", [q2.id]: 2, [q3.id]: q3.options[1].text });
    expect(r.status).toBe("fail");
    expect(failing(r).map((t) => t.name)).toEqual([q1.title, q2.title, q3.title]);
    expect(result(r, q1).message).toMatch(new RegExp(`^"${q1.id}" is "e", which is not one of its options\\. Use one of the option ids "a", "b", "c", "d"`));
    expect(result(r, q2).message).toMatch(new RegExp(`^"${q2.id}" is 2, which is not one of its options`));
    expect(result(r, q3).message).toMatch(/which is not one of its options\. Use one of the option ids "a", "b", "c", "d" \(a string/);
  });

  it("a missing question is unanswered, not a crash", async () => {
    const answers = allCorrect();
    delete answers[QUESTIONS[4].id];
    const r = await grade(answers);
    expect(r.status).toBe("fail");
    expect(failing(r).map((t) => t.name)).toEqual([QUESTIONS[4].title]);
    expect(result(r, QUESTIONS[4]).message).toMatch(/^not answered yet: "q05-[\w-]+" is missing\./);
  });

  it("extra keys: notes (\"_...\") are ignored; other keys are reported with the valid ids, the questions still graded", async () => {
    const notes = await grade({ _TODO: "x", _notes: { any: ["thing"] }, ...allCorrect() });
    expect(notes.status, failureText(notes)).toBe("pass");

    const r = await grade({ ...allCorrect(), notes: "keep me", "q1-three-properties": "c" });
    expect(r.status).toBe("fail");
    expect(r.tests.slice(0, QUESTIONS.length).every((t) => t.status === "pass")).toBe(true);
    const extra = failing(r);
    expect(extra.map((t) => t.name)).toEqual(["every key in answers.json is a question id"]);
    expect(extra[0].message).toMatch(/^not question ids: "notes", "q1-three-properties" \(did you mean "q01-three-properties"\?\)\n/);
    for (const q of QUESTIONS) expect(extra[0].message).toContain(q.id);
    expect(extra[0].message).toMatch(/Keys starting with "_" are ignored/);
  });

  const notJson: [string, string, RegExp][] = [
    ["a trailing comma", '{\n  "q01-three-properties": "c",\n}\n', /^answers\.json is not valid JSON at line 3, column 1: .*JSON allows no comma after the last entry\.$/],
    ["a missing comma", '{\n  "q01-three-properties": "c"\n  "q02-hiding-the-data": "a"\n}\n', /^answers\.json is not valid JSON at line 3, column 3: Expected ',' or '}' after property value\. /],
    ["single quotes", "{\n  'q01-three-properties': 'c'\n}\n", /^answers\.json is not valid JSON at line 2, column 3: .*double quotes/],
    ["an unterminated string", '{ "q01-three-properties": "c }', /^answers\.json is not valid JSON at line 1.*: Unterminated string/],
    ["an empty file", "", /^answers\.json is empty: restore it from git/],
  ];
  it.each(notJson)("a file with %s is status error with a one-line message saying where", async (_what, text, message) => {
    const r = await grade(text);
    expect(r.status).toBe("error");
    expect(r.tests).toEqual([]);
    expect(r.message).toMatch(message);
    expect(r.message).not.toContain("\n");
  });

  it.each([["an array", '["c"]'], ["a string", '"c"'], ["null", "null"]])("valid JSON that is not an object (%s) is status error, saying what is expected", async (_what, text) => {
    const r = await grade(text);
    expect(r.status).toBe("error");
    expect(r.message).toMatch(/must hold one JSON object mapping question ids to option ids/);
  });

  it("a byte-order mark (as some Windows editors write) is accepted", async () => {
    const r = await grade("\uFEFF" + JSON.stringify(allCorrect()));
    expect(r.status, failureText(r)).toBe("pass");
  });
});
