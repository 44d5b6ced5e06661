// Lesson 05's grader against a catalog of learner files: plausible wrong solutions must fail
// with a message that names the mistake, alternative correct ones must pass.
// The files live in test/catalog/05-reject-bad-certs/{wrong,right}/; each is graded once.
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Lab } from "../checker/lab/lab.ts";
import type { LessonResult } from "../checker/report/results.ts";
import { catalogGrading, CATALOG, failing, failureText, gradeFile } from "./helpers.ts";

const DIR = path.join(CATALOG, "05-reject-bad-certs");

interface WrongCase {
  /** Substrings of check names; each must match at least one failing check. */
  checks: string[];
  /** True when no check other than those in `checks` may fail. */
  exactly?: boolean;
  /** What the learner reads (failureText) must match: it names the mistake. */
  message: RegExp;
  /** Further assertions on the result (what the message must, or must not, say). */
  also?: { says: string; expect: (r: LessonResult, lab: Lab) => void };
}

const BROKEN_ENDPOINTS = ["expired", "not-yet-valid", "wrong-host", "self-signed", "untrusted-root", "incomplete-chain", "tls-v1-0", "tls-v1-1", "refused"];

const WRONG: Record<string, WrongCase> = {
  "rejectUnauthorized-false": {
    checks: [...BROKEN_ENDPOINTS.slice(0, 6).map((e) => `(${e})`), "keeps certificate verification switched on"],
    message: /keeps certificate verification switched on\n[^]*Your code passes rejectUnauthorized: false/,
  },
  "env-reject-unauthorized": {
    checks: [...BROKEN_ENDPOINTS.slice(0, 6).map((e) => `(${e})`), "keeps certificate verification switched on"],
    message: /keeps certificate verification switched on\n[^]*Your code sets NODE_TLS_REJECT_UNAUTHORIZED=0/,
  },
  "type-error": {
    checks: ["type-checks without errors"],
    exactly: true,
    message: /type-error\.ts:\d+:\d+: TS2322: Type 'boolean' is not assignable to type 'true'\./,
  },
  "first-label-identity": {
    checks: ["(look-alike 1)"],
    message: /your client accepted a certificate for bank-\w+\.attacker-\w+\.test\. Something compares names loosely/,
  },
  "noop-check-server-identity": {
    checks: ["rejects a certificate for another name (wrong-host)", 'classifies wrong-host as "wrong-host"', "(look-alike 1)", "(look-alike 2)", "(look-alike 3)", "(look-alike 4)"],
    exactly: true,
    message: /Your checkServerIdentity accepts a certificate issued for another name/,
  },
  "rejects-everything": {
    // and no credit for rejecting broken servers: it refuses everything
    checks: ["(good)", "(tls-v1-2)", "(no-common-name)", "(expired)", "(look-alike 1)", "keeps certificate verification switched on"],
    message: /connects to a valid server \(good\)\nexpected: connectStrict to resolve with \{ tlsVersion: "TLSv1\.3", authorized: true \}\ngot: +it rejected with Error: certificate CN/,
  },
  "hard-coded": {
    checks: ["connects to a TLS 1.2 server (tls-v1-2)", ...BROKEN_ENDPOINTS.map((e) => `(${e})`), "plain-HTTP"],
    message: /expected: \{ tlsVersion: "TLSv1\.2", authorized: true \}\ngot: +\{"tlsVersion":"TLSv1\.3","authorized":true\}/,
    also: {
      says: "it says connectStrict never connected, not that verification was switched off",
      expect(r) {
        const text = failureText(r);
        expect(text).not.toMatch(/Verification must stay on/);
        expect(text).toMatch(/\b(never|without|not|didn't)\b[^\n.]*\b(tls\.connect|connect(s|ed|ing)?)\b/i);
      },
    },
  },
  "message-matching": {
    checks: ['classifies untrusted-root as "untrusted-root"'],
    exactly: true,
    message: /got: +"self-signed"\nSELF_SIGNED_CERT_IN_CHAIN means the chain ends in a root nobody trusts: that is untrusted-root\.[^\n]*classify by err\.code/,
  },
  "chain-code-as-self-signed": {
    checks: ['classifies untrusted-root as "untrusted-root"'],
    exactly: true,
    message: /expected: "untrusted-root" for err\.code SELF_SIGNED_CERT_IN_CHAIN\ngot: +"self-signed"\nSELF_SIGNED_CERT_IN_CHAIN means the chain ends in a root nobody trusts/,
  },
  "always-other": {
    checks: [...BROKEN_ENDPOINTS.map((e) => `classifies ${e} as`), "classifyTlsError answers any value"],
    exactly: true,
    message: /expected: "expired" for err\.code CERT_HAS_EXPIRED\ngot: +"other"/,
  },
  "wraps-error": {
    checks: [...BROKEN_ENDPOINTS.map((e) => `(${e})`), ...BROKEN_ENDPOINTS.map((e) => `classifies ${e} as`)],
    exactly: true,
    message: /got: +Error: TLS failed: certificate has expired\nReject with the error Node gave you/,
  },
  "throws-on-non-error": {
    checks: ["classifyTlsError answers any value"],
    exactly: true,
    message: /expected: classifyTlsError\(a string\) to return "other"\ngot: +it rejected with TypeError/,
  },
  "never-closes": {
    checks: ["leaves nothing behind"],
    exactly: true,
    message: /leaves nothing behind[^\n]*\n[^]*\d+ connection\(s\) still open after your functions returned \(opened by connectStrict\): end or destroy each socket/,
  },
  "manual-authorized-check": {
    checks: ["keeps certificate verification switched on", ...BROKEN_ENDPOINTS.slice(0, 6).map((e) => `(${e})`)],
    exactly: true,
    message: /keeps certificate verification switched on\n[^]*Your code passes rejectUnauthorized: false/,
  },
  "no-error-handler": {
    checks: [...BROKEN_ENDPOINTS.map((e) => `(${e})`), "plain-HTTP", "leaves nothing behind"],
    message: /did not finish within [\d.]+ s[^]*Listen for the socket's 'error' event and reject the promise from it/,
    also: {
      says: "a timed-out call's \"meanwhile\" hint names that call's own uncaught error, not the latest one from any call",
      expect(r, lab) {
        for (const e of BROKEN_ENDPOINTS) {
          const t = r.tests.find((x) => x.name.endsWith(`(${e})`) && x.name.startsWith("rejects"));
          const hint = /meanwhile your code raised ([^\n]*)/.exec(t?.message ?? "")?.[1];
          if (hint) expect(hint, `rejects … (${e})`).toContain(lab.endpoint(e).expect);
        }
      },
    },
  },
  "protocol-after-destroy": {
    checks: ["(good)", "(tls-v1-2)", "(no-common-name)"],
    exactly: true,
    message: /connects to a valid server \(good\)\nexpected: \{ tlsVersion: "TLSv1\.3", authorized: true \}\ngot: +\{"tlsVersion":null,"authorized":true\}/,
    also: {
      says: "a null tlsVersion points at reading getProtocol() before closing (the README's own pointer)",
      expect(r) {
        expect(failureText(r)).toMatch(/getProtocol\(\)[^\n]*before/);
      },
    },
  },
};

const RIGHT = ["switch-statement", "lookup-table-with-cause", "events-once", "destroy-instead-of-end", "port-host-options", "wraps-with-cause"];

const { fileOf, listed, grade, lab: labOf } = catalogGrading("5", DIR);

describe("lesson 05 catalog", () => {
  it("has an expectation for every file, and a file for every expectation", () => {
    expect(listed("wrong")).toEqual(Object.keys(WRONG).sort());
    expect(listed("right")).toEqual([...RIGHT].sort());
  });
});

describe("lesson 05 grader: wrong solutions fail and name the mistake", () => {
  for (const [name, c] of Object.entries(WRONG)) {
    it(name, async () => {
      const r = await grade("wrong", name);
      const text = failureText(r);
      expect(r.status, text).toBe("fail");
      const failed = failing(r);
      expect(failed.filter((t) => t.status === "error"), text).toEqual([]);
      for (const want of c.checks) expect(failed.map((t) => t.name).filter((n) => n.includes(want)), `a failing check named like ${JSON.stringify(want)}\n${text}`).not.toEqual([]);
      if (c.exactly) {
        const unexpected = failed.map((t) => t.name).filter((n) => !c.checks.some((want) => n.includes(want)));
        expect(unexpected, text).toEqual([]);
      }
      expect(text).toMatch(c.message);
      c.also?.expect(r, labOf());
    });
  }
});

describe("lesson 05 grader: correct alternatives pass", () => {
  for (const name of RIGHT) {
    it(name, async () => {
      const r = await grade("right", name);
      expect(r.status, failureText(r)).toBe("pass");
    });
  }
});
