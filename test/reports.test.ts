// The class reports (checker/report/batch-reports.ts and its parts), from real gradings
// (three students graded against one lab) and from a hand-made batch with every status:
// results.json keeps the v3 objects, junit.xml is well-formed XML whose counts match the
// results, grades.csv has the documented columns and RFC 4180 quoting, report.html escapes
// hostile names and output.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pc from "picocolors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderTable } from "../checker/batch/table.ts";
import type { BatchResult, StudentResult } from "../checker/batch/types.ts";
import { UsageError } from "../checker/cli/common.ts";
import { REPORT_FILES, writeReports } from "../checker/report/batch-reports.ts";
import { gradesCsv } from "../checker/report/csv.ts";
import { reportHtml } from "../checker/report/html.ts";
import { junitXml } from "../checker/report/junit.ts";
import { flagClusters } from "../checker/report/flags.ts";
import { classSummary, summaryCsv, summaryText } from "../checker/report/summary.ts";
import { visibleControls } from "../checker/report/escape.ts";
import { lessonScore } from "../checker/report/points.ts";
import type { TestResult } from "../checker/report/results.ts";
import { ALL_LESSONS, gradedBatch, handBatch, HOSTILE_ANSWER, HOSTILE_NAME, HOSTILE_OUTPUT, QUOTED_NAME } from "./fixtures/batch-result.ts";
import { progressLines } from "./helpers.ts";

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
  it("writes the five files and returns their paths; results.json holds the v3 objects", async () => {
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
      const file = gradesCsv(b);
      expect(file.startsWith("\uFEFF")).toBe(true); // a UTF-8 byte-order mark, for Excel
      const text = file.slice(1);
      expect(text.endsWith("\r\n")).toBe(true);
      expect(text.replace(/\r\n/g, "")).not.toMatch(/(?<!")\n/); // line breaks only inside quoted fields
      const rows = parseCsv(text);
      expect(rows[0]).toEqual(["student", ...ALL_LESSONS, "total", "max", "flags", "overridden"]);
      expect(rows.length).toBe(b.students.length + 1);
      for (const [i, s] of b.students.entries()) {
        const row = rows[i + 1];
        expect(row.length).toBe(rows[0].length);
        const cells = row.slice(1, 1 + ALL_LESSONS.length).map(Number);
        expect(cells).toEqual(ALL_LESSONS.map((id) => lessonScore(s.lessons[id]).points));
        for (const c of cells) expect(Number.isInteger(c) && c >= 0 && c <= 10).toBe(true);
        expect(Number(row[1 + ALL_LESSONS.length])).toBe(cells.reduce((a, c) => a + c, 0));
        expect(Number(row[2 + ALL_LESSONS.length])).toBe(10 * ALL_LESSONS.length);
        expect(row.at(-1)).toBe(""); // nothing set by hand
      }
    }
  });

  it("quotes names with commas and quotes, and keeps a formula from being evaluated", () => {
    const text = gradesCsv(handBatch());
    expect(text).toContain(`"O'Neil, Zoë ""Z""",`);
    const rows = parseCsv(text);
    expect(rows[2][0]).toBe(QUOTED_NAME);
    expect(rows[3][0]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(rows[2].at(-2)).toBe(`05-reject-bad-certs: identical to =HYPERLINK("http://evil.example","x")'s file; 03-inspect-cert: identical to the reference solution`);
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
      // (but for the links from the class table to each student's section, within the page)
      for (const tag of tags) expect(tag.replace(/^<a class="to-detail" href="#detail-\d+">$/, "<a>").replace(/"[^"]*"/g, '""')).not.toMatch(/\s(src|href|action|formaction|srcset|poster|data|on\w+)=/i);
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
    expect(page).toContain(`<li class="cluster" data-lesson="05-reject-bad-certs" data-students="2"><b>lesson 05 · Rejecting bad certificates</b>: <span class="who">O&#39;Neil, Zoë &quot;Z&quot;</span> and <span class="who">=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)</span> have the same file</li>`);
    expect(page).toContain(`<tr><td>O&#39;Neil, Zoë &quot;Z&quot;</td><td>03-inspect-cert</td><td>identical to the reference solution</td></tr>`);
    // Written answers: shown as written, a paragraph per <p>.
    expect(page).toContain(`<div class="answer"><p>Without verification the bytes are still encrypted, but anyone in the middle can pose as the server.</p><p>Trust the self-signed certificate with \`ca\` instead.</p></div>`);
    expect(page).toMatch(/<article id="answer-1" class="written"><h3>O&#39;Neil, Zoë &quot;Z&quot;<\/h3><p class="sub">[^<]*<span class="fail">✘ 0\/1<\/span> · 0 words<\/p><p class="sub">No answer.<\/p>/);
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
  const rendered = () => {
    const b = hostileBatch();
    const csv = gradesCsv(b);
    expect(csv.startsWith("\uFEFF")).toBe(true); // the byte-order mark, U+FEFF, is grades.csv's first character and no other
    return { csv: csv.slice(1), html: reportHtml(b), junit: junitXml(b), table: renderTable(b, noColours), progress: progressLines(b).join("") };
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
    expect(rows[0].at(-2)).toBe(`${l1}: identical to \\u202eecila's file`);
  });
});

// ---- the class summary (summary.ts, summary.csv) ----

/** Four students, three lessons: passes, failures, a compile error, an error check, skips, a missing lesson, points set by hand. */
function summaryBatch(): BatchResult {
  const [l1, l2, l3] = ALL_LESSONS;
  const t = (name: string, status: TestResult["status"], message?: string): TestResult => ({ name, status, ...(message ? { message } : {}) });
  const r = (lesson: string, status: "pass" | "fail" | "error", tests: TestResult[], message?: string) => ({ version: 3 as const, lesson, status, tests, ...(message ? { message } : {}) });
  const VERIFIES = `verifies "the name", not the IP`;
  const students: StudentResult[] = [
    {
      student: "alice",
      lessons: {
        [l1]: r(l1, "pass", [t("reads answers", "pass"), t("q02 is right", "pass")]),
        [l2]: r(l2, "fail", [t("connects", "fail", "refused"), t(VERIFIES, "pass"), t("live: example.com", "skip", "offline")]),
        [l3]: r(l3, "error", [t("parses", "pass"), t("checks dates", "error", "the grader itself failed")]),
      },
      flags: [],
      ms: 10,
    },
    {
      student: "bob",
      lessons: {
        [l1]: r(l1, "fail", [t("reads answers", "pass"), t("q02 is right", "fail", "wrong")]),
        [l2]: r(l2, "fail", [t("connects", "fail", "refused"), t(VERIFIES, "fail", "accepted a wrong name")]),
        [l3]: r(l3, "pass", [t("parses", "pass"), t("checks dates", "pass")]),
      },
      flags: [],
      overrides: { [l2]: { points: 6, reason: "works on the lab, the grader timed out" } },
      ms: 10,
    },
    {
      student: "carol",
      lessons: {
        [l1]: r(l1, "error", [], "could not compile lessons/01-what-tls-gives/answers.json:1:2: ERROR: Unexpected end of file"),
        [l2]: r(l2, "pass", [t("connects", "pass"), t(VERIFIES, "pass")]),
        [l3]: r(l3, "pass", [t("parses", "pass"), t("checks dates", "skip", "offline")]),
      },
      flags: [],
      ms: 10,
    },
    {
      student: "dave",
      lessons: {
        [l1]: r(l1, "fail", [t("reads answers", "fail", "no answers"), t("q02 is right", "skip", "offline")]),
        // l2 missing: the batch graded it, but holds no result for dave
        [l3]: r(l3, "error", [], "no lessons/03-inspect-cert/exercise.ts"),
      },
      flags: [],
      ms: 10,
    },
  ];
  return { version: 1, generatedAt: "2026-11-27T10:00:00.000Z", lessons: [l1, l2, l3], students };
}

describe("class summary (summary.ts)", () => {
  const [l1, l2, l3] = ALL_LESSONS;

  it("counts per lesson the students who passed, failed, could not be graded, and the mean points (points set by hand included)", () => {
    const sum = classSummary(summaryBatch());
    expect(sum.students).toBe(4);
    expect(sum.lessons.map(({ lesson, passed, failed, ungraded, missing, overridden }) => ({ lesson, passed, failed, ungraded, missing, overridden }))).toEqual([
      { lesson: l1, passed: 1, failed: 2, ungraded: 1, missing: 0, overridden: 0 },
      { lesson: l2, passed: 1, failed: 2, ungraded: 1, missing: 1, overridden: 1 },
      { lesson: l3, passed: 2, failed: 0, ungraded: 2, missing: 0, overridden: 0 },
    ]);
    // l1: 10 + 5 + 0 + 0; l2: 5 + 6 (by hand; computed 0) + 10 + 0; l3: 5 + 10 + 10 + 0
    expect(sum.lessons.map((l) => l.meanPoints)).toEqual([15 / 4, 21 / 4, 25 / 4]);
    expect(sum.meanTotal).toBe((20 + 21 + 20 + 0) / 4);
    expect(sum.maxTotal).toBe(30);
  });

  it("gives each check its pass rate over the students it was judged for, and the checks most failed", () => {
    const sum = classSummary(summaryBatch());
    const VERIFIES = `verifies "the name", not the IP`;
    expect(sum.checks.map(({ lesson, check, judged, passed, failed, errors, skipped, passRate }) => [lesson, check, judged, passed, failed, errors, skipped, passRate])).toEqual([
      [l1, "reads answers", 3, 2, 1, 0, 0, 2 / 3],
      [l1, "q02 is right", 2, 1, 1, 0, 1, 1 / 2],
      [l2, "connects", 3, 1, 2, 0, 0, 1 / 3],
      [l2, VERIFIES, 3, 2, 1, 0, 0, 2 / 3],
      [l2, "live: example.com", 0, 0, 0, 0, 1, null],
      [l3, "parses", 3, 3, 0, 0, 0, 1],
      [l3, "checks dates", 2, 1, 1, 1, 1, 1 / 2],
    ]);
    // Most failures first; ties by name, not by lesson.
    expect(sum.mostFailed.map((c) => c.check)).toEqual(["connects", "checks dates", "q02 is right", "reads answers", VERIFIES]);
  });

  it("lists at most 10 checks as the most failed", () => {
    const b = summaryBatch();
    const many: TestResult[] = [...Array(14)].map((_, k) => ({ name: `check ${String(k).padStart(2, "0")}`, status: k < 12 ? "fail" : "pass" }));
    b.students[0].lessons[l1] = { version: 3, lesson: l1, status: "fail", tests: many };
    const most = classSummary(b).mostFailed;
    expect(most.length).toBe(10);
    expect(most[0].check).toBe("connects"); // 2 failures
    expect(most.slice(1).map((c) => c.check)).toEqual(["check 00", "check 01", "check 02", "check 03", "check 04", "check 05", "check 06", "check 07", "check 08"]);
  });

  it("summaryText: the lesson table and the checks most failed, plain text, no line over 80 characters", () => {
    const text = summaryText(summaryBatch());
    const lines = text.trimEnd().split("\n");
    expect(lines.filter((l) => [...l].length > 80)).toEqual([]);
    expect(text).not.toMatch(/\u001b/); // no colour
    expect(lines[0]).toBe("Class summary: 4 students, 3 lessons, mean 15.3 of 30 points");
    expect(text).toMatch(new RegExp(`^${l1}\\s+1\\s+2\\s+1\\s+3\\.8 / 10$`, "m"));
    expect(text).toMatch(new RegExp(`^${l2}\\s+1\\s+2\\s+1\\s+5\\.3 / 10$`, "m"));
    expect(text).toMatch(new RegExp(`^${l3}\\s+2\\s+0\\s+2\\s+6\\.3 / 10$`, "m"));
    expect(text).toMatch(new RegExp(`^\\s+2/3\\s+33%\\s+${l2} · connects$`, "m"));
    // However long a check's name, and whatever it holds, at the width asked for.
    const b = summaryBatch();
    b.students[1].lessons[l3] = { version: 3, lesson: l3, status: "fail", tests: [{ name: `a check \u001b[31mwith a name ${"far too long ".repeat(20)}`, status: "fail" }] };
    for (const width of [80, 60, 40]) {
      const narrow = summaryText(b, width).trimEnd().split("\n");
      expect(narrow.filter((l) => [...l].length > width), `width ${width}`).toEqual([]);
      expect(narrow.join("\n")).not.toMatch(/\u001b/);
    }
    expect(summaryText(b)).toContain("a check \\u001b[31mwith a name far too long");
  });

  it("summary.csv: a BOM, RFC 4180 with CRLF, a row per lesson and per check that add up", () => {
    const b = summaryBatch();
    const file = summaryCsv(b);
    expect(file.startsWith("\uFEFF")).toBe(true);
    const text = file.slice(1);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(["lesson", "check", "judged", "passed", "failed", "pass_rate"]);
    const sum = classSummary(b);
    expect(rows.length).toBe(1 + sum.lessons.length + sum.checks.length);
    expect(text).toContain(`"verifies ""the name"", not the IP"`); // quoted where needed
    for (const row of rows.slice(1)) {
      expect(row.length).toBe(6);
      const [judged, passed, failed] = row.slice(2, 5).map(Number);
      expect(passed + failed, row.join(",")).toBe(judged);
      if (judged === 0) expect(row[5]).toBe("");
      else expect(Number(row[5])).toBeCloseTo(passed / judged, 4);
    }
    const lessonRows = rows.filter((r) => r[1] === "(lesson)");
    // judged: the students with a result for the lesson (dave has none for l2)
    expect(lessonRows).toEqual([
      [l1, "(lesson)", "4", "1", "3", "0.25"],
      [l2, "(lesson)", "3", "1", "2", "0.3333"],
      [l3, "(lesson)", "4", "2", "2", "0.5"],
    ]);
    // Each lesson's check rows follow it, and are the summary's.
    expect(rows.slice(1, 4)).toEqual([
      [l1, "(lesson)", "4", "1", "3", "0.25"],
      [l1, "reads answers", "3", "2", "1", "0.6667"],
      [l1, "q02 is right", "2", "1", "1", "0.5"],
    ]);
    expect(rows.find((r) => r[1] === "live: example.com")).toEqual([l2, "live: example.com", "0", "0", "0", ""]);
  });

  it("summary.csv and summaryText show no raw control or format character, and keep a formula a text", () => {
    const b = handBatch(); // a check name with \u0001 and \u001b, a message with NUL and lone surrogates
    b.students[2].lessons[ALL_LESSONS[0]].tests.push({ name: "=1+1", status: "fail" });
    const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\uFFFE\uFFFF]|\p{Cf}|[\uD800-\uDFFF]/u;
    const csv = summaryCsv(b).slice(1);
    expect(csv).not.toMatch(INVISIBLE);
    expect(summaryText(b)).not.toMatch(INVISIBLE);
    expect(csv).toContain("control \\u0001 characters \\u001b[1m and ]]> in a name");
    expect(parseCsv(csv).find((r) => r[0] === ALL_LESSONS[0] && r[1].includes("1+1"))?.[1]).toBe("'=1+1");
  });

  it("is written by writeReports as summary.csv, after report.html", async () => {
    expect(REPORT_FILES).toEqual(["results.json", "grades.csv", "junit.xml", "report.html", "summary.csv"]);
    const dir = path.join(tmp, "summary-out");
    const paths = await writeReports(summaryBatch(), dir);
    expect(paths.at(-1)).toBe(path.join(dir, "summary.csv"));
    expect(fs.readFileSync(path.join(dir, "summary.csv"), "utf8")).toBe(summaryCsv(summaryBatch()));
    expect(fs.readdirSync(dir).sort()).toEqual([...REPORT_FILES].sort());
  });
});

// ---- report.html: the class summary, a section per student, clusters, answers, points set by hand ----

describe("report.html sections", () => {
  const [l1, l2, l3, , l5, l6] = ALL_LESSONS;
  const textOf = (fragment: string) =>
    fragment
      .replace(/<[^>]*>/g, "")
      .replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!)
      .replace(/\s+/g, " ")
      .trim();
  const section = (page: string, id: string) => new RegExp(`<section id="${id}">(.*?)</section>`, "s").exec(page)?.[1] ?? "";
  const detail = (page: string, i: number) => new RegExp(`<article id="detail-${i}" class="detail">(.*?)</article>`, "s").exec(page)?.[1] ?? "";

  /** Four students handing in one file for lesson 05 (12 pairwise flags), two others another; a chain flagged one way in lesson 06. */
  function sharingBatch(): BatchResult {
    const names = ["alice", "bob", "carol", "dave", "erin", "frank"];
    const pass = (l: string) => ({ version: 3 as const, lesson: l, status: "pass" as const, tests: [{ name: "works", status: "pass" as const }] });
    const students: StudentResult[] = names.map((student) => ({ student, lessons: { [l5]: pass(l5), [l6]: pass(l6) }, flags: [], ms: 10 }));
    const [a, b, c, d, e, f] = students;
    for (const s of [a, b, c, d]) for (const o of [a, b, c, d]) if (o !== s) s.flags.push({ lesson: l5, kind: "matches-student", other: o.student });
    e.flags.push({ lesson: l5, kind: "matches-student", other: "frank" });
    f.flags.push({ lesson: l5, kind: "matches-student", other: "erin" });
    // 06: alice → bob and carol → bob, never back: still one group of three.
    a.flags.push({ lesson: l6, kind: "matches-student", other: "bob" });
    c.flags.push({ lesson: l6, kind: "matches-student", other: "bob" });
    d.flags.push({ lesson: l6, kind: "matches-solution" });
    return { version: 1, generatedAt: "2026-11-27T10:00:00.000Z", lessons: [l5, l6], students };
  }

  it("groups students sharing a file into one cluster per lesson (union-find), not pairwise rows", () => {
    const b = sharingBatch();
    expect(flagClusters(b.students, b.lessons)).toEqual([
      { lesson: l5, students: ["alice", "bob", "carol", "dave"] },
      { lesson: l5, students: ["erin", "frank"] },
      { lesson: l6, students: ["alice", "bob", "carol"] },
    ]);
    const page = reportHtml(b);
    const flags = section(page, "flags");
    const clusters = [...flags.matchAll(/<li class="cluster"[^>]*>(.*?)<\/li>/gs)].map((m) => textOf(m[1]));
    expect(clusters).toEqual([
      "lesson 05 · Rejecting bad certificates: alice, bob, carol and dave have the same file",
      "lesson 05 · Rejecting bad certificates: erin and frank have the same file",
      "lesson 06 · A TLS health checker: alice, bob and carol have the same file",
    ]);
    // Not 12 rows for the four: the table is left for "identical to the reference solution".
    expect(flags.match(/<tr>/g)?.length).toBe(2); // its head, and dave's one row
    expect(flags).toContain(`<tr><td>dave</td><td>${l6}</td><td>identical to the reference solution</td></tr>`);
    expect(page).not.toMatch(/identical to (alice|bob|carol|dave)&#39;s file/);
    // A cell says it once too: alice's lesson 05 names the three others.
    expect(page).toContain(`<span class="flag" title="identical to the files of bob, carol and dave">⚑</span>`);
  });

  it("gives each student of a cluster one junit property per lesson, naming the others", () => {
    const root = parseXml(junitXml(sharingBatch()));
    const props = (i: number) => root.children[i].children.find((c) => c.name === "properties")!.children.map((p) => p.attrs.value);
    expect(props(0)).toEqual([`${l5}: identical to the files of bob, carol and dave`, `${l6}: identical to the files of bob and carol`]);
    expect(props(1)).toEqual([`${l5}: identical to the files of alice, carol and dave`, `${l6}: identical to the files of alice and carol`]);
    expect(props(3)).toEqual([`${l5}: identical to the files of alice, bob and carol`, `${l6}: identical to the reference solution`]);
    expect(props(4)).toEqual([`${l5}: identical to frank's file`]); // a pair reads as before
  });

  it("has a class summary: per lesson passed, failed, could not be graded, mean points; the checks most failed", () => {
    const page = reportHtml(summaryBatch());
    const summary = section(page, "summary");
    const rows = [...summary.matchAll(/<tr data-lesson="([^"]+)">(.*?)<\/tr>/gs)].map((m) => [m[1], ...[...m[2].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => textOf(c[1]))]);
    expect(rows).toEqual([
      [l1, "01 · What TLS gives you", "1", "2", "1", "3.8 / 10", "25%"],
      [l2, "02 · A verified TLS client", "1", "2", "1", "5.3 / 10", "25%"],
      [l3, "03 · What is in a real certificate", "2", "0", "2", "6.3 / 10", "50%"],
    ]);
    const failed = /<table class="summary most-failed">(.*?)<\/table>/s.exec(summary)?.[1] ?? "";
    const checks = [...failed.matchAll(/<td class="check-name">(.*?)<\/td>/g)].map((m) => textOf(m[1]));
    expect(checks).toEqual(["connects", "checks dates", "q02 is right", "reads answers", `verifies "the name", not the IP`]);
    expect(textOf(failed.replace(/<\/t[dh]>/g, " "))).toContain("connects 02 · A verified TLS client 2 of 3 33% checks dates 03 · What is in a real certificate 1 of 2 (1 could not run) 50%");
  });

  it("has a section per student with every failing or error check and its message, and where a lesson did not compile", () => {
    const b = handBatch();
    const page = reportHtml(b);
    expect(page).toContain(`<section id="students">`);
    expect(page).toContain(`<a class="to-detail" href="#detail-0"><span class="name">Ada Lovelace</span></a>`);
    const ada = detail(page, 0);
    expect(ada).toContain(`<h3 class="who">Ada Lovelace</h3>`);
    expect(ada).toContain("daysLeft is rounded down");
    expect(ada).toContain("expected: 29\ngot:      30\nwhy it matters: off by one");
    expect(ada).toContain("echo server answers <em>(the check could not run)</em>");
    expect(ada).toContain("the grader itself failed on this check (please report it): Error: boom");
    expect(ada).not.toContain("reads the subject"); // a passing check is not listed
    expect(ada).not.toContain("debug: 30"); // nor what the code printed (in the cell and results.json)
    const zoe = detail(page, 1);
    expect(zoe).toContain(`Could not compile <code>lessons/02-verified-client/exercise.ts</code>, line 3, column 10:</p><pre class="msg lesson-msg">ERROR: Expected &quot;;&quot; but found &quot;{&quot;</pre>`);
    expect(zoe).toContain("answers.json is not valid JSON: Unexpected end of JSON input");
    expect(zoe).toContain("Not graded: the batch holds no result for this lesson.");
    expect(zoe).toContain("a, b, &quot;c&quot;\r\nd");
    expect(zoe).toContain(`⚑ ${l5}: identical to =HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)&#39;s file`);
    expect(detail(page, 2)).toContain("NUL \\u0000, bell \\u0007");
  });

  it("shows lesson 07's answer only for students who handed one in, reflowed into paragraphs", () => {
    const b = handBatch();
    b.students[0].writtenAnswer = "Without verification the bytes are still encrypted,\nbut anyone in the middle\r\ncan pose as the server.\n\n  \nTrust the certificate with `ca`.\n";
    const page = reportHtml(b);
    const answers = section(page, "answers");
    expect([...answers.matchAll(/<article id="answer-(\d+)" class="written">/g)].map((m) => m[1])).toEqual(["0", "1"]); // not the student without one
    expect(b.students[2].writtenAnswer).toBeUndefined();
    expect(answers).toContain(`<div class="answer"><p>Without verification the bytes are still encrypted, but anyone in the middle can pose as the server.</p><p>Trust the certificate with \`ca\`.</p></div>`);
    expect(answers).toMatch(/<article id="answer-1" class="written"><h3>O&#39;Neil, Zoë &quot;Z&quot;<\/h3><p class="sub">[^<]*<span class="fail">✘ 0\/1<\/span> · 0 words<\/p><p class="sub">No answer.<\/p>/);
    expect(page).toMatch(/\.answer p \{ white-space: pre-wrap;/);
  });

  it("marks points set by hand in the class table, with the reason in the student's section", () => {
    const b = handBatch();
    const computed = lessonScore(b.students[0].lessons[l3]).points;
    b.students[0].overrides = { [l3]: { points: 9, reason: "<b>regraded</b>: the off-by-one is the lab's clock" } };
    const page = reportHtml(b);
    const row = /<tr id="student-0" class="student">(.*?)<\/tr>/s.exec(page)?.[1] ?? "";
    const cell = new RegExp(`<td class="cell fail" data-lesson="${l3}" data-status="fail">(.*?)</td>`, "s").exec(row)?.[1] ?? "";
    expect(cell).toContain(`<span class="by-hand" data-points="9">9 points (set by hand)</span>`);
    const others = row.replace(cell, "");
    expect(others).not.toContain("(set by hand)");
    const total = /<td class="total" data-points="(\d+)">/.exec(row)?.[1];
    expect(Number(total)).toBe(ALL_LESSONS.reduce((a, id) => a + lessonScore(b.students[0].lessons[id]).points, 0) - computed + 9);
    const ada = detail(page, 0);
    expect(ada).toContain(`Points set by hand: 9 of 10 (computed: ${computed}). Reason: &lt;b&gt;regraded&lt;/b&gt;: the off-by-one is the lab&#39;s clock`);
    expect(page).not.toContain("<b>regraded</b>");
  });
});
