// Lesson 06: a TLS health checker. The learner's tlsHealth runs on a shuffled list of this
// grading's own lab endpoints: valid certificates with random days left (on both sides of
// the threshold and exactly at it), every kind of broken certificate, old protocols, and
// servers that refuse, hang up, speak HTTP or never answer. Timing is measured around the
// sandbox calls: a silent server must cost timeoutMs, and ten of them no more than one.
import crypto from "node:crypto";
import { failIfUnwritten, fail, show, verificationOffMistake, type Check, type CheckContext, type CodeGrader, type GraderEnv } from "../checks/check.ts";
import type { TlsConfig } from "../lab/lab.ts";
import { DAY_MS, randomLabel } from "../lab/pki.ts";
import { describeError, type CallResult } from "../sandbox/sandbox.ts";

type Grade = "PASS" | "WARN" | "FAIL";
const GRADES: readonly string[] = ["PASS", "WARN", "FAIL"];

const HOUR_MS = 60 * 60 * 1000;
/** Every certificate expires this long after its whole days: Math.round and Math.ceil both add a day. */
const EXTRA_HOURS = 18;
/** What the grader passes as timeoutMs on most calls (never the 10 s default). */
const TIMEOUT_MS = 1200;
const WARN_DAYS = 30;
/** Ten silent servers with this timeout must finish together within TEN_LIMIT_MS. */
const TEN_TIMEOUT_MS = 800;
const TEN_LIMIT_MS = 2500;
/** How late after timeoutMs a silent server's FAIL may come (the machine is shared and loaded). */
const LATE_MARGIN_MS = 700;
/** How early: timers never fire early, so this only absorbs clock granularity. */
const EARLY_MARGIN_MS = 50;
/** The sandbox's own per-call limit, well above every timeoutMs passed here. */
const CALL_TIMEOUT_MS = 5000;
/** Ten silent servers checked one after another take 8 s: let that finish, so it can be named. */
const TEN_CALL_TIMEOUT_MS = 10 * TEN_TIMEOUT_MS + 1500;

const randomInt = (min: number, max: number) => crypto.randomInt(min, max + 1);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

function shuffle<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** One target the grader serves, and what is true about it. */
interface Target {
  key: string;
  /** The string passed to tlsHealth. */
  target: string;
  /** How messages describe it. */
  label: string;
  /** Valid certificates only: whole days left and the protocol the server speaks. */
  days?: number;
  tlsVersion?: "TLSv1.3" | "TLSv1.2";
}

interface Valid extends Target {
  days: number;
  tlsVersion: "TLSv1.3" | "TLSv1.2";
}

const gradeFor = (t: Valid, warnDays: number): Grade => (t.days < warnDays ? "WARN" : "PASS");

async function serveValid(env: GraderEnv, key: string, days: number, o: { named: boolean; v12?: boolean }): Promise<Valid> {
  const { lab, scope } = env;
  const host = o.named ? scope.hostName(key) : "localhost";
  const leaf = lab.pki.issueLeaf({
    cn: o.named ? host : `${randomLabel(key)}.lab.test`,
    altNames: o.named ? [host] : undefined,
    notAfter: days * DAY_MS + EXTRA_HOURS * HOUR_MS,
  });
  const tlsVersion = o.v12 ? "TLSv1.2" : "TLSv1.3";
  const ep = await scope.addTls(key, { chain: [leaf, ...lab.pki.intermediate.chainAbove], ...(o.v12 ? { maxVersion: "TLSv1.2" } : { minVersion: "TLSv1.3" }) });
  const target = `${host}:${ep.port}`;
  return { key, target, days, tlsVersion, label: `${target} (a valid certificate, ${days} days and ${EXTRA_HOURS} hours left, ${tlsVersion})` };
}

/** The broken targets, each with its own check. */
const BROKEN: { key: string; label: string; why: string }[] = [
  { key: "expired", label: "an expired certificate", why: "An expired certificate is an outage already happening: browsers and API clients refuse the site." },
  { key: "not-yet-valid", label: "a certificate that is not valid yet", why: "A certificate from the future fails verification today, for every client." },
  { key: "wrong-host", label: "a certificate for another name", why: "A certificate for another name is what a misrouted site or an impostor presents; clients refuse it." },
  { key: "same-first-label", label: "a valid certificate for a name with the same first label", why: "A hostname check compares the whole name: bank.attacker.test is not bank.example.test, though a checker that looks at the first label thinks so." },
  { key: "same-parent-domain", label: "a valid certificate for another name in the same parent domain", why: "A hostname check compares the whole name: a certificate for a neighbour in the same domain (or TLD) is still someone else's." },
  { key: "parent-domain", label: "a valid certificate for the parent domain itself", why: "A certificate for example.test does not cover bank.example.test: a check that the host merely ends with the name lets its owner answer for every subdomain." },
  { key: "name-suffix", label: "a valid certificate for a name that ends with the host's name", why: "evilbank.example is not bank.example: a check with endsWith lets anyone who registers a longer name in." },
  { key: "self-signed", label: "a self-signed certificate", why: "Nobody vouches for a self-signed certificate: no client that verifies will connect." },
  { key: "untrusted-root", label: "a chain to an untrusted root", why: "A chain that ends in a root nobody trusts proves nothing; real clients refuse it." },
  { key: "tls-v1-0", label: "a server that only speaks TLS 1.0", why: "TLS 1.0 was retired in 2021 for known weaknesses; modern clients refuse it, so the site is effectively down for them." },
  { key: "tls-v1-1", label: "a server that only speaks TLS 1.1", why: "TLS 1.1 was retired with 1.0; a server that offers nothing newer needs fixing now, not in 30 days." },
  { key: "refused", label: "a port where nothing listens", why: "A site that cannot be reached is the first thing a monitor must report." },
  { key: "plain-http", label: "a server that speaks plain HTTP, not TLS", why: "A port that answers without TLS serves nothing securely: a FAIL, whatever it says." },
  { key: "hang-up", label: "a server that hangs up at once", why: "A connection closed before the handshake is a failed check, not a crash of the checker." },
  { key: "silent", label: "a server that never answers", why: "A server that accepts connections and then says nothing is down; only your own timeout can tell." },
];

