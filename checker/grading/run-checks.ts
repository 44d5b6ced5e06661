// Running a grader's checks against one sandbox: each check gets a call() that keeps what
// the learner's code printed, and calls that several checks share are made once.
import type { Lab, LabScope } from "../lab/lab.ts";
import type { TestResult } from "../report/results.ts";
import type { CallResult, Sandbox } from "../sandbox/sandbox.ts";
import { CheckFailed, formatFailure, type Check, type CheckContext } from "../checks/check.ts";

export interface CallRecorder {
  call: CheckContext["call"];
  shared: CheckContext["shared"];
  readonly output: string;
}

/** A recorder for one check; `sharedCalls` is common to all the checks of one grading. */
export function callRecorder(sandbox: Sandbox, sharedCalls: Map<string, Promise<CallResult>>): CallRecorder {
  let output = "";
  return {
    async call(fn, args = [], o) {
      const r = await sandbox.call(fn, args, o);
      output += r.output;
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
      return p;
    },
    get output() {
      return output;
    },
  };
}

/** Runs every check concurrently against one sandbox and reports them in order. */
export async function runChecks(checks: Check[], lab: Lab, sandbox: Sandbox, scope?: LabScope): Promise<TestResult[]> {
  const endpoint = (name: string) => (scope ? scope.endpoint(name) : lab.endpoint(name));
  const sharedCalls = new Map<string, Promise<CallResult>>();
  return Promise.all(
    checks.map(async (check): Promise<TestResult> => {
      const rec = callRecorder(sandbox, sharedCalls);
      const ctx: CheckContext = { lab, endpoint, sandbox, call: rec.call, shared: rec.shared };
      try {
        await check.run(ctx);
        return withOutput({ name: check.name, status: "pass" }, rec.output);
      } catch (err) {
        if (err instanceof CheckFailed) return withOutput({ name: check.name, status: "fail", message: formatFailure(err.failure, check.why), ...(check.hint ? { hint: check.hint } : {}) }, rec.output);
        return { name: check.name, status: "error", message: `the grader itself failed on this check (please report it): ${(err as Error)?.stack ?? String(err)}` };
      }
    }),
  );
}

function withOutput(t: TestResult, output: string): TestResult {
  return output ? { ...t, output } : t;
}
