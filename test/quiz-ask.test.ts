// The lesson 01 asker, driven without a real user: key presses go into a PassThrough as
// input, and the rendered prompts are read back from a PassThrough as output. The options
// are shuffled on screen, so each answer is chosen by finding, in the rendered prompt,
// which line holds the wanted option and pressing "down" that many times, then Enter.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askQuiz } from "../checker/quiz/ask.ts";
import { correctOption, findQuestion, QUESTIONS, type OptionId, type Question } from "../checker/quiz/questions.ts";
import { failing, gradeFile } from "./helpers.ts";

const DOWN = "\u001b[B";
const ENTER = "\r";
const CTRL_C = "\u0003";

let dir: string;
let n = 0;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-ask-"));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function answersFile(content: Record<string, unknown> | string): string {
  const sub = path.join(dir, String(++n));
  fs.mkdirSync(sub);
  const file = path.join(sub, "answers.json");
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2) + "\n");
  return file;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
const allCorrect = () => Object.fromEntries(QUESTIONS.map((q) => [q.id, correctOption(q).id]));

async function waitFor<T>(probe: () => T | undefined, what: string, screen: () => string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen so far:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One askQuiz run with a scripted keyboard and a screen we can read. */
function session(file: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let raw = "";
  output.on("data", (d: Buffer) => (raw += d.toString("utf8")));
  const screen = () => stripVTControlCharacters(raw);
  const done = askQuiz(file, { input, output });
  done.catch(() => {}); // awaited by the tests; never an unhandled rejection meanwhile
  let answered = 0;
  const asked: { question: Question; order: OptionId[] }[] = [];

  /** Waits for the next question, finds where `pick` chose is on screen, and selects it. */
  async function answer(pick: (q: Question) => OptionId): Promise<{ question: Question; order: OptionId[] }> {
    const number = answered + 1;
    const found = await waitFor(
      () => {
        const text = screen();
        const m = new RegExp(`\\nQuestion ${number} of \\d+ \\((q[\\w-]+)\\)\\n`).exec(text);
        if (!m) return undefined;
        const question = findQuestion(m[1]);
        if (!question) throw new Error(`the asker showed an unknown question id ${m[1]}`);
        const after = text.slice(m.index + m[0].length);
        // The prompt starts at its "? " line (a note about the last answer may come first).
        const prompt = /(^|\n)\? /.exec(after);
        if (!prompt) return undefined;
        const frame = after.slice(prompt.index);
        // The first rendered frame lists every option once, in on-screen order.
        const at = question.options.map((o) => ({ id: o.id, i: frame.indexOf(o.text) }));
        if (at.some((a) => a.i < 0)) return undefined;
        return { question, order: at.sort((x, y) => x.i - y.i).map((a) => a.id) };
      },
      `question ${number}`,
      screen,
    );
    const wanted = pick(found.question);
    for (let i = 0; i < found.order.indexOf(wanted); i++) input.write(DOWN);
    input.write(ENTER);
    answered++;
    asked.push(found);
    return found;
  }

  async function waitUntilSaved(file: string, id: string, value: string) {
    await waitFor(() => (readJson(file)[id] === value ? true : undefined), `${id} = "${value}" in the file`, screen);
  }

  return { input, screen, done, answer, asked, waitUntilSaved };
}

describe("askQuiz", () => {
  it("asks only unanswered or wrong questions, saves each answer at once, and keeps every other key", async () => {
    const [q1, q2, q3, q4, q5] = QUESTIONS;
    const wrongFor = (q: Question) => q.options.find((o) => !o.correct)!.id;
    const file = answersFile({
      _TODO: "answer every question",
      [q1.id]: correctOption(q1).id, // right: not asked
      [q2.id]: wrongFor(q2), // wrong: asked again
      [q3.id]: ` ${correctOption(q3).id.toUpperCase()} `, // right, spelled loosely: not asked, left as it is
      [q4.id]: "z", // not an option: asked
      _mynote: { keep: ["this", 1] },
      notes: "keep me too",
      // the other questions are missing or null
      ...Object.fromEntries(QUESTIONS.slice(5, 8).map((q) => [q.id, null])),
    });
    const s = session(file);
    const picks = new Map<string, OptionId>();
    const pick = (q: Question) => {
      // Everything right, except q05, where a wrong option is chosen on purpose.
      const id = q.id === q5.id ? wrongFor(q) : correctOption(q).id;
      picks.set(q.id, id);
      return id;
    };

    const first = await s.answer(pick);
    expect(first.question.id).toBe(q2.id); // the first question not answered right
    await s.waitUntilSaved(file, q2.id, picks.get(q2.id)!); // saved before the next question is answered
    expect(readJson(file).notes).toBe("keep me too");
    const expected = QUESTIONS.length - 2;
    for (let i = 1; i < expected; i++) await s.answer(pick);
    await expect(s.done).resolves.toEqual({ asked: expected });

    expect(s.asked.map((a) => a.question.id)).toEqual(QUESTIONS.filter((q) => q !== q1 && q !== q3).map((q) => q.id));
    expect(s.screen()).not.toContain(`(${q1.id})`);
    expect(s.screen()).not.toContain(`(${q3.id})`);
    // Shuffled on screen: with 11 questions, all in a-b-c-d order would be a 1 in 24^11 chance.
    expect(s.asked.some((a) => a.order.join("") !== "abcd")).toBe(true);

    const saved = readJson(file);
    for (const [id, choice] of picks) expect(saved[id], id).toBe(choice);
    expect(saved[q1.id]).toBe(correctOption(q1).id);
    expect(saved[q3.id]).toBe(` ${correctOption(q3).id.toUpperCase()} `);
    expect(saved._TODO).toBe("answer every question");
    expect(saved._mynote).toEqual({ keep: ["this", 1] });
    expect(saved.notes).toBe("keep me too");
    expect(fs.readdirSync(path.dirname(file))).toEqual(["answers.json"]); // no temporary file left

    // Graded: only the deliberately wrong q05 (and the unknown "notes" key) fail.
    const graded = await gradeFile("1", file);
    expect(failing(graded).map((t) => t.name)).toEqual([q5.title, "every key in answers.json is a question id"]);

    // A second run asks only what is still wrong.
    const again = session(file);
    const only = await again.answer((q) => correctOption(q).id);
    expect(only.question.id).toBe(q5.id);
    await expect(again.done).resolves.toEqual({ asked: 1 });
    expect(readJson(file)[q5.id]).toBe(correctOption(q5).id);
    expect(again.screen()).toMatch(/^1 question to answer\./);
    // It says what was chosen last time and why that is wrong, never which one is right.
    const chosen = q5.options.find((o) => o.id === wrongFor(q5))!;
    expect(again.screen()).toContain(`Last time you chose "${chosen.text}": ${chosen.explanation}`);
    expect(again.screen()).not.toContain(`Last time you chose "${correctOption(q5).text}"`);
  });

  it("Ctrl+C rejects with ExitPromptError after the answers so far are saved", async () => {
    const open = QUESTIONS.slice(-3);
    const file = answersFile({ ...allCorrect(), ...Object.fromEntries(open.map((q) => [q.id, null])), _notes: "mine" });
    const s = session(file);
    const first = await s.answer((q) => correctOption(q).id);
    expect(first.question.id).toBe(open[0].id);
    await waitFor(() => (/\nQuestion 2 of 3 \(/.test(s.screen()) ? true : undefined), "question 2", s.screen);
    s.input.write(CTRL_C);
    const err = await s.done.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe("ExitPromptError");
    const saved = readJson(file);
    expect(saved[open[0].id]).toBe(correctOption(open[0]).id);
    expect(saved[open[1].id]).toBeNull();
    expect(saved[open[2].id]).toBeNull();
    expect(saved._notes).toBe("mine");
    expect(fs.readdirSync(path.dirname(file))).toEqual(["answers.json"]);
  });

  it("asks nothing and leaves the file alone when every answer is already right", async () => {
    const text = JSON.stringify({ _TODO: "x", ...allCorrect() }, null, 4);
    const file = answersFile(text);
    const s = session(file);
    await expect(s.done).resolves.toEqual({ asked: 0 });
    expect(s.screen()).toBe("");
    expect(fs.readFileSync(file, "utf8")).toBe(text);
  });

  it.each([
    ["not valid JSON", '{ "q01-three-properties": "c", }'],
    ["not an object", '["c"]'],
  ])("asks nothing and leaves a file that is %s alone (the grader reports it)", async (_what, text) => {
    const file = answersFile(text);
    const s = session(file);
    await expect(s.done).resolves.toEqual({ asked: 0 });
    expect(fs.readFileSync(file, "utf8")).toBe(text);
  });

  it("asks nothing and creates nothing when the file does not exist", async () => {
    const file = path.join(dir, "missing", "answers.json");
    await expect(askQuiz(file, { input: new PassThrough(), output: new PassThrough() })).resolves.toEqual({ asked: 0 });
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });
});
