// The class reports (checker/report/batch-reports.ts and its parts), from real gradings
// (three students graded against one lab) and from a hand-made batch with every status:
// results.json keeps the v3 objects, junit.xml is well-formed XML whose counts match the
// results, grades.csv has the documented columns and RFC 4180 quoting, report.html escapes
// hostile names and output, and the GitHub Classroom output decodes to the reporter's shape.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pc from "picocolors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Progress, renderTable } from "../checker/batch/table.ts";
import type { BatchResult, StudentResult } from "../checker/batch/types.ts";
import { UsageError } from "../checker/cli/common.ts";
import { LESSONS } from "../checker/manifest.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";
import { classroomOutput, REPORT_FILES, writeReports } from "../checker/report/batch-reports.ts";
import { classroomRunners, MAX_ENCODED, type ClassroomResult } from "../checker/report/classroom.ts";
import { gradesCsv } from "../checker/report/csv.ts";
import { reportHtml } from "../checker/report/html.ts";
import { junitXml } from "../checker/report/junit.ts";
import { visibleControls } from "../checker/report/escape.ts";
import { lessonScore, splitPoints } from "../checker/report/points.ts";
import type { TestResult } from "../checker/report/results.ts";
import { ALL_LESSONS, gradedBatch, handBatch, HOSTILE_ANSWER, HOSTILE_NAME, HOSTILE_OUTPUT, QUOTED_NAME, single } from "./fixtures/batch-result.ts";

let graded: BatchResult;
let tmp: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-reports-test-"));
  graded = await gradedBatch();
}, 180_000);
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const BATCHES = ["real gradings", "hand-made batch"] as const;
/** By label: describe.each reads its table before beforeAll has graded anything. */
const batchNamed = (label: (typeof BATCHES)[number]): BatchResult => (label === "real gradings" ? graded : handBatch());

// ---- a strict XML 1.0 well-formedness check (no parser in node_modules; no new dependency) ----

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;

/** Parses `doc` or throws at the first thing XML 1.0 does not allow. */
function parseXml(doc: string): XmlElement {
  if (!XML_CHAR.test(doc)) throw new Error("a character XML 1.0 does not allow");
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}: ${JSON.stringify(doc.slice(i, i + 40))}`);
  };
  const decode = (raw: string, inAttr: boolean): string => {
    if (raw.includes("<")) fail("'<' in " + (inAttr ? "an attribute value" : "text"));
    if (!inAttr && raw.includes("]]>")) fail("']]>' in text");
    return raw.replace(/&([^;]*);?/g, (m, ref: string) => {
      if (!m.endsWith(";")) fail("an unterminated reference");
      const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
      if (ref in named) return named[ref];
      const n = /^#x[0-9a-fA-F]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#[0-9]+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
      if (Number.isNaN(n)) fail(`an unknown entity &${ref};`);
      const c = String.fromCodePoint(n);
      if (!XML_CHAR.test(c)) fail("a character reference to a forbidden character");
      return c;
    });
  };
  const skipMisc = () => {
    for (;;) {
      const ws = /^\s*/.exec(doc.slice(i))![0];
      i += ws.length;
      if (doc.startsWith("<!--", i)) {
        const end = doc.indexOf("-->", i + 4);
        if (end < 0 || doc.slice(i + 4, end).includes("--")) fail("a bad comment");
        i = end + 3;
      } else if (doc.startsWith("<?", i) && !doc.startsWith("<?xml", i)) {
        const end = doc.indexOf("?>", i);
        if (end < 0) fail("an unterminated processing instruction");
        i = end + 2;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (doc[i] !== "<") fail("expected an element");
    i++;
    const name = NAME.exec(doc.slice(i))?.[0] ?? fail("a bad element name");
    i += name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: "" };
    for (;;) {
      const ws = /^\s*/.exec(doc.slice(i))![0];
      i += ws.length;
      if (doc.startsWith("/>", i)) {
        i += 2;
        return el;
      }
      if (doc[i] === ">") {
        i++;
        break;
      }
      if (!ws) fail("no space before an attribute");
      const attr = NAME.exec(doc.slice(i))?.[0] ?? fail("a bad attribute name");
      i += attr.length;
      if (doc[i] !== "=") fail("expected '='");
      const q = doc[++i];
      if (q !== '"' && q !== "'") fail("an unquoted attribute value");
      const end = doc.indexOf(q, i + 1);
      if (end < 0) fail("an unterminated attribute value");
      if (attr in el.attrs) fail(`a duplicate attribute ${attr}`);
      el.attrs[attr] = decode(doc.slice(i + 1, end), true);
      i = end + 1;
    }
    for (;;) {
      const lt = doc.indexOf("<", i);
      if (lt < 0) fail(`unclosed <${name}>`);
      el.text += decode(doc.slice(i, lt), false);
      i = lt;
      if (doc.startsWith("</", i)) {
        i += 2;
        const close = NAME.exec(doc.slice(i))?.[0];
        if (close !== name) fail(`</${close}> closes <${name}>`);
        i += name.length;
        i += /^\s*/.exec(doc.slice(i))![0].length;
        if (doc[i] !== ">") fail("expected '>'");
        i++;
        return el;
      }
      if (doc.startsWith("<![CDATA[", i)) {
        const end = doc.indexOf("]]>", i);
        if (end < 0) fail("an unterminated CDATA section");
        el.text += doc.slice(i + 9, end);
        i = end + 3;
      } else if (doc.startsWith("<!--", i) || doc.startsWith("<?", i)) skipMisc();
      else el.children.push(element());
    }
  };
  if (doc.startsWith("<?xml")) {
    const end = doc.indexOf("?>");
    if (!/^<\?xml version="1\.0"( encoding="UTF-8")?\s*\?>$/.test(doc.slice(0, end + 2))) fail("a bad XML declaration");
    i = end + 2;
  }
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== doc.length) fail("content after the root element");
  return root;
}

describe("the XML checker itself", () => {
  it("accepts a well-formed document and decodes references", () => {
    const root = parseXml(`<?xml version="1.0" encoding="UTF-8"?>\n<a x="1 &amp; &#10;2"><!-- c --><b/>t&lt;&#x41;<![CDATA[<raw>]]></a>\n`);
    expect(root.attrs.x).toBe("1 & \n2");
    expect(root.children.map((c) => c.name)).toEqual(["b"]);
    expect(root.text).toBe("t<A<raw>");
  });
  it.each([
    ["a bare ampersand", `<a>fish & chips</a>`],
    ["a mismatched tag", `<a><b></a></b>`],
    ["a forbidden control character", `<a>\u0001</a>`],
    ["a reference to a forbidden character", `<a>&#1;</a>`],
    ["a duplicate attribute", `<a x="1" x="2"/>`],
    ["'<' in an attribute", `<a x="<"/>`],
    ["two roots", `<a/><b/>`],
    ["an unknown entity", `<a>&nbsp;</a>`],
    ["']]>' in text", `<a>]]></a>`],
  ])("rejects %s", (_what, doc) => {
    expect(() => parseXml(doc)).toThrow();
  });
});

