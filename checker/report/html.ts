// report.html: one self-contained page (inline CSS, no script, no external resource, a
// Content-Security-Policy that forbids both) with
// - the class table, every cell opening that student's checks and messages (<details>),
//   points set by hand marked "(set by hand)";
// - the class summary (summary.ts): per lesson passed / failed / could not be graded and the
//   mean points, and the checks most failed;
// - the integrity signals: a file shared by several students as one cluster per lesson
//   ("05-…: alice, bob and carol have the same file", flags.ts), a file identical to the
//   reference solution per student;
// - a section per student (id "detail-N", the student's name in the table links to it)
//   listing every failing or error check with its message, why a lesson could not be graded
//   (for a compile error, where), and the points set by hand with their reason;
// - lesson 07's written answers, for the students who handed one in, reflowed: a <p> per
//   paragraph, the lines of a paragraph joined.
// It reads at 1024 px wide without a horizontal page scroll. Everything a student controls
// is escaped (escape.ts).
import type { BatchResult, StudentResult } from "../batch/types.ts";
import { LESSONS } from "../manifest.ts";
import { html, visibleLine, visibleName } from "./escape.ts";
import { flagClusters, studentSignals, type FlagCluster } from "./flags.ts";
import { lessonScore, POINTS_PER_LESSON, studentLessonPoints, studentScore, type LessonScore } from "./points.ts";
import type { LessonResult, TestResult } from "./results.ts";
import { classSummary } from "./summary.ts";

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

/** "05 · Rejecting bad certificates" */
const lessonLabel = (id: string) => `${html(id.slice(0, 2))} · ${html(lessonTitle(id))}`;

/** A student's integrity signals, for one lesson or all, each line with the names as visibleName shows them. */
const signals = (s: StudentResult, clusters: FlagCluster[], lesson?: string) => studentSignals(s, clusters, visibleName).filter((f) => lesson === undefined || f.lesson === lesson);

const pts = (n: number) => `${n} point${n === 1 ? "" : "s"}`;

function checkItem(t: TestResult): string {
  const parts = [`<li class="check ${t.status}"><span class="mark">${MARK[t.status]}</span> ${html(t.name)}${t.status === "skip" ? " <em>(skipped)</em>" : ""}`];
  if (t.message && t.status !== "pass") parts.push(`<pre class="msg">${html(clip(t.message, MESSAGE_LIMIT))}</pre>`);
  if (t.output) parts.push(`<details class="out"><summary>what the code printed</summary><pre>${html(clip(t.output, OUTPUT_LIMIT))}</pre></details>`);
  parts.push("</li>");
  return parts.join("");
}

/** The points set by hand for a lesson, as the table and the panels say it. */
function byHand(s: StudentResult, lesson: string): { points: number; computed: number; reason?: string } | undefined {
  const o = studentLessonPoints(s, lesson).overridden;
  return o && { points: o.points, computed: lessonScore(s.lessons[lesson]).points, reason: o.reason };
}

function cell(s: StudentResult, lesson: string, clusters: FlagCluster[]): string {
  const r: LessonResult | undefined = s.lessons[lesson];
  const sc = lessonScore(r);
  const hand = byHand(s, lesson);
  const flags = signals(s, clusters, lesson);
  const flagMark = flags.length ? ` <span class="flag" title="${html(flags.map((f) => f.text).join("; "))}">⚑</span>` : "";
  const label = sc.status === "missing" ? "not graded" : r && r.tests.length === 0 ? "error" : `${sc.passed}/${sc.total}`;
  const handMark = hand ? `<span class="by-hand" data-points="${hand.points}">${pts(hand.points)} (set by hand)</span>` : "";
  const panel: string[] = [`<div class="panel"><h3>${name(s.student)} · ${html(lessonTitle(lesson))}</h3>`];
  if (hand) panel.push(`<p class="score by-hand">${hand.points} of ${sc.max} points, set by hand (computed: ${hand.computed})${hand.reason ? `: ${html(hand.reason)}` : ""}</p>`);
  if (!r) panel.push(`<p>This lesson has no result for this student.</p>`);
  else {
    panel.push(`<p class="score">${hand ? "computed: " : ""}${sc.points} of ${sc.max} points · ${sc.passed} of ${sc.total} checks pass${sc.skipped ? ` · ${sc.skipped} skipped` : ""}</p>`);
    if (r.message) panel.push(`<pre class="msg lesson-msg">${html(clip(r.message, MESSAGE_LIMIT))}</pre>`);
    for (const f of flags) panel.push(`<p class="flagged">⚑ ${html(f.text)} (a signal, not a verdict)</p>`);
    if (r.tests.length) panel.push(`<ul class="checks">${r.tests.map(checkItem).join("")}</ul>`);
  }
  panel.push("</div>");
  return `<td class="cell ${sc.status}" data-lesson="${html(lesson)}" data-status="${sc.status}"><details><summary><span class="mark">${MARK[sc.status]}</span> ${label}${flagMark}${handMark}</summary>${panel.join("")}</details></td>`;
}

