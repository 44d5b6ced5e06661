// Lesson 08: the learner's firstBrokenLink, on the reports their own inspectChain made of
// this grading's chains, and on reports made up here (random dates, a given `now`), so that
// "the leaf is expired" or "the last link is the root" written into the code fails.
import crypto from "node:crypto";
import { expectResolved, fail, failIfUnwritten, show, type Check } from "../../checks/check.ts";
import { DAY_MS } from "../../lab/pki.ts";
import type { BrokenLink, ChainCase, ChainEnd, Problem, SignedBy } from "./chains.ts";
import { inspectCall, judgeReport } from "./walk.ts";

const describe = (b: BrokenLink | null) => (b ? `{ link: ${b.link}, problem: "${b.problem}" }` : "null (nothing broken)");

function same(got: unknown, want: BrokenLink | null): boolean {
  if (want === null) return got === null || got === undefined;
  if (!got || typeof got !== "object") return false;
  const g = got as { link?: unknown; problem?: unknown };
  return g.link === want.link && g.problem === want.problem;
}

/** A mistake named from what came back instead of `want`. */
function mistakeFor(got: unknown, want: BrokenLink | null, key: string): string | undefined {
  const g = (got && typeof got === "object" ? got : {}) as { link?: unknown; problem?: unknown };
  if (want && g.problem === want.problem && g.link !== want.link)
    return want.link > 0 ? "The problem is right but not where it is: count links from the leaf (0) up; here it is above the leaf." : "The problem is right but not where it is: link 0 is the leaf.";
  if (want?.problem === "expired" && want.link > 0 && (got === null || got === undefined))
    return "Every link's dates count, not only the leaf's: check validFrom and validTo at each step up the chain.";
  if (want?.problem === "missing-intermediate" && g.problem === "unknown-root") return "A missing intermediate is not an unknown root: the leaf's signer is not in the chain at all (signedBy \"missing\").";
  if (want?.problem === "self-signed" && g.problem === "unknown-root") return "A leaf that signs itself (link 0, signedBy \"self\") is \"self-signed\"; \"unknown-root\" is for a chain whose root, above the leaf, is not trusted.";
  if (want?.problem === "unknown-root" && g.problem === "self-signed") return "\"self-signed\" is for a leaf that signed itself; this chain has a leaf and CAs above it, and ends at a root nobody trusts: \"unknown-root\".";
  if (key === "now") return "Judge the dates against the `now` you are given (it defaults to new Date() only when left out): the grader asks about a moment other than this one.";
  if (key === "dates-first") return "For each link, its dates come first, then who signed it: an expired certificate is broken whoever signed it.";
  return undefined;
}

export function brokenLinkCheck(c: ChainCase): Check {
  return {
    name: `firstBrokenLink names the first broken link of ${c.label}: ${c.broken ? `link ${c.broken.link}, ${c.broken.problem}` : "none"}`,
    why: "The first broken link is the fix: renew the leaf, have the CA reissue its intermediate, send the missing certificate, or trust (or refuse) the root.",
    hint: "Walk from the leaf (link 0) up through signedBy: check the link's dates, then its signer; \"missing\" is a missing intermediate, \"self\" ends the walk (trusted, unknown-root, or self-signed at link 0).",
    async run(ctx) {
      const r = await inspectCall(ctx, c);
      failIfUnwritten(r); // inspectChain is still the stub: one line for all of these
      if (r.status !== "resolved") fail({ expected: `inspectChain to resolve first, then firstBrokenLink to say ${describe(c.broken)}`, got: "inspectChain did not resolve (see its check above)" });
      let reportWrong = false;
      try {
        judgeReport(r.value, c);
      } catch {
        reportWrong = true;
      }
      const t = r.then;
      if (!t) fail({ expected: describe(c.broken), got: "firstBrokenLink was not called" });
      const got = expectResolved(t, `firstBrokenLink(report) to return ${describe(c.broken)}`);
      if (!same(got, c.broken))
        fail({
          expected: describe(c.broken),
          got: show(got),
          mistake: reportWrong ? "Your inspectChain's report of this chain is wrong too (see its check): firstBrokenLink can only be as right as the report it reads." : mistakeFor(got, c.broken, c.key),
        });
    },
  };
}

// ---- reports made up here ---------------------------------------------------------------

interface MadeLink {
  subject: string;
  issuer: string;
  validFrom: Date;
  validTo: Date;
  signedBy: SignedBy;
}
interface MadeReport {
  authorized: boolean;
  authorizationError: string | null;
  links: MadeLink[];
  ends: ChainEnd;
}

const hex = () => crypto.randomBytes(3).toString("hex");
const days = (n: number, from = Date.now()) => new Date(from + n * DAY_MS + crypto.randomInt(-3600_000, 3600_000));

/** A chain of `n` links (leaf first, root last) valid around `at`, under a trusted root. */
function made(n: number, at = Date.now()): MadeReport {
  const names = Array.from({ length: n }, (_, i) => (i === 0 ? `leaf-${hex()}.test` : i === n - 1 ? `Root ${hex()}` : `CA ${hex()}`));
  const links = names.map((subject, i) => ({
    subject: `CN=${subject}`,
    issuer: `CN=${names[Math.min(i + 1, n - 1)]}`,
    validFrom: days(-(10 + crypto.randomInt(100)), at),
    validTo: days(20 + crypto.randomInt(300), at),
    signedBy: (i === n - 1 ? "self" : i + 1) as SignedBy,
  }));
  return { authorized: true, authorizationError: null, links, ends: "trusted-root" };
}

