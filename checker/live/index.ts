// Live checks (--live): started when grading starts, so the probe of the first live target
// runs while the offline checks do; run after them, in the same sandbox. Offline, every
// live check is a skip with the probe's one-line reason, never a failure.
import { formatFailure } from "../checks/check.ts";
import { callRecorder } from "../grading/run-checks.ts";
import type { TestResult } from "../report/results.ts";
import type { CallResult, Sandbox } from "../sandbox/sandbox.ts";
import { liveChecks, type LiveCheck, type LiveContext } from "./checks.ts";
import { settle, type Verdict } from "./judge.ts";
import { probe, type ProbeOptions, type ProbeResult } from "./probe.ts";
import { referenceHandshake, type Reference, type ReferenceOptions } from "./reference.ts";
import { LIVE_HOSTS_ENV, lessonTargets, parseOverrides, type LiveKey, type LiveOverrides } from "./targets.ts";

export { hasLiveChecks, LIVE_HOSTS_ENV, type LiveOverrides } from "./targets.ts";

export interface LiveOptions {
  /** Stand-ins for the real targets (tests only; see overridesFromEnv); default: the real ones. */
  overrides?: LiveOverrides;
  /** The CA bundle the sandbox's child trusts on top of Node's roots (the lab's trust bundle). */
  extraCaFile?: string;
  probe?: ProbeOptions;
  reference?: Omit<ReferenceOptions, "extraCaFile">;
}

export interface LiveRun {
  /** Runs the live checks in the sandbox (after the probe) and reports them. */
  results(sandbox: Sandbox): Promise<TestResult[]>;
  /** Stops a probe still running (grading ended before the live checks). Always safe to call. */
  close(): void;
}

/** Stand-ins for the live targets from TLS_WORKBOOK_LIVE_HOSTS (tests only); throws a one-line error when malformed. */
export function overridesFromEnv(): LiveOverrides {
  return parseOverrides(process.env[LIVE_HOSTS_ENV]);
}

/** Starts the probe at once; undefined when the lesson has no live checks. */
export function startLive(lessonId: string, o: LiveOptions = {}): LiveRun | undefined {
  const targets = lessonTargets(lessonId, o.overrides);
  const checks = liveChecks(lessonId, targets, o.extraCaFile);
  if (checks.length === 0) return undefined;
  const stop = new AbortController();
  const probing: Promise<ProbeResult> = probe(targets[0], { ...o.probe, signal: stop.signal });
  return {
    close: () => stop.abort(),
    async results(sandbox) {
      const online = await probing;
      if (!online.ok) return checks.map((c) => skipped(c, online.reason));
      const broken = sandbox.brokenReason;
      if (broken) return checks.map((c) => skipped(c, `not run: the process running your code had already stopped (${broken.message})`));
      const references = new Map<LiveKey, Promise<Reference>>();
      const reference = (c: LiveCheck) => {
        let p = references.get(c.target.key);
        if (!p) references.set(c.target.key, (p = referenceHandshake(c.target, { ...o.reference, extraCaFile: o.extraCaFile })));
        return p;
      };
      const sharedCalls = new Map<string, Promise<CallResult>>();
      return Promise.all(
        checks.map(async (c): Promise<TestResult> => {
          const rec = callRecorder(sandbox, sharedCalls);
          const ctx: LiveContext = { sandbox, call: rec.call, shared: rec.shared };
          try {
            let v: Verdict = await c.judge(ctx);
            if (v.kind === "fail" && !v.definite) v = settle(c.row, c.target, v, await reference(c));
            return report(c, v, rec.output);
          } catch (err) {
            return { name: c.name, status: "error", message: `the grader itself failed on this check (please report it): ${(err as Error)?.stack ?? String(err)}` };
          }
        }),
      );
    },
  };
}

function skipped(c: LiveCheck, reason: string): TestResult {
  return { name: c.name, status: "skip", message: reason.split("\n")[0] };
}

function report(c: LiveCheck, v: Verdict, output: string): TestResult {
  const t: TestResult =
    v.kind === "pass"
      ? { name: c.name, status: "pass" }
      : v.kind === "skip"
        ? skipped(c, v.reason)
        : { name: c.name, status: "fail", message: formatFailure(v.failure, c.why) };
  return output && t.status !== "skip" ? { ...t, output } : t;
}