/** `name` tells apart several endpoints of one kind: the lab knows a scope's endpoints by name. */
async function serveBroken(env: GraderEnv, key: string, name = key): Promise<Target> {
  const { lab, scope } = env;
  const { pki } = lab;
  const chained = (leaf: ReturnType<typeof pki.issueLeaf>) => [leaf, ...pki.intermediate.chainAbove];
  const cn = `${randomLabel(key)}.lab.test`;
  let host = "localhost";
  let cfg: TlsConfig | undefined;
  let detail = "";
  switch (key) {
    case "expired": {
      host = scope.hostName(key);
      const ago = randomInt(1, 90);
      cfg = { chain: chained(pki.issueLeaf({ cn: host, altNames: [host], notBefore: -(ago + 90) * DAY_MS, notAfter: -ago * DAY_MS })) };
      detail = `expired ${ago} days ago`;
      break;
    }
    case "not-yet-valid": {
      const ahead = randomInt(1, 60);
      cfg = { chain: chained(pki.issueLeaf({ cn, notBefore: ahead * DAY_MS, notAfter: (ahead + 90) * DAY_MS })) };
      detail = `valid from ${ahead} days from now`;
      break;
    }
    case "wrong-host": {
      host = scope.hostName(key);
      const other = `${randomLabel("other")}.tls-workbook.test`;
      cfg = { chain: chained(pki.issueLeaf({ cn: other, altNames: [other] })) };
      detail = `issued for ${other}`;
      break;
    }
    case "same-first-label":
    case "same-parent-domain":
    case "name-suffix":
    case "parent-domain": {
      host = scope.hostName("bank");
      const [first, ...parent] = host.split(".");
      const other = key === "same-first-label" ? `${first}.${randomLabel("attacker")}.test` : key === "name-suffix" ? `evil${host}` : key === "parent-domain" ? parent.join(".") : `${randomLabel("evil")}.${parent.join(".")}`;
      cfg = { chain: chained(pki.issueLeaf({ cn: other, altNames: [other] })) };
      detail = `issued for ${other}, a name that only looks like ${host}`;
      break;
    }
    case "self-signed":
      cfg = { chain: [pki.issueLeaf({ cn }, "self")] };
      detail = "the leaf signs itself";
      break;
    case "untrusted-root":
      cfg = { chain: [pki.issueLeaf({ cn }, pki.untrustedRoot), pki.untrustedRoot] };
      detail = "signed by a root nobody trusts";
      break;
    case "tls-v1-0":
    case "tls-v1-1": {
      const v = key === "tls-v1-0" ? "TLSv1" : "TLSv1.1";
      // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level: the server must allow them.
      cfg = { chain: chained(pki.issueLeaf({ cn })), minVersion: v, maxVersion: v, ciphers: "DEFAULT@SECLEVEL=0" };
      detail = `a valid certificate, but only ${v}`;
      break;
    }
    case "refused":
    case "plain-http":
    case "hang-up":
    case "silent": {
      const ep = await scope.addRaw(name, key);
      const target = `${host}:${ep.port}`;
      return { key, target, label: `${target} (${BROKEN.find((b) => b.key === key)!.label})` };
    }
    default:
      throw new Error(`no broken target ${key}`);
  }
  const ep = await scope.addTls(key, cfg);
  const target = `${host}:${ep.port}`;
  return { key, target, label: `${target} (${detail})` };
}

// ---- reading what came back -------------------------------------------------------------

const HANG_MISTAKE =
  "Your tlsHealth never gave up on a server that accepts the connection and then says nothing. Give each check a timer that destroys its socket after timeoutMs, e.g. socket.setTimeout(ms, () => socket.destroy(new Error(`timed out after ${ms} ms`))): the timeout option of tls.connect and the 'timeout' event only tell you that time has passed, they close nothing.";

const THROWS_MISTAKE =
  "tlsHealth must never throw: whatever goes wrong with one target is a FAIL in that target's result, and the others still get theirs. Catch each target's error (a try/catch inside the function you map over the targets, or Promise.allSettled).";

const NEVER_CONNECTED = "Your tlsHealth never called tls.connect: grades must come from real connections made now (ports, names and dates are new on every run).";

/**
 * The call resolved with an array; otherwise a failure that says why. Checks that share a
 * call name its mistake once: the others pass `seeAlso`, the check that explains it.
 */
