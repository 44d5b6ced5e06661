// Judging one live outcome against its row of the table (targets.ts). Pure functions of
// what came back, so the acceptance sets can be tested without the network.
//
// A judgement is a pass, a definite failure (the learner's mistake whatever the endpoint
// does today: a stub, a wrong classification, values that contradict each other), or a
// failure to confirm: the outcome is not what the table expects, but the live endpoint
// may have changed or be out of reach. Those are settled against the grader's own
// verifying client (reference.ts): if it gets what the table says, the learner's code is
// wrong; if it cannot reach the endpoint, or gets something else, the check is skipped.
import { acceptedBrokenMistake, CheckFailed, failIfUnwritten, show, verificationOffMistake, type Failure } from "../checks/check.ts";
import { describeError, type CallResult, type ErrorInfo } from "../sandbox/sandbox.ts";
import { NETWORK_CODES, type Reference } from "./reference.ts";
import { CLASSIFY, targetText, type Expectation, type LiveTarget } from "./targets.ts";

export type Verdict =
  | { kind: "pass" }
  | { kind: "skip"; reason: string }
  | {
      kind: "fail";
      failure: Failure;
      /** The learner's mistake whatever the live endpoint does today: no need to ask the reference. */
      definite?: boolean;
      /** The learner's code connected (and accepted the certificate). */
      connected: boolean;
      /** Excused when the reference shows this (e.g. an empty CN where the certificate has none). */
      unless?: (ref: Reference) => boolean;
    };

const PASS: Verdict = { kind: "pass" };
const DAY_MS = 24 * 60 * 60 * 1000;
/** No publicly trusted certificate has been issued for longer than this (825 days, 2018-2020; 398 since). */
const MAX_DAYS = 825;

const definite = (failure: Failure, connected = false): Verdict => ({ kind: "fail", failure, definite: true, connected });
const toConfirm = (failure: Failure, connected: boolean, unless?: (ref: Reference) => boolean): Verdict => ({ kind: "fail", failure, connected, ...(unless ? { unless } : {}) });

/** The stub or a missing export: a definite failure; undefined otherwise. */
function unwritten(r: CallResult): Verdict | undefined {
  try {
    failIfUnwritten(r as Parameters<typeof failIfUnwritten>[0]);
    return undefined;
  } catch (err) {
    if (err instanceof CheckFailed) return definite(err.failure);
    throw err;
  }
}

export const errorCode = (e: ErrorInfo | undefined): string | undefined => e?.code ?? e?.cause?.code;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isNetwork = (code: string | undefined) => code !== undefined && NETWORK_CODES.has(code);
const oneOf = (xs: readonly string[]) => (xs.length === 1 ? xs[0] : `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`);
const quoted = (xs: readonly string[]) => oneOf(xs.map((x) => JSON.stringify(x)));

/** The sandbox gave up on the call: a timeout is to be confirmed (a slow network?), anything else is the code's. */
function brokenVerdict(r: Extract<CallResult, { status: "broken" }>, expected: string, mistake?: string): Verdict {
  const failure = { expected, got: r.message, ...(mistake ? { mistake } : {}) };
  return r.reason === "timeout" ? toConfirm(failure, false) : definite(failure);
}

// ---- lesson 02: tlsGet ---------------------------------------------------------------------

