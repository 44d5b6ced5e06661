// The learner's view of a LessonResult: one line per check, details under each failure.
import pc from "picocolors";
import type { Lesson } from "../manifest.ts";
import { countPassed, isLiveTest, skipSummary, type LessonResult } from "./results.ts";
import { renderTraces } from "./trace.ts";

/**
 * Without --trace, a failing check shows one connection of its own (the first not already
 * drawn under an earlier check), and only the first few failing checks do: the report stays
 * short when many fail the same way. --trace draws them all, after the verdict.
 */
const INLINE_CHECKS = 4;

/** Colours only on a terminal, and never with NO_COLOR set (picocolors alone would colour CI logs). */
export function colors(stream: NodeJS.WriteStream = process.stdout) {
  const on = "FORCE_COLOR" in process.env || (Boolean(stream.isTTY) && !("NO_COLOR" in process.env) && process.env.TERM !== "dumb");
  return pc.createColors(on);
}

const indent = (text: string, pad: string) => text.split("\n").map((l) => pad + l).join("\n");

/** `ownFile`: false for --file and --grade-solution, which grade some other file and leave progress alone. */
/** `trace`: after the verdict, every check's connections as diagrams (--trace); without it, a failing check shows its own. */
export function renderResult(lesson: Lesson, file: string, r: LessonResult, c = colors(), o: { ownFile?: boolean; hintKey?: string; trace?: boolean } = {}): string {
  const out: string[] = [];
  out.push(c.bold(`Lesson ${String(lesson.number).padStart(2, "0")} · ${lesson.title}`));
  out.push(c.dim(`file: ${file}`));
  out.push("");
  if (r.status === "error" && r.tests.length === 0) {
    out.push(`${c.red("✘")} could not grade: ${r.message}`);
    return out.join("\n") + "\n";
  }
  // Skipped checks: the mark ○, and their reason under each one unless they all share it
  // (then the summary says it once).
  const skipReasons = new Set(r.tests.filter((t) => t.status === "skip").map((t) => t.message ?? ""));
  // A message that three or more failing checks share (a function still the stub) is said
  // once, after them, with the count: not once per check.
  const failing = r.tests.filter((t) => t.status === "fail" || t.status === "error");
  const counts = new Map<string, number>();
  for (const t of failing) if (t.message && !t.output) counts.set(t.message, (counts.get(t.message) ?? 0) + 1);
  const shared = new Set([...counts].filter(([, n]) => n >= 3).map(([m]) => m));
  const inlineDrawn = new Set<string>();
  let inlineChecks = 0;
  let tracesLeft = 0;
  for (const t of r.tests) {
    if (t.status === "pass") {
      out.push(`${c.green("✔")} ${t.name}`);
      continue;
    }
    if (t.status === "skip") {
      out.push(c.dim(`○ ${t.name} — skipped`));
      if (skipReasons.size > 1 && t.message) out.push(c.dim(indent(t.message, "    ")));
      continue;
    }
    out.push(`${c.red("✘")} ${t.name}`);
    if (t.message && shared.has(t.message)) continue;
    if (t.message) out.push(c.dim(indent(t.message, "    ")).replace(/why it matters:/, c.yellow("why it matters:")));
    if (t.output) out.push(indent(`your code printed:\n${indent(t.output.trimEnd(), "| ")}`, "    "));
    if (t.trace?.length && !o.trace) {
      const fresh = t.trace.find((x) => !inlineDrawn.has(`${x.client}>${x.server}`));
      if (fresh && inlineChecks < INLINE_CHECKS) {
        inlineChecks++;
        inlineDrawn.add(`${fresh.client}>${fresh.server}`);
        const more = t.trace.length - 1;
        out.push(indent(`what happened on the wire:\n${renderTraces([fresh]).join("\n")}${more ? `\n(${more} more connection${more === 1 ? "" : "s"} of this check: --trace draws them)` : ""}`, "    "));
      } else if (fresh) tracesLeft++;
    }
  }
  if (tracesLeft) out.push(c.dim(`(${tracesLeft} more failing check${tracesLeft === 1 ? "" : "s"} made connections: npm run lesson N -- --trace draws them)`.replace("lesson N", `lesson ${lesson.number}`)));
  for (const m of shared) out.push("", `${counts.get(m)} of the checks above fail the same way:`, c.dim(indent(m, "    ")).replace(/why it matters:/, c.yellow("why it matters:")));
  const { passed, total } = countPassed(r);
  const skipped = skipSummary(r);
  out.push("");
  if (r.message) out.push(c.dim(r.message), "");
  if (skipped) out.push(`${c.yellow("○")} ${skipped}`);
  if (r.selected) {
    const { filter, ran, of } = r.selected;
    const all = total === 1 ? "The selected check passes." : `All ${total} selected checks pass.`;
    out.push(r.status === "pass" ? c.green(c.bold(all)) : `${passed} of ${total} selected checks pass.`);
    out.push(c.yellow(`ran ${ran} of ${of} checks (--check ${/\s/.test(filter) ? JSON.stringify(filter) : filter}): progress not changed`));
    if (r.status !== "pass") out.push(o.hintKey ? `Stuck? Press ${c.cyan(o.hintKey)} for a hint.` : `Stuck? ${c.cyan(`npm run lesson ${lesson.number} -- --hint`)} shows a hint.`);
  } else if (r.status === "pass") {
    out.push(c.green(c.bold(o.ownFile === false ? `All ${total} checks pass for ${file} (your progress is not changed: it counts your own lessons/ file).` : `All ${total} checks pass. Lesson ${lesson.number} is done.`)));
  } else {
    out.push(`${passed} of ${total} checks pass.`);
    out.push(o.hintKey ? `Stuck? Press ${c.cyan(o.hintKey)} for a hint.` : `Stuck? ${c.cyan(`npm run lesson ${lesson.number} -- --hint`)} shows a hint.`);
    const first = firstFailingNumber(r);
    if (!o.hintKey && passed > 0 && first) out.push(`Only that check, faster: ${c.cyan(`npm run lesson ${lesson.number} -- --check ${first}`)}`);
  }
  if (o.trace) out.push(...traceSection(r, c));
  return out.join("\n") + "\n";
}

