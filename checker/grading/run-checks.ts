// Running a grader's checks against one sandbox: each check gets a call() that keeps what
// the learner's code printed, and calls that several checks share are made once.
import type { Lab, LabScope } from "../lab/lab.ts";
import type { ClientConnection, ConnectionTrace } from "../lab/trace.ts";
import type { TestResult } from "../report/results.ts";
import type { CallResult, Sandbox } from "../sandbox/sandbox.ts";
import { CheckFailed, formatFailure, type Check, type CheckContext } from "../checks/check.ts";

export interface CallRecorder {
  call: CheckContext["call"];
  shared: CheckContext["shared"];
  readonly output: string;
  /** The sockets this check's calls connected (shared calls included), for the lab's trace. */
  readonly connections: ClientConnection[];
}

/** A recorder for one check; `sharedCalls` is common to all the checks of one grading. */
export function callRecorder(sandbox: Sandbox, sharedCalls: Map<string, Promise<CallResult>>): CallRecorder {
  let output = "";
  const connections: ClientConnection[] = [];
  const keep = (r: CallResult) => {
    if (r.connections) connections.push(...r.connections);
  };
  return {
    async call(fn, args = [], o) {
      const r = await sandbox.call(fn, args, o);
      output += r.output;
      keep(r);
      return r;
    },
    shared(key, make) {
      let p = sharedCalls.get(key);
      if (!p) {
        p = make();
        sharedCalls.set(key, p);
        // The output goes to the check that made the call; whoever awaits p sees any failure.
        p.then((r) => (output += r.output)).catch(() => {});
      }
      // Its connections belong to every check that looks at it.
      p.then(keep).catch(() => {});
      return p;
    },
    get output() {
      return output;
    },
    connections,
  };
}

/**
 * Which checks carry their connections' trace: every one (--trace), the failing ones (the
 * default: a failed network check shows what happened on the wire), or none (class grading).
 */
export type TraceMode = "all" | "failing" | "none";

/** How long the trace waits for the lab to see the end of a connection the learner's call is done with. */
const TRACE_SETTLE_MS = 200;

/** Runs every check concurrently against one sandbox and reports them in order. */
export async function runChecks(checks: Check[], lab: Lab, sandbox: Sandbox, scope?: LabScope, o: { trace?: TraceMode } = {}): Promise<TestResult[]> {
  const mode = o.trace ?? "failing";
  const endpoint = (name: string) => (scope ? scope.endpoint(name) : lab.endpoint(name));
  const sharedCalls = new Map<string, Promise<CallResult>>();
  const runs = await Promise.all(
    checks.map(async (check): Promise<{ result: TestResult; rec: CallRecorder; own: ConnectionTrace[] }> => {
      const rec = callRecorder(sandbox, sharedCalls);
      const own: ConnectionTrace[] = [];
      const ctx: CheckContext = { lab, endpoint, sandbox, call: rec.call, shared: rec.shared, trace: (t) => void (own.length < 16 && own.push(t)) };
      try {
        await check.run(ctx);
        return { result: withOutput({ name: check.name, status: "pass" }, rec.output), rec, own };
      } catch (err) {
        if (err instanceof CheckFailed) return { result: withOutput({ name: check.name, status: "fail", message: formatFailure(err.failure, check.why), ...(check.hint ? { hint: check.hint } : {}) }, rec.output), rec, own };
        return { result: { name: check.name, status: "error", message: `the grader itself failed on this check (please report it): ${(err as Error)?.stack ?? String(err)}` }, rec, own };
      }
    }),
  );
  if (mode === "none") return runs.map((r) => r.result);
  const wanted = runs.filter((r) => mode === "all" || r.result.status === "fail");
  await lab.traceSettled(wanted.flatMap((r) => r.rec.connections), TRACE_SETTLE_MS);
  return runs.map(({ result, rec, own }) => {
    if (!wanted.some((w) => w.result === result)) return result;
    const trace = [...lab.traceFor(dedupe(rec.connections)), ...own];
    return trace.length ? { ...result, trace } : result;
  });
}

/** A shared call's connections reach a check once however many times it asks for it. */
function dedupe(conns: ClientConnection[]): ClientConnection[] {
  const seen = new Set<string>();
  return conns.filter((c) => {
    const k = `${c.localPort}>${c.remotePort}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function withOutput(t: TestResult, output: string): TestResult {
  return output ? { ...t, output } : t;
}