function resolvedList(r: CallResult, what: string, seeAlso?: string): unknown[] {
  const explain = (mistake: string) => (seeAlso ? `See the check "${seeAlso}".` : mistake);
  if (r.status === "resolved") {
    if (!Array.isArray(r.value)) fail({ expected: `${what}: an array of results`, got: show(r.value) });
    return r.value;
  }
  failIfUnwritten(r);
  if (r.status === "broken") {
    if (r.reason === "timeout") fail({ expected: what, got: `no answer: ${r.message.replace(/^.*(did not finish)/, "it $1")}`, mistake: explain(HANG_MISTAKE) });
    fail({ expected: what, got: r.message });
  }
  const optsMissing = /reading '(timeoutMs|warnDays)'/.test(r.error.message ?? "");
  fail({
    expected: what,
    got: `it rejected with ${describeError(r.error)}`,
    mistake: optsMissing ? "opts is optional: read it as opts?.timeoutMs ?? 10000 and opts?.warnDays ?? 30 (or give it a default, opts = {})." : explain(THROWS_MISTAKE),
  });
}

/**
 * The result for targets[i]: at its own index when the order is right, else the first with
 * its target, so that a wrong order is told once, by the order check, and not by every check.
 */
function resultAt(results: unknown[], targets: readonly string[], i: number): Record<string, unknown> {
  const target = targets[i];
  let found: unknown = isObject(results[i]) && results[i].target === target ? results[i] : results.find((x) => isObject(x) && x.target === target);
  // Same length, target spelled differently: still grade it, the order check names the target mistake.
  if (found === undefined && results.length === targets.length) found = results[i];
  if (!isObject(found)) fail({ expected: `a result for ${target}`, got: found === undefined ? "none with that target (see the order check)" : show(found) });
  return found;
}

function resultFor(results: unknown[], targets: readonly Target[], t: Target): Record<string, unknown> {
  return resultAt(
    results,
    targets.map((x) => x.target),
    targets.indexOf(t),
  );
}

const brief = (x: Record<string, unknown>) => show({ grade: x.grade, tlsVersion: x.tlsVersion, daysLeft: x.daysLeft, reason: x.reason });

/** Why a valid target did not get its grade, when the grader can tell. */
function validGradeMistake(r: CallResult, x: Record<string, unknown>, t: Valid, warnDays: number): string | undefined {
  const want = gradeFor(t, warnDays);
  if (r.tls.length === 0) return NEVER_CONNECTED;
  if (x.grade === "FAIL")
    return `Your checker graded a valid certificate FAIL (reason: ${show(x.reason)}). Only an error, or a protocol below TLSv1.2, is a FAIL.`;
  if (typeof x.daysLeft === "number" && x.daysLeft !== t.days)
    return `Your daysLeft for it is ${x.daysLeft}, but it has ${t.days} days and ${EXTRA_HOURS} hours left: whole days, rounded down (see the daysLeft check).`;
  if (want === "PASS" && x.grade === "WARN" && t.days === warnDays)
    return `WARN means fewer than warnDays days left (daysLeft < warnDays): exactly ${warnDays} days left is still a PASS.`;
  if (want === "WARN" && x.grade === "PASS")
    return `WARN whenever daysLeft < warnDays (here ${warnDays}).`;
  if (!GRADES.includes(String(x.grade))) return 'The grade is one of the strings "PASS", "WARN" and "FAIL", in capitals.';
  return undefined;
}

/** Why a broken target was not a FAIL, when the grader can tell. */
function brokenGradeMistake(r: CallResult, key: string, x: Record<string, unknown>): string {
  if ((key === "tls-v1-0" || key === "tls-v1-1") && (x.tlsVersion === "TLSv1" || x.tlsVersion === "TLSv1.1"))
    return `Your checker connected with ${x.tlsVersion} and graded it ${show(x.grade)}: a protocol below TLSv1.2 is a FAIL, however many days the certificate has left.`;
  const off = verificationOffMistake(r);
  if (off) return off;
  if (key === "wrong-host" && r.tls.some((u) => u.customCheckServerIdentity))
    return "Your checkServerIdentity accepts a certificate issued for another name: it switches the hostname check off. Leave it out.";
  if (r.tls.length === 0) return NEVER_CONNECTED;
  if (key === "same-first-label" || key === "same-parent-domain" || key === "name-suffix" || key === "parent-domain")
    return "Your checker accepted a certificate for a name that only looks like the host. Something compares names loosely: a replaced tls.checkServerIdentity (or one in the options) that looks at the first label, a suffix or the TLD. Leave Node's own hostname check alone: it compares the whole name.";
  return "Any error from the connection or the handshake (the socket's 'error' event) is a FAIL.";
}

// ---- the checks --------------------------------------------------------------------------

/** The first check on the main list: it explains what went wrong when that call fails. */
const ORDER_CHECK = "returns one result per target, in the order given, each with its target as given";

/** What turns a broken target into the FAIL it should be. */
function brokenHint(key: string): string {
  const fail = 'catch the error and resolve { target, grade: "FAIL", reason } (checkOne never rejects)';
  if (key === "silent") return `Only your own timer ends the wait: setTimeout(() => socket.destroy(new Error("timed out")), timeoutMs); the 'error' that follows is a FAIL: ${fail}.`;
  if (["refused", "plain-http", "hang-up"].includes(key)) return `The connection fails with an 'error' event (ECONNREFUSED, a wrong version number, ECONNRESET): listen for it and ${fail}.`;
  if (key.startsWith("tls-v1-")) return `Leave minVersion at its default: the handshake then fails with an 'error' event; ${fail}. A protocol below TLSv1.2 that does get through is a FAIL too.`;
  if (["same-first-label", "same-parent-domain", "parent-domain", "name-suffix", "wrong-host"].includes(key))
    return `Let Node compare the whole name: servername: host and no checkServerIdentity or rejectUnauthorized: false of your own; the 'error' it gives is a FAIL: ${fail}.`;
  return `Keep verification on (tls.connect's defaults): Node refuses this certificate with an 'error' event; ${fail}.`;
}
const NEVER_THROWS_CHECK = "never throws: a target that is not host or host:port is a FAIL, and the others are still checked";
const SILENT_CHECK = "gives up on a silent server after opts.timeoutMs (random, 700 to 1100 ms) and grades it FAIL";

