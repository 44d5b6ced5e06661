// Lesson 07: a paragraph, written for a beginner, on why switching certificate verification
// off is dangerous and what to do instead for a self-signed server. The file is read, never
// run. Each idea is one check, recognised through many wordings (synonyms, inflections,
// word order) sentence by sentence; real sentences are required, and a copy of a model text
// (the course's sample answer, this lesson's README, other lessons' "why not turn
// verification off" sections, the reference solution) is recognised by its word 5-grams. The course sample is kept only as hashes of its 5-grams
// (07-sample-fingerprint.json); the texts that live in this workbook are fingerprinted when
// grading, so they never go stale.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { formatFailure, type Failure, type FileGrader } from "../grading/check.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import type { TestResult } from "../report/results.ts";

const LESSON = "07-why-not-verify-false";
const MIN_WORDS = 80;
/** A real sentence has at least this many words, a function word, and is not a comma-separated list. */
const SENTENCE_MIN_WORDS = 4;
const MIN_SENTENCES = 4;
/** A list item counts as a sentence when it is a real one of at least this many words. */
const LIST_SENTENCE_MIN_WORDS = 8;
/** At least this share of the prose's words must sit in real sentences (not lists, not fragments). */
const MIN_SENTENCE_SHARE = 0.6;

// ---- fingerprints -----------------------------------------------------------------------

export const GRAM = 5;
export const HASH_HEX = 12;

/** Characters that show as nothing: zero-width spaces and joiners, word joiners, soft hyphens, bidi controls, BOMs. */
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/g;

/** Cyrillic and Greek letters that look like Latin ones, folded to them (a "сору" in Cyrillic is a "copy"). */
const LOOKALIKES: Record<string, string> = Object.fromEntries(
  [..."аеорсухіјѕԁԛԝАВЕКМНОРСТХІЈЅԌαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"].map((c, i) => [c, "aeopcyxijsdqwABEKMHOPCTXIJSGabeiknoptuxABEZHIKMNOPTYX"[i]]),
);

/**
 * What the reader sees, as plain letters: compatibility forms folded (NFKC: full-width
 * letters, ligatures), invisible characters removed, look-alike letters from other scripts
 * made Latin. Everything the grader matches or fingerprints goes through this first.
 */
export function normalizeText(text: string): string {
  const plain = text.normalize("NFKC").replace(INVISIBLE, "");
  // Only in a text written in Latin letters: an answer really written in Cyrillic stays as it is.
  const latin = plain.match(/[A-Za-z]/g)?.length ?? 0;
  const other = plain.match(/[\u0370-\u03FF\u0400-\u052F]/g)?.length ?? 0;
  return other && latin > other ? plain.replace(/[\u0370-\u03FF\u0400-\u052F]/g, (c) => LOOKALIKES[c] ?? c) : plain;
}