// ---- a strict RFC 4180 reader ----

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error("unterminated quoted field");
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      const m = /^[^,"\r\n]*/.exec(text.slice(i))![0];
      field = m;
      i += m.length;
      if (text[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
    }
    row.push(field);
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text.startsWith("\r\n", i)) {
      rows.push(row);
      row = [];
      i += 2;
      if (i === text.length) return rows;
      continue;
    }
    throw new Error(`expected a comma or CRLF at ${i}: ${JSON.stringify(text.slice(i, i + 20))}`);
  }
}

// ---- results.json and writeReports ----

describe("writeReports", () => {
  it("writes the four files and returns their paths; results.json holds the v3 objects", async () => {
    const dir = path.join(tmp, "out", "nested");
    const paths = await writeReports(graded, dir);
    expect(paths).toEqual(REPORT_FILES.map((f) => path.join(dir, f)));
    for (const p of paths) expect(fs.statSync(p).size).toBeGreaterThan(0);
    expect(fs.readdirSync(dir).sort()).toEqual([...REPORT_FILES].sort()); // no temporary file left

    const json = JSON.parse(fs.readFileSync(paths[0], "utf8"));
    expect(json).toMatchObject({ version: 1, lessons: ALL_LESSONS });
    expect(Date.parse(json.generatedAt)).not.toBeNaN();
    expect(json.students.map((s: StudentResult) => s.student)).toEqual(graded.students.map((s) => s.student));
    for (const s of json.students) {
      expect(Object.keys(s.lessons)).toEqual(ALL_LESSONS);
      expect(Array.isArray(s.flags)).toBe(true);
      expect(typeof s.ms).toBe("number");
      for (const [id, r] of Object.entries<any>(s.lessons)) {
        expect(r.version).toBe(3);
        expect(r.lesson).toBe(id);
        expect(["pass", "fail", "error"]).toContain(r.status);
        expect(Array.isArray(r.tests)).toBe(true);
        if (r.status === "error" && r.tests.length === 0) expect(typeof r.message).toBe("string");
        for (const t of r.tests) {
          expect(typeof t.name).toBe("string");
          expect(["pass", "fail", "error", "skip"]).toContain(t.status);
          if (t.message !== undefined) expect(typeof t.message).toBe("string");
          if (t.output !== undefined) expect(typeof t.output).toBe("string");
        }
      }
    }
    // The very objects gradeLesson returned (what `npm run lesson N -- --json` prints), untouched.
    expect(json.students).toEqual(JSON.parse(JSON.stringify(graded.students)));
    // The real gradings cover what the reports must show.
    const statuses = new Set(graded.students.flatMap((s) => Object.values(s.lessons).map((r) => r.status)));
    expect([...statuses].sort()).toEqual(["error", "fail", "pass"]);
    expect(json.students[2].writtenAnswer).toBe(HOSTILE_ANSWER);
  });

  it("leaves other files in the folder alone and replaces its own", async () => {
    const dir = path.join(tmp, "keep");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "notes.txt"), "mine");
    fs.writeFileSync(path.join(dir, "grades.csv"), "old");
    await writeReports(handBatch(), dir);
    expect(fs.readFileSync(path.join(dir, "notes.txt"), "utf8")).toBe("mine");
    expect(fs.readFileSync(path.join(dir, "grades.csv"), "utf8")).toBe(gradesCsv(handBatch()));
  });

  it("refuses a file as the output folder with a one-line usage error", async () => {
    const file = path.join(tmp, "a-file");
    fs.writeFileSync(file, "x");
    const err = await writeReports(handBatch(), file).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/not a folder/);
    expect(err.message).not.toContain("\n");
    const under = await writeReports(handBatch(), path.join(file, "sub")).catch((e) => e);
    expect(under).toBeInstanceOf(UsageError);
    expect(under.message).toMatch(/^cannot write the reports to /);
    expect(under.message).not.toContain("\n");
  });
});

