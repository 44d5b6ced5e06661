// Lesson 06's grader against a catalog of learner files: plausible wrong solutions must fail
// with a message that names the mistake, alternative correct ones must pass.
// The files live in test/catalog/06-tls-health/{wrong,right}/; each is graded once.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lab } from "../checker/lab/lab.ts";
import { CATALOG, describeCatalog, failing, failureText, gradeFile } from "./helpers.ts";

const DIR = path.join(CATALOG, "06-tls-health");

// Check names (or distinctive parts of them) as the grader reports them.
const ORDER = "in the order given, each with its target as given";
const REASON = "a short, one-line reason";
const PASS = "PASS for valid certificates";
const WARN = "WARN for valid certificates";
const THRESHOLD = "grades the threshold exactly";
const DAYS = "reports daysLeft in whole days, rounded down";
const VERSION = "reports the negotiated tlsVersion";
const DUP = "gives a target listed twice a result each time";
const SILENT_ONE = "gives up on a silent server after opts.timeoutMs";
const TEN = "checks targets concurrently: ten silent servers";
const WARN_DAYS = "honours opts.warnDays";
const DEFAULT = "uses warnDays 30 when opts are left out";
const NEVER_THROWS = "never throws: a target that is not host or host:port is a FAIL";
const FORMAT = "formatHealth prints one line per result";
const VERIFY_ON = "keeps certificate verification switched on";
const CLEANUP = "leaves nothing behind";
const fails = (key: string) => `(${key})`;
const BAD_CERTS = ["not-yet-valid", "wrong-host", "self-signed", "untrusted-root"].map(fails);
const ALL_BROKEN = ["expired", "not-yet-valid", "wrong-host", "self-signed", "untrusted-root", "tls-v1-0", "tls-v1-1", "refused", "plain-http", "hang-up", "silent"].map(fails);

interface WrongCase {
  /** Substrings of check names; each must match at least one failing check. */
  failing: string[];
  /** True when no check other than those in `failing` may fail. */
  exactly?: boolean;
  /** Each must match what the learner reads (failureText): the mistake, named. */
  says: RegExp[];
}

const HANGS: WrongCase = {
  // The main list holds a silent server too: every check on it waits out the sandbox's limit once.
  failing: [ORDER, PASS, fails("silent"), SILENT_ONE, TEN, CLEANUP],
  says: [
    /never gave up on a server that accepts the connection and then says nothing\. Give each check a timer that destroys its socket/,
    /the 'timeout' event only tell you that time has passed, they close nothing/,
    /Each check needs a timeout that honours opts\.timeoutMs first/,
  ],
};

const OFF_BY_ONE: WrongCase = {
  failing: [DAYS, THRESHOLD, WARN_DAYS, DEFAULT],
  says: [/your daysLeft counts them as a day: that is Math\.round or Math\.ceil\. Round down with Math\.floor/, /Your daysLeft for it is 30, but it has 29 days and 18 hours left/],
};

