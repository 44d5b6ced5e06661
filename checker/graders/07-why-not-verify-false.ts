// Lesson 07: a paragraph, written for a beginner, on why switching certificate verification
// off is dangerous and what to do instead for a self-signed server. The file is read, never
// run. Each idea is one check, recognised through many wordings (synonyms, inflections,
// word order) sentence by sentence; real sentences are required, and a copy of a model text
// (the course's sample answer, this lesson's README, other lessons' "why not turn
// verification off" sections, the reference solution) is recognised by its word 5-grams. The course sample is kept only as hashes of its 5-grams
// (07-sample-fingerprint.json); the texts that live in this workbook are fingerprinted when
// grading, so they never go stale.
import fs from "node:fs";
import { formatFailure, type Failure, type FileGrader } from "../checks/check.ts";
import type { TestResult } from "../report/results.ts";
import { COPY_ORDERED, contentWords, fingerprint, isCopy, models, orderedShare, ORDERED_MIN_WORDS, overlap } from "./07/copies.ts";
import { countWords, isRealSentence, parse, sentences, type Parsed } from "./07/markdown.ts";
import { normalizeText } from "./07/normalize.ts";
import {
  ACTOR,
  affirmed,
  ATTACKER,
  CA_AS_SWITCH,
  CA_OPTION,
  CHANGE_ACT,
  CONTINUES,
  CONTRAST,
  DATA,
  DOWNPLAY,
  ENC,
  ENC_GONE,
  ENC_TURNED_OFF,
  EXCUSE,
  find,
  FIRST_USE,
  firstMatch,
  FLAG_REF,
  HOSTILE_ROLE,
  ID,
  ID_DIRECT,
  KEEP_ON,
  NEG,
  NO_FIX,
  NOOP_IDENTITY,
  norm,
  OFF_EXCUSED,
  OFF_PROSE,
  PERSON,
  PLACE,
  PROOF,
  PYTHON,
  quote,
  READ_ACT,
  recommends,
  REPORTED,
  SELF_SIGNED_FINE,
  SWITCH,
  SWITCH_CONTEXT,
  SWALLOW,
  TAKEN_BACK,
  TO_ANYONE,
  warned,
  withoutQuotes,
} from "./07/wording.ts";

// What the tests and the fingerprint maker use, from one place.
export { COPY_COVERAGE, COPY_SHARE, FINGERPRINT_FILE, fingerprint, GRAM, HASH_HEX, isCopy, overlap, readmeModelText, storedFingerprints } from "./07/copies.ts";
export { isRealSentence, parse, sentences } from "./07/markdown.ts";
export { normalizeText, normalizeWords } from "./07/normalize.ts";

const MIN_WORDS = 80;
const MIN_SENTENCES = 4;
/** A list item counts as a sentence when it is a real one of at least this many words. */
const LIST_SENTENCE_MIN_WORDS = 8;
/** At least this share of the prose's words must sit in real sentences (not lists, not fragments). */
const MIN_SENTENCE_SHARE = 0.6;

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

/**
 * The learner's sentence that came closest to an idea the grader could not find (the most
 * of its word families in one sentence), quoted so they can see what was read, and reword it.
 */
export function closest(a: Answer, families: RegExp[]): string {
  let best: { s: string; n: number } | undefined;
  for (const s of a.sentences) {
    const n = families.filter((re) => new RegExp(re.source, re.flags.replace("g", "")).test(s)).length;
    if (n > 0 && (!best || n > best.n)) best = { s, n };
  }
  return best ? `; the closest sentence: ${quote(a.raw.get(best.s) ?? best.s)}` : "";
}

interface TextCheck {
  name: string;
  why: string;
  /** What to do when it fails: shown first by --hint. */
  hint: string;
  run(a: Answer): Failure | undefined;
}

const NO_ANSWER = "no answer yet";

const CHECKS: TextCheck[] = [
  {
    name: `is at least ${MIN_WORDS} words long`,
    why: "A beginner needs the whole story, the danger and the way out; that does not fit in a line or two.",
    hint: "Write one paragraph that tells the whole story in order: what still works without verification, who profits and where, what they can do, and the safe way out.",
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
    hint: "Turn each bullet or keyword into a full sentence with a verb, joined by because, so or but: explain to a beginner, as you would out loud.",
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
    hint: "Say both halves in your own words: the bytes are still encrypted, but nothing proves any more who is on the other end (the server could be anyone).",
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
    hint: "Name who profits (someone in the middle, posing as the server) and where they sit: public wifi, a hacked router, a tampered DNS answer.",
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
    hint: "Say what the impostor can then do with your traffic: read it (passwords, tokens, data), change it, or answer in the server's place.",
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
    hint: "Give the way out in Node: trust that one certificate (the ca option of tls.connect, or NODE_EXTRA_CA_CERTS) and keep verification on.",
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
      const swallowed = find(a.all, (s) => !REPORTED.test(s) && affirmed(s, SWALLOW) !== undefined);
      if (swallowed)
        return {
          expected,
          got: `your answer silences the errors: ${quote(a.raw.get(swallowed) ?? swallowed)}`,
          mistake: "A refused certificate reaches you as an error: that error is the protection. Silence it and the program carries on as if nothing happened, or hangs; handle it by failing the request and telling someone.",
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
    hint: "Name the switch, as what not to do: rejectUnauthorized: false (or NODE_TLS_REJECT_UNAUTHORIZED=0).",
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
    hint: "Close the model text you read and write from memory, in your own sentences and your own order: explain it as you would to a classmate.",
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
const FIRST_HINT = "Open lessons/07-why-not-verify-false/answer.md, write your paragraph below the <!-- --> comment (not inside it), and save it as UTF-8.";

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
  if (firstFailure) Object.assign(first, { status: "fail", message: formatFailure(firstFailure, FIRST_WHY), hint: FIRST_HINT });
  return [
    first,
    ...CHECKS.map((c): TestResult => {
      const f = c.run(answer);
      return f ? { name: c.name, status: "fail", message: formatFailure(f, c.why), hint: c.hint } : { name: c.name, status: "pass" };
    }),
  ];
}

export const grader: FileGrader = {
  kind: "file",
  grade: gradeAnswer,
};