export function judgeTlsGet(row: Expectation, t: LiveTarget, r: CallResult): Verdict {
  const where = targetText(t);
  const u = unwritten(r);
  if (u) return u;
  if (row.must === "reject") {
    const expected = `tlsGet to reject ${where} (${row.label})`;
    if (r.status === "resolved") return toConfirm({ expected, got: `it resolved with ${show(r.value)}`, mistake: acceptedBrokenMistake(r, row.key) }, true);
    if (r.status === "broken") return brokenVerdict(r, expected, "Listen for the socket's 'error' event and reject the promise from it.");
    if (r.status !== "rejected") return definite({ expected, got: r.status });
    // Any certificate or protocol error will do here; a network error proves nothing.
    if (isNetwork(errorCode(r.error))) return toConfirm({ expected, got: `it rejected with ${describeError(r.error)}` }, false);
    return PASS;
  }
  const expected = `tlsGet("${t.host}", ${t.port}) to resolve with the page (${row.label})`;
  if (r.status === "rejected") return toConfirm({ expected, got: `it rejected with ${describeError(r.error)}` }, false);
  if (r.status === "broken") return brokenVerdict(r, expected);
  if (r.status !== "resolved") return definite({ expected, got: r.status });
  const v = r.value;
  if (!isObject(v)) return definite({ expected: "an object { tlsVersion, issuedTo, response }", got: show(v) }, true);
  if (typeof v.response !== "string" || !/^HTTP\/1\.[01] \d{3}/.test(v.response))
    return definite({ expected: `the whole HTTP response from ${where}, starting with its status line (HTTP/1.1 200, 301 ...)`, got: show(v.response) }, true);
  if (typeof v.issuedTo !== "string") return definite({ expected: "issuedTo: the certificate's subject CN, a string", got: show(v.issuedTo) }, true);
  if (!row.versions.includes(v.tlsVersion as string))
    return toConfirm({ expected: `tlsVersion ${quoted(row.versions)} from ${where}`, got: show(v.tlsVersion), mistake: "Report socket.getProtocol() from the real connection." }, true);
  if (v.issuedTo === "")
    return toConfirm({ expected: `issuedTo: the subject CN of ${where}'s certificate`, got: '""' }, true, (ref) => ref.kind === "connected" && !ref.subjectCN);
  return PASS;
}

// ---- lesson 03: inspectTls ------------------------------------------------------------------

/** `started` and `ended` bracket the call: daysLeft may be counted at any moment between. */
export function judgeInspect(row: Expectation, t: LiveTarget, r: CallResult, started: number, ended: number): Verdict {
  const where = targetText(t);
  const u = unwritten(r);
  if (u) return u;
  const expected = `inspectTls("${t.host}", ${t.port}) to resolve with a report (${row.label})`;
  if (r.status === "rejected") return toConfirm({ expected, got: `it rejected with ${describeError(r.error)}` }, false);
  if (r.status === "broken") return brokenVerdict(r, expected);
  if (r.status !== "resolved") return definite({ expected, got: r.status });
  const v = r.value;
  if (!isObject(v)) return definite({ expected: "a report object { host, tlsVersion, issuedTo, issuedBy, expires, daysLeft, expiringSoon }", got: show(v) }, true);
  if (v.host !== t.host) return definite({ expected: `host ${show(t.host)}, the host you were given`, got: show(v.host) }, true);
  for (const k of ["issuedTo", "issuedBy"] as const)
    if (typeof v[k] !== "string") return definite({ expected: `${k}: a string`, got: show(v[k]) }, true);
  const expires = v.expires;
  if (!(expires instanceof Date) || Number.isNaN(expires.getTime()))
    return definite({ expected: "expires: the certificate's notAfter as a Date", got: show(expires), mistake: "new Date(cert.valid_to) turns valid_to into a Date." }, true);
  if (expires.getTime() <= started)
    return definite({ expected: `expires in the future: ${where}'s certificate verified, so it has not expired`, got: show(expires), mistake: "That looks like valid_from (notBefore): the expiry is valid_to." }, true);
  if (typeof v.daysLeft !== "number" || !Number.isInteger(v.daysLeft)) return definite({ expected: "daysLeft: a whole number of days", got: show(v.daysLeft) }, true);
  const lo = Math.floor((expires.getTime() - ended) / DAY_MS);
  const hi = Math.floor((expires.getTime() - started) / DAY_MS);
  if (v.daysLeft < lo || v.daysLeft > hi)
    return definite(
      {
        expected: `daysLeft ${lo === hi ? lo : `${lo} or ${hi}`}: whole days from now until your own expires (${expires.toISOString()}), rounded down`,
        got: show(v.daysLeft),
        mistake: v.daysLeft === hi + 1 ? "One day too many: Math.round or Math.ceil. Whole days left means rounding down: Math.floor." : undefined,
      },
      true,
    );
  if (v.expiringSoon !== v.daysLeft < 30)
    return definite({ expected: `expiringSoon ${v.daysLeft < 30} with daysLeft ${v.daysLeft} (soon means daysLeft < 30)`, got: show(v.expiringSoon) }, true);
  if (!row.versions.includes(v.tlsVersion as string))
    return toConfirm({ expected: `tlsVersion ${quoted(row.versions)} from ${where}`, got: show(v.tlsVersion), mistake: "Report socket.getProtocol() from the real connection." }, true);
  if (v.issuedTo === "")
    return toConfirm({ expected: `issuedTo: the subject CN of ${where}'s certificate`, got: '""' }, true, (ref) => ref.kind === "connected" && !ref.subjectCN);
  if (v.issuedBy === "")
    return toConfirm({ expected: `issuedBy: the issuer's organization (O) of ${where}'s certificate`, got: '""' }, true, (ref) => ref.kind === "connected" && !ref.issuerO);
  return PASS;
}