/**
 * The number --check takes for the first failing check: its place in the list above (1-based).
 * None for a live check (--check leaves them out) or when nothing fails.
 */
function firstFailingNumber(r: LessonResult): number | undefined {
  const i = r.tests.findIndex((t) => t.status === "fail" || t.status === "error");
  return i >= 0 && !isLiveTest(r.tests[i]) ? i + 1 : undefined;
}

/** --trace: each check's connections, in the order of the checks. */
function traceSection(r: LessonResult, c: ReturnType<typeof colors>): string[] {
  const traced = r.tests.filter((t) => t.trace?.length);
  const out = ["", c.bold("Connections your code made, check by check (--trace):")];
  if (traced.length === 0) out.push("(none reached the lab: this lesson's checks made no connection it could record)");
  // A connection several checks share (one call made for all of them) is drawn once.
  const drawn = new Map<string, string>();
  for (const t of traced) {
    out.push("", `${t.status === "pass" ? c.green("✔") : c.red("✘")} ${t.name}`);
    const fresh = t.trace!.filter((x) => !drawn.has(`${x.client}>${x.server}`));
    for (const x of t.trace!) {
      const seen = drawn.get(`${x.client}>${x.server}`);
      if (seen) out.push(c.dim(`    (also ${x.client} → ${x.endpoint}, drawn above)`));
    }
    if (fresh.length) out.push(indent(renderTraces(fresh).join("\n"), "    "));
    for (const x of fresh) drawn.set(`${x.client}>${x.server}`, t.name);
  }
  return out;
}
