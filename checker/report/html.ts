// report.html: one self-contained page (inline CSS, no script, no external resource, a
// Content-Security-Policy that forbids both) with the class table, every cell opening that
// student's checks and messages (<details>), the integrity flags, and lesson 07's written
// answers for reading. Everything a student controls is escaped (escape.ts).
import type { BatchResult, StudentResult } from "../batch/types.ts";
import { LESSONS } from "../manifest.ts";
import { html, visibleFlag, visibleName } from "./escape.ts";
import { describeFlag } from "./flags.ts";
import { lessonScore, POINTS_PER_LESSON, studentScore, type LessonScore } from "./points.ts";
import type { LessonResult, TestResult } from "./results.ts";

const WRITTEN = "07-why-not-verify-false";
/** Beyond this, a check's printed output is cut in the page (results.json keeps it all). */
const OUTPUT_LIMIT = 4000;
const MESSAGE_LIMIT = 8000;

const MARK: Record<LessonScore["status"] | TestResult["status"], string> = { pass: "✔", fail: "✘", error: "⚠", skip: "○", missing: "—" };

/** A student's name: on one line, nothing invisible, nothing passing for another name (escape.ts). */
const name = (student: string) => html(visibleName(student));

function clip(s: string, limit: number): string {
  return s.length <= limit ? s : `${s.slice(0, limit)}\n… (${s.length - limit} more characters in results.json)`;
}

function lessonTitle(id: string): string {
  return LESSONS.find((l) => l.id === id)?.title ?? id;
}

function checkItem(t: TestResult): string {
  const parts = [`<li class="check ${t.status}"><span class="mark">${MARK[t.status]}</span> ${html(t.name)}${t.status === "skip" ? " <em>(skipped)</em>" : ""}`];
  if (t.message && t.status !== "pass") parts.push(`<pre class="msg">${html(clip(t.message, MESSAGE_LIMIT))}</pre>`);
  if (t.output) parts.push(`<details class="out"><summary>what the code printed</summary><pre>${html(clip(t.output, OUTPUT_LIMIT))}</pre></details>`);
  parts.push("</li>");
  return parts.join("");
}

function cell(s: StudentResult, lesson: string): string {
  const r: LessonResult | undefined = s.lessons[lesson];
  const sc = lessonScore(r);
  const flags = s.flags.filter((f) => f.lesson === lesson);
  const flagMark = flags.length ? ` <span class="flag" title="${html(flags.map((f) => describeFlag(visibleFlag(f))).join("; "))}">⚑</span>` : "";
  const label = sc.status === "missing" ? "not graded" : r && r.tests.length === 0 ? "error" : `${sc.passed}/${sc.total}`;
  const panel: string[] = [`<div class="panel"><h3>${name(s.student)} · ${html(lessonTitle(lesson))}</h3>`];
  if (!r) panel.push(`<p>This lesson has no result for this student.</p>`);
  else {
    panel.push(`<p class="score">${sc.points} of ${sc.max} points · ${sc.passed} of ${sc.total} checks pass${sc.skipped ? ` · ${sc.skipped} skipped` : ""}</p>`);
    if (r.message) panel.push(`<pre class="msg lesson-msg">${html(clip(r.message, MESSAGE_LIMIT))}</pre>`);
    for (const f of flags) panel.push(`<p class="flagged">⚑ ${html(describeFlag(visibleFlag(f)))} (a signal, not a verdict)</p>`);
    if (r.tests.length) panel.push(`<ul class="checks">${r.tests.map(checkItem).join("")}</ul>`);
  }
  panel.push("</div>");
  return `<td class="cell ${sc.status}" data-lesson="${html(lesson)}" data-status="${sc.status}"><details><summary><span class="mark">${MARK[sc.status]}</span> ${label}${flagMark}</summary>${panel.join("")}</details></td>`;
}

function row(s: StudentResult, i: number, lessons: string[]): string {
  const total = studentScore(s, lessons);
  return [
    `<tr id="student-${i}" class="student">`,
    `<th scope="row"><span class="name">${name(s.student)}</span><span class="ms">${(s.ms / 1000).toFixed(1)} s</span></th>`,
    ...lessons.map((l) => cell(s, l)),
    `<td class="total" data-points="${total.points}"><b>${total.points}</b> / ${total.max}<br><span class="sub">${total.lessonsPassed} of ${lessons.length} pass</span></td>`,
    `</tr>`,
  ].join("");
}

function flagsSection(result: BatchResult): string {
  const rows = result.students.flatMap((s) => s.flags.map((f) => `<tr><td>${name(s.student)}</td><td>${html(f.lesson)}</td><td>${html(describeFlag(visibleFlag(f)))}</td></tr>`));
  const body = rows.length
    ? `<table class="flags"><thead><tr><th scope="col">student</th><th scope="col">lesson</th><th scope="col">the learner file is</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
    : `<p>No learner file is identical to the reference solution or to another student's.</p>`;
  return `<section id="flags"><h2>Integrity signals</h2><p class="sub">Files identical after whitespace and comments are normalised. Signals for you to look at, not verdicts: short exercises converge, and students may share a starting point.</p>${body}</section>`;
}