function row(s: StudentResult, i: number, lessons: string[], clusters: FlagCluster[]): string {
  const total = studentScore(s, lessons);
  const anyByHand = lessons.some((l) => byHand(s, l));
  return [
    `<tr id="student-${i}" class="student">`,
    `<th scope="row"><a class="to-detail" href="#detail-${i}"><span class="name">${name(s.student)}</span></a><span class="ms">${(s.ms / 1000).toFixed(1)} s</span></th>`,
    ...lessons.map((l) => cell(s, l, clusters)),
    `<td class="total" data-points="${total.points}"><b>${total.points}</b> / ${total.max}<br><span class="sub">${total.lessonsPassed} of ${lessons.length} pass</span>${anyByHand ? `<span class="sub by-hand">some set by hand</span>` : ""}</td>`,
    `</tr>`,
  ].join("");
}

// ---- the class summary ----

const percent = (r: number | null) => (r === null ? "–" : `${Math.round(r * 100)}%`);

function summarySection(result: BatchResult): string {
  const sum = classSummary(result);
  if (sum.students === 0 || sum.lessons.length === 0) return "";
  const lessonRows = sum.lessons.map(
    (l) =>
      `<tr data-lesson="${html(l.lesson)}"><th scope="row">${lessonLabel(l.lesson)}</th><td class="num">${l.passed}</td><td class="num">${l.failed}</td><td class="num">${l.ungraded}</td><td class="num">${l.meanPoints.toFixed(1)} / ${l.maxPoints}</td><td class="num">${percent(l.passed / l.students)}</td></tr>`,
  );
  const lessonTable = `<div class="table-wrap"><table class="summary lessons"><thead><tr><th scope="col">lesson</th><th scope="col">passed</th><th scope="col">failed</th><th scope="col">could not be graded</th><th scope="col">mean points</th><th scope="col">class pass rate</th></tr></thead><tbody>${lessonRows.join("")}</tbody></table></div>`;
  const failed = sum.mostFailed.length
    ? `<div class="table-wrap"><table class="summary most-failed"><thead><tr><th scope="col">check</th><th scope="col">lesson</th><th scope="col">failed</th><th scope="col">pass rate</th></tr></thead><tbody>${sum.mostFailed
        .map(
          (c) =>
            `<tr><td class="check-name">${html(visibleLine(c.check))}</td><td>${lessonLabel(c.lesson)}</td><td class="num">${c.failed} of ${c.judged}${c.errors ? ` <span class="sub">(${c.errors} could not run)</span>` : ""}</td><td class="num">${percent(c.passRate)}</td></tr>`,
        )
        .join("")}</tbody></table></div>`
    : `<p>No check failed for anyone.</p>`;
  return `<section id="summary"><h2>Class summary</h2><p class="sub">${sum.students} student${sum.students === 1 ? "" : "s"} · mean ${sum.meanTotal.toFixed(1)} of ${sum.maxTotal} points. A lesson could not be graded when its file is missing or does not compile, or a check could not run.</p>${lessonTable}<h3>The checks most failed</h3><p class="sub">Failed out of the students each check was judged for (a skipped check is not judged). Every check: summary.csv.</p>${failed}</section>`;
}

// ---- integrity signals ----