export const grader: CodeGrader = {
  kind: "code",
  timeoutMs: CALL_TIMEOUT_MS,
  async checks(env: GraderEnv): Promise<Check[]> {
    const { scope } = env;
    const W = randomInt(40, 70);
    const [passA, passB, at30, at29, warnB, warn0, atW, atW1, ...rest] = await Promise.all([
      serveValid(env, "pass-a", randomInt(45, 400), { named: true }),
      serveValid(env, "pass-b", randomInt(60, 800), { named: false, v12: true }),
      serveValid(env, "at-30", WARN_DAYS, { named: true }),
      serveValid(env, "at-29", WARN_DAYS - 1, { named: false }),
      serveValid(env, "warn-b", randomInt(2, 27), { named: true, v12: true }),
      serveValid(env, "warn-0", 0, { named: false }),
      serveValid(env, "at-w", W, { named: false }),
      serveValid(env, "at-w-1", W - 1, { named: true }),
      ...BROKEN.map((b) => serveBroken(env, b.key)),
      serveBroken(env, "silent", "silent-one"), // the one the timing check uses on its own
      ...Array.from({ length: 10 }, (_, i) => serveBroken(env, "silent", `silent-${i + 1}`)),
    ]);
    const broken = new Map(BROKEN.map((b, i) => [b.key, rest[i]]));
    const silentOne = rest[BROKEN.length];
    const tenSilent = rest.slice(BROKEN.length + 1);
    const silentTimeout = randomInt(700, 1100);

    const mainValid: Valid[] = [passA, passB, at30, at29, warnB, warn0];
    const dup = mainValid[crypto.randomInt(mainValid.length)];
    const dupCopy: Valid = { ...dup };
    const mainTargets: Target[] = shuffle([...mainValid, ...broken.values(), dupCopy]);
    const mainArgs = [mainTargets.map((t) => t.target), { timeoutMs: TIMEOUT_MS, warnDays: WARN_DAYS }];
    const mainWhat = `tlsHealth([${mainTargets.length} targets], { timeoutMs: ${TIMEOUT_MS}, warnDays: ${WARN_DAYS} }) to resolve with ${mainTargets.length} results`;

    const elapsed = new Map<string, number>();
    const timed = (ctx: CheckContext, key: string, args: unknown[], timeoutMs?: number) =>
      ctx.shared(key, async () => {
        const start = performance.now();
        const r = await ctx.sandbox.call("tlsHealth", args, timeoutMs ? { timeoutMs } : {});
        elapsed.set(key, performance.now() - start);
        return r;
      });
    const mainCall = (ctx: CheckContext) => ctx.shared("main", () => ctx.sandbox.call("tlsHealth", mainArgs));
    const main = async (ctx: CheckContext, explains = false) => {
      const r = await mainCall(ctx);
      return { r, results: resolvedList(r, mainWhat, explains ? undefined : ORDER_CHECK) };
    };

    const customTargets: Valid[] = [atW, atW1, at29];
    const customCall = (ctx: CheckContext) => ctx.shared("custom", () => ctx.sandbox.call("tlsHealth", [customTargets.map((t) => t.target), { timeoutMs: TIMEOUT_MS, warnDays: W }]));
    const defaultTargets: Valid[] = [at30, at29];
    const defaultCall = (ctx: CheckContext) => ctx.shared("default", () => ctx.sandbox.call("tlsHealth", [defaultTargets.map((t) => t.target)]));
    // Host names of this grading's own, so no lookup leaves the machine; the port-less one means 443, where nothing of the lab listens.
    const garbage = [`${scope.hostName("not-a-port")}:xx`, "localhost:70000", scope.hostName("no-port"), "localhost:"];
    const garbageTargets = shuffle([...garbage, passA.target]);
    const garbageCall = (ctx: CheckContext) => ctx.shared("garbage", () => ctx.sandbox.call("tlsHealth", [garbageTargets, { timeoutMs: TIMEOUT_MS, warnDays: WARN_DAYS }]));
    const silentCall = (ctx: CheckContext) => timed(ctx, "silent-one", [[silentOne.target], { timeoutMs: silentTimeout, warnDays: WARN_DAYS }]);
    const tenCall = (ctx: CheckContext) => timed(ctx, "silent-ten", [tenSilent.map((t) => t.target), { timeoutMs: TEN_TIMEOUT_MS, warnDays: WARN_DAYS }], TEN_CALL_TIMEOUT_MS);

    /** A check that valid targets of the main list got the grade they should. */
    const validGrades = (name: string, why: string, targets: Valid[]): Check => ({
      name,
      why,
      hint: "A verified connection with TLSv1.2 or TLSv1.3 is a PASS, or a WARN when daysLeft < warnDays (strictly less: exactly warnDays is a PASS); daysLeft = Math.floor((new Date(cert.valid_to).getTime() - Date.now()) / 86_400_000).",
      async run(ctx) {
        const { r, results } = await main(ctx);
        for (const t of targets) {
          const x = resultFor(results, mainTargets, t);
          const want = gradeFor(t, WARN_DAYS);
          if (x.grade !== want) fail({ expected: `${want} for ${t.label}`, got: brief(x), mistake: validGradeMistake(r, x, t, WARN_DAYS) });
        }
      },
    });

    const brokenCheck = (b: (typeof BROKEN)[number]): Check => ({
      name: `FAIL for ${b.label} (${b.key})`,
      why: b.why,
      hint: brokenHint(b.key),
      async run(ctx) {
        const { r, results } = await main(ctx);
        const t = broken.get(b.key)!;
        const x = resultFor(results, mainTargets, t);
        if (x.grade !== "FAIL") fail({ expected: `FAIL for ${t.label}`, got: brief(x), mistake: brokenGradeMistake(r, b.key, x) });
        // A FAIL is credit only from a checker that lets valid servers through too.
        if (!mainValid.some((v) => resultFor(results, mainTargets, v).grade !== "FAIL"))
          fail({ expected: `FAIL for ${t.label}, from a checker that grades valid servers PASS or WARN`, got: "FAIL for every target, the valid ones too (see their checks)", mistake: "A checker that fails everything also fails the broken servers: make the valid ones pass first." });
      },
    });

    return [
      {
        name: ORDER_CHECK,
        why: "A report is read line by line against the list you gave it; a result that cannot be matched to its target is worse than none.",
        hint: "return Promise.all(targets.map(checkOne)): Promise.all keeps the order of the array, whatever finishes first; put each target string into its result unchanged (target: target).",
        async run(ctx) {
          const { results } = await main(ctx, true);
          const want = mainTargets.map((t) => t.target);
          const got = results.map((x) => (isObject(x) ? x.target : x));
          if (got.length !== want.length) {
            const deduped = got.length === new Set(want).size && new Set(got).size === got.length;
            fail({
              expected: `${want.length} results, one per target given`,
              got: `${got.length} results`,
              mistake: deduped ? `${dup.target} was listed twice and got one result: give every entry its own result, even a repeated one (no Set or Map keyed by target).` : undefined,
            });
          }
          const i = got.findIndex((g, k) => g !== want[k]);
          if (i < 0) return;
          const sameSet = [...got].map(String).sort().join("\n") === [...want].sort().join("\n");
          fail({
            expected: `result ${i + 1} to be for ${show(want[i])}, as given`,
            got: got[i] === undefined ? "a result without a target" : show(got[i]),
            mistake: sameSet
              ? "Your results come in the order the checks finished, not the order the targets were given. Map the targets to promises and await Promise.all (or allSettled): it keeps the order of its input, whatever finishes first."
              : typeof got[i] === "string"
                ? "target is the string exactly as it was given (host and port), not a part of it or a rewritten form."
                : "Each result carries its target, the string as it was given.",
          });
        },
      },
      {
        name: "gives every result a grade (PASS, WARN or FAIL) and a short, one-line reason",
        why: "The reason is what the person on call reads first: 'certificate has expired' sends them to renew it, a blank sends them digging.",
        hint: 'grade is exactly "PASS", "WARN" or "FAIL"; reason is a non-empty single line: for an error, the first line of err.message (OpenSSL\'s end in "\\n": trim it), for a success something like `expires in ${daysLeft} days`.',
        async run(ctx) {
          const { results } = await main(ctx);
          for (const t of mainTargets) {
            const x = resultFor(results, mainTargets, t);
            if (!GRADES.includes(String(x.grade))) fail({ expected: `grade "PASS", "WARN" or "FAIL" for ${t.label}`, got: show(x.grade) });
            const reason = typeof x.reason === "string" ? x.reason.trim() : x.reason;
            if (typeof reason !== "string" || reason === "")
              fail({ expected: `a reason (a non-empty string) for ${t.label}`, got: show(x.reason), mistake: "Every result needs a reason, FAILs most of all: the error's message, or your own words (\"timed out after 800 ms\", \"expires in 12 days\")." });
            if (reason.includes("\n") || reason.length > 300)
              fail({ expected: `a short, one-line reason for ${t.label}`, got: show(x.reason), mistake: "Keep the reason to one short line: the first line of the error's message, trimmed, or your own words." });
          }
        },
      },
      validGrades(
        "PASS for valid certificates with warnDays (30) or more days left",
        "A monitor that cries wolf on healthy sites gets ignored, and then misses the real outage.",
        [passA, passB],
      ),
      validGrades(
        "WARN for valid certificates with fewer than warnDays (30) days left",
        "The warning is the point of the tool: it gives you weeks to renew before clients start refusing the site.",
        [warnB, warn0],
      ),
      validGrades(
        "grades the threshold exactly: 30 days left is a PASS, 29 a WARN (warnDays 30)",
        "'Fewer than 30 days' is a rule people rely on; an off-by-one either warns a day early on every certificate or a day late.",
        [at30, at29],
      ),
      {
        name: "reports daysLeft in whole days, rounded down, for every certificate that verified",
        why: "'Expires in 1 day' must not be said of a certificate that has 6 hours left: rounding down is the only safe direction for a deadline.",
        hint: "daysLeft = Math.floor((new Date(socket.getPeerCertificate().valid_to).getTime() - Date.now()) / 86_400_000): Math.floor, not Math.round or Math.ceil, and set it on every result that verified (WARN and PASS alike).",
        async run(ctx) {
          const { r, results } = await main(ctx);
          const rows = mainValid.map((t) => ({ t, x: resultFor(results, mainTargets, t) }));
          // A valid certificate graded FAIL is the grade checks' business; here only the days count.
          const wrong = rows.filter(({ t, x }) => x.grade !== "FAIL" && x.daysLeft !== t.days);
          if (wrong.length === 0) {
            if (rows.every(({ x }) => x.grade === "FAIL")) fail({ expected: "daysLeft for each valid certificate", got: "every valid certificate was graded FAIL (see the PASS and WARN checks)" });
            return;
          }
          const diffs = wrong.map(({ t, x }) => (typeof x.daysLeft === "number" ? x.daysLeft - t.days : NaN));
          const mistake = r.tls.length === 0
            ? NEVER_CONNECTED
            : wrong.every(({ x }) => x.daysLeft === undefined || x.daysLeft === null)
            ? "Set daysLeft on every result whose handshake succeeded: Math.floor((expiry - Date.now()) / 86_400_000)."
            : wrong.some(({ x }) => typeof x.daysLeft === "number" && !Number.isInteger(x.daysLeft))
              ? "daysLeft is a whole number of days: round down with Math.floor."
              : diffs.every((d) => d === 1)
                ? `Each of these certificates has ${EXTRA_HOURS} hours past its whole days, and your daysLeft counts them as a day: that is Math.round or Math.ceil. Round down with Math.floor.`
                : undefined;
          fail({
            expected: wrong.map(({ t }) => `daysLeft ${t.days} for ${t.label}`).join("; "),
            got: wrong.map(({ t, x }) => `${t.target}: ${show(x.daysLeft)}`).join("; "),
            mistake,
          });
        },
      },
      {
        name: "reports the negotiated tlsVersion (TLSv1.3 or TLSv1.2) for every certificate that verified",
        why: "The protocol in use is half of a TLS health report; it must be what this server negotiated, not what most servers do.",
        hint: "tlsVersion is socket.getProtocol(), read in 'secureConnect' before you end the socket (afterwards it is null); never a constant.",
        async run(ctx) {
          const { results } = await main(ctx);
          const rows = mainValid.map((t) => ({ t, x: resultFor(results, mainTargets, t) }));
          const wrong = rows.filter(({ t, x }) => x.grade !== "FAIL" && x.tlsVersion !== t.tlsVersion);
          if (wrong.length === 0) {
            if (rows.every(({ x }) => x.grade === "FAIL")) fail({ expected: "tlsVersion for each valid certificate", got: "every valid certificate was graded FAIL (see the PASS and WARN checks)" });
            return;
          }
          const mistake = wrong.every(({ x }) => x.tlsVersion === null)
            ? "getProtocol() returns null once the socket is closed: read it in the 'secureConnect' handler, before you end the socket."
            : wrong.every(({ x }) => x.tlsVersion === undefined)
              ? "Set tlsVersion on every result whose handshake succeeded, from socket.getProtocol()."
              : "Read the version from socket.getProtocol() on each connection: servers differ.";
          fail({ expected: wrong.map(({ t }) => `${t.tlsVersion} for ${t.label}`).join("; "), got: wrong.map(({ t, x }) => `${t.target}: ${show(x.tlsVersion)}`).join("; "), mistake });
        },
      },
      ...BROKEN.map(brokenCheck),
      {
        name: "gives a target listed twice a result each time",
        why: "The same site can appear twice in a list built from several sources; the report must still line up with the list.",
        hint: "Map over the targets array itself (targets.map(checkOne)), with no Set, no de-duplication and no object keyed by target: each entry gets its own connection and its own result.",
        async run(ctx) {
          const { results } = await main(ctx);
          const mine = results.filter((x): x is Record<string, unknown> => isObject(x) && x.target === dup.target);
          if (mine.length !== 2)
            fail({ expected: `two results for ${dup.label}, listed twice`, got: `${mine.length}`, mistake: mine.length === 1 ? "Give every entry its own result, even a repeated one (no Set or Map keyed by target)." : undefined });
          // Only consistency here: whether the grade itself is right is the other checks' job.
          if (mine[0].grade !== mine[1].grade) fail({ expected: `the same grade both times for ${dup.label}`, got: `${brief(mine[0])} and ${brief(mine[1])}` });
        },
      },
      {
        name: SILENT_CHECK,
        why: "A monitor that hangs on one dead server reports nothing at all; one that gives up too early reports healthy servers as down.",
        hint: "Start a timer when you connect: setTimeout(() => socket.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs), with opts.timeoutMs (default 10000); clear it in 'secureConnect' and 'error'. socket.setTimeout alone only emits an event: it closes nothing.",
        async run(ctx) {
          const r = await silentCall(ctx);
          const ms = Math.round(elapsed.get("silent-one")!);
          const results = resolvedList(r, `tlsHealth(["${silentOne.target}"], { timeoutMs: ${silentTimeout} }) to resolve with a FAIL`);
          const x = results[0];
          if (results.length !== 1 || !isObject(x) || x.grade !== "FAIL") fail({ expected: `[ a FAIL result for ${silentOne.target} ]`, got: show(results) });
          if (ms > silentTimeout + LATE_MARGIN_MS)
            fail({
              expected: `the FAIL about ${silentTimeout} ms after the call (at most ${silentTimeout + LATE_MARGIN_MS} ms)`,
              got: `${ms} ms`,
              mistake: "Use opts.timeoutMs as each check's time limit, and start the timer when the check starts.",
            });
          if (ms < silentTimeout - EARLY_MARGIN_MS)
            fail({
              expected: `the FAIL no sooner than ${silentTimeout} ms (opts.timeoutMs) after the call`,
              got: `${ms} ms`,
              mistake: "Your checker gave up before opts.timeoutMs: use the timeout you were given, not one of your own.",
            });
        },
      },
      {
        name: `checks targets concurrently: ten silent servers with timeoutMs ${TEN_TIMEOUT_MS} take less than ${TEN_LIMIT_MS / 1000} s`,
        why: "Checked one by one, a list with a few dead servers takes minutes; checked at once, it takes as long as the slowest one.",
        hint: "Start every check before awaiting any: Promise.all(targets.map(checkOne)), not a for loop with await inside.",
        async run(ctx) {
          const what = `tlsHealth([10 silent servers], { timeoutMs: ${TEN_TIMEOUT_MS} }) to resolve with ten FAILs within ${TEN_LIMIT_MS} ms`;
          const own = tenCall(ctx);
          // Without a timeout that works, one silent server already says it all: no need to wait for ten.
          const oneTooSlow = silentCall(ctx).then(
            (one) => (one.status === "broken" && one.reason === "timeout") || (one.status === "resolved" && elapsed.get("silent-one")! > silentTimeout + LATE_MARGIN_MS),
          );
          const needsTimeout = `Each check needs a timeout that honours opts.timeoutMs first (see the check "${SILENT_CHECK}"); then start them all at once.`;
          if (await Promise.race([own.then(() => false), oneTooSlow.then((slow) => slow || own.then(() => false))]))
            fail({ expected: what, got: "a single silent server already took too long", mistake: needsTimeout });
          const r = await own;
          const ms = Math.round(elapsed.get("silent-ten")!);
          const sequential = `One silent server takes ${TEN_TIMEOUT_MS} ms, and ten took ${(ms / 1000).toFixed(1)} s: your checks run one after another (an await inside a for loop). Start every check first (targets.map(...)), then await them together with Promise.all or Promise.allSettled.`;
          if (r.status === "broken" && r.reason === "timeout")
            fail({ expected: what, got: `no answer: it did not finish within ${TEN_CALL_TIMEOUT_MS / 1000} s`, mistake: (await oneTooSlow) ? needsTimeout : sequential });
          const results = resolvedList(r, what, NEVER_THROWS_CHECK);
          if (results.length !== 10 || results.some((x) => !isObject(x) || x.grade !== "FAIL"))
            fail({ expected: "ten FAIL results", got: show(results.map((x) => (isObject(x) ? x.grade : x))) });
          if (ms >= TEN_LIMIT_MS)
            fail({ expected: `all ten FAILs within ${TEN_LIMIT_MS} ms (they wait at the same time)`, got: `${ms} ms`, mistake: (await oneTooSlow) ? needsTimeout : sequential });
        },
      },
      {
        name: "honours opts.warnDays (random, 40 to 70)",
        why: "Teams pick their own warning period (14, 30, 60 days) to fit how long renewal takes them; a checker that ignores it warns too late.",
        hint: "Read the threshold from the options: const warnDays = opts?.warnDays ?? 30, and compare daysLeft < warnDays, with no 30 written anywhere else.",
        async run(ctx) {
          const r = await customCall(ctx);
          const what = `tlsHealth([${customTargets.length} targets], { timeoutMs: ${TIMEOUT_MS}, warnDays: ${W} }) to resolve`;
          const results = resolvedList(r, what);
          customTargets.forEach((t) => {
            const x = resultFor(results, customTargets, t);
            const want = gradeFor(t, W);
            if (x.grade === want) return;
            const ignored = want === "WARN" && x.grade === "PASS" && t.days >= WARN_DAYS && x.daysLeft === t.days;
            fail({
              expected: `${want} for ${t.label} with warnDays ${W}`,
              got: brief(x),
              mistake: ignored ? `Your checker graded it as if warnDays were ${WARN_DAYS}: use opts.warnDays when it is given (opts?.warnDays ?? ${WARN_DAYS}).` : validGradeMistake(r, x, t, W),
            });
          });
        },
      },
      {
        name: "uses warnDays 30 when opts are left out",
        why: "Defaults are what most callers get: tlsHealth(targets) must behave as documented.",
        hint: "Make opts optional and default each field: opts: { timeoutMs?: number; warnDays?: number } = {}, then opts.warnDays ?? 30 (?? keeps a 0; || would not).",
        async run(ctx) {
          const r = await defaultCall(ctx);
          const results = resolvedList(r, `tlsHealth([${defaultTargets.map((t) => JSON.stringify(t.target)).join(", ")}]) with no opts to resolve`);
          defaultTargets.forEach((t) => {
            const x = resultFor(results, defaultTargets, t);
            const want = gradeFor(t, WARN_DAYS);
            if (x.grade !== want) fail({ expected: `${want} for ${t.label} with the default warnDays (30)`, got: brief(x), mistake: validGradeMistake(r, x, t, WARN_DAYS) });
          });
        },
      },
      {
        name: NEVER_THROWS_CHECK,
        why: "Monitoring lists are typed by people; one typo must not take down the report for every other site.",
        hint: 'Split the target yourself ("host" or "host:port", port 1 to 65535) and return { target, grade: "FAIL", reason: "not a valid target …" } for anything else, instead of throwing; catch every error inside checkOne so it always resolves.',
        async run(ctx) {
          const r = await garbageCall(ctx);
          const results = resolvedList(r, `tlsHealth(${show(garbageTargets)}) to resolve`);
          garbageTargets.forEach((target, i) => {
            const x = resultAt(results, garbageTargets, i);
            const want = target === passA.target ? gradeFor(passA, WARN_DAYS) : "FAIL";
            const label = target === passA.target ? passA.label : show(target);
            if (x.grade !== want) fail({ expected: `${want} for ${label}`, got: brief(x) });
          });
        },
      },
      {
        name: "formatHealth prints one line per result: grade, target, version, days and reason",
        why: "The table is what people read at a glance, and what a cron job mails out: every target on its own line, nothing missing, nothing invented.",
        hint: 'One line per result, joined with "\\n", no header: the grade, the target, tlsVersion or "-", daysLeft as "87d" or "-", then the reason (padEnd lines up the columns); check r.daysLeft === undefined, so "undefined" never shows.',
        async run(ctx) {
          const input = builtResults();
          const r = await ctx.call("formatHealth", [input]);
          if (r.status !== "resolved") {
            failIfUnwritten(r);
            fail({ expected: "formatHealth(results) to return a string", got: r.status === "broken" ? r.message : `it threw ${describeError(r.error)}` });
          }
          if (typeof r.value !== "string") fail({ expected: "a string", got: show(r.value) });
          const lines = r.value.split(/\r?\n/).filter((l) => l.trim() !== "");
          if (lines.length !== input.length)
            fail({
              expected: `${input.length} lines, one per result, for ${show(input.map((x) => x.target))}`,
              got: `${lines.length} lines: ${show(r.value)}`,
              mistake: lines.length > input.length ? "One line per target and nothing else: no header, no blank or summary lines." : undefined,
            });
          input.forEach((x, i) => {
            const line = lines[i];
            if (!line.includes(x.target)) fail({ expected: `line ${i + 1} to be about ${x.target}`, got: show(line), mistake: "Print the results in the order they were given." });
            // What is left once the target and the reason are taken out must still show the rest.
            let rest = line.replace(x.target, " ");
            if (!rest.includes(x.reason)) fail({ expected: `line ${i + 1} to contain the reason ${show(x.reason)}`, got: show(line) });
            rest = rest.replace(x.reason, " ");
            const need: [string, RegExp][] = [[`the grade ${x.grade}`, new RegExp(`\\b${x.grade}\\b`)]];
            if (x.tlsVersion) need.push([`the version ${x.tlsVersion}`, new RegExp(`${x.tlsVersion.replace(/\./g, "\\.")}(?![.\\d])`)]);
            if (x.daysLeft !== undefined) need.push([`the days left, ${x.daysLeft}`, new RegExp(`(^|[^\\d.])${x.daysLeft}(?![\\d.])`)]);
            for (const [what, re] of need) if (!re.test(rest)) fail({ expected: `line ${i + 1} to show ${what}`, got: show(line) });
            if (/\b(undefined|null|NaN)\b/.test(rest))
              fail({ expected: `line ${i + 1} without "undefined", "null" or "NaN"`, got: show(line), mistake: "A FAIL has no version or days: print a placeholder such as \"-\" or leave them out." });
          });
        },
      },
      {
        name: "keeps certificate verification switched on",
        why: "A health check with verification off reports PASS for exactly the certificates that browsers refuse: it hides the outages it exists to find.",
        hint: "Remove rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED and any checkServerIdentity: a verification error is simply a FAIL result with the error's message as its reason.",
        async run(ctx) {
          const calls = await Promise.all([mainCall(ctx), customCall(ctx), defaultCall(ctx), garbageCall(ctx)]);
          const off = calls.map(verificationOffMistake).find(Boolean);
          if (off) fail({ expected: "tls.connect with its default, verifying options", got: "verification switched off", mistake: off });
        },
      },
    ];
  },
};