const WRONG: Record<string, WrongCase> = {
  "rejectUnauthorized-false": {
    failing: [...BAD_CERTS, VERIFY_ON],
    says: [/FAIL for a self-signed certificate \(self-signed\)\n[^]*Your code passes rejectUnauthorized: false/, /keeps certificate verification switched on\n[^]*rejectUnauthorized: false/],
  },
  "env-reject-unauthorized": {
    failing: [...BAD_CERTS, VERIFY_ON],
    says: [/Your code sets NODE_TLS_REJECT_UNAUTHORIZED=0/],
  },
  "first-label-identity": {
    failing: [fails("same-first-label")],
    exactly: true,
    says: [/Your checker accepted a certificate for a name that only looks like the host/],
  },
  "noop-check-server-identity": {
    failing: [fails("wrong-host"), fails("same-first-label"), fails("same-parent-domain"), fails("name-suffix"), fails("parent-domain")],
    exactly: true,
    says: [/Your checkServerIdentity accepts a certificate issued for another name/],
  },
  "no-timeout": HANGS,
  "timeout-event-only": HANGS,
  "timeout-without-destroy": {
    failing: [CLEANUP],
    exactly: true,
    says: [/connection\(s\) still open after your functions returned \(opened by tlsHealth\): end or destroy each socket/],
  },
  "ignores-timeout-ms": {
    failing: [SILENT_ONE, TEN],
    exactly: true,
    says: [/got: +\d+ ms\nUse opts\.timeoutMs as each check's time limit/, /Each check needs a timeout that honours opts\.timeoutMs first/],
  },
  sequential: {
    failing: [TEN],
    exactly: true,
    says: [/got: +\d+ ms\nOne silent server takes 800 ms, and ten took \d+\.\d s: your checks run one after another[^\n]*Promise\.all/],
  },
  "throws-on-failure": {
    // Its silent socket may still be open when the grader looks, so CLEANUP is left out.
    failing: [ORDER, ...ALL_BROKEN, NEVER_THROWS, SILENT_ONE, TEN],
    says: [/got: +it rejected with Error[^\n]*\ntlsHealth must never throw: whatever goes wrong with one target is a FAIL/, /See the check "returns one result per target/],
  },
  "math-round": OFF_BY_ONE,
  "math-ceil": OFF_BY_ONE,
  "warn-at-threshold": {
    failing: [THRESHOLD, WARN_DAYS, DEFAULT],
    exactly: true,
    says: [/got: +\{"grade":"WARN","tlsVersion":"TLSv1\.3","daysLeft":30,[^\n]*\nWARN means fewer than warnDays days left \(daysLeft < warnDays\): exactly 30 days left is still a PASS/],
  },
  "ignores-warn-days": {
    failing: [WARN_DAYS],
    exactly: true,
    says: [/with warnDays \d+\ngot: +\{"grade":"PASS"[^\n]*\nYour checker graded it as if warnDays were 30: use opts\.warnDays/],
  },
  "fails-everything": {
    failing: [fails("expired"), fails("same-first-label")],
    says: [/FAIL for every target, the valid ones too/],
  },
  "hard-coded": {
    failing: [WARN, THRESHOLD, DAYS, VERSION, ...ALL_BROKEN, SILENT_ONE, TEN, WARN_DAYS, DEFAULT],
    says: [/Your tlsHealth never called tls\.connect: grades must come from real connections/],
  },
  "old-protocol-warn": {
    failing: [fails("tls-v1-0"), fails("tls-v1-1")],
    exactly: true,
    says: [/Your checker connected with TLSv1 and graded it "WARN": a protocol below TLSv1\.2 is a FAIL/, /connected with TLSv1\.1 and graded it "WARN"/],
  },
  "completion-order": {
    failing: [ORDER],
    exactly: true,
    says: [/Your results come in the order the checks finished, not the order the targets were given[^\n]*Promise\.all/],
  },
  "dedupes-targets": {
    failing: [ORDER, DUP],
    exactly: true,
    says: [/expected: 22 results, one per target given\ngot: +21 results\n\S+ was listed twice and got one result/],
  },
  "opts-required": {
    failing: [DEFAULT],
    exactly: true,
    says: [/it rejected with TypeError[^\n]*\nopts is optional: read it as opts\?\.timeoutMs \?\? 10000/],
  },
  "format-undefined": {
    failing: [FORMAT],
    exactly: true,
    says: [/without "undefined", "null" or "NaN"\ngot: +"FAIL +api-\w+\.example\.org +undefined[^\n]*\nA FAIL has no version or days: print a placeholder/],
  },
  "format-header": {
    failing: [FORMAT],
    exactly: true,
    says: [/expected: 5 lines, one per result[^\n]*\ngot: +6 lines[^\n]*\nOne line per target and nothing else: no header/],
  },
};

const RIGHT = ["all-settled", "all-with-try-catch", "x509-certificate", "lowered-min-version", "connect-throws-on-bad-port"];

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start();
});
afterAll(async () => {
  await lab?.close();
});

const catalogFile = (kind: "wrong" | "right", name: string) => path.join(DIR, kind, `${name}.ts`);

// Most of a grading is waiting on timers (silent servers), so a few run at once; the grader's
// own margins absorb the load, and the slow cases overlap the fast ones.
describe.concurrent("lesson 06 grader: wrong solutions fail and name the mistake", () => {
  for (const [name, c] of Object.entries(WRONG)) {
    it(`wrong/${name}`, async () => {
      const result = await gradeFile("6", catalogFile("wrong", name), lab);
      const text = failureText(result);
      expect(result.status, `status of wrong/${name}; what the grader said:\n${text}`).toBe("fail");
      const names = failing(result).map((t) => t.name);
      for (const check of c.failing)
        expect(
          names.some((n) => n.includes(check)),
          `wrong/${name} should fail the check "${check}"; failing: ${JSON.stringify(names)}\n${text}`,
        ).toBe(true);
      if (c.exactly)
        expect(
          names.filter((n) => !c.failing.some((check) => n.includes(check))),
          `wrong/${name} should fail only ${JSON.stringify(c.failing)}\n${text}`,
        ).toEqual([]);
      for (const re of c.says) expect(text, `wrong/${name}: the message should match ${re}`).toMatch(re);
    });
  }
});

describe.concurrent("lesson 06 grader: alternative correct solutions pass", () => {
  it.each(RIGHT)("right/%s", async (name) => {
    const result = await gradeFile("6", catalogFile("right", name), lab);
    expect(result.status, `right/${name} should pass; what the grader said:\n${failureText(result)}`).toBe("pass");
  });
});

describeCatalog("06", DIR, Object.keys(WRONG), RIGHT);
