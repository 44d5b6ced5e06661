// A GitHub Actions job summary ($GITHUB_STEP_SUMMARY, GitHub-flavoured Markdown) for one
// or more students: the total, then one table per lesson with every check, and each failed
// check's message (expected, got, why). What a student sees on their own repository's run:
// integrity signals are never in it. Everything the student controls (their code's output,
// which the messages quote; folder names) is escaped, so it cannot inject Markdown or HTML.
import type { BatchResult } from "../batch/types.ts";
import { LESSONS } from "../manifest.ts";
import { visibleLine, visibleName } from "./escape.ts";
import { lessonScore, studentScore } from "./points.ts";

/** Inline text: HTML and Markdown's active characters as entities, controls shown visibly. */
function md(s: string): string {
  return visibleLine(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_{}[\]()#+!|~])/g, "\\$1");
}

/** A multi-line message for a table cell: lines joined by <br>, each escaped, cut to a size. */
function cell(s: string, max = 1500): string {
  const cut = s.length > max ? `${s.slice(0, max)}… (cut)` : s;
  return cut.split(/\r?\n/).map(md).join("<br>");
}

const STATUS = { pass: "✅ pass", fail: "❌ fail", error: "⚠️ error", skip: "➖ skipped" } as const;

function title(id: string): string {
  const l = LESSONS.find((x) => x.id === id);
  return l ? `Lesson ${String(l.number).padStart(2, "0")}: ${l.title}` : id;
}

export function jobSummary(result: BatchResult): string {
  const out: string[] = [];
  for (const s of result.students) {
    const total = studentScore(s, result.lessons);
    out.push(`## TLS workbook: ${md(visibleName(s.student))}: ${total.points}/${total.max} points`, "");
    out.push(`${total.lessonsPassed} of ${result.lessons.length} lessons pass every check. Each lesson is worth 10 points: 10 × checks passed ÷ checks judged, rounded down.`, "");
    for (const id of result.lessons) {
      const r = s.lessons[id];
      const sc = lessonScore(r);
      out.push(`### ${md(title(id))}: ${sc.points}/${sc.max} points`, "");
      if (!r) {
        out.push("Not graded.", "");
        continue;
      }
      if (r.message) out.push(`> ${cell(r.message)}`, "");
      if (r.tests.length === 0) continue;
      out.push("| check | result | message |", "|---|---|---|");
      for (const t of r.tests) out.push(`| ${md(t.name)} | ${STATUS[t.status]} | ${t.status === "pass" ? "" : cell([t.message, t.output ? `your code printed: ${t.output}` : ""].filter(Boolean).join("\n"))} |`);
      out.push("");
    }
  }
  return out.join("\n");
}