/** Lower case, apostrophes dropped ("don't" → "dont"), every run of letters or digits one word. */
export function normalizeWords(text: string): string[] {
  return normalizeText(text).toLowerCase().replace(/['’‘`´]/g, "").match(/[\p{L}\p{N}]+/gu) ?? [];
}

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

interface Model {
  label: string;
  grams: Set<string>;
  /** The model's content words in order, where its text is in this workbook (not the course sample: only its hashes are). */
  words?: string[];
}

const LITTLE_WORDS = new Set(
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
const ORDERED_MIN_WORDS = 40;

interface StoredFingerprints {
  gram: number;
  hashHex: number;
  sources: { name: string; label: string; grams: string[] }[];
}

export const FINGERPRINT_FILE = new URL("./07-sample-fingerprint.json", import.meta.url);

export function storedFingerprints(): StoredFingerprints {
  return JSON.parse(fs.readFileSync(FINGERPRINT_FILE, "utf8")) as StoredFingerprints;
}

const SOLUTION_FILE = path.join(WORKBOOK_ROOT, "solutions", LESSON, "answer.md");

/** The model texts an answer must not copy; the reference solution is left out when it is what is being graded. */
function models(file: string): Model[] {
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
function section(markdown: string, heading: RegExp): string | undefined {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^#{1,6}\s/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

// ---- reading the Markdown -----------------------------------------------------------------

interface Segment {
  text: string;
  /** A list item or a table row rather than running prose. */
  list: boolean;
}

export interface Parsed {
  /** Running prose and list items, Markdown syntax removed; no comments, headings or code blocks. */
  prose: string;
  /** Everything the learner wrote (prose and code), for matching Node terms and fingerprints. */
  all: string;
  segments: Segment[];
  /** Words inside HTML comments other than the stub's own TODO marker. */
  commentWords: number;
  /** Words inside comments that hold a TODO marker (the stub's own has about 70). */
  todoWords: number;
  hasTodo: boolean;
}

const countWords = (s: string) => (s.match(/[\p{L}\p{N}]+(?:['’_-][\p{L}\p{N}]+)*/gu) ?? []).length;

/** Removes inline Markdown: links, images, emphasis, HTML tags; keeps the text of code spans. */
function inline(line: string): string {
  const parts = line.split(/(`+[^`]*`+)/);
  return parts
    .map((p, i) => {
      if (i % 2 === 1) return p.replace(/^`+|`+$/g, "");
      return p
        .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/\[([^\]]*)\]\[[^\]]*\]/g, "$1")
        .replace(/<https?:\/\/[^>]*>/g, " ")
        .replace(/<\/?[a-z][^>]*>/gi, " ")
        .replace(/[*~]+/g, "")
        .replace(/(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, "")
        .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, "$1");
    })
    .join("");
}

export function parse(raw: string): Parsed {
  let commentWords = 0;
  let todoWords = 0;
  let hasTodo = false;
  const text = raw.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").replace(/<!--([\s\S]*?)(?:-->|$)/g, (_m, body: string) => {
    if (/\bTODO\b/.test(body)) {
      hasTodo = true;
      todoWords += countWords(body);
    } else commentWords += countWords(body);
    return " ";
  });
  const segments: Segment[] = [];
  const code: string[] = [];
  let fence: string | undefined;
  let para: string[] = [];
  const endPara = () => {
    if (para.length) segments.push({ text: para.join(" "), list: false });
    para = [];
  };
  for (const rawLine of text.split("\n")) {
    const fenceMark = /^\s{0,3}(`{3,}|~{3,})/.exec(rawLine);
    if (fence) {
      if (fenceMark && fenceMark[1][0] === fence[0] && fenceMark[1].length >= fence.length) fence = undefined;
      else code.push(rawLine);
      continue;
    }
    if (fenceMark) {
      endPara();
      fence = fenceMark[1];
      continue;
    }
    let line = rawLine.replace(/^\s{0,3}(>\s?)+/, "");
    if (/^\s*$/.test(line)) {
      endPara();
      continue;
    }
    if (/^\s{0,3}#{1,6}(\s|$)/.test(line) || /^\s{0,3}(=+|-{3,}|\*{3,}|_{3,})\s*$/.test(line)) {
      // A heading is a title, not part of the answer; so are rules and setext underlines.
      endPara();
      continue;
    }
    const item = /^\s*([-*+]|\d{1,3}[.)])\s+(.*)$/.exec(line);
    if (item || /^\s*\|/.test(line)) {
      endPara();
      line = item ? item[2] : line.replace(/\|/g, " ").replace(/\s:?-{3,}:?\s/g, " ");
      segments.push({ text: inline(line).trim(), list: true });
      continue;
    }
    para.push(inline(line).trim());
  }
  endPara();
  const prose = segments.map((s) => s.text).join("\n");
  return { prose, all: `${prose}\n${code.join("\n")}`, segments: segments.filter((s) => s.text), commentWords, todoWords, hasTodo };
}

/** Splits prose into sentences without breaking "e.g.", "fs.readFileSync" or "Node.js". */
export function sentences(segment: string): string[] {
  const protectedText = segment.replace(/\b(e\.g|i\.e|etc|vs|cf|approx|mr|mrs|dr)\./gi, (m) => m.replace(/\./g, "\u2024"));
  return protectedText
    .split(/(?<=[.!?]["')\]]?)\s+(?=\S)/)
    .map((s) => s.replace(/\u2024/g, ".").trim())
    .filter(Boolean);
}

const FUNCTION_WORDS = new Set(
  "a an the is are was were be been being it its it's you your you're they them their we our he she his her i me my to of in on at for from with by and but or so if then than that this these those who whom what which when where why how can could will would should must may might not no do does did don't doesn't isn't aren't has have had just still only also".split(" "),
);

/** A sentence with several words, at least one little word that glues a sentence together, and not a comma list. */
export function isRealSentence(s: string): boolean {
  const words = s.toLowerCase().replace(/’/g, "'").match(/[\p{L}\p{N}]+(?:['_-][\p{L}\p{N}]+)*/gu) ?? [];
  if (words.length < SENTENCE_MIN_WORDS) return false;
  if (!words.some((w) => FUNCTION_WORDS.has(w))) return false;
  const pieces = s.split(/[,;/·|]+/).map((p) => countWords(p)).filter((n) => n > 0);
  if (pieces.length >= 4 && pieces.reduce((a, b) => a + b, 0) / pieces.length < 3) return false;
  return true;
}

// ---- recognising the ideas ---------------------------------------------------------------

/** Lower case, straight apostrophes, one space: what every pattern below is matched against. */
const norm = (s: string) => s.toLowerCase().replace(/[’‘´]/g, "'").replace(/\s+/g, " ");

const NEGATED_BEFORE = /\b(not|never|no|nor|don't|doesn't|didn't|won't|isn't|aren't|wasn't|can't|cannot|neither|myth|misconception|think|thinks|thought|believe|believes|assume|assumes|assuming|wrongly|mistakenly|expect|expects|tempting|contrary|rumou?r|people say|seems?|seemed|appears?|looks?|feels?|sounds?|might|may|if|whether|instead of|rather than)\b|n't\b/;

/** The pattern's first match whose preceding words (same clause) hold no negation or belief. */
function affirmed(sentence: string, re: RegExp): string | undefined {
  const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
  for (const m of sentence.matchAll(g)) {
    const lead = /^[\s,:;]*/.exec(m[0])![0].length; // a pattern may start at the clause's comma
    const before = sentence.slice(0, m.index + lead).split(/[,;]|\b(but|however|yet|although|though)\b/).filter((x) => x !== undefined).pop() ?? "";
    const window = before.split(" ").slice(-7).join(" ");
    if (!NEGATED_BEFORE.test(window)) return m[0];
  }
  return undefined;
}

const ENC = /\b(encrypt\w*|scrambl\w*|cipher\w*|padlock|lock icon|hidden|hides?|hiding|conceal\w*|locked|sealed|private(?! keys?\b)|privately|confidential\w*|secret(?! keys?\b)|unreadable)\b/;
const CONTINUES = /\b(still|remains?|remained|remaining|stays?|stayed|keeps?|kept|keeping|continues?|continuing|intact|untouched|unchanged|unaffected|carries on|goes on|as before|like before|as always|like always|as usual|as normal|just as|exactly like|the same|survives?|in place|not (changed|affected|touched)|(doesn't|does not|won't|will not|didn't) change)\b/;
const CONTRAST = /\b(but|however|yet|though|although|whereas|while|only)\b/;
const TO_ANYONE = /\b(to|for|with) (whoever|anyone|anybody|someone|somebody|a stranger|strangers|the wrong|an? (unknown|unverified|attacker|impostor|imposter|stranger)|the (attacker|impostor|imposter|stranger|man in the middle)|any server|a fake)\b/;
const ENC_TURNED_OFF = /(n't|\bnot|\bnever)\b[^.]{0,30}(\b(turn|switch|shut|disabl|remov|affect|touch|weaken|break|stop|lose)\w*( off)? (the |any |your )?(encrypt\w*|scrambl\w*)|\b(unencrypted|plain ?text|in the clear|cleartext)\b)/;

const SWITCH_CONTEXT = /\b(flag|option|switch|setting|reject ?unauthori[sz]ed|node_tls_reject_unauthori[sz]ed|verification|verifying|checks?|checking|off)\b/;

/** Says, with verification off, the traffic is no longer encrypted: the misconception. */
const ENC_GONE = [
  /\b(disabl\w*|turn(s|ed|ing)? off|switch(es|ed|ing)? off|shut(s|ting)? off|remov\w*|drop(s|ped|ping)?|kill(s|ed|ing)?|los(e|es|ing)|lost|skip(s|ped|ping)?|stop(s|ped|ping)?|throw(s|ing)? away|threw away|get(s|ting)? rid of|strip(s|ped|ping)?|switch(es|ed|ing)? off|bypass\w*) (all |the |any |your |its )?(encryption|encrypting)\b/,
  /\b(encryption|encrypting)( is| gets| will be| becomes| has been| goes)? (gone|lost|disabled|removed|turned off|switched off|dropped|off|broken|skipped|stopped|bypassed|away)\b/,
  /\b(without|no|zero|lose|lack of|loss of) (any )?(encryption|encrypting)\b/,
  /\b(not|no longer|isn't|aren't|never|wasn't|won't be|stops? being|ceases? to be) (be |being )?(encrypted|scrambled)\b/,
  /\b(sent|send|sends|sending|travels?|travelling|traveling|go|goes|going|went|transmitted|flows?|moves?|crosses|falls? back to) (\w+ ){0,3}(unencrypted|in plain ?text|in the clear|as plain ?text|as cleartext|in cleartext)\b/,
  /\bno (session )?keys? (are|is|get|gets|will be)? ?(set up|agreed|negotiated|exchanged)\b/,
  /\b(weaker|no|null|unauthenticated|broken) (cipher|ciphers|cipher suite|encryption)\b[^.]{0,40}\b(used|chosen|negotiated|falls? back|instead)\b/,
  /\b(weaker|weakened|breakable|easier to (break|crack|decrypt)|downgraded)\b[^.]{0,50}\b(encrypt\w*|cipher\w*)\b|\b(encrypt\w*|cipher\w*)\b[^.]{0,60}\b(weaker|weakened|easier to (break|crack|decrypt)|breakable|downgraded)\b/,
  // The other way round: as if encryption never protected anything, verification or not.
  /\b(verification|verified|verifying|checking|the checks?) or not\b|\beven (with|when) (verification|checking|the checks?) (is |are )?(on|enabled|switched on)\b[^.]*\b(read|see|decrypt)\w*/,
  /\b(becomes?|is|are|turns into|becoming) (now |suddenly |completely |totally )?(unencrypted|plain ?text|cleartext)\b/,
];

const ID = /\b(who|whom|whose|identity|identities|identify\w*|impost[eo]rs?|the (real|right|genuine|actual|intended|true|correct) (server|site|website|host|machine|party|one|bank|service)|authentic\w*|is really|really is|really are|genuine|(the|its|their|your) other (side|end|party|person|machine)|which (server|person|party|machine|computer|side|end|one)|with whom|talking to|talking with|speaking to|connected to|connecting to|belongs? to|belonging to|the (host|server|site|name|machine|one) (you|i|we) (asked|meant|wanted|intended|typed|requested|dialled|dialed|expected)\w*|tell (\w+ ){0,4}apart|issued (for|to))\b/;
const PROOF = /\b(prov\w*|proof|verif\w*|check\w*|confirm\w*|know\w*|knew|sure|certain\w*|tell|told|guarantee\w*|authenticat\w*|vouch\w*|validat\w*|establish\w*|evidence|vet\w*)\b/;
const NEG = /\b(no longer|not|never|no|without|nobody|none|nothing|lose|loses|lost|losing|stop|stops|stopped|stopping|turn(s|ed|ing)? off|switch(es|ed|ing)? off|disabl\w*|remov\w*|ceases?|ceased|no more|fails? to|throw(s|ing)? away|threw away|gone|drop(s|ped)?|skip\w*|unverified|unproven|unchecked|unknown|anyone|anybody|whoever|any|can't|cannot|gives? up|away)\b|n't\b/;
const ID_DIRECT = [
  /\b(unverified|unproven|unknown|unchecked|unauthenticated|unidentified|anonymous|random|unconfirmed) (party|parties|server|servers|peer|stranger|strangers|endpoint|site|machine|side|end|identity|someone|computer|host|person|other side|other end)\b/,
  /\b(anyone|anybody|whoever|any server|any machine|a stranger|strangers|whatever server) (who |that |which )?(is )?(answers?|answered|responds?|responded|replies|replied|picks up|picked up|shows? up|showed up|turns? up|turned up|listening|on the other end|at the other end|sits? in the middle|in the middle|pretends?|claims?)\b/,
  /\b(accept|take|trust|allow|welcome|swallow)(s|ed|ing)? (any|every|whatever|all|anyone's|anybody's|each) (\w+ ){0,2}(cert\w*|server\w*|key|keys|identity|identities)\b/,
  /\b(could|might|may|can) (be|belong to|come from|be run by|be owned by|be with|be talking to|be talking with|be connected to|be going to|go to|end up with|be sending (it|them|data|everything|your \w+) to|lead to|end (up )?(at|with)|reach|point to) (anyone|anybody|anything|a stranger|an attacker|an impostor|an imposter|someone else|somebody else|whoever|any server|any machine)\b/,
  /\bfor all (you|we|it|your \w+) knows?\b/,
  // Impersonation said plainly: someone answering in the server's place.
  /\b(answer\w*|respond\w*|repl(y|ies|ied|ying)|pos(e|es|ed|ing)|pretend\w*|show\w* up|turn\w* up) (\w+ ){0,3}(in place of|instead of|in the place of|as|to be|in the name of) (your|the|a|my) (real |actual |own |genuine )?(server|site|service|bank|api|backend)\b/,
  /\b(the |your |its |a )?(server'?s?|site'?s?|other side'?s?) (id|identity|identities)\b[^.]{0,30}\b(isn't|is not|aren't|never|no longer|not|unchecked|unverified|unproven)\b/,
  /\b(anyone|anybody|someone|somebody|whoever|an? (attacker|impostor|imposter|stranger)|any (server|machine|computer)) (\w+ ){0,2}(can|could|may|might|is able to|would be able to) (\w+ ){0,2}(pretend|claim|pose|masquerade|impersonate|act|play|stand in)\b/,
  /\b(encrypt\w*|scrambl\w*) (\w+ ){0,3}(to|for|with) (whoever|anyone|anybody|someone|somebody|a stranger|an? (unknown|attacker|impostor|imposter|stranger)|the (attacker|impostor|imposter|wrong))\b/,
];

const ATTACKER = [
  /\b(man|person|machine|monster|meddler|someone|somebody|attacker|adversary|hacker)[- ]in[- ]the[- ]middle\b/,
  /\bmitm\b|\bmiddle ?man\b|\bon-?path (attacker|adversary)\b/,
  /\bimpost[eo]rs?\b|\bimpersonat\w*|\b(pretend\w*|posing|poses?|masquerad\w*|claim\w*) (to be|as)\b/,
  /\b(some(one|body)|anyone|anybody|a stranger|strangers|people|a (guy|person|man|woman|kid)) (else )?(pretending|posing|impersonating|faking|lurking|snooping|listening in)\b/,
  /\b(he|she|they|someone|somebody|the attacker) (is|are|'s|'re|sits?|sat|stands?|gets?|got|puts? (himself|herself|themselves)) (now |then |right )?(in the middle|in between|between (you|your))\b/,
  /\b(attackers?|hackers?|interceptors?|intercepters?|adversar(y|ies)|eavesdropp\w*|snoop(s|er|ers)?|criminals?|crooks?|thie(f|ves)|bad (guy|guys|actor|actors|person|people|man|woman)|scammers?|spies|spy|intruders?|fraudsters?|villains?|crackers?)\b/,
  /\b(fake|false|rogue|evil|malicious|spoofed|forged|counterfeit|hostile|bogus|look-?alike) (server|servers|site|sites|website|websites|access points?|hotspots?|routers?|prox(y|ies)|twin|machine|computer)\b/,
  /\bsome(one|body) (malicious|nasty|hostile|dishonest|evil|sitting|standing|running|controlling|operating|owning|behind|in between|between|in the middle|on the (same|path|network|wire|line)|who (controls|runs|owns|sits|stands|operates|set up|sets up))\b/,
];

/** "Someone at the next table who controls the wifi": an ordinary word for a person, in a hostile role. */
const PERSON = /\b(some(one|body)|anyone|anybody|a stranger|strangers|(a|the|that|this|some|one) (person|guy|man|woman|kid|dude|bloke|fellow|neighbou?r|passenger|customer|student|employee|colleague|people)|people|the (owner|operator|admin|administrator|manager)s? of|(hotspot|wi-?fi|router|network|cafe|café|hotel|shop|access point|proxy|vpn) (owner|operator|admin|administrator|provider)s?|whoever (runs|controls|owns|operates|set up|sets up))\b/;
const HOSTILE_ROLE = /\b(answer\w* (in|for|instead|as)|in (the|your|its|his|her|their) (\w+'s )?(name|place)|intercept\w*|pretend\w*|pos(e|es|ing) as|control\w*|runs?|running|operat\w*|owns?|owning|set(s|ting)? (\w+ )?up|hijack\w*|poison\w*|spoof\w*|in the middle|belong\w* to|sits? (between|in between|in the middle)|sitting (between|in between|in the middle)|stands? between|between (you|your \w+) and)\b/;

const PLACE = [
  /\b(wi-?fi|wlan|wireless|hot-?spots?|access points?|evil twin|caf[eé]s?|coffee[- ]?shops?|hotels?|airports?|airplanes?|planes?|trains?|hostels?|restaurants?|bars?)\b/,
  /\bdns\b|\bdomain name\b|\barp\b|\bbgp\b|\bcaptive portal\b|\bvpns?\b/,
  /\b(router|routers|modem|isp|isps|internet (service )?providers?|prox(y|ies)|gateway|switch on the|network operator|hosting provider|cloud provider)\b/,
  /\b(hostile|shared|public|untrusted|compromised|open|guest|corporate|office|school|campus|local|strange|foreign|unknown|unsafe|insecure|free|conference|airport|hotel|hacked|infected|malicious|rogue|somebody else's|someone else's) (network|networks|lan|lans|wi-?fi|connection|internet|line)\b/,
  /\bsame (network|lan|wi-?fi|router)\b/,
  /\b(library|university|uni|campus|school|college|hospital|mall|station|coworking|co-working|home|company|event|stadium|festival|restaurant|pub|gym|airbnb|apartment|dorm|dormitory|neighbou?r'?s?|train|bus|flight|in-flight|coffee|shop|store|lobby|conference|hotel|airport|caf[eé]|guest|visitor|workplace|work)('s)? (network|networks|lan|wi-?fi|wlan|hot-?spot|router|access point)\b/,
];

const READ_ACT = /\b(reads?|reading|see|sees|seeing|saw|seen|steal\w*|stole|stolen|snoop\w*|eavesdrop\w*|spy|spies|spying|captur\w*|logs?|logging|logged|record\w*|cop(y|ies|ying|ied)|decrypt\w*|harvest\w*|sniff\w*|collect\w*|learn\w*|grab\w*|watch\w*|listen\w*|look\w* at|peek\w*|peer\w* at|intercept\w*|pocket\w*|siphon\w*|lift\w*|exfiltrat\w*|open\w* (it|them|everything)|know\w* (what|everything)|take|takes|took|taking|nick\w*|not(es|ing|ed)? down|jot\w*|writ(e|es|ing) down|wrote down|listen\w* in)\b/;
const CHANGE_ACT = /\b(chang\w*|modif\w*|alter\w*|tamper\w*|inject\w*|rewrit\w*|rewrote|edit\w*|replac\w*|forg(e|es|ing)|swap\w*|insert\w*|manipulat\w*|corrupt\w*|falsif\w*|redirect\w*|substitut\w*|twist\w*|doctor\w*|mess\w* with|tweak\w*|fiddl\w*|meddl\w*|poison\w*|add\w* (their own|malware|malicious|code|scripts?|a script))\b/;
const ACTOR = /\b(they|them|their|he|she|his|her|whoever|someone|somebody|anyone|anybody|who)\b/;
const DATA = /\b(passwords?|data|traffic|messages?|everything|anything|cookies?|tokens?|credentials?|secrets?|api keys?|keys|logins?|requests?|responses?|replies|answers|pages?|downloads?|updates?|bytes|sessions?|card numbers?|credit cards?|emails?|payloads?|contents?|information|info|conversation|what you send|whatever you send|what comes back|bank details|details|files?|code|all of it)\b/;

/** Node's switches, however spelled. */
const SWITCH = /\breject ?unauthori[sz]ed\b\W{0,4}(:|=|to|set to|as|is|of|at|be|becomes)?\W{0,4}\b(false|off|disabled|0)\b|\bnode_tls_reject_unauthori[sz]ed\b/;
/** The switch in plain words, with a pronoun, next to where it would be "fine": "I disable it locally". */
const OFF_EXCUSED = /\b(disabl\w*|turn(s|ed|ing)? (it |them |that |verification |checking |the checks? )?off|switch(es|ed|ing)? (it |them |that |verification |checking |the checks? )?off|skip\w*|bypass\w*)\b[^.]{0,60}\b(locally|in dev\w*|for dev\w*|in (tests?|testing|ci|staging|prod\w*)|on localhost|temporar\w*|for now|at home|dev loop)\b/;
const OFF_PROSE = /\b(disabl\w*|turn(s|ed|ing)? off|switch(es|ed|ing)? off|skip\w*|bypass\w*|ignor\w*|silenc\w*|shut(s|ting)? off)\s+(the\s+|all\s+|any\s+|your\s+)?(certificate\s+|cert\s+|tls\s+)?(verification|checks?|checking|validation|errors?)\b/;
/** Words that make a sentence naming the switch a warning, or someone else's advice, rather than a recommendation. */
const WARNING = /\bnot (a |the )?(good|real|proper|safe|right|true|correct|actual) (fix|solution|idea|way|answer|option)\b|\b(don't|do not|won't|will not|never|doesn't|does not) (even )?need\b|\bno need (for|to)\b|\baccept\w* (any|every|all|whatever|anyone's|anybody's)\b|\b(do not|don't|never|please don't|stop|avoid|shouldn't|should not|must not|mustn't|won't|will not)\s+(\w+\s+)?(use|using|set|setting|add|adding|put|pass|turn|switch|disable|disabling|rely|reach for|paste|copy)\b|\b(tell\w*|ask\w*) node to (accept|trust|ignore|skip)\b|\b(never|avoid\w*|instead of|rather than|danger(ous|s)?|risk(y|s)?|bad|worst|wrong|mistaken?|mistakes|tempt\w*|trap|shortcut|unsafe|insecure|defeat\w*|pointless|useless|hole|vulnerab\w*|beware|warning|careless|lazy|reckless|harmful|harm|false sense|exposed?|resist|treacherous|scary|terrible|awful)\b(?![- ]?(free|less))/g;

/** A warning word not itself negated ("no danger", "not risky"). */
function warned(sentence: string): boolean {
  for (const m of sentence.matchAll(WARNING)) {
    const before = sentence.slice(0, m.index).split(" ").slice(-4).join(" ");
    if (!/\b(no|not|without|zero|nothing)\b|n't\b/.test(before)) return true;
  }
  return false;
}
const REPORTED = /\b(told|tells?|suggest\w*|advis\w*|forums?|stack ?overflow|tutorials?|snippets?|blogs?|people|others|online|the internet|the web|google\w*|search\w*|chatgpt|copilot|colleagues?|answers? (says?|tells?)|(someone|somebody|they|people|he|she|it|the (answer|post|article|tutorial|thread|comment)|an? (friend|colleague|post|answer|comment)) (says?|said|claims?|claimed|writes?|wrote)|one-?liner|(you|they|someone|somebody|people|we|i) (found|saw|read|copied|pasted|got|googled))\b/;

/** Words in quotation marks are someone else's: "just add rejectUnauthorized: false", they said. */
const withoutQuotes = (s: string) => s.replace(/“[^”]*”|"[^"]*"|‘[^’]*’|«[^»]*»/g, " ");

/** A recommending cue that the same sentence then takes back: "it makes the error go away, but ...". */
const TAKEN_BACK = /\b(but|however|yet|though|although|except|at the (cost|price) of)\b[^.]*\b(danger\w*|risk\w*|secur\w*|safe\w*|attack\w*|los(e|es|t|ing)|disappear\w*|gone|vanish\w*|nothing|no (protection|proof|check|way)|impost[eo]r\w*|anyone|anybody|expos\w*|hole|harm\w*|bad|wrong|trap|insecure|unsafe|any cert\w*|identity|who)\b/;

/** The first recommending cue in the sentence, affirmed and not taken back after it. */
function recommends(s: string): boolean {
  return RECOMMEND.some((re) => {
    const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
    for (const m of s.matchAll(g)) {
      if (affirmed(s.slice(0, m.index + m[0].length), new RegExp(re.source, re.flags.replace("g", ""))) === undefined) continue;
      if (TAKEN_BACK.test(s.slice(m.index + m[0].length))) continue;
      // Conceded, not recommended: "..., even though it makes the error go away."
      if (/\b(even|although|though|despite|granted|admittedly|sure|yes)\b/.test(s.slice(0, m.index).split(/[,;:]/).pop() ?? "")) continue;
      return true;
    }
    return false;
  });
}
/** Cues that a sentence naming the switch offers it as the way to go. */
const RECOMMEND = [
  /(^|[,:;]\s*|\b(and|then|so|just|simply|only|instead|please|always|also)\s+)(set|use|add|pass|put|enable|apply|turn on|include)\s+(\w+\s+){0,2}`?(reject ?unauthori[sz]ed|node_tls_reject_unauthori[sz]ed)/,
  /\b(you|we|i) (can|could|may|might|should|just|simply|will|need to|have to|must) (\w+ )?(set|use|add|pass|put|run|turn|switch|disable|skip|bypass|ignore)\b/,
  /\b(run|start|launch)\s+(\w+\s+){0,3}with\s+`?node_tls_reject_unauthori[sz]ed/,
  /(?<=\b(is|it's|its|are|be|totally|perfectly|completely|quite|pretty|good|safe|considered|actually|really|probably|usually|generally|mostly|enough|just)\s)(fine|ok|okay|acceptable|alright|all right|harmless|allowed|safe|enough|no problem|not a problem)\b/,
  // Excuses: the switch allowed somewhere, some of the time.
  /\b(retry\w*|retried|try (it )?again|reconnect\w*|relax\w*)\b/,
  /\b(if so|if (it|that|this|the first (one|try|attempt)) fails|on (an? |that )?error|when it fails|otherwise)\b[^.]{0,20}\b(retry\w*|try (it )?again|reconnect\w*|fall back|switch)\b/,
  /\b(acceptable|fallback|fall back (to|on)|last resort|as a backup|temporar(y|ily)|for now|in a pinch|normal|common practice|standard practice|usual|fine|ok|okay|alright|harmless|allowed)\b/,
  /\b(for|in|during|on|behind|inside|within) (local|dev|development|testing|tests|test|ci|staging|localhost|(a|the|your) (trusted|private|corporate|internal|home|local) (network|lan|firewall|vpn)|(a|the) (corporate )?firewall|throwaway|quick) ?(\w+ )?(development|testing|scripts?|pipelines?|builds?|environments?|only|machines?|boxes|servers?)?\b/,
  /\bif (you can't|you cannot|it doesn't|it does not|that doesn't|all else fails|nothing else works|the `?ca`? (option )?(fails|doesn't work))\b/,
  /\b(the (fix|solution|answer|way to go|trick|workaround|remedy)|to fix (it|this|that)|fix(es)? (it|this|that|the error|the problem)|solves? (it|this|that|the)|easiest|simplest|quick(est)? (fix|way)|recommend\w*|no harm|nothing wrong|works fine|go ahead|feel free|handy|convenient|makes? (the|that|this) (error|problem|warning) (go away|disappear))\b/,
  /(^|[,:;]\s*|\b(and|then|so|just|simply|only|please)\s+)(disable|turn off|switch off|skip|bypass|ignore)\s+(the\s+)?(certificate\s+|cert\s+)?(verification|checks?|checking|validation|errors?)\b/,
];

const CA_OPTION = /\b(option|setting|parameter|property|field|key|argument)s?\s+`?ca`?\b(?!\s*(-|that|which|who|signs?|signed|signing|certificate|cert|bundle|authority|store))|`ca`|\bca\s*:|\bca\s*=(?!=)|[{,]\s*ca\s*[,}]|\b(the|a|your|its|their|an?|with|via|using|use|in|into|through)\s+`?ca`?\s+(option|setting|field|property|parameter|key|entry|list|array|argument)s?\b|\b(as|in|into|via|through|to|under|with|using)\s+(the\s+)?`?ca`?\b(?!\s*(-|that|which|who|signs?|signed|signing|certificate|cert|bundle|authority|store))|\bnode_extra_ca_certs\b/;
const KEEP_ON = [
  /\b(keep\w*|kept|leav\w*|left|with|still|stays?|remains?|while|and)\b[^.;]{0,40}\b(verif\w*|check\w*|validat\w*|reject ?unauthori[sz]ed)\b[^.;]{0,20}\b(on|enabled|active|in place|switched on|turned on|intact|true|running|working|in force|untouched|alone)\b/,
  /\b(verif\w*|check\w*|validation)\s+(\w+\s+)?(stays?|remains?|is still|are still|keeps? (running|working|happening|going)|still (runs|run|works|work|happens|happen|applies|apply|passes|succeeds|does its job|do their job)|continues?|continuing|goes on|carries on|(works?|runs?|happens?|continues?|goes on) (normally|as usual|as normal|as always|as before)|as usual|as normal|as always)\b/,
  /\b(accept\w*|trust\w*|allow\w*|lets?|letting|pass\w*) (through )?only (your|that|this|the|my|its|their|exactly)\b/,
  /\bonly (your|that|this|the|my|its|their) (own )?(exact )?(cert\w*|server)\b[^.]{0,30}\b(accepted|trusted|passes|gets? through|allowed|gets? in)\b/,
  /\breject ?unauthori[sz]ed\W{0,4}(:|=|is|stays|remains|set to|to)?\W{0,4}true\b/,
  /\b(don't|do not|never|without|not|no need to|nothing to)\s+(\w+\s+){0,3}(disabl\w*|turn\w* (it |verification |checking |them |the checks? )?off|switch\w* (it |verification |checking |them |the checks? )?off|skip\w*|weaken\w*|giv\w* up)\b/,
  /\b(node|the client|your client|tls|it|your code|the connection|https)\s+(still |then |now |will |can )?(verif(y|ies)|checks?|validates?)\b/,
  /\b(keep|leave)\s+(it|them|that|this|the checks?|the check)\s+(on|enabled|switched on|turned on|in place|active)\b/,
  /\bverification on\b|\bverification (is |stay\w* |remain\w* |was |kept )?(switched |turned |fully |still )?(on|enabled)\b/,
  /\b(verif\w*|check\w*|validation)\s+(\w+\s+){0,3}(stay\w*|remain\w*|kept|left|still)\s+(\w+\s+)?(on|enabled|active|in place|intact|running|in force)\b/,
  /\b(keep|keeps|keeping|kept|leave|leaves|leaving|left) (\w+ )?(the |all |every |its |your )?(checks?|verification|validation|checking)\b(?! off)/,
  /\b(cert\w*|chain|name|hostname|signature)s? (is|are|gets?|get) still (verified|checked|validated|inspected)\b|\bstill (verif(y|ies|ied)|checks?|validates?|inspects?) (the |its |your )?(cert\w*|chain|name|hostname|dates?|signatures?)\b/,
  /\bnothing (is |gets |was )?(disabled|switched off|turned off|skipped)\b/,
  /\b(keep|keeps|keeping|kept|continue|continues|continuing|still|go on|goes on)\s+(on\s+)?(verifying|checking|validating)\b/,
  /\b(any other|every other|other|a stranger's|the stranger's|an impostor's|the impostor's|an imposter's|the imposter's|an attacker's|the attacker's|the hacker's|a hacker's|his|her|their|a fake|fake|forged|someone else's|anyone else's|any different|a different)\s+(\w+\s+)?(cert\w*)\s+(\w+\s+){0,2}(refused|rejected|fails?|failing|bounces?|blocked|turned away)\b/,
];

/**
 * Trust taken from the connection itself (trust on first use): whatever certificate the server
 * presents, fetched over the network or clicked through in a browser, made the `ca`. On the
 * wrong network that is the impostor's certificate: a trust anchor must come by another way.
 */
const FIRST_USE = [
  /\bwhatever (certificate|cert) (the server |it |they |the site )?(presents?|sends?|shows?|offers?|gives?|hands?)\b/,
  /\bgetpeercertificate\b/,
  /\bs_client\b/,
  /\b(proceed|continue|go on) (anyway|to the site|regardless)\b|\bclick\w* (through|past|away) the (warning|error)\b/,
  /\b(on|at|during) (the |your )?first (connection|connect|contact|use|run|request|handshake)\b|\btrust on first use\b|\btofu\b/,
  /\b(download\w*|fetch\w*|grab\w*|pull\w*|captur\w*|sav(e|es|ing)|export\w*|record\w*|tak(e|es|ing)|copy\w*) (\w+ ){0,3}(certificate|cert)s? (\w+ ){0,3}(from|off|out of) (the |your |that )?(server|site|connection|handshake|network|browser|wire)\b/,
  /\b(certificate|cert) (that |which )?(the|your) browser (shows|displays|presents)\b|\bexport\w* (\w+ ){0,3}(certificate|cert) (\w+ ){0,4}(it|the browser|your browser) (shows|displays)\b/,
];

/** A self-signed certificate called safe by itself, as if nothing had to vouch for it. */
const SELF_SIGNED_FINE = /(?<!\b(your|my|our|their|his|her|its|the|that|this) )\bself-?signed (certificate|cert)s? (is|are) (always |perfectly |totally |just |completely )?(fine|safe|secure|ok|okay|as (good|safe|secure))\b(?![^.]{0,40}\b(as long as|if|when|provided|once|so long as|only if)\b)|\bsame (\w+ ){0,4}protection as (one|a certificate|certificates|a cert) (from|signed by|issued by) a (public |real |trusted )?ca\b/;

/** The switch by a common noun, as a sentence that has named it says next: "leaving the flag in is fine". */
const FLAG_REF = /\b(the|that|this|your) (flag|option|switch|one-?liner|setting|line|workaround|hack)\b|\bit off\b/;
const EXCUSE = /\b(fine|ok|okay|acceptable|alright|harmless|allowed|no big deal|no problem|good enough)\b/;

/** Hostname checking switched off by hand, however it is phrased. */
const NOOP_IDENTITY = /\bcheckserveridentity\b[^.]{0,40}(=>\s*(undefined|null|\{\s*\})|\breturn\w*\s+(undefined|nothing|null)\b|\b(noop|no-op|empty|skip\w*|disabl\w*|relax\w*|ignor\w*))/;

/** `ca` described as a way to switch verification off. */
const CA_AS_SWITCH = /\bca\b[^.]{0,80}\b(skip\w*|disabl\w*|bypass\w*|turn\w* off|switch\w* off|same switch|no verification|without verification|stops? (checking|verifying))\b/;

/** The danger waved away: theoretical, unlikely, for banks only. */
const DOWNPLAY = /\b(theoretical|unlikely|(pretty |very )?rare(ly)?|overblown|exaggerated|paranoi\w*|nobody (is going to|will|would|is) (bother|spend|target|going after|after)|not (really |actually )?(something|worth) (you )?(really |realistically |actually )?(need to |have to |should )?worry|only (matters?|happens?|targets?|aimed at|a concern|relevant|for) (\w+ ){0,2}(banks?|big|large|payment)|relax( a little)?)\b/;
/** Self-signed called hopeless, as if no safe way existed. */
const NO_FIX = /\b(no (real |proper |safe )?(fix|solution|way (around|out))|insecure by (their |its )?nature|inherently (insecure|unsafe)|can never be (safe|secure|trusted))\b/;

const PYTHON = /\bverify\s*=\s*false\b|\bcert_none\b|\bcheck_hostname\b|\bload_verify_locations\b|\bcreate_default_context\b|\bcafile\b|\bverify_mode\b|\brequests\.(get|post)\b|\bpython\b|\bssl\.(sslcontext|create)\b/;

function find(sentences: string[], test: (s: string) => string | boolean | undefined): string | undefined {
  for (const s of sentences) {
    const r = test(s);
    if (r) return s;
  }
  return undefined;
}

const firstMatch = (s: string, res: RegExp[]) => {
  for (const re of res) {
    const m = re.exec(s);
    if (m) return m[0];
  }
  return undefined;
};

/**
 * The learner's sentence that came closest to an idea the grader could not find (the most
 * of its word families in one sentence), quoted so they can see what was read, and reword it.
 */
function closest(a: Answer, families: RegExp[]): string {
  let best: { s: string; n: number } | undefined;
  for (const s of a.sentences) {
    const n = families.filter((re) => new RegExp(re.source, re.flags.replace("g", "")).test(s)).length;
    if (n > 0 && (!best || n > best.n)) best = { s, n };
  }
  return best ? `; the closest sentence: ${quote(a.raw.get(best.s) ?? best.s)}` : "";
}

/** Quotes a learner's sentence briefly, in their own words. */
const quote = (s: string) => {
  const t = s.trim();
  return `"${t.length > 140 ? t.slice(0, 137) + "…" : t}"`;
};

// ---- the checks ------------------------------------------------------------------------------

interface Answer {
  parsed: Parsed;
  /** Prose sentences, normalised (lower case, straight apostrophes). */
  sentences: string[];
  /** The whole answer including code, normalised, as one line per sentence. */
  all: string[];
  /** Each normalised sentence as the learner wrote it, for quoting. */
  raw: Map<string, string>;
  words: number;
  empty: boolean;
  file: string;
}

interface TextCheck {
  name: string;
  why: string;
  run(a: Answer): Failure | undefined;
}

const NO_ANSWER = "no answer yet";

const CHECKS: TextCheck[] = [
  {
    name: `is at least ${MIN_WORDS} words long`,
    why: "A beginner needs the whole story, the danger and the way out; that does not fit in a line or two.",
    run(a) {
      if (a.words >= MIN_WORDS) return undefined;
      return {
        expected: `a paragraph of at least ${MIN_WORDS} words (HTML comments, headings and code blocks are not counted)`,
        got: a.empty ? NO_ANSWER : `${a.words} word${a.words === 1 ? "" : "s"}`,
        mistake: a.empty ? undefined : "Explain each step as if to someone who has never heard of certificates: what still works, what is lost, who profits and how, and what to do instead.",
      };
    },
  },
  {
    name: "is written in sentences, not as a list of keywords",
    why: "Keywords show that you have heard the terms; sentences show that you can connect them into an explanation a beginner can follow.",
    run(a) {
      if (a.empty) return { expected: `at least ${MIN_SENTENCES} full sentences`, got: NO_ANSWER };
      // A list item that is a whole sentence counts as one: "full sentences" is what the README
      // asks, and a bulleted list of them is still prose. So does one long sentence of 80 words.
      let real = 0;
      let realWords = 0;
      let listWords = 0;
      for (const seg of a.parsed.segments) {
        for (const s of sentences(seg.text))
          if (isRealSentence(s) && (!seg.list || countWords(s) >= LIST_SENTENCE_MIN_WORDS)) {
            real++;
            realWords += countWords(s);
          } else if (seg.list) listWords += countWords(s);
      }
      const share = a.words ? realWords / a.words : 0;
      if ((real >= MIN_SENTENCES || realWords >= MIN_WORDS) && share >= MIN_SENTENCE_SHARE) return undefined;
      const mostlyList = listWords > a.words / 2;
      return {
        expected: `at least ${MIN_SENTENCES} full sentences of running prose (each several words long), making up most of the answer`,
        got: `${real} full sentence${real === 1 ? "" : "s"}; ${Math.round(share * 100)}% of your words are in running sentences${mostlyList ? ", most of the rest in a list" : ""}`,
        mistake: mostlyList
          ? "Most of your answer is a bulleted or numbered list. Turn it into a paragraph: say how each point leads to the next."
          : share < MIN_SENTENCE_SHARE
            ? "Parts of your answer read like a list of terms separated by commas, or fragments without a verb. Write whole sentences that link cause and effect."
            : "That is too few sentences to walk a beginner through the idea: give each step (what still works, what is lost, who profits, what to do instead) a sentence of its own.",
      };
    },
  },
  {
    name: "says the traffic is still encrypted but the other side's identity is no longer proven",
    why: "This is the heart of the lesson: switching verification off does not remove the encryption, which is why it feels safe, but it removes the only proof of who holds the other end.",
    run(a) {
      const expected = "that, with verification off, the connection is still encrypted, and that it no longer proves who is on the other end";
      if (a.empty) return { expected, got: NO_ANSWER };
      const goneSentence = find(a.sentences, (s) => ENC_GONE.some((re) => affirmed(s, re) !== undefined));
      if (goneSentence)
        return {
          expected,
          got: `your answer says the encryption goes away: ${quote(a.raw.get(goneSentence) ?? goneSentence)}`,
          mistake: "That is the common misconception. With verification off the handshake still agrees keys and the bytes are still encrypted; what is missing is any proof of whose keys they are. That is what makes the switch treacherous: everything looks secure.",
        };
      const encStill = a.sentences.some((s, i) => {
        if (ENC_TURNED_OFF.test(s)) return true;
        // Over two sentences: "TLS hides your data and proves ... With that flag, only the first job is still done."
        if (i > 0 && ENC.test(a.sentences[i - 1]) && CONTINUES.test(s) && SWITCH_CONTEXT.test(s)) return true;
        if (!ENC.test(s)) return false;
        return CONTINUES.test(s) || CONTRAST.test(s) || TO_ANYONE.test(s) || identityUnproven(s);
      });
      const idGone = a.sentences.some((s, i) => identityUnproven(s) || (i > 0 && identityUnprovenAcross(a.sentences[i - 1], s)));
      if (encStill && idGone) return undefined;
      const near = () => closest(a, [ENC, CONTINUES, WHOSE, ID, PROOF, UNSURE]);
      if (!encStill && !idGone) return { expected, got: `neither idea${near()}`, mistake: "Separate the two jobs TLS does: one hides the bytes, the other proves who you are talking to. Say which one survives when verification is off and which one is lost." };
      if (!encStill)
        return {
          expected,
          got: `you explain that the other side is no longer proven, but not that the traffic stays encrypted${closest(a, [ENC, CONTINUES, CONTRAST])}`,
          mistake: "Say what still works: why does the connection still look and feel secure with verification off?",
        };
      return {
        expected,
        got: `you say the traffic stays encrypted, but not that you no longer know who is on the other end${closest(a, [WHOSE, ID, PROOF, UNSURE, NEG])}`,
        mistake: "Say what is lost: what does checking the certificate prove, and what can you no longer be sure of without it?",
      };
    },
  },
  {
    name: "names the attacker and a realistic place where one sits",
    why: "Danger in the abstract does not convince anyone; a concrete person in a concrete place (the network between you and the server) does.",
    run(a) {
      const expected = "who profits from the missing check (someone in the middle, posing as the server) and where such a person can realistically be";
      if (a.empty) return { expected, got: NO_ANSWER };
      const waved = find(a.sentences, (s) => !TAKEN_BACK.test(s) && affirmed(s, DOWNPLAY) !== undefined);
      if (waved)
        return {
          expected,
          got: `your answer waves the danger away: ${quote(a.raw.get(waved) ?? waved)}`,
          mistake: "It takes one laptop and a hotspot with a believable name: cheap, common tools do it, and they do not care how small your project is. Say where that happens, plainly, as a real risk.",
        };
      const text = a.sentences.join(" ");
      // A person in a hostile role ("someone there can intercept"), the place perhaps a sentence earlier.
      const who = firstMatch(text, ATTACKER) ?? a.sentences.find((s) => PERSON.test(s) && HOSTILE_ROLE.test(s))?.match(PERSON)?.[0];
      const where = firstMatch(text, PLACE);
      if (who && where) return undefined;
      if (!who && !where) return { expected, got: `no attacker and no place${closest(a, [PERSON, HOSTILE_ROLE, ...PLACE])}`, mistake: "Picture the path between your program and the server. Who could stand on it, and where in everyday life does that happen?" };
      if (!who) return { expected, got: `a place (${quote(where!)}), but not who is there${closest(a, [PERSON, HOSTILE_ROLE])}`, mistake: "Name the person: someone who sits between the two ends and pretends to be the server." };
      return { expected, got: `an attacker (${quote(who)}), but no place where one could be`, mistake: "Say where such an attacker realistically sits: which networks, or which part of the internet's plumbing, can put someone between you and the server?" };
    },
  },
  {
    name: "says what that attacker can then do",
    why: "The consequence is the reason to care: an impostor who holds the other end of your encrypted connection sees and controls everything in it.",
    run(a) {
      const expected = "what the attacker can do once your client accepts their certificate (with what you send and what comes back)";
      if (a.empty) return { expected, got: NO_ANSWER };
      const hit = find(a.sentences, (s) => (READ_ACT.test(s) || CHANGE_ACT.test(s)) && (ACTOR.test(s) || DATA.test(s) || firstMatch(s, ATTACKER) !== undefined));
      if (hit) return undefined;
      return {
        expected,
        got: `no sentence saying what the attacker does with your traffic${closest(a, [READ_ACT, CHANGE_ACT, DATA, ACTOR])}`,
        mistake: "Follow your data: once it reaches the impostor, what can they do with your passwords and requests, and with the answers on their way back?",
      };
    },
  },
  {
    name: "gives the safe alternative in Node: trust your own certificate, keep verification on",
    why: "Saying no is half the answer. A beginner with a self-signed server needs a way that works and stays safe, or they will reach for the switch anyway.",
    run(a) {
      const expected = "the Node way to reach a self-signed server safely: make Node trust that exact certificate (through its `ca` option or NODE_EXTRA_CA_CERTS) while verification stays on";
      if (a.empty) return { expected, got: NO_ANSWER };
      const reco = find(a.all, (s) => {
        const own = withoutQuotes(s);
        if (!warned(own) && !REPORTED.test(own) && affirmed(own, OFF_EXCUSED) !== undefined) return true;
        if (FLAG_REF.test(own) && !warned(own) && !REPORTED.test(own) && affirmed(own, EXCUSE) !== undefined && !TAKEN_BACK.test(own)) return true;
        return (SWITCH.test(own) || OFF_PROSE.test(own)) && !warned(own) && !REPORTED.test(own) && recommends(own);
      });
      if (reco)
        return {
          expected,
          got: `your answer recommends the switch itself: ${quote(a.raw.get(reco) ?? reco)}`,
          mistake: "Switching verification off is the danger this lesson is about, not the fix, even for your own self-signed server: on the wrong network, the impostor's certificate is accepted just as happily as yours. The way out keeps every check on and changes only whom Node trusts.",
        };
      const noop = find(a.all, (s) => !warned(s) && !REPORTED.test(s) && affirmed(s, NOOP_IDENTITY) !== undefined);
      if (noop)
        return {
          expected,
          got: `your alternative switches the hostname check off: ${quote(a.raw.get(noop) ?? noop)}`,
          mistake: "A checkServerIdentity that accepts everything is the other half of verification switched off: a trusted certificate for any name then passes. Leave Node's own check in place, and give the certificate the name you connect with (CN or subjectAltName).",
        };
      const caOff = find(a.sentences, (s) => affirmed(s, CA_AS_SWITCH) !== undefined);
      if (caOff)
        return {
          expected,
          got: `your answer says ca switches verification off: ${quote(a.raw.get(caOff) ?? caOff)}`,
          mistake: "ca switches nothing off: every check still runs, and ca only says which certificate counts as trusted. That is why it is safe where rejectUnauthorized: false is not.",
        };
      const hopeless = find(a.sentences, (s) => !TAKEN_BACK.test(s) && affirmed(s, NO_FIX) !== undefined);
      if (hopeless)
        return {
          expected,
          got: `your answer says there is no safe way: ${quote(a.raw.get(hopeless) ?? hopeless)}`,
          mistake: "A self-signed certificate is not insecure in itself; it is unvouched-for. Trust exactly that certificate (ca, or NODE_EXTRA_CA_CERTS) and every check runs against it: that is the safe way.",
        };
      const fine = find(a.sentences, (s) => affirmed(s, SELF_SIGNED_FINE) !== undefined);
      if (fine)
        return {
          expected,
          got: `your answer calls a self-signed certificate safe in itself: ${quote(a.raw.get(fine) ?? fine)}`,
          mistake: "Anyone can make a self-signed certificate for any name, the attacker included: by itself it proves nothing. It is safe only once your client trusts exactly that one certificate (ca), which is the point of the alternative.",
        };
      const firstUse = find(a.all, (s) => FIRST_USE.some((re) => affirmed(s, re) !== undefined));
      if (firstUse)
        return {
          expected,
          got: `you trust the certificate the connection itself presents: ${quote(a.raw.get(firstUse) ?? firstUse)}`,
          mistake: "On the wrong network, that certificate is the impostor's: fetched over the same path, it proves nothing. Trust the certificate you made (certs/cert.pem), copied to the client in a way you control, or one your own CA signed, and pass that as ca.",
        };
      const ca = find(a.all, (s) => CA_OPTION.test(s));
      const keep = find(a.all, (s) => firstMatch(s, KEEP_ON) !== undefined);
      const python = find(a.all, (s) => PYTHON.test(s));
      if (ca && keep) return undefined;
      const pyNote = python ? " You describe it in Python's terms (load_verify_locations, cafile...): this workbook is about Node, so say how it is done with tls.connect or https." : "";
      if (!ca && !keep) return { expected, got: "no alternative", mistake: `Tell the reader what to do instead for their self-signed server, in Node.${pyNote}` };
      if (!ca)
        return {
          expected,
          got: "you say to keep verification on, but not how Node is told to trust a self-signed certificate",
          mistake: `Without a way to trust the certificate, keeping verification on just fails; name the Node option or variable that adds your certificate to what Node trusts.${pyNote}`,
        };
      return {
        expected,
        got: `you name how to trust your certificate, but not that verification stays on${closest(a, [/\b(verif\w*|check\w*|validat\w*)\b/, CONTINUES, /\b(on|enabled|active|refused|rejected)\b/])}`,
        mistake: "Trusting your certificate only helps if the checks still run: say that verification stays switched on, so a certificate that is not yours is still refused.",
      };
    },
  },
  {
    name: "names the dangerous switch in Node",
    why: "The reader must recognise the switch when a tutorial or a Stack Overflow answer offers it, in code or in an environment variable.",
    run(a) {
      const expected = "the option or environment variable that switches certificate verification off in Node, by its name";
      if (a.empty) return { expected, got: NO_ANSWER };
      if (find(a.all, (s) => SWITCH.test(s))) return undefined;
      const python = find(a.all, (s) => /\bverify\s*=\s*false\b|\bcert_none\b|\bcheck_hostname\b/.test(s));
      return {
        expected,
        got: python ? "only Python's switch (verify=False / CERT_NONE)" : "no switch named",
        mistake: python
          ? "verify=False belongs to Python's requests. Name what a Node programmer would find in a tutorial: the tls.connect / https option, or the environment variable."
          : "Name the switch as it appears in Node code, so the reader recognises it the next time a snippet offers it.",
      };
    },
  },
  {
    name: "is in your own words, not a copy of a model text",
    why: "Explaining it yourself is the exercise: rephrasing forces you to understand each step, and a copied answer teaches you nothing.",
    run(a) {
      const expected = "a paragraph written in your own words";
      if (a.empty) return { expected, got: NO_ANSWER };
      const own = fingerprint(a.parsed.all);
      const ownWords = contentWords(a.parsed.prose);
      const mistake = "Changing a few words or swapping Python names for Node ones does not make it yours. Close the model, and explain the idea the way you would to a friend.";
      for (const m of models(a.file)) {
        const o = overlap(own, m.grams);
        if (isCopy(o)) return { expected, got: `${Math.round(o.share * 100)}% of your answer's five-word runs come from ${m.label} (${Math.round(o.coverage * 100)}% of that text)`, mistake };
        const ordered = m.words && ownWords.length >= ORDERED_MIN_WORDS ? orderedShare(ownWords, m.words) : 0;
        if (ordered >= COPY_ORDERED)
          return { expected, got: `${Math.round(ordered * 100)}% of your answer's words follow ${m.label} word for word, in its order (with some words swapped)`, mistake };
      }
      return undefined;
    },
  },
];

/** Whose end it is: the person, the party, the real or the wrong server. */
const WHOSE = /\b(who|whom|whose|identity|identities|the (real|right|genuine|actual|intended|true|correct|wrong) (server|site|website|host|person|party|one|machine|bank|service|end)|your (own |real |actual )?server|(a|the|some) (wrong|random|unknown|other) (person|party|server|dude|guy|machine|side|end)|the sender|the other (side|end|party))\b/;
/** Not knowing, or not caring, which it is. */
const UNSURE = /\b(no (clue|idea|way|proof|guarantee|assurance)|(doesn't|does not|don't|do not|not|never|no longer|stops?|stopped) (even )?(care|caring|know|knows|check|checks|ask|asks|look|looks)|stops? caring|unverified|unproven|unchecked|unconfirmed|unauthenticated|possibly|or not|could be|might be|may be|whether)\b/;

function identityUnproven(s: string): boolean {
  if (firstMatch(s, ID_DIRECT)) return true;
  if (WHOSE.test(s) && UNSURE.test(s)) return true;
  return ID.test(s) && PROOF.test(s) && NEG.test(s);
}

/** The same idea over two sentences: a question of identity, then "that is never answered / checked". */
function identityUnprovenAcross(prev: string, cur: string): boolean {
  return ID.test(prev) && (PROOF.test(cur) || /\b(answer\w*|question\w*|ask\w*|first|second|former|latter|half|part|job|promise|guarantee)\b/.test(cur)) && NEG.test(cur);
}

// ---- decoding the file ---------------------------------------------------------------------------

/** About as many words as the stub's TODO comment holds: many more means the answer went inside it. */
const STUB_COMMENT_WORDS = 75;
const FIRST_CHECK = "holds your answer as UTF-8 text in place of the TODO stub";
const FIRST_WHY = "The grader reads your paragraph, so it has to be there, as text it can read.";

/** The file's text, or why it cannot be read as UTF-8 text. */
function decode(text: string, file: string): { text: string; problem?: string } {
  let bytes: Buffer | undefined;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    bytes = undefined;
  }
  if (!bytes) return /[\uFFFD\u0000]/.test(text) ? { text, problem: "the file is not valid UTF-8 text" } : { text };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const le = bytes[0] === 0xff;
    const body = le ? bytes.subarray(2) : Buffer.from(bytes.subarray(2)).swap16();
    return { text: body.toString("utf16le"), problem: "the file is saved as UTF-16 (\"Unicode\" in some editors)" };
  }
  if (bytes.includes(0)) return { text, problem: "the file holds binary data (NUL bytes), not text" };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { text, problem: "the file is not valid UTF-8 (it looks saved in another encoding, such as Windows-1252 or Latin-1)" };
  }
}

function gradeAnswer(rawText: string, file: string): TestResult[] {
  const decoded = decode(rawText, file);
  const problem = decoded.problem;
  const text = normalizeText(decoded.text);
  const parsed = parse(text);
  const words = countWords(parsed.prose);
  const empty = countWords(parsed.all) === 0;
  const proseSentences = parsed.segments.flatMap((s) => sentences(s.text));
  const allSentences = parsed.all.split("\n").flatMap(sentences);
  const raw = new Map<string, string>();
  for (const s of [...proseSentences, ...allSentences]) if (!raw.has(norm(s))) raw.set(norm(s), s);
  const answer: Answer = {
    parsed,
    sentences: proseSentences.map(norm),
    all: allSentences.map(norm),
    raw,
    words,
    empty,
    file,
  };
  const first: TestResult = { name: FIRST_CHECK, status: "pass" };
  let firstFailure: Failure | undefined;
  if (problem)
    firstFailure = { expected: "a Markdown file saved as UTF-8 text", got: problem, mistake: "Save it again as UTF-8 (most editors offer the encoding in their Save As dialog or status bar)." };
  else if (empty && !text.trim()) firstFailure = { expected: "your paragraph in lessons/07-why-not-verify-false/answer.md", got: "an empty file" };
  else if (empty && (parsed.commentWords >= 10 || parsed.todoWords >= STUB_COMMENT_WORDS + 30))
    firstFailure = {
      expected: "your paragraph outside HTML comments",
      got: `${parsed.commentWords + parsed.todoWords} words, all inside <!-- --> comments`,
      mistake: "Everything between <!-- and --> is a comment, and the grader skips it. Write your paragraph below the comment, not inside it.",
    };
  else if (empty) firstFailure = { expected: "your paragraph in place of the TODO comment", got: parsed.hasTodo ? "only the TODO stub" : "nothing but Markdown syntax" };
  if (firstFailure) Object.assign(first, { status: "fail", message: formatFailure(firstFailure, FIRST_WHY) });
  return [
    first,
    ...CHECKS.map((c): TestResult => {
      const f = c.run(answer);
      return f ? { name: c.name, status: "fail", message: formatFailure(f, c.why) } : { name: c.name, status: "pass" };
    }),
  ];
}

export const grader: FileGrader = {
  kind: "file",
  grade: gradeAnswer,
};