// ---- junit.xml ----

describe.each(BATCHES)("junit.xml (%s)", (label) => {
  const batch = () => batchNamed(label);

  it("is well-formed XML with a testsuite per student and a testcase per check", () => {
    const b = batch();
    const root = parseXml(junitXml(b));
    expect(root.name).toBe("testsuites");
    expect(root.children.map((s) => s.attrs.name)).toEqual(b.students.map((s) => s.student));
    let totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const [i, suite] of root.children.entries()) {
      const s = b.students[i];
      const cases = suite.children.filter((c) => c.name === "testcase");
      // What the results say: one case per check, one error case per lesson without checks.
      const expected = { tests: 0, failures: 0, errors: 0, skipped: 0 };
      for (const id of b.lessons) {
        const r = s.lessons[id];
        if (!r || r.tests.length === 0) {
          expected.tests++;
          expected.errors++;
          continue;
        }
        expected.tests += r.tests.length;
        expected.failures += r.tests.filter((t) => t.status === "fail").length;
        expected.errors += r.tests.filter((t) => t.status === "error").length;
        expected.skipped += r.tests.filter((t) => t.status === "skip").length;
      }
      const found = {
        tests: cases.length,
        failures: cases.filter((c) => c.children.some((x) => x.name === "failure")).length,
        errors: cases.filter((c) => c.children.some((x) => x.name === "error")).length,
        skipped: cases.filter((c) => c.children.some((x) => x.name === "skipped")).length,
      };
      expect(found).toEqual(expected);
      const attrs = { tests: +suite.attrs.tests, failures: +suite.attrs.failures, errors: +suite.attrs.errors, skipped: +suite.attrs.skipped };
      expect(attrs).toEqual(expected);
      totals = { tests: totals.tests + expected.tests, failures: totals.failures + expected.failures, errors: totals.errors + expected.errors, skipped: totals.skipped + expected.skipped };
      // Every check is there by name, under its lesson.
      // (control characters in a name are shown as \uXXXX: XML 1.0 cannot carry them)
      for (const id of b.lessons) for (const t of s.lessons[id]?.tests ?? []) expect(cases.some((c) => c.attrs.classname === id && c.attrs.name === visibleControls(t.name)), t.name).toBe(true);
      // Flags become properties.
      const props = suite.children.find((c) => c.name === "properties")?.children ?? [];
      expect(props.length).toBe(s.flags.length);
    }
    expect({ tests: +root.attrs.tests, failures: +root.attrs.failures, errors: +root.attrs.errors, skipped: +root.attrs.skipped }).toEqual(totals);
    expect(totals.failures + totals.errors).toBeGreaterThan(0);
  });

  it("is accepted by an independent XML parser too (Python's expat, when python3 is there)", (ctx) => {
    const file = path.join(tmp, `junit-${label.replace(/\W+/g, "-")}.xml`);
    fs.writeFileSync(file, junitXml(batch()));
    const r = spawnSync("python3", ["-c", "import sys, xml.dom.minidom; d = xml.dom.minidom.parse(sys.argv[1]); print(len(d.getElementsByTagName('testcase')))", file], { encoding: "utf8" });
    if (r.error) ctx.skip("no python3 here: the strict checker above stands alone");
    expect(r.status, r.stderr).toBe(0);
    expect(Number(r.stdout.trim())).toBe(parseXml(junitXml(batch())).children.reduce((n, s) => n + s.children.filter((c) => c.name === "testcase").length, 0));
  });
});