function flagsSection(result: BatchResult, clusters: FlagCluster[]): string {
  const inBatch = new Set(result.students.map((s) => s.student));
  const who = (n: string) => `<span class="who">${name(n)}</span>${inBatch.has(n) ? "" : ` <span class="sub">(not in this batch)</span>`}`;
  const names = (list: string[]) => (list.length === 2 ? `${who(list[0])} and ${who(list[1])}` : `${list.slice(0, -1).map(who).join(", ")} and ${who(list.at(-1)!)}`);
  const clusterItems = clusters.map((c) => `<li class="cluster" data-lesson="${html(c.lesson)}" data-students="${c.students.length}"><b>lesson ${lessonLabel(c.lesson)}</b>: ${names(c.students)} have the same file</li>`);
  const solutionRows = result.students.flatMap((s) =>
    s.flags.filter((f) => f.kind === "matches-solution").map((f) => `<tr><td>${name(s.student)}</td><td>${html(f.lesson)}</td><td>identical to the reference solution</td></tr>`),
  );
  const parts: string[] = [];
  if (clusterItems.length) parts.push(`<h3>The same file handed in by several students</h3><ul class="clusters">${clusterItems.join("")}</ul>`);
  if (solutionRows.length)
    parts.push(
      `<h3>Identical to the reference solution</h3><div class="table-wrap"><table class="flags"><thead><tr><th scope="col">student</th><th scope="col">lesson</th><th scope="col">the learner file is</th></tr></thead><tbody>${solutionRows.join("")}</tbody></table></div>`,
    );
  const body = parts.length ? parts.join("") : `<p>No learner file is identical to the reference solution or to another student's.</p>`;
  return `<section id="flags"><h2>Integrity signals</h2><p class="sub">Files identical after whitespace and comments are normalised. Signals for you to look at, not verdicts: short exercises converge, and students may share a starting point.</p>${body}</section>`;
}

// ---- a section per student ----

/** "could not compile lessons/02-…/exercise.ts:3:10: ERROR: …" → its file, line, column and what the compiler said. */
export function compileError(message: string): { file: string; line: number; column: number; detail: string } | undefined {
  const m = /^could not compile (.+?):(\d+):(\d+): ([\s\S]*)$/.exec(message);
  return m ? { file: m[1], line: Number(m[2]), column: Number(m[3]), detail: m[4] } : undefined;
}

function failingItem(t: TestResult): string {
  const msg = t.message ? `<pre class="msg">${html(clip(t.message, MESSAGE_LIMIT))}</pre>` : "";
  return `<li class="check ${t.status}"><span class="mark">${MARK[t.status]}</span> ${html(t.name)}${t.status === "error" ? " <em>(the check could not run)</em>" : ""}${msg}</li>`;
}

function lessonDetail(s: StudentResult, lesson: string): string | undefined {
  const r = s.lessons[lesson];
  const sc = lessonScore(r);
  const hand = byHand(s, lesson);
  const failing = (r?.tests ?? []).filter((t) => t.status === "fail" || t.status === "error");
  if (sc.status === "pass" && !hand && failing.length === 0) return undefined;
  const points = hand ? hand.points : sc.points;
  const parts = [`<div class="lesson-detail ${sc.status}" data-lesson="${html(lesson)}"><h4><span class="mark">${MARK[sc.status]}</span> ${lessonLabel(lesson)} <span class="sub">· ${points} of ${sc.max} points${hand ? " (set by hand)" : ""}</span></h4>`];
  if (hand) parts.push(`<p class="by-hand">Points set by hand: ${hand.points} of ${sc.max} (computed: ${hand.computed}). ${hand.reason ? `Reason: ${html(hand.reason)}` : "No reason given."}</p>`);
  if (!r) parts.push(`<p>Not graded: the batch holds no result for this lesson.</p>`);
  else if (r.tests.length === 0) {
    const c = r.message ? compileError(r.message) : undefined;
    if (c) parts.push(`<p class="loc">Could not compile <code>${html(visibleLine(c.file))}</code>, line ${c.line}, column ${c.column}:</p><pre class="msg lesson-msg">${html(clip(c.detail, MESSAGE_LIMIT))}</pre>`);
    else parts.push(`<p>Could not grade:</p><pre class="msg lesson-msg">${html(clip(r.message ?? "no reason given", MESSAGE_LIMIT))}</pre>`);
  } else {
    parts.push(`<p class="sub">${sc.passed} of ${sc.total} checks pass${sc.skipped ? ` · ${sc.skipped} skipped` : ""}</p>`);
    if (r.message && sc.status !== "pass") parts.push(`<pre class="msg lesson-msg">${html(clip(r.message, MESSAGE_LIMIT))}</pre>`);
    if (failing.length) parts.push(`<ul class="checks">${failing.map(failingItem).join("")}</ul>`);
  }
  parts.push("</div>");
  return parts.join("");
}