interface Built {
  target: string;
  grade: Grade;
  tlsVersion?: string;
  daysLeft?: number;
  reason: string;
}

/** Results built here for formatHealth, with names and numbers nobody could have printed before. */
function builtResults(): Built[] {
  const passDays = randomInt(120, 900);
  const warnDays = randomInt(2, 28);
  const oldDays = randomInt(31, 119);
  const timeout = randomInt(5, 20) * 100;
  return [
    { target: `${randomLabel("shop")}.example.org`, grade: "PASS", tlsVersion: "TLSv1.3", daysLeft: passDays, reason: `expires in ${passDays} days` },
    { target: `${randomLabel("mail")}.example.org:8443`, grade: "WARN", tlsVersion: "TLSv1.2", daysLeft: warnDays, reason: `expires in ${warnDays} days` },
    { target: `${randomLabel("api")}.example.org`, grade: "FAIL", reason: "certificate has expired" },
    { target: `${randomLabel("legacy")}.example.org`, grade: "FAIL", tlsVersion: "TLSv1.1", daysLeft: oldDays, reason: "TLSv1.1 is older than TLS 1.2" },
    { target: `${randomLabel("intranet")}.example.org:9443`, grade: "FAIL", reason: `timed out after ${timeout} ms` },
  ];
}