describe("junit.xml content", () => {
  it("keeps hostile names and output as text, with forbidden characters made visible", () => {
    const root = parseXml(junitXml(graded));
    const suite = root.children.find((s) => s.attrs.name === HOSTILE_NAME)!;
    expect(suite).toBeDefined();
    const out = suite.children.flatMap((c) => c.children).find((x) => x.name === "system-out")!;
    expect(out.text).toContain(`</pre></details><script>alert("output")</script>]]><!--`);
    expect(out.text).toContain("\\u0000\\u0007\\u001b[31mred");
    expect(out.text).toContain("\\ufffe");
    const failure = suite.children.flatMap((c) => c.children).find((x) => x.name === "failure")!;
    expect(failure.attrs.message).toBe(failure.text.split("\n")[0]);
    // A lesson that could not be graded is one error testcase carrying its reason.
    const compile = suite.children.find((c) => c.attrs.classname === "03-inspect-cert")!;
    expect(compile.attrs.name).toBe("(could not grade)");
    expect(compile.children[0].name).toBe("error");
    expect(compile.children[0].attrs.message).toMatch(/^could not compile /);
  });

  it("writes skips as <skipped/> and a missing lesson as an error", () => {
    const root = parseXml(junitXml(handBatch()));
    const ada = root.children[0];
    const skip = ada.children.find((c) => c.attrs.name === "live: example.com")!;
    expect(skip.children.map((c) => c.name)).toEqual(["skipped"]);
    expect(skip.children[0].attrs.message).toBe("offline: no DNS answer for example.com");
    const missing = root.children[1].children.find((c) => c.attrs.classname === "06-tls-health")!;
    expect(missing.attrs.name).toBe("(not graded)");
    expect(missing.children[0].name).toBe("error");
    const multiLine = root.children[1].children.find((c) => c.attrs.name === "reads the subject")!;
    expect(multiLine.children[0].attrs.message).toBe(`a, b, "c"\r`);
    expect(multiLine.children[0].text).toBe(`a, b, "c"\r\nd`); // the return kept as &#13;, which XML does not normalise away
  });
});

// ---- grades.csv ----

