// npm run lesson N -- --compare: the learner's function(s) and the reference solution's, each
// in a sandbox of its own, called with the same inputs against the same lab endpoints, and
// the results printed side by side: input | yours | reference. No verdicts (the grading does
// that): a row whose two values differ is marked ≠, so the eye finds it. For the lessons
// whose functions return values: 02, 03, 05, 06.
import { learnerFile } from "../grading/grade.ts";
import { Lab } from "../lab/lab.ts";
import type { Lesson } from "../manifest.ts";
import { colors } from "../report/terminal.ts";
import { LearnerSyntaxError } from "../sandbox/bundle.ts";
import { LearnerLoadError, Sandbox, STUB_ERROR, type CallResult, type ErrorInfo, type Settled } from "../sandbox/sandbox.ts";
import { shown } from "./grade.ts";

export interface CompareRun {
  /** Compare this file instead of the learner's. */
  file?: string;
  /** The workbook whose lessons/ and solutions/ to read (default: this one). */
  root?: string;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** Columns of the table (default: the terminal's, else 120). */
  width?: number;
}

/** One input: a label, and the call(s) that make the rows for it. */
interface Input {
  label: string;
  run(s: Sandbox): Promise<Row[]>;
}

/** One line of the table: what is shown in the input column, and one side's value. */
interface Row {
  label: string;
  value: string;
}

const HOST = "localhost";

/** The lessons --compare knows, and their inputs (lab endpoints by name). */
const INPUTS: Record<string, (lab: Lab) => Input[]> = {
  "02-verified-client": (lab) =>
    ["good", "tls-v1-2", "expired", "wrong-host", "self-signed", "refused"].map((name) => ({
      label: `tlsGet(${name})`,
      async run(s) {
        const r = await s.call("tlsGet", [HOST, lab.endpoint(name).port, "/compare"]);
        return fields(`tlsGet(${name})`, r, ["tlsVersion", "issuedTo", "response"]);
      },
    })),
  "03-inspect-cert": (lab) =>
    ["good", "expiring-soon", "tls-v1-2", "expired", "wrong-host"].map((name) => ({
      label: `inspectTls(${name})`,
      async run(s) {
        const r = await s.call("inspectTls", [HOST, lab.endpoint(name).port], { then: { fn: "formatReport", on: "resolve" } });
        const rows = fields(`inspectTls(${name})`, r, ["host", "tlsVersion", "issuedTo", "issuedBy", "expires", "daysLeft", "expiringSoon"]);
        if (r.status === "resolved" && r.then) rows.push({ label: "  formatReport(it)", value: outcome(r.then) });
        return rows;
      },
    })),
  "05-reject-bad-certs": (lab) =>
    ["good", "expired", "not-yet-valid", "wrong-host", "self-signed", "untrusted-root", "incomplete-chain", "tls-v1-0", "refused", "plain-http"].map((name) => ({
      label: name,
      async run(s) {
        const r = await s.call("connectStrict", [HOST, lab.endpoint(name).port], { then: { fn: "classifyTlsError", on: "reject" } });
        const rows = [{ label: `connectStrict(${name})`, value: outcome(r) }];
        if (r.status === "rejected") rows.push({ label: "  classifyTlsError(err)", value: r.then ? outcome(r.then) : "not called" });
        return rows;
      },
    })),
  "06-tls-health": (lab) => {
    const targets = [...["good", "expiring-soon", "tls-v1-2", "expired", "tls-v1-0", "refused", "plain-http"].map((n) => `${HOST}:${lab.endpoint(n).port}`), "localhost:99999"];
    const names = ["good", "expiring-soon", "tls-v1-2", "expired", "tls-v1-0", "refused", "plain-http", "localhost:99999"];
    return [
      {
        label: "tlsHealth",
        async run(s) {
          const r = await s.call("tlsHealth", [targets, { timeoutMs: 3000 }]);
          if (r.status !== "resolved" || !Array.isArray(r.value)) return names.map((n) => ({ label: `tlsHealth: ${n}`, value: outcome(r) }));
          const results = r.value as Record<string, unknown>[];
          const rows = names.map((n, i) => {
            const x = results[i];
            if (!x || typeof x !== "object") return { label: `tlsHealth: ${n}`, value: compact(x) };
            const days = x.daysLeft === undefined ? "-" : `${String(x.daysLeft)}d`;
            return { label: `tlsHealth: ${n}`, value: `${String(x.grade)} ${String(x.tlsVersion ?? "-")} ${days} ${compact(x.reason)}` };
          });
          if (results.length !== names.length) rows.push({ label: "tlsHealth: results", value: `${results.length} for ${names.length} targets` });
          const f = await s.call("formatHealth", [results]);
          const lines = f.status === "resolved" && typeof f.value === "string" ? f.value.split("\n") : undefined;
          if (!lines) rows.push({ label: "formatHealth(them)", value: outcome(f) });
          else lines.forEach((line, i) => rows.push({ label: `formatHealth line ${i + 1}`, value: compact(line.replace(/:\d{4,5}\b/, ":…")) }));
          return rows;
        },
      },
    ];
  },
};

export const COMPARABLE = Object.keys(INPUTS);

/** A call's outcome in one cell: the value, `rejects CODE`, or why there is none. */
function outcome(r: CallResult | Settled): string {
  switch (r.status) {
    case "resolved":
      return compact(r.value);
    case "rejected":
      return rejection(r.error);
    case "missing":
      return `no export named ${r.name}`;
    case "broken":
      return `no answer: ${r.reason}`;
  }
}

function rejection(e: ErrorInfo): string {
  if (STUB_ERROR.test(e.message ?? "")) return "still the stub";
  const code = e.code ?? e.cause?.code;
  if (code) return `rejects ${code}`;
  return `rejects ${e.isError ? (e.name ?? "Error") : "a non-Error"}: ${compact(e.message ?? e.thrownValue ?? "")}`;
}

/** A resolved object as one row per field; anything else as one row. */
function fields(label: string, r: CallResult, keys: string[]): Row[] {
  if (r.status !== "resolved" || !r.value || typeof r.value !== "object") return [{ label, value: outcome(r) }];
  const v = r.value as Record<string, unknown>;
  return [{ label, value: "resolves:" }, ...keys.map((k) => ({ label: `  ${k}`, value: !(k in v) ? "(missing)" : k === "response" && typeof v[k] === "string" ? responseShape(v[k]) : compact(v[k]) }))];
}

/** A response shown by what matters, unquoted (it is a summary, not the value): its first line and its size. */
function responseShape(v: string): string {
  const first = v.split(/\r?\n/)[0];
  return `${Buffer.byteLength(v)} bytes, first line ${JSON.stringify(first.length > 30 ? first.slice(0, 30) + "…" : first)}`;
}

/** A value in a few dozen characters: strings quoted, dates as ISO, objects as JSON. */
function compact(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  if (typeof v === "string") return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function cut(s: string, n: number): string {
  return s.length > n ? s.slice(0, Math.max(0, n - 1)) + "…" : s;
}

/** Runs every input in one sandbox; a sandbox that cannot start gives one row saying why. */
async function runSide(file: string, lab: Lab, inputs: Input[]): Promise<Row[][]> {
  let sandbox: Sandbox;
  try {
    sandbox = await Sandbox.start({ file, trustBundleFile: lab.trustBundleFile, timeoutMs: 5000 });
  } catch (err) {
    const why = err instanceof LearnerSyntaxError ? `does not compile: ${err.message}` : err instanceof LearnerLoadError ? `does not load: ${err.detail}` : String(err);
    return inputs.map((i) => [{ label: i.label, value: why.split("\n")[0] }]);
  }
  try {
    // One input at a time, so that each side's calls meet the lab in the same order.
    const rows: Row[][] = [];
    for (const i of inputs) rows.push(await i.run(sandbox));
    return rows;
  } finally {
    await sandbox.close();
  }
}

/** Prints the table; 0 when both sides ran, 2 for a lesson without values to compare. */
export async function compareLesson(lesson: Lesson, o: CompareRun = {}): Promise<number> {
  const out = o.out ?? process.stdout;
  const c = colors(out as NodeJS.WriteStream);
  const inputsOf = INPUTS[lesson.id];
  if (!inputsOf) {
    (o.err ?? process.stderr).write(
      `lesson: --compare is for the lessons whose functions return values (02, 03, 05, 06); lesson ${lesson.number} is ${lesson.kind === "code" ? "a server and its client: npm run lesson " + lesson.number + " grades it" : `a ${lesson.kind}: npm run lesson ${lesson.number} grades it`}\n`,
    );
    return 2;
  }
  const mine = learnerFile(lesson, { file: o.file, root: o.root });
  const reference = learnerFile(lesson, { solution: true, root: o.root });
  const lab = await Lab.start();
  try {
    const inputs = inputsOf(lab);
    // Both sides at once: each its own child, the same lab endpoints and inputs.
    const [yours, ref] = await Promise.all([runSide(mine, lab, inputs), runSide(reference, lab, inputs)]);
    const lines: { label: string; a: string; b: string }[] = [];
    inputs.forEach((_input, i) => {
      const a = yours[i];
      const b = ref[i];
      for (let k = 0; k < Math.max(a.length, b.length); k++) lines.push({ label: (b[k] ?? a[k]).label, a: a[k]?.value ?? "", b: b[k]?.value ?? "" });
    });
    const width = o.width ?? ((out as Partial<NodeJS.WriteStream>).columns || 120);
    const labelW = Math.min(34, Math.max(5, ...lines.map((l) => l.label.length)));
    const colW = Math.max(12, Math.floor((width - labelW - 8) / 2));
    const row = (mark: string, l: string, a: string, b: string) => `${mark} ${cut(l, labelW).padEnd(labelW)} │ ${cut(a, colW).padEnd(colW)} │ ${cut(b, colW)}`.trimEnd();
    const text = [
      c.bold(`Lesson ${String(lesson.number).padStart(2, "0")} · ${lesson.title}: your functions and the reference, on the same inputs`),
      c.dim(`yours: ${shown(mine)}   reference: ${shown(reference)}   (no verdicts: npm run lesson ${lesson.number} grades)`),
      "",
      c.bold(row(" ", "input", "yours", "reference")),
      `  ${"─".repeat(labelW)}─┼─${"─".repeat(colW)}─┼─${"─".repeat(colW)}`,
      ...lines.map((l) => {
        const differs = l.a !== l.b;
        const r = row(differs ? "≠" : " ", l.label, l.a, l.b);
        return differs ? c.yellow(r) : r;
      }),
      "",
      c.dim(`≠ marks the rows where your value differs from the reference's (${lines.filter((l) => l.a !== l.b).length} of ${lines.length}).`),
    ];
    out.write(text.join("\n") + "\n");
    return 0;
  } finally {
    await lab.close();
  }
}