// ---- lesson 05: connectStrict, then classifyTlsError -----------------------------------------

export function judgeStrict(row: Expectation, t: LiveTarget, r: CallResult): Verdict {
  const where = targetText(t);
  const u = unwritten(r);
  if (u) return u;
  if (row.must === "connect") {
    const expected = `connectStrict("${t.host}", ${t.port}) to resolve with { tlsVersion: ${quoted(row.versions)}, authorized: true } (${row.label})`;
    if (r.status === "rejected") return toConfirm({ expected, got: `it rejected with ${describeError(r.error)}` }, false);
    if (r.status === "broken") return brokenVerdict(r, expected);
    if (r.status !== "resolved") return definite({ expected, got: r.status });
    const v = r.value;
    if (!isObject(v) || v.authorized !== true) return definite({ expected, got: show(v) }, true);
    if (v.tlsVersion === null)
      return definite({ expected, got: show(v), mistake: "getProtocol() returns null once the socket is closed: read it before you end or destroy the socket." }, true);
    if (!row.versions.includes(v.tlsVersion as string)) return toConfirm({ expected, got: show(v) }, true);
    return PASS;
  }
  const expected = `connectStrict to reject ${where} (${row.label}) with err.code ${oneOf(row.codes)}`;
  if (r.status === "resolved") return toConfirm({ expected, got: `it resolved with ${show(r.value)}`, mistake: acceptedBrokenMistake(r, row.key) }, true);
  if (r.status === "broken") return brokenVerdict(r, expected, "Listen for the socket's 'error' event and reject the promise from it.");
  if (r.status !== "rejected") return definite({ expected, got: r.status });
  const code = errorCode(r.error);
  if (code === undefined || !row.codes.includes(code)) {
    const mistake =
      code === undefined ? "Reject with the error Node gave you (or keep it as `cause`): its code is what tells the caller what went wrong." : verificationOffMistake(r);
    return toConfirm({ expected, got: describeError(r.error), ...(mistake ? { mistake } : {}) }, false);
  }
  return judgeClassification(code, r);
}

/** classifyTlsError's answer for an accepted code: judged on the code alone, so always definite. */
function judgeClassification(code: string, r: Extract<CallResult, { status: "rejected" }>): Verdict {
  const accepted = CLASSIFY[code] ?? [];
  const expected = `classifyTlsError to say ${quoted(accepted)} for err.code ${code}`;
  const t = r.then;
  if (!t) return definite({ expected, got: "classifyTlsError was not called" });
  if (t.status === "missing") return definite({ expected: "your file to export a function named classifyTlsError", got: "no such export" });
  if (t.status === "rejected") {
    if (/^not implemented/i.test(t.error.message ?? "")) return definite({ stub: "classifyTlsError" });
    return definite({ expected, got: `it threw ${describeError(t.error)}` });
  }
  if (accepted.includes(t.value as string)) return PASS;
  const trap =
    code === "SELF_SIGNED_CERT_IN_CHAIN" && t.value === "self-signed"
      ? "SELF_SIGNED_CERT_IN_CHAIN means the chain ends in a root nobody trusts: that is untrusted-root. Its message mentions a self-signed certificate; classify by err.code."
      : undefined;
  return definite({ expected, got: show(t.value), ...(trap ? { mistake: trap } : {}) });
}