describe("grades.csv", () => {
  it("has a column per lesson, a total, the maximum and the flags, and a row per student", () => {
    for (const b of [graded, handBatch()]) {
      const text = gradesCsv(b);
      expect(text.endsWith("\r\n")).toBe(true);
      expect(text.replace(/\r\n/g, "")).not.toMatch(/(?<!")\n/); // line breaks only inside quoted fields
      const rows = parseCsv(text);
      expect(rows[0]).toEqual(["student", ...ALL_LESSONS, "total", "max", "flags"]);
      expect(rows.length).toBe(b.students.length + 1);
      for (const [i, s] of b.students.entries()) {
        const row = rows[i + 1];
        expect(row.length).toBe(rows[0].length);
        const cells = row.slice(1, 1 + ALL_LESSONS.length).map(Number);
        expect(cells).toEqual(ALL_LESSONS.map((id) => lessonScore(s.lessons[id]).points));
        for (const c of cells) expect(Number.isInteger(c) && c >= 0 && c <= 10).toBe(true);
        expect(Number(row[1 + ALL_LESSONS.length])).toBe(cells.reduce((a, c) => a + c, 0));
        expect(Number(row[2 + ALL_LESSONS.length])).toBe(10 * ALL_LESSONS.length);
      }
    }
  });

  it("quotes names with commas and quotes, and keeps a formula from being evaluated", () => {
    const text = gradesCsv(handBatch());
    expect(text).toContain(`"O'Neil, Zoë ""Z""",`);
    const rows = parseCsv(text);
    expect(rows[2][0]).toBe(QUOTED_NAME);
    expect(rows[3][0]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(rows[2].at(-1)).toBe(`05-reject-bad-certs: identical to =HYPERLINK("http://evil.example","x")'s file; 03-inspect-cert: identical to the reference solution`);
    expect(parseCsv(gradesCsv(graded))[3][0]).toBe(HOSTILE_NAME);
  });

  it("gives the reference solutions full points where they pass, and the copied model text less", () => {
    const ada = parseCsv(gradesCsv(graded))[1];
    expect(ada[0]).toBe("Ada Lovelace");
    // (Whether every code lesson passes is the graders' business, and some of their checks
    // time things: only what cannot vary under load is pinned here.)
    const lessons = graded.students[0].lessons;
    for (const [j, id] of ALL_LESSONS.entries()) if (lessons[id].status === "pass") expect(ada[1 + j]).toBe("10");
    expect(ada[1]).toBe("10"); // the quiz, answered right
    // Lesson 07 is the model text copied, which its own-words check fails: 8 of 9 checks, 8 points.
    expect(lessons["07-why-not-verify-false"].status).toBe("fail");
    expect(ada[7]).toBe("8");
  });
});

// ---- report.html ----

describe("report.html", () => {
  it("escapes a hostile student name, output and written answer", () => {
    const page = reportHtml(graded);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/<!-- /);
    expect(page).toContain("Mallory &lt;script&gt;alert(&quot;name&quot;)&lt;script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;");
    expect(page).toContain("&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;alert(&quot;output&quot;)&lt;/script&gt;]]&gt;&lt;!-- \\u0000\\u0007\\u001b[31mred");
    expect(page).toContain("&lt;script&gt;alert(&quot;answer&quot;)&lt;/script&gt; Turning verification off &lt;b&gt;keeps&lt;/b&gt;");
    expect(page).not.toContain(HOSTILE_OUTPUT);
  });

  it("is self-contained: no script, no external resource, a policy that forbids both", () => {
    for (const page of [reportHtml(graded), reportHtml(handBatch())]) {
      expect(page).toMatch(/^<!DOCTYPE html>/);
      expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
      // Student text is escaped, so every '<' left opens one of our own tags.
      const tags = page.match(/<[a-zA-Z][^>]*>/g) ?? [];
      expect(tags.length).toBeGreaterThan(50);
      for (const tag of tags) expect(tag.replace(/"[^"]*"/g, '""')).not.toMatch(/\s(src|href|action|formaction|srcset|poster|data|on\w+)=/i);
      expect(new Set(tags.map((t) => /^<(\w+)/.exec(t)![1].toLowerCase()))).not.toContain("script");
      const style = /<style>([^<]*)<\/style>/.exec(page)![1];
      expect(style).not.toMatch(/url\(|@import|https?:/i);
    }
  });

  it("has a row per student with a cell per lesson holding its checks, flags and written answers", () => {
    const b = handBatch();
    const page = reportHtml(b);
    for (const [i, s] of b.students.entries()) {
      const row = new RegExp(`<tr id="student-${i}" class="student">(.*?)</tr>`, "s").exec(page)?.[1] ?? "";
      expect(row).toContain(`<span class="name">${s.student.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")}</span>`);
      const cells = [...row.matchAll(/<td class="cell (\w+)" data-lesson="([^"]+)" data-status="(\w+)">/g)];
      expect(cells.map((c) => c[2])).toEqual(b.lessons);
      expect(cells.map((c) => c[3])).toEqual(b.lessons.map((id) => s.lessons[id]?.status ?? "missing"));
    }
    expect(page).toContain("daysLeft is rounded down");
    expect(page).toContain("expected: 29\ngot:      30");
    expect(page).toContain("live: example.com <em>(skipped)</em>");
    expect(page).toContain("could not compile lessons/02-verified-client/exercise.ts");
    // Flags: in the cell and in their own section.
    expect(page).toMatch(/<span class="flag" title="identical to the reference solution">⚑<\/span>/);
    expect(page).toContain(`<td>O&#39;Neil, Zoë &quot;Z&quot;</td><td>05-reject-bad-certs</td><td>identical to =HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)&#39;s file</td>`);
    // Written answers: shown as written, line breaks kept by CSS.
    expect(page).toContain(`<div class="answer">Without verification the bytes are still encrypted, but anyone in the middle can pose as the server.\n\nTrust the self-signed certificate with \`ca\` instead.</div>`);
    expect(page).toMatch(/<article id="answer-1" class="written"><h3>O&#39;Neil, Zoë &quot;Z&quot;<\/h3><p class="sub">[^<]*<span class="fail">✘ 0\/1<\/span> · 0 words<\/p><p class="sub">No answer.<\/p>/);
  });
});

// ---- GitHub Classroom ----

/** What the reporter does with our lines (classroom-resources/autograding-grading-reporter src/main.js, notify-classroom.js). */
function asTheReporterReadsIt(output: string) {
  const outputs = Object.fromEntries(output.trimEnd().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(outputs)) if (k !== "runners") env[`${k.toUpperCase()}_RESULTS`] = v; // the workflow's env: block
  const runnerResults = outputs.runners
    .split(/[\s,]/)
    .filter(Boolean)
    .map((runner) => ({ runner, results: JSON.parse(Buffer.from(env[`${runner.trim().toUpperCase()}_RESULTS`], "base64").toString("utf-8")) as ClassroomResult }));
  let totalPoints = 0;
  let maxPoints = 0;
  for (const { results } of runnerResults) {
    if (!results.max_score) continue;
    maxPoints += results.max_score;
    for (const { score } of results.tests) totalPoints += score;
  }
  return { outputs, runnerResults, text: `Points ${totalPoints}/${maxPoints}`, failed: runnerResults.some((r) => r.results.status === "fail" || r.results.status === "error") };
}

describe("GitHub Classroom output", () => {
  it("decodes, for a real grading, to { version, status, max_score, tests[{ name, status, score, message }] } per lesson", () => {
    for (const [i, s] of graded.students.entries()) {
      const out = classroomOutput(single(graded, i));
      expect(out).toMatch(/^(lesson0[1-7]=[A-Za-z0-9+/]+=*\n){7}runners=lesson01,lesson02,lesson03,lesson04,lesson05,lesson06,lesson07\n$/);
      const { runnerResults } = asTheReporterReadsIt(out);
      expect(runnerResults.map((r) => r.runner)).toEqual(LESSONS.map((l) => `lesson${String(l.number).padStart(2, "0")}`));
      for (const [j, { results }] of runnerResults.entries()) {
        const lesson = s.lessons[ALL_LESSONS[j]];
        expect(Object.keys(results).sort()).toEqual(["max_score", "status", "tests", "version"]);
        expect(results.version).toBe(1);
        expect(results.status).toBe(lesson.status);
        expect(results.max_score).toBe(10);
        expect(results.tests.length).toBe(Math.max(1, lesson.tests.filter((t) => t.status !== "skip").length));
        for (const t of results.tests) {
          expect(typeof t.name).toBe("string");
          expect(["pass", "fail", "error"]).toContain(t.status);
          expect(Number.isInteger(t.score) && t.score >= 0).toBe(true);
          expect(typeof t.message).toBe("string");
          if (t.status !== "pass") expect(t.message.length).toBeGreaterThan(0);
        }
        expect(results.tests.reduce((a, t) => a + t.score, 0)).toBe(lessonScore(lesson).points);
      }
    }
  });

  it("adds up as the reporter adds it: points out of 70, and the job fails while a lesson does", () => {
    const ada = asTheReporterReadsIt(classroomOutput(single(graded, 0)));
    const points = ALL_LESSONS.reduce((a, id) => a + lessonScore(graded.students[0].lessons[id]).points, 0);
    expect(ada.text).toBe(`Points ${points}/70`);
    expect(points).toBeGreaterThanOrEqual(18); // at least the quiz (10) and the copied text (8)
    expect(ada.failed).toBe(true); // 07 fails
    const stub = asTheReporterReadsIt(classroomOutput(single(graded, 1)));
    expect(stub.text).toMatch(/^Points [0-9]\/70$/);
    // A lesson that could not be graded still counts its 10 points as possible.
    const hostile = asTheReporterReadsIt(classroomOutput(single(graded, 2)));
    const compile = hostile.runnerResults[2].results;
    expect(compile).toMatchObject({ status: "error", max_score: 10, tests: [{ status: "error", score: 0 }] });
    expect(compile.tests[0].message).toMatch(/^could not compile /);
    expect(hostile.text).toMatch(/\/70$/);
  });

  it("passes a full workbook at 70/70, leaving skipped checks out", () => {
    const b = handBatch();
    const tests: TestResult[] = [...Array(13)].map((_, k) => ({ name: `c${k}`, status: "pass" }));
    tests.push({ name: "live", status: "skip", message: "offline" });
    const perfect: StudentResult = { ...b.students[0], lessons: Object.fromEntries(ALL_LESSONS.map((id) => [id, { version: 3, lesson: id, status: "pass", tests }])) };
    const r = asTheReporterReadsIt(classroomOutput({ ...b, students: [perfect] }));
    expect(r.text).toBe("Points 70/70");
    expect(r.failed).toBe(false);
    expect(r.runnerResults[0].results.tests.map((t) => t.name)).not.toContain("live");
  });

  it("shows a failing check's message and what the code printed", () => {
    const [, , l3] = classroomRunners(handBatch().students[0], ALL_LESSONS);
    const t = l3.result.tests.find((x) => x.status === "fail")!;
    expect(t.message).toBe("expected: 29\ngot:      30\nwhy it matters: off by one\nyour code printed:\ndebug: 30\n");
    expect(t.filename).toBe("lessons/03-inspect-cert/exercise.ts");
    expect(t.test_code).toBe("npm run lesson 3");
  });

  it("keeps each lesson small enough for an environment variable, however much was printed", () => {
    const b = handBatch();
    const flood: StudentResult = {
      ...b.students[0],
      lessons: { [ALL_LESSONS[1]]: { version: 3, lesson: ALL_LESSONS[1], status: "fail", tests: [...Array(60)].map((_, k) => ({ name: `check ${k}`, status: "fail" as const, message: "m".repeat(5000), output: "x".repeat(1 << 20) })) } },
    };
    const [runner] = classroomRunners(flood, [ALL_LESSONS[1]]);
    const encoded = Buffer.from(JSON.stringify(runner.result)).toString("base64");
    expect(encoded.length).toBeLessThanOrEqual(MAX_ENCODED);
    expect(runner.result.tests.length).toBe(60);
    expect(runner.result.tests[0].message.length).toBeLessThan(400);
  });

  it("is for one workbook: a batch of several is refused", () => {
    expect(() => classroomOutput(graded)).toThrow(/one workbook/);
  });
});

describe("points", () => {
  it("round down, so that full points mean every judged check passes", () => {
    const tests = (p: number, f: number): TestResult[] => [...[...Array(p)].map((): TestResult => ({ name: "p", status: "pass" })), ...[...Array(f)].map((): TestResult => ({ name: "f", status: "fail" }))];
    expect(lessonScore({ version: 3, lesson: "x", status: "pass", tests: tests(13, 0) }).points).toBe(10);
    expect(lessonScore({ version: 3, lesson: "x", status: "fail", tests: tests(26, 1) }).points).toBe(9);
    expect(lessonScore({ version: 3, lesson: "x", status: "fail", tests: tests(1, 26) }).points).toBe(0);
    expect(lessonScore({ version: 3, lesson: "x", status: "error", tests: [] }).points).toBe(0);
    expect(lessonScore(undefined).status).toBe("missing");
    for (const [points, p, f] of [[10, 9, 0], [7, 13, 4], [3, 2, 5], [0, 0, 3], [10, 27, 0]]) {
      const split = splitPoints(points, tests(p, f));
      expect(split.reduce((a, b) => a + b, 0)).toBe(p ? points : 0);
      expect(split.every(Number.isInteger)).toBe(true);
      expect(split.slice(p).every((x) => x === 0)).toBe(true);
    }
  });
});

// ---- the workflow template ----

describe(".github/classroom/grade.yml", () => {
  const yml = fs.readFileSync(path.join(WORKBOOK_ROOT, ".github", "classroom", "grade.yml"), "utf8");
  it("is the workflow the Classroom reporter expects, grading once and reporting every lesson", () => {
    expect(yml).toMatch(/^name: Autograding Tests$/m);
    expect(yml).toMatch(/^ {2}run-autograding-tests:$/m);
    expect(yml).toMatch(/uses: actions\/checkout@v4/);
    expect(yml).toMatch(/uses: actions\/setup-node@v4\n\s+with:\n\s+node-version: 20/);
    expect(yml).toMatch(/run: npm ci\b/);
    expect(yml).toMatch(/id: grade\n(\s+#.*\n)*\s+run: npm run --silent grade -- --classroom >> "\$GITHUB_OUTPUT"/);
    expect(yml).toMatch(/uses: classroom-resources\/autograding-grading-reporter@v1/);
    const ids = LESSONS.map((l) => `lesson${String(l.number).padStart(2, "0")}`);
    for (const id of ids) expect(yml).toContain(`${id.toUpperCase()}_RESULTS: "\${{ steps.grade.outputs.${id} }}"`);
    expect(yml).toMatch(new RegExp(`runners: ${ids.join(",")}$`, "m"));
    expect(yml).not.toMatch(/\t/);
  });
});

// ---- hostile names and text: nothing invisible reaches a report ----

describe("hostile names and text in every report", () => {
  const [l1, l2, l3] = ALL_LESSONS;
  const RLO_ALICE = "\u202Eecila"; // shows as "alice" where the bidi override is obeyed
  const BOB = "bob\u0007\u001b[31m\u0000x";
  const BROKEN_LINES = "carol\r\nalice\t"; // a raw CRLF in a CSV field reads as a row of its own in a text viewer
  const FORMULAS = [`=HYPERLINK("http://evil.example","\u202Ealice")\u0000`, "\t=1+1", "@SUM(1)\u001b"];
  /** Raw characters no report may carry: C0 (but tab, LF, CR), DEL, C1, format (Cf), lone surrogates, U+FFFE/U+FFFF. */
  const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\uFFFE\uFFFF]|\p{Cf}|[\uD800-\uDFFF]/gu;
  const invisibles = (text: string) => [...new Set(text.match(INVISIBLE) ?? [])].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`);
  /** Roughly what a viewer shows: the text after a RIGHT-TO-LEFT OVERRIDE reversed (up to a PDF), invisible characters gone. */
  const asDisplayed = (s: string) => s.replace(/\u202E([^\u202C]*)\u202C?/gu, (_m, t: string) => [...t].reverse().join("")).replace(/[\p{Cc}\p{Cf}]/gu, "");
  const decodeHtml = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!);

  const student = (name: string, lessons: StudentResult["lessons"], extra: Partial<StudentResult> = {}): StudentResult => ({ student: name, lessons, flags: [], ms: 100, ...extra });
  const pass = (lesson: string) => ({ version: 3 as const, lesson, status: "pass" as const, tests: [{ name: "works", status: "pass" as const }] });
  function hostileBatch(): BatchResult {
    const students = [
      student("alice", { [l1]: pass(l1) }, { flags: [{ lesson: l1, kind: "matches-student", other: RLO_ALICE }] }),
      student(RLO_ALICE, { [l1]: pass(l1) }, { flags: [{ lesson: l1, kind: "matches-student", other: "alice" }], writtenAnswer: "\u202Egnorw si siht" }),
      student(BOB, {
        [l1]: { version: 3, lesson: l1, status: "fail", tests: [{ name: "check \u200b one", status: "fail", message: "expected 1\u001b[2J got 2\u200b", output: "printed \u001b[2J\u2066x\u2069" }] },
        [l2]: { version: 3, lesson: l2, status: "error", tests: [], message: "could not compile: \u001b[2J\u200b\rgotcha\u0085" },
        [l3]: { version: 3, lesson: l3, status: "error", tests: [], message: "no lessons/ folder \uFEFF\u061C\u00AD\u180E\u2060\u2064" },
      }),
      student(BROKEN_LINES, { [l1]: pass(l1) }, { flags: [{ lesson: l1, kind: "matches-student", other: BROKEN_LINES }] }),
      ...FORMULAS.map((name) => student(name, { [l1]: pass(l1) })),
    ];
    return { version: 1, generatedAt: "2026-11-27T10:00:00.000Z", lessons: ALL_LESSONS, students };
  }
  const noColours = pc.createColors(false);
  function progressLines(b: BatchResult): string {
    const lines: string[] = [];
    const p = new Progress(b.students.length, { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream);
    for (const s of b.students) {
      p.start(s.student);
      p.finish(s, b.lessons);
    }
    p.end();
    return lines.join("");
  }
  const rendered = () => {
    const b = hostileBatch();
    return { csv: gradesCsv(b), html: reportHtml(b), junit: junitXml(b), table: renderTable(b, noColours), progress: progressLines(b) };
  };

  it("carries no raw control, format (Cf) or lone surrogate character, in any report", () => {
    const found = Object.fromEntries(Object.entries(rendered()).map(([k, text]) => [k, invisibles(text)]));
    expect(found).toEqual({ csv: [], html: [], junit: [], table: [], progress: [] });
  });

  it("shows them visibly, as \\u202e and \\u001b, in every report", () => {
    const shown = Object.fromEntries(Object.entries(rendered()).map(([k, text]) => [k, ["\\u202e", "\\u001b"].filter((v) => text.includes(v))]));
    const both = ["\\u202e", "\\u001b"];
    expect(shown).toEqual({ csv: both, html: both, junit: both, table: both, progress: both });
  });

  it("keeps names on one line: no tab, CR or LF in a CSV name, on a terminal line, nor a CRLF but at CSV row ends", () => {
    const r = rendered();
    const b = hostileBatch();
    const names = parseCsv(r.csv).slice(1).map((row) => row[0]);
    expect({
      csvNames: names.filter((n) => /[\t\r\n]/.test(n)),
      csvLines: r.csv.split("\r\n").length - 1,
      csvStrayBreaks: /[\r\n]/.test(r.csv.replace(/\r\n/g, "")),
      terminal: [r.table, r.progress].filter((t) => /[\t\r]/.test(t)),
      progressLines: r.progress.split("\n").length - 1,
    }).toEqual({ csvNames: [], csvLines: b.students.length + 1, csvStrayBreaks: false, terminal: [], progressLines: b.students.length });
  });

  it("never shows a second alice: a name that looks like another is shown as what it is", () => {
    const r = rendered();
    const csvNames = parseCsv(r.csv).slice(1).map((row) => row[0]);
    const htmlNames = [...r.html.matchAll(/<span class="name">(.*?)<\/span>/gs)].map((m) => decodeHtml(m[1]));
    const junitNames = parseXml(r.junit).children.map((s) => s.attrs.name);
    const alices = (names: string[]) => names.filter((n) => asDisplayed(n) === "alice").length;
    expect({ csv: alices(csvNames), html: alices(htmlNames), junit: alices(junitNames) }).toEqual({ csv: 1, html: 1, junit: 1 });
    expect(csvNames.slice(0, 3)).toEqual(["alice", "\\u202eecila", "bob\\u0007\\u001b[31m\\u0000x"]);
  });

  it("keeps the formula defence, applied to the escaped text", () => {
    const rows = parseCsv(rendered().csv).slice(1);
    expect(rows.slice(4).map((row) => row[0])).toEqual([`'=HYPERLINK("http://evil.example","\\u202ealice")\\u0000`, "\\u0009=1+1", "'@SUM(1)\\u001b"]);
    // The flags column names the other student the same way.
    expect(rows[0].at(-1)).toBe(`${l1}: identical to \\u202eecila's file`);
  });
});
