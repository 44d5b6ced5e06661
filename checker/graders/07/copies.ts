// Lesson 07's copy detection: the text as a reader sees it (Unicode folded), word 5-grams
// hashed (the course sample is kept only as such hashes, in 07-sample-fingerprint.json), and
// the ordered overlap of content words that survives a light paraphrase. The model texts that
// live in this workbook are fingerprinted when grading, so they never go stale.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { WORKBOOK_ROOT } from "../../paths.ts";
import { parse } from "./markdown.ts";
import { normalizeWords } from "./normalize.ts";

const LESSON = "07-why-not-verify-false";

export const GRAM = 5;
export const HASH_HEX = 12;

/** The set of word 5-grams of a text, each as the first 12 hex digits of its sha256. */
export function fingerprint(text: string): Set<string> {
  const words = normalizeWords(text);
  const grams = new Set<string>();
  for (let i = 0; i + GRAM <= words.length; i++) grams.add(crypto.createHash("sha256").update(words.slice(i, i + GRAM).join(" ")).digest("hex").slice(0, HASH_HEX));
  return grams;
}

export interface Overlap {
  /** Share of the text's 5-grams found in the model: how much of the answer is the model. */
  share: number;
  /** Share of the model's 5-grams found in the text: how much of the model the answer holds. */
  coverage: number;
  common: number;
}

export function overlap(text: Set<string>, model: Set<string>): Overlap {
  let common = 0;
  for (const g of text) if (model.has(g)) common++;
  return { share: text.size ? common / text.size : 0, coverage: model.size ? common / model.size : 0, common };
}

/**
 * Measured on the course's sample: a copy shares 1.0 of its 5-grams, a copy with six words
 * changed 0.73, one translated to Node terms 0.86, translated and edited in five more places
 * 0.56. Honest answers (the catalog's and a dozen more) share at most 0.13 with any model.
 * Coverage catches a copy padded with words of one's own (0.53 share, 0.85 coverage).
 */
export const COPY_SHARE = 0.3;
export const COPY_COVERAGE = 0.4;

export function isCopy(o: Overlap): boolean {
  return o.share >= COPY_SHARE || o.coverage >= COPY_COVERAGE;
}

export interface Model {
  label: string;
  grams: Set<string>;
  /** The model's content words in order, where its text is in this workbook (not the course sample: only its hashes are). */
  words?: string[];
}

export const LITTLE_WORDS = new Set(
  "a an the is are was were be been it its to of in on at for from with by and but or so if then than that this these those you your they them their we our he she his her i me my can could will would should must may might not no do does did has have had just still only also as".split(" "),
);

/** The words that carry meaning, in order. */
export const contentWords = (text: string) => normalizeWords(text).filter((w) => !LITTLE_WORDS.has(w));

/**
 * How much of the answer's content words appear in the model in the same order (the longest
 * common subsequence, over the answer's length). Swapping a third of the words for synonyms
 * breaks most five-word runs but keeps this high. Measured on 126 answers written blind from
 * the README: at most 0.44; light paraphrases of the README 0.53 to 0.77.
 */
export function orderedShare(answer: string[], model: string[]): number {
  if (answer.length === 0 || model.length === 0) return 0;
  let prev = new Uint16Array(model.length + 1);
  let cur = new Uint16Array(model.length + 1);
  for (let i = 1; i <= answer.length; i++) {
    for (let j = 1; j <= model.length; j++) cur[j] = answer[i - 1] === model[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
  }
  return prev[model.length] / answer.length;
}

export const COPY_ORDERED = 0.5;
/** Below this many content words the ordered share says little. */
export const ORDERED_MIN_WORDS = 40;

export interface StoredFingerprints {
  gram: number;
  hashHex: number;
  sources: { name: string; label: string; grams: string[] }[];
}

export const FINGERPRINT_FILE = new URL("../07-sample-fingerprint.json", import.meta.url);

export function storedFingerprints(): StoredFingerprints {
  return JSON.parse(fs.readFileSync(FINGERPRINT_FILE, "utf8")) as StoredFingerprints;
}

export const SOLUTION_FILE = path.join(WORKBOOK_ROOT, "solutions", LESSON, "answer.md");

/** The model texts an answer must not copy; the reference solution is left out when it is what is being graded. */
export function models(file: string): Model[] {
  const out: Model[] = storedFingerprints().sources.map((s) => ({ label: s.label, grams: new Set(s.grams) }));
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, "utf8");
    } catch {
      return undefined;
    }
  };
  const own = read(path.join(WORKBOOK_ROOT, "lessons", LESSON, "README.md"));
  if (own) out.push({ label: "this lesson's README", grams: fingerprint(readmeModelText(own)), words: contentWords(readmeModelText(own)) });
  // Other lessons' READMEs answer the question in a short section of their own.
  let lessons: string[] = [];
  try {
    lessons = fs.readdirSync(path.join(WORKBOOK_ROOT, "lessons")).filter((d) => d !== LESSON).sort();
  } catch {
    /* no lessons folder: nothing to compare with */
  }
  for (const id of lessons) {
    const readme = read(path.join(WORKBOOK_ROOT, "lessons", id, "README.md"));
    const why = readme && section(readme, /^#{1,6}\s.*\bwhy not\b.*\b(verification|verify|rejectunauthorized)\b/i);
    if (why) out.push({ label: `lesson ${id.slice(0, 2)}'s README (its "why not turn verification off" part)`, grams: fingerprint(parse(why).prose), words: contentWords(parse(why).prose) });
  }
  const solution = read(SOLUTION_FILE);
  if (solution && path.resolve(file) !== path.resolve(SOLUTION_FILE)) out.push({ label: "the reference solution in solutions/", grams: fingerprint(parse(solution).all), words: contentWords(parse(solution).prose) });
  return out.filter((m) => m.grams.size > 0);
}

/** The README's prose (what a learner might lift), without its code and headings. */
export function readmeModelText(readme: string): string {
  return parse(readme).prose;
}

/** The lines under a heading, up to the next heading. */
export function section(markdown: string, heading: RegExp): string | undefined {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^#{1,6}\s/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}
