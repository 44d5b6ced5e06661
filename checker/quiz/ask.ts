// The interactive side of lesson 01: asks the questions that are not answered right yet,
// one select prompt each (options shuffled on screen; the ids saved stay "a".."d"), and
// saves every answer into the learner's file at once, atomically, keeping every other key.
// Ctrl+C inside a prompt rejects with an ExitPromptError after the answers so far are saved.
import fs from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { select } from "@inquirer/prompts";
import { answerState, parseAnswers, QUESTIONS, type Option, type Question } from "./questions.ts";

export interface AskIo {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/**
 * Asks every unanswered or wrongly answered question of `file` and saves each answer as it
 * goes. A missing file, or one that is not a JSON object, is left alone (the grader then says
 * what is wrong with it): { asked: 0 }.
 */
export async function askQuiz(file: string, io: AskIo = {}): Promise<{ asked: number }> {
  const input = io.input ?? process.stdin;
  const output = io.output ?? process.stdout;
  const answers = readAnswers(file);
  if (!answers) return { asked: 0 };
  const toAsk = QUESTIONS.filter((q) => answerState(q, answers[q.id]).kind !== "right");
  if (toAsk.length === 0) return { asked: 0 };

  const shown = path.relative(process.cwd(), file) || file;
  output.write(
    `${toAsk.length} question${toAsk.length === 1 ? "" : "s"} to answer. Each answer is saved to ${shown} at once; ` +
      `Ctrl+C stops and keeps what you answered.\n`,
  );
  let asked = 0;
  for (const [i, q] of toAsk.entries()) {
    output.write(`\nQuestion ${i + 1} of ${toAsk.length} (${q.id})\n`);
    // Asked again after a wrong answer: what was chosen, and why it is wrong (not what is right).
    const before = answerState(q, answers[q.id]);
    if (before.kind === "wrong") output.write(`Last time you chose "${before.option.text}": ${before.option.explanation ?? "not right."}\n`);
    const choice = await ask(q, input, output);
    asked++;
    saveAnswer(file, answers, q.id, choice);
  }
  output.write("\n");
  return { asked };
}

async function ask(q: Question, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<Option["id"]> {
  // The prompt ends the stream it writes to when it is done: give it one of its own per question.
  const screen = new PassThrough();
  for (const prop of ["columns", "rows", "isTTY"] as const)
    Object.defineProperty(screen, prop, { get: () => (output as Partial<NodeJS.WriteStream>)[prop], configurable: true });
  screen.pipe(output, { end: false });
  try {
    return await select<Option["id"]>(
      {
        message: q.prompt,
        choices: shuffle(q.options).map((o) => ({ value: o.id, name: o.text })),
        pageSize: q.options.length,
        loop: false,
        // The prompt's default "done" mark is a green tick, which would read as "right".
        theme: { prefix: { idle: "?", done: "→" } },
      },
      { input, output: screen },
    );
  } finally {
    screen.unpipe(output);
  }
}

function shuffle<T>(items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function readAnswers(file: string): Record<string, unknown> | undefined {
  try {
    return parseAnswers(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

let tmpCounter = 0;

/**
 * Re-reads the file (the learner may have edited it meanwhile; if it no longer parses, the
 * answers read at the start are used), sets one answer, and replaces the file atomically:
 * a temporary file in the same folder, then a rename over the original.
 */
function saveAnswer(file: string, known: Record<string, unknown>, id: string, choice: string): void {
  const answers = readAnswers(file) ?? known;
  answers[id] = choice;
  known[id] = choice;
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++tmpCounter}.tmp`);
  try {
    fs.writeFileSync(tmp, JSON.stringify(answers, null, 2) + "\n");
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