// ---- lesson 06: tlsHealth, one call for every target --------------------------------------------

export const HEALTH_WARN_DAYS = 30;

/** The learner's result for `target` out of the whole call, judged against its row. */
export function judgeHealth(row: Expectation, t: LiveTarget, target: string, index: number, r: CallResult): Verdict {
  const u = unwritten(r);
  if (u) return u;
  const expected = `tlsHealth to grade ${target} ${oneOf(row.grades)} (${row.label})`;
  if (r.status === "broken") return brokenVerdict(r, expected);
  if (r.status === "rejected") return definite({ expected, got: `tlsHealth rejected with ${describeError(r.error)}`, mistake: "tlsHealth must never reject: a target that fails is a FAIL in its own result." });
  if (r.status !== "resolved") return definite({ expected, got: r.status });
  if (!Array.isArray(r.value)) return definite({ expected: "an array of results", got: show(r.value) });
  const list = r.value as unknown[];
  const at = list[index];
  const res = isObject(at) && at.target === target ? at : list.find((x) => isObject(x) && x.target === target);
  if (!isObject(res)) return definite({ expected: `a result for ${target}`, got: "none with that target" });
  const { grade, reason, tlsVersion, daysLeft } = res;
  const got = `${show(grade)}${typeof reason === "string" ? `: ${reason}` : ""}`;
  if (grade !== "PASS" && grade !== "WARN" && grade !== "FAIL") return definite({ expected, got: show(res) });
  if (row.must === "reject") {
    if (grade === "FAIL") return PASS;
    const old = (tlsVersion === "TLSv1" || tlsVersion === "TLSv1.1") && `${tlsVersion} is older than TLS 1.2: that alone is a FAIL.`;
    const noNameCheck =
      row.key === "wrong-host" && r.tls.some((x) => x.customCheckServerIdentity) && "Your checkServerIdentity accepts a certificate issued for another name: it switches the hostname check off. Leave it out.";
    const mistake = verificationOffMistake(r) || old || noNameCheck || undefined;
    return toConfirm({ expected, got, ...(mistake ? { mistake } : {}) }, true);
  }
  if (grade === "FAIL") return toConfirm({ expected, got }, false);
  if (typeof daysLeft !== "number" || !Number.isInteger(daysLeft) || daysLeft < 0 || daysLeft > MAX_DAYS)
    return definite({ expected: `daysLeft: the whole days left on ${target}'s valid certificate, between 0 and ${MAX_DAYS}`, got: show(daysLeft) }, true);
  if ((grade === "WARN") !== daysLeft < HEALTH_WARN_DAYS)
    return definite({ expected: `${daysLeft < HEALTH_WARN_DAYS ? "WARN" : "PASS"} with ${daysLeft} days left (warnDays ${HEALTH_WARN_DAYS})`, got }, true);
  if (!row.versions.includes(tlsVersion as string)) return toConfirm({ expected: `tlsVersion ${quoted(row.versions)} for ${target}`, got: show(tlsVersion) }, true);
  return PASS;
}

// ---- settling a failure against the reference ---------------------------------------------------

/** Does the grader's own verifying client get what the row says? */
export function referenceMatches(row: Expectation, ref: Reference): boolean {
  if (row.must === "reject") return ref.kind === "rejected" && row.codes.includes(ref.code);
  return ref.kind === "connected" && row.versions.includes(ref.tlsVersion);
}

export function describeReference(ref: Reference): string {
  if (ref.kind === "connected") return `connects (${ref.tlsVersion})`;
  if (ref.kind === "rejected") return `gets ${ref.code || ref.message}`;
  return `cannot reach it (${ref.code})`;
}