interface Direct {
  key: string;
  name: string;
  why: string;
  hint: string;
  /** [report, now?] and the answer. */
  cases: () => { report: MadeReport; now?: Date; want: BrokenLink | null; what: string }[];
}

const DIRECT: Direct[] = [
  {
    key: "every-link",
    name: "firstBrokenLink checks every link's dates, not only the leaf's (made-up chains)",
    why: "CAs' certificates expire too, and a leaf that is fine cannot make up for the CA above it.",
    hint: "Check validFrom and validTo at every step of the walk, root included.",
    cases: () => {
      const a = made(3);
      a.links[1].validFrom = days(5 + crypto.randomInt(30));
      a.links[1].validTo = days(400);
      const b = made(4);
      b.links[3].validTo = days(-(1 + crypto.randomInt(30)));
      const c = made(3);
      c.links[0].validTo = days(-(1 + crypto.randomInt(30)));
      c.links[2].validTo = days(-(40 + crypto.randomInt(30)));
      return [
        { report: { ...a, authorized: false, authorizationError: "CERT_NOT_YET_VALID" }, want: { link: 1, problem: "not-yet-valid" as Problem }, what: "a chain whose intermediate is not valid yet" },
        { report: { ...b, authorized: false, authorizationError: "CERT_HAS_EXPIRED" }, want: { link: 3, problem: "expired" as Problem }, what: "a four-link chain whose root has expired" },
        { report: { ...c, authorized: false, authorizationError: "CERT_HAS_EXPIRED" }, want: { link: 0, problem: "expired" as Problem }, what: "a chain whose leaf and root have both expired (the leaf comes first)" },
        { report: made(2 + crypto.randomInt(3)), want: null, what: "a good chain" },
      ];
    },
  },
  {
    key: "now",
    name: "firstBrokenLink judges the dates at the `now` it is given",
    why: "\"Was this chain valid when the file was signed, or when the alert fired?\" is a question about another moment; a function that reads the clock itself cannot answer it.",
    hint: "Compare with the `now` parameter (now.getTime()), and fall back on new Date() only when it is left out.",
    cases: () => {
      const soon = made(3);
      const later = new Date(soon.links[0].validTo.getTime() + (1 + crypto.randomInt(20)) * DAY_MS);
      for (const l of soon.links.slice(1)) l.validTo = new Date(later.getTime() + 400 * DAY_MS);
      const early = made(3);
      const before = new Date(early.links[0].validFrom.getTime() - (1 + crypto.randomInt(20)) * DAY_MS);
      for (const l of early.links.slice(1)) l.validFrom = new Date(before.getTime() - 400 * DAY_MS);
      return [
        { report: soon, now: later, want: { link: 0, problem: "expired" as Problem }, what: `a chain good today, asked about ${later.toISOString().slice(0, 10)}, after its leaf's validTo` },
        { report: early, now: before, want: { link: 0, problem: "not-yet-valid" as Problem }, what: `a chain good today, asked about ${before.toISOString().slice(0, 10)}, before its leaf's validFrom` },
      ];
    },
  },
  {
    key: "dates-first",
    name: "firstBrokenLink looks at a link's dates before its signer (made-up chains)",
    why: "The order is the lesson's rule, so that every tool names the same link: from the leaf up, for each link its dates, then who signed it.",
    hint: "At each link: dates first (expired, not-yet-valid), then signedBy (\"missing\", or \"self\" at an unknown root).",
    cases: () => {
      const a = made(1);
      a.links[0].signedBy = "missing";
      a.links[0].validTo = days(-(1 + crypto.randomInt(30)));
      a.ends = "missing-intermediate";
      const c = made(2);
      c.links[1].signedBy = "self";
      c.ends = "unknown-root";
      return [
        { report: { ...a, authorized: false, authorizationError: "CERT_HAS_EXPIRED" }, want: { link: 0, problem: "expired" as Problem }, what: "an expired leaf whose signer is missing" },
        { report: { ...c, authorized: false, authorizationError: "SELF_SIGNED_CERT_IN_CHAIN" }, want: { link: 1, problem: "unknown-root" as Problem }, what: "a two-link chain to an unknown root" },
      ];
    },
  },
];

export function directChecks(): Check[] {
  return DIRECT.map((d) => ({
    name: d.name,
    why: d.why,
    hint: d.hint,
    async run(ctx) {
      const cases = d.cases();
      const results = await Promise.all(cases.map((x) => ctx.call("firstBrokenLink", x.now ? [x.report, x.now] : [x.report])));
      cases.forEach((x, i) => {
        const r = results[i];
        failIfUnwritten(r);
        const got = expectResolved(r, `firstBrokenLink to return ${describe(x.want)} for ${x.what}`);
        if (!same(got, x.want)) fail({ expected: `${describe(x.want)} for ${x.what}`, got: show(got), mistake: mistakeFor(got, x.want, d.key) });
      });
    },
  }));
}