function answersSection(result: BatchResult): string {
  const graded = result.lessons.includes(WRITTEN);
  if (!graded && !result.students.some((s) => s.writtenAnswer !== undefined)) return "";
  const items = result.students.map((s, i) => {
    const r = s.lessons[WRITTEN];
    const sc = lessonScore(r);
    const verdict = r ? `automatic check: <span class="${sc.status}">${MARK[sc.status]} ${sc.passed}/${sc.total}</span>` : "not graded";
    const text = s.writtenAnswer?.trim() ? `<div class="answer">${html(s.writtenAnswer)}</div>` : `<p class="sub">No answer.</p>`;
    return `<article id="answer-${i}" class="written"><h3>${name(s.student)}</h3><p class="sub">${verdict} · ${(s.writtenAnswer ?? "").trim().split(/\s+/).filter(Boolean).length} words</p>${text}</article>`;
  });
  return `<section id="answers"><h2>${html(lessonTitle(WRITTEN))} · written answers</h2><p class="sub">Shown as written (Markdown is not rendered). The automatic check looks for ideas, not exact words: it is worth reading them.</p>${items.join("")}</section>`;
}

const CSS = `
:root { color-scheme: light; --pass: #1a7f37; --fail: #cf222e; --error: #9a6700; --skip: #6e7781; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; padding: 1.5rem; max-width: 110rem; color: #1f2328; background: #fff; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1rem; margin: 0 0 .4rem; }
.sub { color: #59636e; font-size: .9em; }
table { border-collapse: collapse; }
.grades th, .grades td { border: 1px solid var(--line); padding: .3rem .5rem; vertical-align: top; text-align: left; }
.grades thead th { background: #f6f8fa; position: sticky; top: 0; z-index: 1; font-weight: 600; }
.grades thead th span { display: block; font-weight: normal; font-size: .8em; color: #59636e; }
.grades tbody th { min-width: 10rem; max-width: 18rem; overflow-wrap: anywhere; font-weight: 600; }
.grades tbody th .ms { display: block; font-weight: normal; font-size: .8em; color: #59636e; }
.cell summary { cursor: pointer; white-space: nowrap; list-style-position: inside; }
.cell.pass { background: #dafbe1; } .cell.fail { background: #ffebe9; } .cell.error, .cell.missing { background: #fff8c5; }
.mark { font-weight: 700; }
.pass > .mark, .pass .mark, span.pass { color: var(--pass); }
.fail > .mark, .fail .mark, span.fail { color: var(--fail); }
.error > .mark, .error .mark, .missing .mark, span.error { color: var(--error); }
.skip > .mark, .skip .mark { color: var(--skip); }
.flag { color: #8250df; font-weight: 700; }
/* An open cell's checks float over the table (it keeps its layout); columns from the 5th open leftwards. */
.cell { position: relative; }
.cell > details[open] > summary { outline: 2px solid #0969da; outline-offset: 2px; border-radius: 2px; }
.panel { position: absolute; z-index: 3; top: calc(100% - 2px); left: -1px; width: min(72ch, 85vw); max-height: 70vh; overflow: auto; padding: .6rem .7rem; background: #fff; border: 1px solid #8c959f; border-radius: 6px; box-shadow: 0 8px 24px rgba(66, 74, 83, .25); white-space: normal; font-weight: normal; }
.cell:nth-child(n+6) .panel { left: auto; right: -1px; }
@media print { .panel { position: static; width: auto; max-height: none; box-shadow: none; } }
.checks { list-style: none; padding: 0; margin: 0; }
.check { padding: .2rem 0; border-top: 1px solid #eaeef2; overflow-wrap: anywhere; }
.check .mark { display: inline-block; width: 1.2em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; border-radius: 4px; padding: .4rem .5rem; margin: .3rem 0 .3rem 1.2em; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.lesson-msg { margin-left: 0; }
details.out summary { cursor: pointer; color: #59636e; font-size: .9em; margin-left: 1.2em; }
.flagged { color: #8250df; }
.total { white-space: nowrap; }
.grades tfoot td, .grades tfoot th { background: #f6f8fa; font-size: .9em; }
table.flags th, table.flags td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left; overflow-wrap: anywhere; }
.written { border: 1px solid var(--line); border-radius: 6px; padding: .7rem 1rem; margin: .8rem 0; max-width: 80ch; }
.answer { white-space: pre-wrap; overflow-wrap: anywhere; }
`;

export function reportHtml(result: BatchResult): string {
  const { lessons, students } = result;
  const head = lessons.map((l) => `<th scope="col" title="${html(lessonTitle(l))}">${html(l.slice(0, 2))}<span>${html(l.slice(3))}</span></th>`).join("");
  const foot = lessons
    .map((l) => {
      const passed = students.filter((s) => s.lessons[l]?.status === "pass").length;
      return `<td>${passed} of ${students.length} pass</td>`;
    })
    .join("");
  const totals = students.map((s) => studentScore(s, lessons).points);
  const average = totals.length ? (totals.reduce((a, b) => a + b, 0) / totals.length).toFixed(1) : "–";
  const table = students.length
    ? `<table class="grades"><thead><tr><th scope="col">student</th>${head}<th scope="col">total<span>points</span></th></tr></thead><tbody>${students
        .map((s, i) => row(s, i, lessons))
        .join("\n")}</tbody><tfoot><tr><th scope="row">class</th>${foot}<td>average ${average}</td></tr></tfoot></table>`
    : `<p>No submissions were graded.</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>TLS workbook · class report</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>TLS workbook · class report</h1>
<p class="sub">${students.length} submission${students.length === 1 ? "" : "s"} · ${lessons.length} lesson${lessons.length === 1 ? "" : "s"} · graded ${html(result.generatedAt)} · ${POINTS_PER_LESSON} points per lesson, in proportion to the checks that pass (rounded down) · click a cell for the checks and messages</p></header>
<main>
<section id="class"><h2>Class</h2>
${table}
</section>
${flagsSection(result)}
${answersSection(result)}
</main>
</body>
</html>
`;
}
