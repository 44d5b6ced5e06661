// The live checks of lessons 02, 03, 05, 06 and 08: the learner's own functions, called in the
// sandbox like the offline checks, against the real internet. Each check returns a verdict
// (judge.ts); the runner (index.ts) settles the doubtful ones and reports.
import type { CallResult, Sandbox } from "../sandbox/sandbox.ts";
import fs from "node:fs";
import tls from "node:tls";
import { HEALTH_WARN_DAYS, judgeChain, judgeHealth, judgeInspect, judgeStrict, judgeTlsGet, type Verdict } from "./judge.ts";
import { EXPECTATIONS, targetText, type Expectation, type LiveTarget } from "./targets.ts";

/** How long one live call may take in the sandbox: real handshakes, far away, on a busy machine. */
export const LIVE_CALL_TIMEOUT_MS = 10_000;
/** What lesson 06's tlsHealth is given as timeoutMs: under the call's own limit. */
export const LIVE_HEALTH_TIMEOUT_MS = 6000;

export interface LiveContext {
  sandbox: Sandbox;
  /** A call whose output is kept with this check. */
  call(fn: string, args?: unknown[], o?: Parameters<Sandbox["call"]>[2]): Promise<CallResult>;
  /** A call several checks share: made once, by whichever check asks first. */
  shared(key: string, make: () => Promise<CallResult>): Promise<CallResult>;
}

export interface LiveCheck {
  name: string;
  why: string;
  target: LiveTarget;
  row: Expectation;
  judge(ctx: LiveContext): Promise<Verdict>;
}

/** Node's roots plus the child's extra CAs, one PEM each: the trust lesson 08's inspectChain is handed. */
export function liveRoots(extraCaFile?: string): string[] {
  let extra: string[] = [];
  try {
    if (extraCaFile) extra = fs.readFileSync(extraCaFile, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
  } catch {
    // no extra CAs
  }
  return [...tls.rootCertificates, ...extra];
}

export function liveChecks(lessonId: string, targets: LiveTarget[], extraCaFile?: string): LiveCheck[] {
  const check = (target: LiveTarget, name: string, judge: LiveCheck["judge"]): LiveCheck => {
    const row = EXPECTATIONS[target.key];
    return { name: `live: ${name}`, why: row.why, target, row, judge };
  };
  const labelled = (t: LiveTarget) => `${targetText(t)} (${EXPECTATIONS[t.key].label})`;
  switch (lessonId) {
    case "02-verified-client":
      return targets.map((t) =>
        check(t, EXPECTATIONS[t.key].must === "reject" ? `tlsGet rejects ${labelled(t)}` : `tlsGet fetches ${labelled(t)}`, async (ctx) =>
          judgeTlsGet(EXPECTATIONS[t.key], t, await ctx.call("tlsGet", [t.host, t.port, "/"], { timeoutMs: LIVE_CALL_TIMEOUT_MS })),
        ),
      );
    case "03-inspect-cert":
      return targets.map((t) =>
        check(t, `inspectTls reports on ${labelled(t)}: version, names, expiry and days left agree`, async (ctx) => {
          const started = Date.now();
          const r = await ctx.call("inspectTls", [t.host, t.port], { timeoutMs: LIVE_CALL_TIMEOUT_MS });
          return judgeInspect(EXPECTATIONS[t.key], t, r, started, Date.now());
        }),
      );
    case "05-reject-bad-certs":
      return targets.map((t) =>
        check(
          t,
          EXPECTATIONS[t.key].must === "reject" ? `connectStrict rejects ${labelled(t)} and classifyTlsError names it` : `connectStrict connects to ${labelled(t)}`,
          async (ctx) =>
            judgeStrict(
              EXPECTATIONS[t.key],
              t,
              await ctx.call("connectStrict", [t.host, t.port], { timeoutMs: LIVE_CALL_TIMEOUT_MS, then: { fn: "classifyTlsError", on: "reject" } }),
            ),
        ),
      );
    case "06-tls-health": {
      const list = targets.map(targetText);
      return targets.map((t, i) =>
        check(t, `tlsHealth grades ${list[i]} ${EXPECTATIONS[t.key].grades.join(" or ")} (${EXPECTATIONS[t.key].label})`, async (ctx) => {
          const r = await ctx.shared("tlsHealth", () =>
            ctx.sandbox.call("tlsHealth", [list, { timeoutMs: LIVE_HEALTH_TIMEOUT_MS, warnDays: HEALTH_WARN_DAYS }], { timeoutMs: LIVE_CALL_TIMEOUT_MS }),
          );
          return judgeHealth(EXPECTATIONS[t.key], t, list[i], i, r);
        }),
      );
    }
    case "08-chain-of-trust": {
      const roots = liveRoots(extraCaFile);
      return targets.map((t) =>
        check(
          t,
          EXPECTATIONS[t.key].must === "reject" ? `inspectChain and firstBrokenLink report on ${labelled(t)}` : `inspectChain walks ${labelled(t)} to a trusted root (no CRL: nothing shows the revocation)`,
          async (ctx) => judgeChain(EXPECTATIONS[t.key], t, await ctx.call("inspectChain", [t.host, t.port, roots], { timeoutMs: LIVE_CALL_TIMEOUT_MS, then: { fn: "firstBrokenLink", on: "resolve" } })),
        ),
      );
    }
    default:
      return [];
  }
}
