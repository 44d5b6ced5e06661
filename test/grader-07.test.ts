// The lesson 07 grader (a written answer, read and never run) against a catalog: wrong answers
// must fail, naming what is missing or wrong; honest answers in other styles must pass.
// Catalog: test/catalog/07-why-not-verify-false/{wrong,right}/*.md, one answer per file.
// The grader needs no lab (nothing runs), so none is started here.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  COPY_COVERAGE,
  COPY_SHARE,
  fingerprint,
  GRAM,
  grader,
  HASH_HEX,
  isCopy,
  normalizeWords,
  overlap,
  parse,
  storedFingerprints,
} from "../checker/graders/07-why-not-verify-false.ts";
import type { LessonResult } from "../checker/report/results.ts";
import { CATALOG, failing, failureText, gradeFile } from "./helpers.ts";

const ID = "07-why-not-verify-false";
const DIR = path.join(CATALOG, ID);
const ROOT = path.join(DIR, "..", "..", "..");
const REFERENCE = path.join(ROOT, "solutions", ID, "answer.md");
const STUB = path.join(ROOT, "stubs", ID, "answer.md");

// Check names (or distinctive parts of them) as the grader reports them.
const ANSWER = "holds your answer as UTF-8 text";
const WORDS = "at least 80 words";
const SENTENCES = "written in sentences";
const ENC_ID = "still encrypted but the other side's identity";
const ATTACKER = "names the attacker";
const ACTION = "what that attacker can then do";
const ALTERNATIVE = "gives the safe alternative in Node";
const SWITCH = "names the dangerous switch";
const OWN_WORDS = "in your own words";
const IDEAS = [WORDS, SENTENCES, ENC_ID, ATTACKER, ACTION, ALTERNATIVE, SWITCH, OWN_WORDS];

interface WrongCase {
  /** Substrings of the names of checks that must be among the failing ones. */
  failing: string[];
  /** Substrings of check names that must pass: the grader blames the right idea. */
  passing?: string[];
  /** Each must match failureText(result): the mistake, named. */
  says: RegExp[];
}