function studentsSection(result: BatchResult, clusters: FlagCluster[]): string {
  if (result.students.length === 0) return "";
  const items = result.students.map((s, i) => {
    const total = studentScore(s, result.lessons);
    const details = result.lessons.map((l) => lessonDetail(s, l)).filter((d): d is string => d !== undefined);
    const passing = result.lessons.filter((l) => s.lessons[l]?.status === "pass" && !byHand(s, l));
    const flags = signals(s, clusters);
    return [
      `<article id="detail-${i}" class="detail"><h3 class="who">${name(s.student)}</h3>`,
      `<p class="sub">${total.points} of ${total.max} points · ${total.lessonsPassed} of ${result.lessons.length} lessons pass</p>`,
      flags.length ? `<ul class="signals">${flags.map((f) => `<li class="flagged">⚑ ${html(f.lesson)}: ${html(f.text)} (a signal, not a verdict)</li>`).join("")}</ul>` : "",
      details.join(""),
      passing.length ? `<p class="passing"><span class="mark pass">${MARK.pass}</span> ${passing.length === result.lessons.length ? "Every lesson passes" : `Pass: ${passing.map((l) => html(l.slice(0, 2))).join(", ")}`}.</p>` : "",
      `</article>`,
    ].join("");
  });
  return `<section id="students"><h2>Students</h2><p class="sub">Per student: every check that fails or could not run, with its message, and why a lesson could not be graded. What the code printed is in the class table's cells and in results.json.</p>${items.join("")}</section>`;
}

/**
 * A written answer as paragraphs: split at blank lines, the lines of a paragraph joined by a
 * space (the text keeps its own spaces otherwise; CSS wraps long lines).
 */
export function paragraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((p) =>
      p
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .join(" "),
    )
    .filter(Boolean);
}

