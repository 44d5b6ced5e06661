// Lesson 01 grader: a quiz. answers.json maps question ids to option ids ("a".."d"); keys
// starting with "_" are notes and ignored. One check per question; a wrong answer gets the
// explanation written for that option (why it is wrong, what to think about), never the
// right option's letter or text.
import path from "node:path";
import { CannotGrade, type FileGrader } from "../checks/check.ts";
import type { TestResult } from "../report/results.ts";
import { answerState, isNoteKey, OPTION_IDS, parseAnswers, QUESTIONS, type Question } from "../quiz/questions.ts";

/** An answers file is a few hundred bytes; past this it is not one (and is never echoed back). */
export const MAX_ANSWERS_BYTES = 256 * 1024;

/** A learner's value as a short description: strings cut to 60 characters, arrays and objects never printed (they may be huge or nested 100 000 deep). */
export function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (Array.isArray(v)) return `an array (${v.length} item${v.length === 1 ? "" : "s"})`;
  if (v !== null && typeof v === "object") return "an object";
  return String(v);
}

const ANSWER_HINT = 'Run npm run lesson 1 in a terminal to be asked the questions, or put a letter ("a" to "d") for each question id in answers.json; the questions are in the README.';

const quoteIds = (ids: readonly string[]) => ids.map((id) => `"${id}"`).join(", ");
const orList = (ids: readonly string[]) => `${quoteIds(ids.slice(0, -1))} or "${ids[ids.length - 1]}"`;

function gradeQuestion(q: Question, answers: Record<string, unknown>): TestResult {
  const name = q.title;
  const value = answers[q.id];
  const state = answerState(q, value);
  const optionIds = q.options.map((o) => o.id);
  switch (state.kind) {
    case "right":
      return { name, status: "pass" };
    case "unanswered":
      return {
        name,
        status: "fail",
        hint: ANSWER_HINT,
        message: `not answered yet: "${q.id}" is ${value === undefined ? "missing" : describeValue(value)}. Set it to ${orList(optionIds)} in answers.json (the questions are in the README), or run \`npm run lesson 1\` in a terminal to be asked.`,
      };
    case "invalid":
      return {
        name,
        status: "fail",
        hint: ANSWER_HINT,
        message: `"${q.id}" is ${describeValue(value)}, which is not one of its options. Use one of the option ids ${quoteIds(optionIds)} (a string, e.g. "${optionIds[0]}"), or null to leave it for later.`,
      };
    case "wrong":
      return {
        name,
        status: "fail",
        message: [`your answer to "${q.id}": "${state.option.id}" (${state.option.text})`, state.option.explanation ?? "", `why it matters: ${q.why}`].join("\n"),
        // The explanation written for this wrong option is the nudge aimed at it.
        ...(state.option.explanation ? { hint: state.option.explanation } : {}),
      };
  }
}

/** Keys that are neither question ids nor notes: a typo here would leave a question unanswered. */
function unknownKeysCheck(keys: string[]): TestResult {
  const described = keys.slice(0, 10).map((k) => {
    const near = k.length <= 80 ? nearestId(k) : undefined;
    const shown = describeValue(k);
    return near ? `${shown} (did you mean "${near}"?)` : shown;
  });
  if (keys.length > 10) described.push(`and ${keys.length - 10} more`);
  return {
    name: "every key in answers.json is a question id",
    status: "fail",
    message: [
      `not question ids: ${described.join(", ")}`,
      `The question ids are: ${QUESTIONS.map((q) => q.id).join(", ")}.`,
      `Keys starting with "_" are ignored: to keep a note, name it e.g. "_notes".`,
    ].join("\n"),
  };
}

function nearestId(key: string): string | undefined {
  const k = key.toLowerCase();
  let best: { id: string; d: number } | undefined;
  for (const q of QUESTIONS) {
    const d = distance(k, q.id);
    if (!best || d < best.d) best = { id: q.id, d };
  }
  const num = /^q?0*(\d+)\b/.exec(k)?.[1];
  const byNumber = num ? QUESTIONS.find((q) => Number(q.id.slice(1, 3)) === Number(num)) : undefined;
  if (best && best.d <= Math.max(3, Math.floor(best.id.length / 4))) return best.id;
  return byNumber?.id;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** One line: where the JSON breaks (line and column when the parser gives a position) and a likely cause. */
function jsonProblem(text: string, err: Error, file: string): string {
  const shown = path.basename(file);
  const pos = /at position (\d+)/.exec(err.message);
  const reason = err.message.replace(/ in JSON at position \d+.*$/, "").replace(/\s+/g, " ").trim();
  let where = "";
  if (pos) {
    const before = text.slice(0, Number(pos[1]));
    const line = before.split("\n").length;
    const column = Number(pos[1]) - before.lastIndexOf("\n");
    where = ` at line ${line}, column ${column}`;
  }
  if (text.trim() === "") return `${shown} is empty: restore it from git (git checkout -- ${shown}) and answer the questions again.`;
  let tip = "Check the quotes and commas near there: every key and every letter in double quotes, a comma between entries.";
  if (/,\s*}/.test(text)) tip = "JSON allows no comma after the last entry.";
  else if (/'q\d|:\s*'/.test(text)) tip = 'JSON needs double quotes ("q01-...": "a"), not single quotes.';
  return `${shown} is not valid JSON${where}: ${reason}. ${tip}`;
}

export const grader: FileGrader = {
  kind: "file",
  grade(text, file) {
    if (Buffer.byteLength(text) > MAX_ANSWERS_BYTES)
      throw new CannotGrade(`${path.basename(file)} is ${Math.round(Buffer.byteLength(text) / 1024)} KB: an answers file is one small JSON object of question ids and letters. Restore it with npm run lesson 1 -- --reset and answer again.`);
    let answers: Record<string, unknown>;
    try {
      answers = parseAnswers(text);
    } catch (err) {
      if (err instanceof SyntaxError) throw new CannotGrade(jsonProblem(text, err, file));
      throw new CannotGrade(
        `${path.basename(file)} must hold one JSON object mapping question ids to option ids, like { "${QUESTIONS[0].id}": "${OPTION_IDS[0]}" }.`,
      );
    }
    const results = QUESTIONS.map((q) => gradeQuestion(q, answers));
    const unknown = Object.keys(answers).filter((k) => !isNoteKey(k) && !QUESTIONS.some((q) => q.id === k));
    if (unknown.length) results.push(unknownKeysCheck(unknown));
    return results;
  },
};
