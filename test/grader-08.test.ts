// Lesson 08's grader against a catalog of learner files: plausible wrong solutions must fail
// with a message that names the mistake, alternative correct ones must pass.
// The files live in test/catalog/08-chain-of-trust/{wrong,right}/; each is graded once.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findLesson } from "../checker/manifest.ts";
import type { LessonResult } from "../checker/report/results.ts";
import { catalogGrading, CATALOG, failing, failureText, gradeFile } from "./helpers.ts";

const DIR = path.join(CATALOG, "08-chain-of-trust");
const NODE_MAJOR = Number(process.versions.node.split(".")[0]);

interface WrongCase {
  /** Substrings of check names; each must match at least one failing check. */
  checks: string[];
  /** True when no check other than those in `checks` may fail. */
  exactly?: boolean;
  /** What the learner reads (failureText) must match: it names the mistake. */
  message: RegExp;
  /** False where this Node does what the file expects (then it must pass). */
  failsHere?: boolean;
}

const REVOCATION = ['"revoked"', '"good"'];

const WRONG: Record<string, WrongCase> = {
  "stops-at-leaf": {
    checks: ["inspectChain reports a good chain", "inspectChain reports a chain with two intermediates", "firstBrokenLink names the first broken link of a good chain"],
    message: /expected: 3 links \([^\n]*\)\ngot: +1 links[^\n]*\nYour walk stops at the leaf: getPeerCertificate\(true\)/,
  },
  "checkissued-only": {
    checks: ["inspectChain reports a chain whose intermediate is an impostor", "firstBrokenLink names the first broken link of a chain whose intermediate is an impostor"],
    exactly: true,
    message: /signedBy "missing"\ngot: +signedBy 1\n[^\n]*checkIssued say yes[^\n]*check x\.verify\(parent\.publicKey\) too/,
  },
  "names-compare": {
    checks: ["inspectChain reports a chain whose intermediate is an impostor", "firstBrokenLink names the first broken link of a chain whose intermediate is an impostor"],
    exactly: true,
    message: /Names are free to copy; signatures are not\./,
  },
  "self-signed-top-trusted": {
    checks: ["inspectChain reports a chain to a root nobody trusts", "inspectChain reports a self-signed leaf", "firstBrokenLink names the first broken link of a chain to a root nobody trusts", "firstBrokenLink names the first broken link of a self-signed leaf"],
    exactly: true,
    message: /expected: ends: "unknown-root"\ngot: +ends: "trusted-root"\n[^\n]*every root signs itself, so compare it with `roots`/,
  },
  "missing-as-unknown-root": {
    checks: ["inspectChain reports a chain whose intermediate was not sent", "inspectChain reports a chain whose intermediate is an impostor"],
    exactly: true,
    message: /A missing intermediate is not an unknown root/,
  },
  "reports-authorized": {
    checks: ["inspectChain reports a chain whose intermediate was not sent", "inspectChain reports a chain to a root nobody trusts", "inspectChain reports a chain whose leaf has expired"],
    message: /expected: authorized: false \(Node refuses this chain with UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\ngot: +authorized: true\nNode refused this chain, and your report says it is trusted/,
  },
  "verifying-inspect": {
    checks: ["inspectChain reports a chain whose intermediate was not sent", "inspectChain reports a chain whose leaf has expired", "firstBrokenLink names the first broken link of a self-signed leaf"],
    message: /got: +it rejected with Error \[UNABLE_TO_VERIFY_LEAF_SIGNATURE\][^\n]*\nTo look at a chain Node refuses[^\n]*rejectUnauthorized: false, send nothing[^\n]*Inspecting is not trusting/,
  },
  "sends-request": {
    checks: ["inspectChain sends nothing over the connection it did not verify"],
    message: /requests reached \d of the inspected servers[^\n]*"GET \/ HTTP\/1\.1"\ninspectChain connects with verification off: write nothing on that socket/,
  },
  "leaf-dates-only": {
    checks: ["firstBrokenLink names the first broken link of a chain whose intermediate has expired", "firstBrokenLink checks every link's dates"],
    exactly: true,
    message: /expected: \{ link: 1, problem: "expired" \}\ngot: +null\nEvery link's dates count, not only the leaf's/,
  },
  "ignores-now": {
    checks: ["firstBrokenLink judges the dates at the `now` it is given"],
    exactly: true,
    message: /got: +null\nJudge the dates against the `now` you are given/,
  },
  "no-crl": {
    checks: ["the lab's revoked endpoint, with the lab's CRLs", "a leaf revoked by a CA made up for this grading"],
    exactly: true,
    message: /expected: "revoked"\ngot: +"good"\nA default connection checks no revocation at all[^\n]*crl option of tls\.connect/,
  },
  "crl-one-string": {
    checks: REVOCATION,
    message: /got: +it rejected with Error \[UNABLE_TO_GET_CRL\][^\n]*\nNode checks every certificate of the chain[^\n]*reads one CRL per string: split crlPem into its PEM blocks/,
    // Node 26 (OpenSSL 3.5+ as Node builds it) reads every CRL of a string.
    failsHere: NODE_MAJOR < 26,
  },
  "revocation-verify-off": {
    checks: ["an expired certificate, with the CRLs: rejects with CERT_HAS_EXPIRED", "checkRevocation keeps certificate verification switched on"],
    exactly: true,
    message: /checkRevocation keeps certificate verification switched on\n[^]*Your code passes rejectUnauthorized: false/,
  },
};

const RIGHT = ["async-await-events-once", "recursive-verify-only", "peer-cert-fields", "search-any-signer", "class-walker"];

const { fileOf, listed, grade, lab: labOf } = catalogGrading("8", DIR);

describe("lesson 08 catalog", () => {
  it("has an expectation for every file, and a file for every expectation", () => {
    expect(listed("wrong")).toEqual(Object.keys(WRONG).sort());
    expect(listed("right")).toEqual([...RIGHT].sort());
  });
});

describe("lesson 08 grader: wrong solutions fail and name the mistake", () => {
  for (const [name, c] of Object.entries(WRONG)) {
    it(name, async () => {
      const r = await grade("wrong", name);
      const text = failureText(r);
      if (c.failsHere === false) {
        expect(r.status, text).toBe("pass");
        return;
      }
      expect(r.status, text).toBe("fail");
      const failed = failing(r);
      expect(failed.filter((t) => t.status === "error"), text).toEqual([]);
      for (const want of c.checks) expect(failed.map((t) => t.name).filter((n) => n.includes(want)), `a failing check named like ${JSON.stringify(want)}\n${text}`).not.toEqual([]);
      if (c.exactly) {
        const unexpected = failed.map((t) => t.name).filter((n) => !c.checks.some((want) => n.includes(want)));
        expect(unexpected, text).toEqual([]);
      }
      expect(text).toMatch(c.message);
    });
  }
});

describe("lesson 08 grader: correct alternatives pass", () => {
  for (const name of RIGHT) {
    it(name, async () => {
      const r = await grade("right", name);
      expect(r.status, failureText(r)).toBe("pass");
    });
  }
});

describe("lesson 08 grader: the chains are new for every grading", () => {
  it("two gradings of the same file on one lab name their CAs differently (nothing to hard-code)", async () => {
    const [a, b] = await Promise.all([gradeFile("8", fileOf("wrong", "stops-at-leaf"), labOf()), gradeFile("8", fileOf("wrong", "stops-at-leaf"), labOf())]);
    const names = (r: LessonResult) => /expected: 3 links \(([^)]*)\)/.exec(failureText(r))?.[1];
    expect(names(a)).toBeTruthy();
    expect(names(a)).not.toBe(names(b));
  });
  it("every check carries a hint of its own, and the lesson has three", async () => {
    const { grader } = await import("../checker/graders/08-chain-of-trust.ts");
    const scope = labOf().scope();
    try {
      const checks = await grader.checks({ lab: labOf(), scope, certDir: "", solution: false, workDir: "" });
      expect(checks.length).toBeGreaterThan(25);
      for (const c of checks) expect(c.hint, c.name).toMatch(/\w/);
      expect(new Set(checks.map((c) => c.name)).size).toBe(checks.length);
    } finally {
      await scope.close();
    }
    expect(findLesson("8")?.hints).toHaveLength(3);
  });
});
