// What a grader is made of: named checks, each proving one behaviour by running the
// learner's code, and failing with what was expected, what came back and why it matters.
import type { Endpoint, Lab, LabScope } from "../lab/lab.ts";
import type { ConnectionTrace } from "../lab/trace.ts";
import type { TestResult } from "../report/results.ts";
import { describeError, STUB_ERROR, type Broken, type CallResult, type Handle, type Sandbox, type Settled } from "../sandbox/sandbox.ts";

export interface Failure {
  expected?: string;
  got?: string;
  /** The mistake, named, when the grader can tell (e.g. "rejectUnauthorized: false"). */
  mistake?: string;
  /** The function is still the lesson's stub: say only that. */
  stub?: string;
}

export class CheckFailed extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.mistake ?? failure.got ?? "check failed");
    this.failure = failure;
  }
}

export function fail(failure: Failure): never {
  throw new CheckFailed(failure);
}

/** What a check gets: the lab, the sandbox, and a call() that keeps the learner's output. */
export interface CheckContext {
  lab: Lab;
  /** A lab endpoint by name, as this grading sees it (its own closed port for "refused"). */
  endpoint(name: string): Endpoint;
  sandbox: Sandbox;
  call(fn: string, args?: unknown[], o?: Parameters<Sandbox["call"]>[2]): Promise<CallResult>;
  /** A call several checks share: made once, by whichever check asks first. */
  shared(key: string, make: () => Promise<CallResult>): Promise<CallResult>;
  /** Adds a connection the grader watched itself (lesson 04's relay) to this check's trace. */
  trace?(t: ConnectionTrace): void;
}

export interface Check {
  name: string;
  /** One or two sentences on why this behaviour matters, shown when it fails. */
  why: string;
  /** Aimed at this check's failure: shown first by --hint when it is the first to fail. */
  hint?: string;
  run(ctx: CheckContext): Promise<void>;
}

/** What a code grader gets for one grading. */
export interface GraderEnv {
  lab: Lab;
  /** What this grading adds to the lab (private endpoints, made-up host names). */
  scope: LabScope;
  /** Where the learner keeps cert.pem and key.pem (lesson 04). */
  certDir: string;
  /** True when grading the reference solution. */
  solution: boolean;
  /** A temporary folder of this grading's own, removed afterwards. */
  workDir: string;
}

/** A lesson whose learner file is code: it runs in the sandbox against the lab. */
export interface CodeGrader {
  kind: "code";
  /** The lesson's checks; they run concurrently and are reported in this order. */
  checks(env: GraderEnv): Check[] | Promise<Check[]>;
  /** Per-call timeout for this lesson. */
  timeoutMs?: number;
  /** Added to the child's environment, e.g. { TZ } so local-time mistakes show on every machine. */
  childEnv?: Record<string, string>;
}

/** Thrown by a FileGrader when the file cannot be graded at all (e.g. not valid JSON): exit 2. */
export class CannotGrade extends Error {}

/** A lesson whose learner file is data (a quiz's answers, a written text): read, never run. */
export interface FileGrader {
  kind: "file";
  grade(text: string, file: string): TestResult[] | Promise<TestResult[]>;
}

export type Grader = CodeGrader | FileGrader;

export function formatFailure(f: Failure, why: string): string {
  if (f.stub) return `${f.stub} is still the stub (it throws "not implemented"): replace its TODOs with your code.`;
  const lines: string[] = [];
  if (f.expected !== undefined) lines.push(`expected: ${f.expected}`);
  if (f.got !== undefined) lines.push(`got:      ${f.got}`);
  if (f.mistake) lines.push(f.mistake);
  lines.push(`why it matters: ${why}`);
  return lines.join("\n");
}

/** The calls one check makes, keeping what the learner's code printed during them. */
// ---- helpers shared by the code graders -----------------------------------------------



type Outcome = Settled | Broken;

/** Fails at once when the call hit the stub or a missing export; other outcomes are left to the check. */
export function failIfUnwritten<T extends Outcome>(r: T): asserts r is Exclude<T, { status: "missing" }> {
  if (r.status === "missing")
    fail({ expected: `your file to export a function named ${r.name}`, got: "no such export", mistake: `Keep the name and signature the lesson gives: export function ${r.name}(...)` });
  if (r.status === "rejected") {
    const m = STUB_ERROR.exec(r.error.message ?? "");
    if (m) fail({ stub: m[2] ?? "this function" });
  }
}

/** Fails with a clear message unless the call resolved; returns the resolved value. */
export function expectResolved(r: Outcome, what: string): unknown {
  if (r.status === "resolved") return r.value;
  failIfUnwritten(r);
  if (r.status === "broken") fail({ expected: what, got: r.message });
  fail({ expected: what, got: `it rejected with ${describeError(r.error)}` });
}

/** A plain description of a value for "got:" lines. */
export function show(v: unknown): string {
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  if (typeof v === "string") return JSON.stringify(v.length > 200 ? v.slice(0, 200) + "…" : v);
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === "string" && x.length > 120 ? x.slice(0, 120) + "…" : x));
    return s === undefined ? String(v) : s;
  } catch {
    return String(v);
  }
}

/** Names the way verification was switched off in this call, if the harness saw one. */
export function verificationOffMistake(r: CallResult): string | undefined {
  if (r.tls.some((u) => u.envRejectUnauthorized0))
    return "Your code sets NODE_TLS_REJECT_UNAUTHORIZED=0, which switches certificate verification off for the whole process.";
  if (r.tls.some((u) => u.rejectUnauthorizedFalse))
    return "Your code passes rejectUnauthorized: false, which switches certificate verification off.";
  return undefined;
}

/**
 * The check that a connection to a broken endpoint was refused. `nameCheck` marks endpoints
 * where only the hostname is wrong, so a do-nothing checkServerIdentity can be named.
 */
export function acceptedBrokenMistake(r: CallResult, endpoint: string): string {
  const off = verificationOffMistake(r);
  if (off) return off;
  if (endpoint === "wrong-host" && r.tls.some((u) => u.customCheckServerIdentity))
    return "Your checkServerIdentity accepts a certificate issued for another name: it switches the hostname check off. Leave it out.";
  if (r.tls.length === 0)
    return "Your function resolved without ever calling tls.connect: results must come from a real, verified connection, not from values written into the code.";
  return "tls.connect did reject this certificate, but your function resolved anyway: let the error reach the caller (reject), don't catch it and return something else.";
}

/** What to say when a client accepted a valid certificate for a name that only looks like the host. */
export function lookalikeMistake(r: CallResult, certName: string, host: string): string {
  const off = verificationOffMistake(r);
  if (off) return off;
  if (r.tls.some((u) => u.customCheckServerIdentity))
    return `Connecting to ${host}, your client accepted a certificate for ${certName}: the checkServerIdentity your code passes lets it through, which switches the hostname check off (or loosens it). Leave it out: Node's own check compares the whole name.`;
  return `Connecting to ${host}, your client accepted a certificate for ${certName}. Something compares names loosely: a replaced tls.checkServerIdentity (or one passed in the options) that looks at the first label, a suffix or the TLD. Leave Node's own hostname check alone: it compares the whole name.`;
}

/** Turns a Handle-carrying value into its handle, for method calls. */
export function asHandle(v: unknown): Handle | undefined {
  return v && typeof v === "object" && "__handle" in v ? (v as Handle) : undefined;
}