function answersSection(result: BatchResult): string {
  const graded = result.lessons.includes(WRITTEN);
  const answered = result.students.map((s, i) => ({ s, i })).filter(({ s }) => s.writtenAnswer !== undefined);
  if (!graded && answered.length === 0) return "";
  const items = answered.map(({ s, i }) => {
    const r = s.lessons[WRITTEN];
    const sc = lessonScore(r);
    const verdict = r ? `automatic check: <span class="${sc.status}">${MARK[sc.status]} ${sc.passed}/${sc.total}</span>` : "not graded";
    const paras = paragraphs(s.writtenAnswer ?? "");
    const text = paras.length ? `<div class="answer">${paras.map((p) => `<p>${html(p)}</p>`).join("")}</div>` : `<p class="sub">No answer.</p>`;
    return `<article id="answer-${i}" class="written"><h3>${name(s.student)}</h3><p class="sub">${verdict} · ${(s.writtenAnswer ?? "").trim().split(/\s+/).filter(Boolean).length} words</p>${text}</article>`;
  });
  const none = items.length ? "" : `<p>No student handed in a written answer.</p>`;
  return `<section id="answers"><h2>${html(lessonTitle(WRITTEN))} · written answers</h2><p class="sub">Shown as written, paragraph by paragraph (Markdown is not rendered), for the students who handed one in. The automatic check looks for ideas, not exact words: it is worth reading them.</p>${items.join("")}${none}</section>`;
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
.grades tbody th { min-width: 8rem; max-width: 18rem; overflow-wrap: anywhere; font-weight: 600; }
.grades tbody th .ms { display: block; font-weight: normal; font-size: .8em; color: #59636e; }
.cell summary { cursor: pointer; white-space: nowrap; list-style-position: inside; }
.cell.pass { background: #dafbe1; } .cell.fail { background: #ffebe9; } .cell.error, .cell.missing { background: #fff8c5; }
.mark { font-weight: 700; }
.pass > .mark, .pass .mark, span.pass { color: var(--pass); }
.fail > .mark, .fail .mark, span.fail { color: var(--fail); }
.error > .mark, .error .mark, .missing .mark, span.error { color: var(--error); }
.skip > .mark, .skip .mark { color: var(--skip); }
.flag { color: #8250df; font-weight: 700; }
/* An open cell's checks float over the table (it keeps its layout): the first two lessons'
   open rightwards, the next three centred on their cell, the others leftwards, so that at
   1024 px wide none reaches past the page's edge. */
.cell { position: relative; }
.cell > details[open] > summary { outline: 2px solid #0969da; outline-offset: 2px; border-radius: 2px; }
.panel { position: absolute; z-index: 3; top: calc(100% - 2px); left: -1px; width: min(72ch, 85vw); max-height: 70vh; overflow: auto; padding: .6rem .7rem; background: #fff; border: 1px solid #8c959f; border-radius: 6px; box-shadow: 0 8px 24px rgba(66, 74, 83, .25); white-space: normal; font-weight: normal; }
.cell:nth-child(n+4):nth-child(-n+6) .panel { left: 50%; transform: translateX(-50%); }
.cell:nth-child(n+7) .panel { left: auto; right: -1px; }
@media print { .panel, .cell:nth-child(n) .panel { position: static; transform: none; width: auto; max-height: none; box-shadow: none; } }
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
.answer p { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 .6em; }
.answer p:last-child { margin-bottom: 0; }
/* 1024 px wide and up: the page never scrolls sideways. The class table fits (names wrap,
   lesson names break at their hyphens); from 60rem down it scrolls in its own box and a cell's
   checks open in place instead of floating (a scrolling box would clip them). */
.table-wrap { max-width: 100%; overflow-x: auto; }
.grades-wrap { overflow-x: visible; }
@media (max-width: 60rem) {
  body { padding: .75rem; }
  .grades-wrap { overflow-x: auto; }
  .panel, .cell:nth-child(n) .panel { position: static; transform: none; width: auto; min-width: 20rem; max-height: none; box-shadow: none; }
}
a.to-detail { color: inherit; text-decoration: none; }
a.to-detail:hover .name, a.to-detail:focus .name { text-decoration: underline; }
.by-hand { color: #0550ae; }
.cell .by-hand, .total .by-hand { display: block; white-space: normal; font-size: .8em; }
table.summary th, table.summary td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
table.summary thead th { background: #f6f8fa; font-weight: 600; }
table.summary tbody th { font-weight: normal; }
.num { text-align: right !important; white-space: nowrap; }
.check-name { overflow-wrap: anywhere; }
section > h3 { margin-top: 1.2rem; }
.clusters { padding-left: 1.2rem; }
.cluster { margin: .3rem 0; overflow-wrap: anywhere; }
.who { background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: 0 .3em; overflow-wrap: anywhere; }
h3.who { display: inline-block; background: none; border: none; padding: 0; font-size: 1.05rem; }
.detail { border-top: 1px solid var(--line); padding: .7rem 0; max-width: 100ch; }
.lesson-detail { margin: .5rem 0 .5rem .2rem; }
.lesson-detail h4 { font-size: .95rem; margin: .2rem 0; }
.lesson-detail .checks { margin-left: 1.2em; }
.loc { margin: .2rem 0 0 1.2em; overflow-wrap: anywhere; }
.loc code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.signals { list-style: none; padding: 0; margin: .2rem 0; }
.passing { margin: .3rem 0 0; }
`;

export function reportHtml(result: BatchResult): string {
  const { lessons, students } = result;
  const clusters = flagClusters(students, lessons);
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
    ? `<div class="table-wrap grades-wrap"><table class="grades"><thead><tr><th scope="col">student</th>${head}<th scope="col">total<span>points</span></th></tr></thead><tbody>${students
        .map((s, i) => row(s, i, lessons, clusters))
        .join("\n")}</tbody><tfoot><tr><th scope="row">class</th>${foot}<td>average ${average}</td></tr></tfoot></table></div>`
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
<p class="sub">${students.length} submission${students.length === 1 ? "" : "s"} · ${lessons.length} lesson${lessons.length === 1 ? "" : "s"} · graded ${html(result.generatedAt)} · ${POINTS_PER_LESSON} points per lesson, in proportion to the checks that pass (rounded down) · click a cell for the checks and messages, a name for the student's section</p></header>
<main>
<section id="class"><h2>Class</h2>
${table}
</section>
${summarySection(result)}
${flagsSection(result, clusters)}
${studentsSection(result, clusters)}
${answersSection(result)}
</main>
</body>
</html>
`;
}