// ---- lesson 08: inspectChain, then firstBrokenLink on its report --------------------------

/** What each lesson-08 target's chain must show: where it ends, and the first broken link's problem. */
const CHAIN_SHAPE: Partial<Record<string, { ends: string; problems: readonly string[] }>> = {
  "incomplete-chain": { ends: "missing-intermediate", problems: ["missing-intermediate"] },
  "untrusted-root": { ends: "unknown-root", problems: ["unknown-root"] },
  revoked: { ends: "trusted-root", problems: [] },
};

export function judgeChain(row: Expectation, t: LiveTarget, r: CallResult): Verdict {
  const where = targetText(t);
  const u = unwritten(r);
  if (u) return u;
  const shape = CHAIN_SHAPE[row.key] ?? { ends: "trusted-root", problems: [] };
  const expected = `inspectChain("${t.host}", ${t.port}) to report a chain that ends at ${shape.ends === "trusted-root" ? "a trusted root" : `a ${shape.ends.replace("-", " ")}`}`;
  if (r.status === "rejected") return toConfirm({ expected, got: `it rejected with ${describeError(r.error)}` }, false);
  if (r.status === "broken") return brokenVerdict(r, expected);
  if (r.status !== "resolved") return definite({ expected, got: r.status });
  const v = r.value;
  if (!isObject(v) || !Array.isArray(v.links) || v.links.length === 0) return definite({ expected: `${expected}: a ChainReport with its links`, got: show(v) });
  // Today's certificates may also have lapsed: an expired link is then an honest first break.
  const expiredToo = v.authorizationError === "CERT_HAS_EXPIRED";
  if (row.must === "reject" && v.authorized === true) return definite({ expected, got: `authorized: true for ${where}`, mistake: "Report socket.authorized as Node set it: this chain does not verify." });
  if (v.ends !== shape.ends) return toConfirm({ expected, got: `ends: ${show(v.ends)}` }, false);
  if (!r.then) return definite({ expected: "firstBrokenLink to be called on the report", got: "it was not" });
  if (r.then.status !== "resolved") return definite({ expected: "firstBrokenLink to return a BrokenLink or null", got: r.then.status === "rejected" ? `it threw ${describeError(r.then.error)}` : r.then.status });
  const b = r.then.value as { problem?: unknown } | null | undefined;
  const problem = b && typeof b === "object" ? b.problem : null;
  const okProblems = [...shape.problems, ...(expiredToo ? ["expired"] : [])];
  if (okProblems.length === 0 ? problem !== null && problem !== undefined : !okProblems.includes(String(problem)))
    return toConfirm({ expected: `firstBrokenLink to say ${okProblems.length ? quoted(okProblems) : "null (nothing broken in the chain itself)"}`, got: show(r.then.value) }, false);
  return PASS;
}

/** A failure to confirm becomes a failure, or a skip when the live endpoint is not what the table says. */
export function settle(row: Expectation, t: LiveTarget, v: Verdict, ref: Reference): Verdict {
  if (v.kind !== "fail" || v.definite) return v;
  const where = targetText(t);
  if (ref.kind === "unreachable") return { kind: "skip", reason: `${where} did not answer the grader either (${ref.code}): try again later` };
  if (referenceMatches(row, ref)) return v.unless?.(ref) ? PASS : v;
  // The endpoint changed. Accepting what a verifying client refuses is wrong all the same.
  if (v.connected && ref.kind === "rejected") {
    const f = v.failure;
    return { ...v, failure: { ...f, expected: `${f.expected ?? "a rejection"} (a verifying client gets ${ref.code} from it today)` } };
  }
  const should = row.must === "reject" ? `fail with ${oneOf(row.codes)}` : `connect with ${oneOf(row.versions)}`;
  return { kind: "skip", reason: `${where} has changed: a verifying client now ${describeReference(ref)} where this check expects it to ${should}` };
}