const WRONG: Record<string, WrongCase> = {
  stub: { failing: [ANSWER, ...IDEAS], says: [/got: +only the TODO stub/, /got: +no answer yet/] },
  "forty-words": { failing: [WORDS], passing: [ENC_ID, ALTERNATIVE, SWITCH], says: [/got: +37 words/, /too few sentences/] },
  "keyword-list": { failing: [SENTENCES], passing: [WORDS], says: [/got: +0 full sentences/, /list of terms separated by commas/] },
  "bullet-list": { failing: [SENTENCES], says: [/\d+% of your words are in running sentences, most of the rest in a list/, /bulleted or numbered list/] },
  "no-alternative": { failing: [ALTERNATIVE], passing: [ENC_ID, ATTACKER, ACTION, SWITCH, SENTENCES], says: [/got: +no alternative/, /what to do instead for their self-signed server/] },
  "recommends-switch": {
    failing: [ALTERNATIVE],
    passing: [ENC_ID, ATTACKER, ACTION],
    says: [/your answer recommends the switch itself: "For your own self-signed server, just set rejectUnauthorized: false/, /the danger this lesson is about, not the fix/],
  },
  "ca-and-switch-off": { failing: [ALTERNATIVE], says: [/recommends the switch itself: "For a self-signed server, load its certificate with ca: fs\.readFileSync.* and set rejectUnauthorized: false/] },
  "dev-only-switch": { failing: [ALTERNATIVE], says: [/recommends the switch itself: "For a self-signed server in development, NODE_TLS_REJECT_UNAUTHORIZED=0 is perfectly fine/] },
  "localhost-harmless": { failing: [ALTERNATIVE], passing: [ENC_ID, ATTACKER, ACTION], says: [/recommends the switch itself: "For your own self-signed server on localhost, though, rejectUnauthorized: false is harmless/] },
  "no-attacker": { failing: [ATTACKER], passing: [ENC_ID, ALTERNATIVE, SWITCH], says: [/got: +no attacker and no place/, /Who could stand on it/] },
  "no-consequence": { failing: [ACTION], passing: [ATTACKER, ENC_ID, ALTERNATIVE], says: [/no sentence saying what the attacker does with your traffic/] },
  "encryption-gone": {
    failing: [ENC_ID],
    passing: [ATTACKER, ACTION, ALTERNATIVE, SWITCH],
    says: [/your answer says the encryption goes away: "Setting rejectUnauthorized: false turns off the encryption/, /the bytes are still encrypted/],
  },
  "python-terms": {
    failing: [ALTERNATIVE, SWITCH],
    passing: [ENC_ID, ATTACKER, ACTION],
    says: [/You describe it in Python's terms/, /got: +only Python's switch \(verify=False/, /verify=False belongs to Python's requests/],
  },
  "answer-in-comment": { failing: [ANSWER, ...IDEAS], says: [/got: +\d+ words, all inside <!-- --> comments/, /Write your paragraph below the comment, not inside it/] },
  "no-identity": { failing: [ENC_ID], passing: [ATTACKER, ACTION, ALTERNATIVE, SWITCH], says: [/got: +you say the traffic stays encrypted, but not that you no longer know who is on the other end/] },
  "certificate-encrypts": { failing: [ENC_ID], says: [/got: +neither idea/, /one hides the bytes, the other proves who you are talking to/] },
  "copies-readme": { failing: [OWN_WORDS], says: [/got: +\d+% of your answer's five-word runs come from this lesson's README/] },
  "copies-solution": { failing: [OWN_WORDS], says: [/got: +\d+% of your answer's five-word runs come from the reference solution/, /Changing a few words/] },
};

const RIGHT = ["informal", "code-span", "british", "short-sentences", "myth-busting", "two-paragraphs"];

const catalogFile = (kind: "wrong" | "right", name: string) => path.join(DIR, kind, `${name}.md`);
const names = (r: LessonResult) => failing(r).map((t) => t.name);

describe("lesson 07 grader: wrong answers fail and name what is wrong", () => {
  for (const [name, c] of Object.entries(WRONG)) {
    it(`wrong/${name}`, async () => {
      const result = await gradeFile("7", catalogFile("wrong", name));
      const text = failureText(result);
      expect(result.status, `status of wrong/${name}; what the grader said:\n${text}`).toBe("fail");
      for (const check of c.failing)
        expect(
          names(result).some((n) => n.includes(check)),
          `wrong/${name} should fail the check "${check}"; failing: ${JSON.stringify(names(result))}\n${text}`,
        ).toBe(true);
      for (const check of c.passing ?? [])
        expect(names(result).some((n) => n.includes(check)), `wrong/${name} should pass the check "${check}"\n${text}`).toBe(false);
      for (const re of c.says) expect(text, `wrong/${name}: the message should match ${re}`).toMatch(re);
      // A text lesson's note comes from grade.ts, once.
      expect(result.message).toMatch(/^This check is automatic/);
    });
  }
});

describe("lesson 07 grader: honest answers in other styles pass", () => {
  it.each(RIGHT)("right/%s", async (name) => {
    const result = await gradeFile("7", catalogFile("right", name));
    expect(result.status, `right/${name} should pass; what the grader said:\n${failureText(result)}`).toBe("pass");
  });

  it("passes the reference solution, which is not compared with itself", async () => {
    const result = await gradeFile("7", REFERENCE);
    expect(result.status, failureText(result)).toBe("pass");
    expect(result.tests.map((t) => t.name)).toHaveLength(9);
  });
});

describe("lesson 07 grader: files that hold no readable answer fail (never error)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-07-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, content);
    return f;
  };
  const answer = fs.readFileSync(catalogFile("right", "british"), "utf8");

  it.each([
    ["empty", "", /got: +an empty file/],
    ["whitespace", "  \n\t\n   \n", /got: +an empty file/],
    ["markup only", "# Title\n\n---\n\n<!-- a note -->\n", /got: +nothing but Markdown syntax/],
  ])("%s", async (label, content, says) => {
    const result = await gradeFile("7", write(`${label.replace(/\s/g, "-")}.md`, content));
    expect(result.status).toBe("fail");
    expect(failing(result).map((t) => t.name)).toEqual(expect.arrayContaining(IDEAS.map((s) => expect.stringContaining(s))));
    expect(failureText(result)).toMatch(says);
  });

  it("an answer written inside the stub's TODO comment", async () => {
    const stub = fs.readFileSync(STUB, "utf8");
    const inside = stub.replace(/-->\s*$/, `\n${answer.split("\n").slice(1).join("\n")}\n-->\n`);
    const result = await gradeFile("7", write("inside-todo.md", inside));
    expect(result.status).toBe("fail");
    expect(failureText(result)).toMatch(/all inside <!-- --> comments/);
  });

  it("the lesson's own stub: only the TODO stub", async () => {
    const result = await gradeFile("7", STUB);
    expect(result.status).toBe("fail");
    expect(failureText(result)).toMatch(/got: +only the TODO stub/);
  });

  it("a file in Windows-1252 / Latin-1: not UTF-8", async () => {
    const f = write("latin1.md", Buffer.from(answer.replace("behaviour", "behaviour \u00e9t\u00e9 \u00a3"), "latin1"));
    const result = await gradeFile("7", f);
    expect(result.status).toBe("fail");
    expect(names(result)[0]).toContain(ANSWER);
    expect(failureText(result)).toMatch(/got: +the file is not valid UTF-8 \(it looks saved in another encoding/);
  });

  it("a file saved as UTF-16 with a BOM", async () => {
    const f = write("utf16.md", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(answer, "utf16le")]));
    const result = await gradeFile("7", f);
    expect(result.status).toBe("fail");
    expect(failureText(result)).toMatch(/got: +the file is saved as UTF-16/);
    // The ideas are still read, so the learner sees what else is right.
    expect(names(result)).toEqual([expect.stringContaining(ANSWER)]);
  });

  it("binary data", async () => {
    const result = await gradeFile("7", write("binary.md", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])));
    expect(result.status).toBe("fail");
    expect(failureText(result)).toMatch(/got: +the file holds binary data/);
  });

  it("a UTF-8 BOM and CRLF line endings are fine", async () => {
    const result = await gradeFile("7", write("bom-crlf.md", "\uFEFF" + answer.replace(/\n/g, "\r\n")));
    expect(result.status, failureText(result)).toBe("pass");
  });
});

describe("reading Markdown", () => {
  it("skips comments, headings, code blocks and markup when it counts words", () => {
    const p = parse("<!-- Wrong: x y z -->\n# A title here\n\nOne **two** _three_ `four`.\n\n```ts\nconst five = 6;\n```\n- seven eight\n");
    expect(p.prose).toBe("One two three four.\nseven eight");
    expect(p.all).toContain("const five = 6;");
    expect(p.segments.map((s) => s.list)).toEqual([false, true]);
  });

  it("keeps snake_case names such as NODE_EXTRA_CA_CERTS whole", () => {
    expect(parse("Start it with NODE_EXTRA_CA_CERTS set, or _emphasis_ here.").prose).toBe("Start it with NODE_EXTRA_CA_CERTS set, or emphasis here.");
  });
});

describe("copies of other lessons' \"why not turn verification off\" sections are recognised", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-07-copy-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sections = fs
    .readdirSync(path.join(ROOT, "lessons"))
    .filter((id) => id !== ID)
    .flatMap((id) => {
      const f = path.join(ROOT, "lessons", id, "README.md");
      if (!fs.existsSync(f)) return [];
      const m = /^#{1,6} .*\bwhy not\b.*\bverification\b.*\n([\s\S]*?)(?=^#{1,6} |(?![\s\S]))/im.exec(fs.readFileSync(f, "utf8"));
      return m ? [[id, m[1]] as const] : [];
    });

  it("finds at least lesson 02's section", () => {
    expect(sections.map(([id]) => id)).toContain("02-verified-client");
  });

  it.each(sections)("a padded copy of lesson %s's section fails", async (id, text) => {
    const copy = `${text.trim()}\n\nThat is why I think every beginner should learn this early. It is easy to get wrong, and the mistake never shows up as an error.\n`;
    const file = path.join(dir, `${id}.md`);
    fs.writeFileSync(file, copy);
    const result = await gradeFile("7", file);
    expect(names(result)).toEqual(expect.arrayContaining([expect.stringContaining(OWN_WORDS)]));
    expect(failureText(result)).toMatch(new RegExp(`come from lesson ${id.slice(0, 2)}'s README`));
  });
});

describe("the copy detector (tested on a synthetic model text, never on the course's sample)", () => {
  const model =
    "A lighthouse keeper climbs the spiral stairs every evening to light the great lamp. Ships far out at sea " +
    "trust that beam to tell them where the rocks are hiding under the waves. If the keeper falls asleep, " +
    "the captains steer blind, and a fog bank can turn a calm night into a shipwreck before dawn. " +
    "That is why the keeper writes every lighting in a logbook and checks the wick twice.";
  const grams = fingerprint(model);

  it("hashes word 5-grams to 12 hex digits, ignoring case, punctuation and apostrophes", () => {
    expect(grams.size).toBe(normalizeWords(model).length - GRAM + 1);
    for (const g of grams) expect(g).toMatch(new RegExp(`^[0-9a-f]{${HASH_HEX}}$`));
    expect(fingerprint("Don't PANIC: the keeper's lamp, it's lit!")).toEqual(fingerprint("dont panic the keepers lamp its lit"));
  });

  it("flags a copy, a copy with a few words changed, and a copy padded with words of one's own", () => {
    const edited = model.replace("every evening", "each evening").replace("great lamp", "big lamp").replace("shipwreck", "disaster").replace("twice", "two times");
    const padded = `${model} Honestly, I think this is a lovely job, and I would like to try it one day, maybe on a small island far from any city.`;
    for (const [label, text] of [["copy", model], ["edited", edited], ["padded", padded]] as const) {
      const o = overlap(fingerprint(text), grams);
      expect(isCopy(o), `${label}: share ${o.share.toFixed(2)}, coverage ${o.coverage.toFixed(2)}`).toBe(true);
    }
  });

  it("does not flag a text on the same subject in other words", () => {
    const own =
      "Every night somebody has to go up the tower and start the light, because sailors rely on it to avoid " +
      "the reef. When nobody does, ships cannot see the danger, and in thick fog they run aground. So the " +
      "keeper keeps a written record and inspects the wick before lighting it.";
    const o = overlap(fingerprint(own), grams);
    expect(o.share).toBeLessThan(COPY_SHARE / 3);
    expect(isCopy(o)).toBe(false);
  });
});

describe("the stored fingerprint of the course's sample answer", () => {
  const stored = storedFingerprints();

  it("has the expected shape and size, and holds hashes only", () => {
    expect(stored.gram).toBe(GRAM);
    expect(stored.hashHex).toBe(HASH_HEX);
    expect(stored.sources.map((s) => s.name)).toEqual(["course-sample"]);
    const sample = stored.sources[0] as (typeof stored.sources)[number] & { words: number };
    expect(Object.keys(sample).sort()).toEqual(["grams", "label", "name", "words"]);
    expect(sample.words).toBeGreaterThanOrEqual(100);
    expect(sample.words).toBeLessThanOrEqual(140);
    expect(sample.grams.length).toBeGreaterThan(sample.words - GRAM - 10);
    expect(sample.grams.length).toBeLessThanOrEqual(sample.words - GRAM + 1);
    expect(new Set(sample.grams).size).toBe(sample.grams.length);
    for (const g of sample.grams) expect(g).toMatch(/^[0-9a-f]{12}$/);
    // Nothing but hashes: no run of words anywhere in the file except the "about" note.
    const raw = fs.readFileSync(new URL("../checker/graders/07-sample-fingerprint.json", import.meta.url), "utf8");
    expect(raw.split("\n").filter((l) => /[a-z]{3,} [a-z]{3,}/i.test(l)).length).toBeLessThanOrEqual(2);
  });

  it("is not carried by any file in the workbook: no lesson, solution, catalog answer or checker file copies the sample", () => {
    const sample = new Set(stored.sources[0].grams);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.name === "node_modules" || e.name.startsWith(".")) continue;
        const f = path.join(d, e.name);
        if (e.isDirectory()) walk(f);
        else if (/\.(md|ts|mjs|json|txt)$/.test(e.name) && !e.name.endsWith("07-sample-fingerprint.json")) files.push(f);
      }
    };
    for (const d of ["lessons", "solutions", "test", "checker"]) walk(path.join(ROOT, d));
    for (const f of files) {
      const o = overlap(fingerprint(fs.readFileSync(f, "utf8")), sample);
      expect(o.coverage, `${path.relative(ROOT, f)} holds ${o.common} five-word runs of the sample`).toBeLessThan(COPY_COVERAGE / 2);
    }
  });
});

describe("the lesson 07 catalog", () => {
  it("has a test case for every file and a file for every case", () => {
    const listed = (kind: string) =>
      fs
        .readdirSync(path.join(DIR, kind))
        .filter((f) => f.endsWith(".md"))
        .map((f) => f.slice(0, -3))
        .sort();
    expect(listed("wrong")).toEqual(Object.keys(WRONG).sort());
    expect(listed("right")).toEqual([...RIGHT].sort());
  });

  it("starts every file with a one-line comment saying what it is", () => {
    for (const kind of ["wrong", "right"])
      for (const f of fs.readdirSync(path.join(DIR, kind)))
        expect(fs.readFileSync(path.join(DIR, kind, f), "utf8"), `${kind}/${f}`).toMatch(kind === "wrong" ? /^<!-- Wrong: [^\n]+ -->\n/ : /^<!-- Right: [^\n]+ -->\n/);
  });

  it("keeps every right answer at 80 words or more", () => {
    for (const name of RIGHT) expect(normalizeWords(parse(fs.readFileSync(catalogFile("right", name), "utf8")).prose).length, name).toBeGreaterThanOrEqual(80);
  });
});

// The grader is also usable directly, without the lesson machinery.
it("grader.grade works on text alone when the file cannot be read", async () => {
  const tests = await grader.grade("", path.join(os.tmpdir(), "does-not-exist-07.md"));
  expect(tests[0].status).toBe("fail");
  expect(tests.every((t) => t.status === "fail")).toBe(true);
});
