// Live checks (--live) without the network: (1) offline, every live check is a skip with a
// one-line reason and the offline grade stands; (2) the acceptance sets, on synthetic
// outcomes; (3) the whole live path end to end, with the lab's endpoints standing in for
// badssl.com and the well-known sites.
import dns from "node:dns";
import net from "node:net";
import path from "node:path";
import pc from "picocolors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeLesson } from "../checker/grading/grade.ts";
import { Lab } from "../checker/lab/lab.ts";
import { judgeChain, judgeHealth, judgeInspect, judgeStrict, judgeTlsGet, settle, type Verdict } from "../checker/live/judge.ts";
import { probe } from "../checker/live/probe.ts";
import type { Reference } from "../checker/live/reference.ts";
import { CLASSIFY, EXPECTATIONS, LESSON_TARGETS, LIVE_HOSTS_ENV, LIVE_TARGETS, lessonTargets, parseOverrides, targetText, type LiveKey, type LiveOverrides, type LiveTarget } from "../checker/live/targets.ts";
import { findLesson } from "../checker/manifest.ts";
import { countPassed, overallStatus, skipSummary, type LessonResult, type TestResult } from "../checker/report/results.ts";
import { renderResult } from "../checker/report/terminal.ts";
import type { CallResult, ErrorInfo, TlsUse } from "../checker/sandbox/sandbox.ts";
import { CATALOG } from "./helpers.ts";

const ROOT = path.join(CATALOG, "..", "..");
const solution = (id: string) => path.join(ROOT, "solutions", id, "exercise.ts");
const wrong = (id: string, name: string) => path.join(CATALOG, id, "wrong", `${name}.ts`);
const lesson = (key: string) => findLesson(key)!;

const live = (r: LessonResult) => r.tests.filter((t) => t.name.startsWith("live:"));
const offline = (r: LessonResult) => r.tests.filter((t) => !t.name.startsWith("live:"));
const ALL_KEYS = Object.keys(LIVE_TARGETS) as LiveKey[];
const everywhere = (hostPort: string): LiveOverrides => Object.fromEntries(ALL_KEYS.map((k) => [k, hostPort]));
const noColor = pc.createColors(false);

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start();
});
afterAll(async () => {
  await lab?.close();
});

/** The lab's own endpoints in place of badssl.com and the well-known sites. */
function standIns(): LiveOverrides {
  const at = (name: string) => `localhost:${lab.endpoint(name).port}`;
  return {
    expired: at("expired"),
    "wrong-host": at("wrong-host"),
    "self-signed": at("self-signed"),
    "untrusted-root": at("untrusted-root"),
    "incomplete-chain": at("incomplete-chain"),
    revoked: at("revoked"),
    "tls-v1-0": at("tls-v1-0"),
    "tls-v1-1": at("tls-v1-1"),
    "tls-v1-2": at("tls-v1-2"),
    sha256: at("good"),
    "example.com": at("good"),
    // 5 days left: lesson 06 must say WARN, lesson 03 expiringSoon.
    "wikipedia.org": at("expiring-soon"),
  };
}

// ---- (1) offline --------------------------------------------------------------------------------

describe("offline: live checks are skipped, the offline grade stands", () => {
  it("lesson 02's solution: every live check a one-line skip, the lesson still passes, and the report says why once", async () => {
    const [plain, withLive] = await Promise.all([
      gradeLesson(lesson("2"), { file: solution("02-verified-client"), lab }),
      gradeLesson(lesson("2"), { file: solution("02-verified-client"), lab, live: true, liveTargets: everywhere("no-such-host.invalid") }),
    ]);
    expect(plain.status).toBe("pass");
    expect(live(plain)).toEqual([]);
    expect(withLive.status).toBe("pass");
    expect(offline(withLive).map((t) => [t.name, t.status])).toEqual(plain.tests.map((t) => [t.name, t.status]));
    const skipped = live(withLive);
    expect(skipped).toHaveLength(LESSON_TARGETS["02-verified-client"].length);
    // ENOTFOUND where a resolver answers; EAI_AGAIN or the probe's own time limit where none does.
    const reason = skipped[0].message!;
    expect(reason).toMatch(/^cannot reach the internet from here: (no-such-host\.invalid does not resolve \([A-Z_]+\)|no answer from no-such-host\.invalid within 3 s)$/);
    for (const t of skipped) expect(t).toMatchObject({ status: "skip", message: reason });
    expect(countPassed(withLive)).toEqual({ passed: plain.tests.length, total: plain.tests.length, skipped: skipped.length });

    const text = renderResult(lesson("2"), "exercise.ts", withLive, noColor);
    expect(text).toContain(`○ ${skipped[0].name} — skipped`);
    expect(text).toContain(`○ ${skipped.length} live checks skipped: ${reason}\n`);
    expect(text).toContain(`All ${plain.tests.length} checks pass. Lesson 2 is done.`);
    // The reason is said once, in the summary, when every skip shares it.
    expect(text.split(reason).length - 1).toBe(1);
  });

  it("a failing file stays failing with the same checks, and a closed local port is offline too (lesson 05)", async () => {
    const refused = `127.0.0.1:${lab.endpoint("refused").port}`;
    const file = wrong("05-reject-bad-certs", "rejectUnauthorized-false");
    const [plain, withLive] = await Promise.all([
      gradeLesson(lesson("5"), { file, lab }),
      gradeLesson(lesson("5"), { file, lab, live: true, liveTargets: everywhere(refused) }),
    ]);
    expect(plain.status).toBe("fail");
    expect(withLive.status).toBe("fail");
    expect(offline(withLive).map((t) => [t.name, t.status])).toEqual(plain.tests.map((t) => [t.name, t.status]));
    expect(countPassed(withLive).passed).toBe(countPassed(plain).passed);
    expect(live(withLive).length).toBe(LESSON_TARGETS["05-reject-bad-certs"].length);
    for (const t of live(withLive)) expect(t).toMatchObject({ status: "skip", message: `cannot reach the internet from here: cannot connect to ${refused} (ECONNREFUSED)` });
  });

  it("lesson 08's solution offline: its three live checks (incomplete-chain, untrusted-root, revoked) are skips, the lesson still passes", async () => {
    const refused = `127.0.0.1:${lab.endpoint("refused").port}`;
    const r = await gradeLesson(lesson("8"), { file: solution("08-chain-of-trust"), lab, live: true, liveTargets: everywhere(refused) });
    expect(r.status, JSON.stringify(r.tests.filter((t) => t.status === "fail"))).toBe("pass");
    expect(live(r).map((t) => t.name)).toEqual([
      `live: inspectChain and firstBrokenLink report on ${refused} (a chain without its intermediate)`,
      `live: inspectChain and firstBrokenLink report on ${refused} (a chain to an untrusted root)`,
      `live: inspectChain walks ${refused} (a revoked certificate) to a trusted root (no CRL: nothing shows the revocation)`,
    ]);
    for (const t of live(r)) expect(t).toMatchObject({ status: "skip", message: `cannot reach the internet from here: cannot connect to ${refused} (ECONNREFUSED)` });
  });

  it("TLS_WORKBOOK_LIVE_HOSTS points the live targets elsewhere (for tests of the commands); a malformed value is one clear line", async () => {
    process.env[LIVE_HOSTS_ENV] = JSON.stringify({ "example.com": "env-host.invalid:443" });
    try {
      const r = await gradeLesson(lesson("3"), { file: solution("03-inspect-cert"), lab, live: true });
      expect(r.status).toBe("pass");
      expect(live(r).map((t) => t.status)).toEqual(["skip", "skip"]);
      expect(live(r)[0].message).toMatch(/^cannot reach the internet from here: .*env-host\.invalid/);
      process.env[LIVE_HOSTS_ENV] = "{not json";
      await expect(gradeLesson(lesson("3"), { file: solution("03-inspect-cert"), lab, live: true })).rejects.toThrow(/^TLS_WORKBOOK_LIVE_HOSTS is not valid JSON/);
    } finally {
      delete process.env[LIVE_HOSTS_ENV];
    }
  });

  it("without --live nothing live runs: no live checks and no DNS lookup of a name by the grader", async () => {
    // The lab's servers listen on 127.0.0.1, which goes through dns.lookup too: only names count.
    let lookups = 0;
    const count = (host: unknown) => {
      if (typeof host === "string" && !net.isIP(host)) lookups++;
    };
    const realLookup = dns.lookup;
    const realPromiseLookup = dns.promises.lookup;
    dns.lookup = ((...args: Parameters<typeof dns.lookup>) => {
      count(args[0]);
      return (realLookup as (...a: unknown[]) => unknown)(...args);
    }) as typeof dns.lookup;
    dns.promises.lookup = ((...args: Parameters<typeof dns.promises.lookup>) => {
      count(args[0]);
      return realPromiseLookup(...args);
    }) as typeof dns.promises.lookup;
    try {
      const r = await gradeLesson(lesson("6"), { file: solution("06-tls-health"), lab });
      expect(live(r)).toEqual([]);
      expect(lookups).toBe(0);
      // The same spy sees the probe's lookup with --live: it would have noticed one above.
      await gradeLesson(lesson("3"), { file: solution("03-inspect-cert"), lab, live: true, liveTargets: everywhere("spy.invalid") });
      expect(lookups).toBeGreaterThan(0);
    } finally {
      dns.lookup = realLookup;
      dns.promises.lookup = realPromiseLookup;
    }
  });

  it("the probe: ok on a listening port; a lookup that never answers times out with a one-line reason; it can be cancelled", async () => {
    expect(await probe({ host: "localhost", port: lab.endpoint("good").port })).toEqual({ ok: true });
    const never = () => new Promise<never>(() => {});
    expect(await probe({ host: "slow.example", port: 443 }, { timeoutMs: 200, lookup: never })).toEqual({
      ok: false,
      reason: "cannot reach the internet from here: no answer from slow.example within 0.2 s",
    });
    const stop = new AbortController();
    const pending = probe({ host: "slow.example", port: 443 }, { timeoutMs: 60_000, lookup: never, signal: stop.signal });
    stop.abort();
    expect(await pending).toMatchObject({ ok: false });
    // A silent server accepts the connection: the probe asks only for DNS and TCP.
    expect(await probe({ host: "127.0.0.1", port: lab.endpoint("silent").port })).toEqual({ ok: true });
  });
});

// ---- (2) the acceptance sets -------------------------------------------------------------------

const target = (key: LiveKey): LiveTarget => ({ key, ...LIVE_TARGETS[key] });
const noTls: TlsUse[] = [];
const connectUse = (o: Partial<TlsUse> = {}): TlsUse => ({ rejectUnauthorizedFalse: false, envRejectUnauthorized0: false, customCheckServerIdentity: false, servername: null, ownCa: false, ...o });
const err = (code?: string, message = "some error"): ErrorInfo => ({ isError: true, name: "Error", ...(code ? { code } : {}), message });
const rejected = (code?: string, then?: unknown, tls: TlsUse[] = [connectUse()]): CallResult => ({
  status: "rejected",
  error: err(code),
  ...(then !== undefined ? { then: { status: "resolved", value: then } } : {}),
  output: "",
  tls,
});
const resolved = (value: unknown, tls: TlsUse[] = [connectUse()]): CallResult => ({ status: "resolved", value, output: "", tls });
const timedOut: CallResult = { status: "broken", reason: "timeout", message: "connectStrict(...) did not finish within 10 s", output: "", tls: [] };

const REF_CONNECTED = (tlsVersion = "TLSv1.3", subjectCN: string | null = "example.com"): Reference => ({ kind: "connected", tlsVersion, subjectCN: subjectCN ?? undefined, issuerO: "Some CA" });
const REF_REJECTED = (code: string): Reference => ({ kind: "rejected", code, message: code });
const REF_UNREACHABLE: Reference = { kind: "unreachable", code: "ETIMEDOUT" };

const rejectRows = Object.values(EXPECTATIONS).filter((r) => r.must === "reject");
const connectRows = Object.values(EXPECTATIONS).filter((r) => r.must === "connect");
const message = (v: Verdict) => (v.kind === "fail" ? [v.failure.expected, v.failure.got, v.failure.mistake].join("\n") : v.kind === "skip" ? v.reason : "");

describe("the table", () => {
  it("is badssl's endpoints on their real ports plus two well-known sites, and every lesson's list names only its rows", () => {
    expect(targetText(target("tls-v1-0"))).toBe("tls-v1-0.badssl.com:1010");
    expect(targetText(target("tls-v1-1"))).toBe("tls-v1-1.badssl.com:1011");
    expect(targetText(target("tls-v1-2"))).toBe("tls-v1-2.badssl.com:1012");
    expect(targetText(target("wrong-host"))).toBe("wrong.host.badssl.com");
    for (const keys of Object.values(LESSON_TARGETS)) for (const k of keys) expect(EXPECTATIONS[k].key).toBe(k);
    for (const row of rejectRows) {
      expect(row.codes.length).toBeGreaterThan(0);
      for (const code of row.codes) expect(CLASSIFY[code]?.length).toBeGreaterThan(0);
      expect(row.grades).toEqual(["FAIL"]);
    }
    for (const row of connectRows) expect(row.versions.length).toBeGreaterThan(0);
    // The cases the issue names.
    expect(EXPECTATIONS["self-signed"].codes).toContain("CERT_HAS_EXPIRED");
    expect(EXPECTATIONS["tls-v1-0"].codes).toEqual(expect.arrayContaining(["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL"]));
    expect(EXPECTATIONS["incomplete-chain"].codes).toEqual(expect.arrayContaining(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"]));
  });

  it("overrides: host or host:port per key; anything else is refused with one line", () => {
    expect(parseOverrides(undefined)).toEqual({});
    expect(lessonTargets("03-inspect-cert", parseOverrides('{"example.com":"localhost:8441"}'))).toEqual([
      { key: "example.com", host: "localhost", port: 8441 },
      { key: "wikipedia.org", host: "wikipedia.org", port: 443 },
    ]);
    expect(lessonTargets("03-inspect-cert", { "example.com": "[::1]:8441" })[0]).toMatchObject({ host: "::1", port: 8441 });
    expect(() => parseOverrides('{"nope":"a:1"}')).toThrow(/unknown live target "nope"/);
    expect(() => parseOverrides('{"expired":"a:99999"}')).toThrow(/"expired" must be "host" or "host:port"/);
    expect(() => parseOverrides("[]")).toThrow(/must be a JSON object/);
    expect(lessonTargets("04-self-signed-echo")).toEqual([]);
  });
});

describe("acceptance sets: lesson 05 (connectStrict, then classifyTlsError)", () => {
  it("every accepted code with every classification accepted for it passes", () => {
    for (const row of rejectRows)
      for (const code of row.codes)
        for (const cls of CLASSIFY[code]) expect(judgeStrict(row, target(row.key), rejected(code, cls)), `${row.key} ${code} ${cls}`).toEqual({ kind: "pass" });
  });

  it("a wrong classification of an accepted code fails at once, naming what was expected; the untrusted-root trap is named", () => {
    const v = judgeStrict(EXPECTATIONS.expired, target("expired"), rejected("CERT_HAS_EXPIRED", "other"));
    expect(v).toMatchObject({ kind: "fail", definite: true });
    expect(message(v)).toMatch(/classifyTlsError to say "expired" for err\.code CERT_HAS_EXPIRED\n"other"/);
    const trap = judgeStrict(EXPECTATIONS["untrusted-root"], target("untrusted-root"), rejected("SELF_SIGNED_CERT_IN_CHAIN", "self-signed"));
    expect(message(trap)).toMatch(/that is untrusted-root[^]*classify by err\.code/);
    // A lapsed self-signed certificate says CERT_HAS_EXPIRED: "expired" is then right, "self-signed" is not.
    expect(judgeStrict(EXPECTATIONS["self-signed"], target("self-signed"), rejected("CERT_HAS_EXPIRED", "expired")).kind).toBe("pass");
    expect(judgeStrict(EXPECTATIONS["self-signed"], target("self-signed"), rejected("CERT_HAS_EXPIRED", "self-signed")).kind).toBe("fail");
  });

  it('"connected" on a broken endpoint fails, naming the mistake, while a verifying client still gets an accepted code', () => {
    const row = EXPECTATIONS.expired;
    const v = judgeStrict(row, target("expired"), resolved({ tlsVersion: "TLSv1.3", authorized: true }, [connectUse({ rejectUnauthorizedFalse: true })]));
    expect(v).toMatchObject({ kind: "fail", connected: true });
    expect(message(v)).toMatch(/it resolved with \{"tlsVersion":"TLSv1\.3","authorized":true\}\nYour code passes rejectUnauthorized: false/);
    expect(settle(row, target("expired"), v, REF_REJECTED("CERT_HAS_EXPIRED"))).toBe(v);
    // The endpoint changed too: accepting what a verifying client refuses is still wrong, and says so.
    const changed = settle(row, target("expired"), v, REF_REJECTED("SOMETHING_NEW"));
    expect(changed.kind).toBe("fail");
    expect(message(changed)).toMatch(/a verifying client gets SOMETHING_NEW from it today/);
    // The endpoint was fixed: a verifying client connects, so nothing can be said.
    expect(settle(row, target("expired"), v, REF_CONNECTED())).toEqual({
      kind: "skip",
      reason: "expired.badssl.com has changed: a verifying client now connects (TLSv1.3) where this check expects it to fail with CERT_HAS_EXPIRED",
    });
    // Values written into the code, never connected: said as such.
    const hardCoded = judgeStrict(row, target("expired"), resolved({ tlsVersion: "TLSv1.3", authorized: true }, noTls));
    expect(message(hardCoded)).toMatch(/without ever calling tls\.connect/);
  });

  it("an unexpected code fails when a verifying client gets an accepted one, and is skipped when the endpoint itself changed", () => {
    const row = EXPECTATIONS["tls-v1-0"];
    const v = judgeStrict(row, target("tls-v1-0"), rejected("ERR_SSL_WRONG_VERSION_NUMBER", "other"));
    expect(v).toMatchObject({ kind: "fail", connected: false });
    const f = settle(row, target("tls-v1-0"), v, REF_REJECTED("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION"));
    expect(f.kind).toBe("fail");
    expect(message(f)).toMatch(/with err\.code ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION, ERR_SSL_UNSUPPORTED_PROTOCOL or ERR_SSL_NO_PROTOCOLS_AVAILABLE\nError \[ERR_SSL_WRONG_VERSION_NUMBER\]/);
    const s = settle(row, target("tls-v1-0"), v, REF_REJECTED("ERR_SSL_WRONG_VERSION_NUMBER"));
    expect(s).toMatchObject({ kind: "skip" });
    expect(message(s)).toMatch(/^tls-v1-0\.badssl\.com:1010 has changed: a verifying client now gets ERR_SSL_WRONG_VERSION_NUMBER/);
    // A wrapped error without its code: the mistake is named.
    const wrapped = settle(row, target("tls-v1-0"), judgeStrict(row, target("tls-v1-0"), rejected(undefined, "other")), REF_REJECTED("ERR_SSL_UNSUPPORTED_PROTOCOL"));
    expect(message(wrapped)).toMatch(/Reject with the error Node gave you/);
  });

  it("network errors and timeouts are the network's when the grader cannot reach the endpoint either, the code's when it can", () => {
    const row = EXPECTATIONS["incomplete-chain"];
    for (const r of [rejected("ECONNRESET", "unreachable"), rejected("ETIMEDOUT", "unreachable"), timedOut]) {
      const v = judgeStrict(row, target("incomplete-chain"), r);
      expect(v).toMatchObject({ kind: "fail" });
      expect(v.kind === "fail" && v.definite).toBeFalsy();
      const s = settle(row, target("incomplete-chain"), v, REF_UNREACHABLE);
      expect(s).toEqual({ kind: "skip", reason: "incomplete-chain.badssl.com did not answer the grader either (ETIMEDOUT): try again later" });
      expect(settle(row, target("incomplete-chain"), v, REF_REJECTED("UNABLE_TO_VERIFY_LEAF_SIGNATURE")).kind).toBe("fail");
    }
  });

  it("good endpoints: connect with an accepted version; a rejection fails unless the endpoint broke; the stub fails at once", () => {
    const row = EXPECTATIONS["tls-v1-2"];
    expect(judgeStrict(row, target("tls-v1-2"), resolved({ tlsVersion: "TLSv1.2", authorized: true })).kind).toBe("pass");
    const v13 = judgeStrict(row, target("tls-v1-2"), resolved({ tlsVersion: "TLSv1.3", authorized: true }));
    expect(settle(row, target("tls-v1-2"), v13, REF_CONNECTED("TLSv1.2")).kind).toBe("fail");
    const nulled = judgeStrict(row, target("tls-v1-2"), resolved({ tlsVersion: null, authorized: true }));
    expect(message(nulled)).toMatch(/getProtocol\(\) returns null once the socket is closed/);
    const refused = judgeStrict(EXPECTATIONS.sha256, target("sha256"), rejected("CERT_HAS_EXPIRED"));
    expect(settle(EXPECTATIONS.sha256, target("sha256"), refused, REF_CONNECTED("TLSv1.2")).kind).toBe("fail");
    // badssl's wildcard lapsed: a verifying client is refused too, so this proves nothing today.
    expect(settle(EXPECTATIONS.sha256, target("sha256"), refused, REF_REJECTED("CERT_HAS_EXPIRED"))).toMatchObject({
      kind: "skip",
      reason: "sha256.badssl.com has changed: a verifying client now gets CERT_HAS_EXPIRED where this check expects it to connect with TLSv1.2 or TLSv1.3",
    });
    const stub: CallResult = { status: "rejected", error: err(undefined, "not implemented: connectStrict"), output: "", tls: [] };
    expect(judgeStrict(row, target("tls-v1-2"), stub)).toMatchObject({ kind: "fail", definite: true, failure: { stub: "connectStrict" } });
  });
});

describe("acceptance sets: lessons 02, 03 and 06", () => {
  it("02: any certificate or protocol error rejects a broken endpoint; a network error needs the reference; a good site must come back whole", () => {
    for (const row of rejectRows) for (const code of row.codes) expect(judgeTlsGet(row, target(row.key), rejected(code)).kind).toBe("pass");
    expect(judgeTlsGet(EXPECTATIONS.expired, target("expired"), rejected(undefined)).kind).toBe("pass"); // a wrapped error still rejects
    const net = judgeTlsGet(EXPECTATIONS.expired, target("expired"), rejected("ENOTFOUND"));
    expect(net).toMatchObject({ kind: "fail", connected: false });
    const accepted = judgeTlsGet(EXPECTATIONS["wrong-host"], target("wrong-host"), resolved({ tlsVersion: "TLSv1.3", issuedTo: "x", response: "HTTP/1.1 200 OK" }, [connectUse({ customCheckServerIdentity: true })]));
    expect(message(accepted)).toMatch(/Your checkServerIdentity accepts a certificate issued for another name/);

    const site = EXPECTATIONS["example.com"];
    const page = { tlsVersion: "TLSv1.3", issuedTo: "www.example.org", response: "HTTP/1.1 200 OK\r\n\r\n<html>" };
    expect(judgeTlsGet(site, target("example.com"), resolved(page)).kind).toBe("pass");
    expect(judgeTlsGet(site, target("example.com"), resolved({ ...page, response: "<html>" }))).toMatchObject({ kind: "fail", definite: true });
    // An empty CN is right only when the certificate has none (some certificates name the host only in the SAN).
    const noCn = judgeTlsGet(site, target("example.com"), resolved({ ...page, issuedTo: "" }));
    expect(settle(site, target("example.com"), noCn, REF_CONNECTED("TLSv1.3", null)).kind).toBe("pass");
    expect(settle(site, target("example.com"), noCn, REF_CONNECTED("TLSv1.3", "www.example.org")).kind).toBe("fail");
  });

  it("03: the report's values agree with each other: days rounded down from its own expires, soon below 30, names present", () => {
    const row = EXPECTATIONS["wikipedia.org"];
    const t = target("wikipedia.org");
    const now = Date.now();
    const expires = new Date(now + 40 * 86_400_000 + 13 * 3_600_000);
    const report = { host: "wikipedia.org", tlsVersion: "TLSv1.3", issuedTo: "*.wikipedia.org", issuedBy: "Some CA", expires, daysLeft: 40, expiringSoon: false };
    expect(judgeInspect(row, t, resolved(report), now, now + 50)).toEqual({ kind: "pass" });
    const ceil = judgeInspect(row, t, resolved({ ...report, daysLeft: 41 }), now, now + 50);
    expect(ceil).toMatchObject({ kind: "fail", definite: true });
    expect(message(ceil)).toMatch(/daysLeft 40[^]*\n41\nOne day too many: Math\.round or Math\.ceil/);
    expect(judgeInspect(row, t, resolved({ ...report, expiringSoon: true }), now, now + 50).kind).toBe("fail");
    expect(judgeInspect(row, t, resolved({ ...report, host: "localhost" }), now, now + 50).kind).toBe("fail");
    expect(judgeInspect(row, t, resolved({ ...report, expires: "2027-01-01" }), now, now + 50).kind).toBe("fail");
    expect(message(judgeInspect(row, t, resolved({ ...report, expires: new Date(now - 86_400_000) }), now, now + 50))).toMatch(/valid_from/);
    const soon = new Date(now + 5 * 86_400_000 + 3_600_000);
    expect(judgeInspect(row, t, resolved({ ...report, expires: soon, daysLeft: 5, expiringSoon: true }), now, now + 50).kind).toBe("pass");
    const noIssuer = judgeInspect(row, t, resolved({ ...report, issuedBy: "" }), now, now + 50);
    expect(settle(row, t, noIssuer, REF_CONNECTED()).kind).toBe("fail");
  });

  it("06: FAIL for every broken endpoint, PASS or WARN (consistent with daysLeft) for good ones", () => {
    const keys = LESSON_TARGETS["06-tls-health"];
    const targets = keys.map(target);
    const texts = targets.map(targetText);
    const good = (i: number, grade: string, daysLeft: number, tlsVersion = "TLSv1.3") => ({ target: texts[i], grade, tlsVersion, daysLeft, reason: `expires in ${daysLeft} days` });
    const results = keys.map((k, i) => (EXPECTATIONS[k].must === "reject" ? { target: texts[i], grade: "FAIL", reason: "x" } : good(i, "PASS", 60, k === "tls-v1-2" ? "TLSv1.2" : "TLSv1.3")));
    keys.forEach((k, i) => expect(judgeHealth(EXPECTATIONS[k], targets[i], texts[i], i, resolved(results)), k).toEqual({ kind: "pass" }));

    const at = (k: LiveKey, value: object) => {
      const i = keys.indexOf(k);
      const list = results.map((x, j) => (j === i ? value : x));
      return judgeHealth(EXPECTATIONS[k], targets[i], texts[i], i, resolved(list, [connectUse({ rejectUnauthorizedFalse: true })]));
    };
    const iOld = keys.indexOf("tls-v1-0");
    expect(message(at("tls-v1-0", { target: texts[iOld], grade: "WARN", tlsVersion: "TLSv1", daysLeft: 60, reason: "old" }))).toMatch(/rejectUnauthorized: false/);
    expect(message(at("self-signed", good(keys.indexOf("self-signed"), "PASS", 60)))).toMatch(/"PASS": expires in 60 days\nYour code passes rejectUnauthorized: false/);
    const iSite = keys.indexOf("example.com");
    expect(at("example.com", good(iSite, "WARN", 60))).toMatchObject({ kind: "fail", definite: true });
    expect(at("example.com", good(iSite, "PASS", 12))).toMatchObject({ kind: "fail", definite: true });
    expect(at("example.com", good(iSite, "WARN", 12)).kind).toBe("pass");
    expect(at("example.com", good(iSite, "PASS", -3))).toMatchObject({ kind: "fail", definite: true });
    const failed = at("example.com", { target: texts[iSite], grade: "FAIL", reason: "timed out" });
    expect(settle(EXPECTATIONS["example.com"], targets[iSite], failed, REF_CONNECTED()).kind).toBe("fail");
    expect(settle(EXPECTATIONS["example.com"], targets[iSite], failed, REF_UNREACHABLE).kind).toBe("skip");
    // tlsHealth must never reject.
    expect(judgeHealth(EXPECTATIONS.expired, targets[0], texts[0], 0, rejected("CERT_HAS_EXPIRED"))).toMatchObject({ kind: "fail", definite: true });
  });
});

describe("acceptance sets: lesson 08 (inspectChain, then firstBrokenLink)", () => {
  const report = (ends: string, authorized: boolean, authorizationError: string | null, links = 2) => ({
    authorized,
    authorizationError,
    ends,
    links: Array.from({ length: links }, (_, i) => ({ subject: `CN=c${i}`, issuer: `CN=c${i + 1}`, validFrom: new Date(), validTo: new Date(), signedBy: i + 1 < links ? i + 1 : "self" })),
  });
  const chained = (value: unknown, broken: unknown): CallResult => ({ status: "resolved", value, then: { status: "resolved", value: broken }, output: "", tls: [] });
  it("the shape each target's chain must have passes; an expired link is accepted where the certificate lapsed too", () => {
    expect(judgeChain(EXPECTATIONS["incomplete-chain"], target("incomplete-chain"), chained(report("missing-intermediate", false, "UNABLE_TO_VERIFY_LEAF_SIGNATURE", 1), { link: 0, problem: "missing-intermediate" })).kind).toBe("pass");
    expect(judgeChain(EXPECTATIONS["untrusted-root"], target("untrusted-root"), chained(report("unknown-root", false, "SELF_SIGNED_CERT_IN_CHAIN"), { link: 1, problem: "unknown-root" })).kind).toBe("pass");
    expect(judgeChain(EXPECTATIONS["untrusted-root"], target("untrusted-root"), chained(report("unknown-root", false, "CERT_HAS_EXPIRED"), { link: 0, problem: "expired" })).kind).toBe("pass");
    expect(judgeChain(EXPECTATIONS.revoked, target("revoked"), chained(report("trusted-root", true, null, 3), null)).kind).toBe("pass");
  });
  it("authorized: true for a broken chain fails at once; a wrong end or problem is to be confirmed by the reference", () => {
    const v = judgeChain(EXPECTATIONS["incomplete-chain"], target("incomplete-chain"), chained(report("missing-intermediate", true, null, 1), null));
    expect(v).toMatchObject({ kind: "fail", definite: true });
    expect(message(v)).toMatch(/Report socket\.authorized as Node set it/);
    const w = judgeChain(EXPECTATIONS["incomplete-chain"], target("incomplete-chain"), chained(report("unknown-root", false, "UNABLE_TO_VERIFY_LEAF_SIGNATURE", 1), null));
    expect(w).toMatchObject({ kind: "fail" });
    expect((w as { definite?: boolean }).definite).toBeFalsy();
    const stub: CallResult = { status: "rejected", error: { isError: true, message: "not implemented: inspectChain" }, output: "", tls: [] };
    expect(judgeChain(EXPECTATIONS.revoked, target("revoked"), stub)).toMatchObject({ kind: "fail", definite: true });
  });
});

describe("results and report with skips", () => {
  const t = (name: string, status: TestResult["status"], message?: string): TestResult => ({ name, status, ...(message ? { message } : {}) });

  it("overallStatus and countPassed leave skips out", () => {
    expect(overallStatus([t("a", "pass"), t("live: b", "skip", "offline")])).toBe("pass");
    expect(overallStatus([t("a", "fail"), t("live: b", "skip", "offline")])).toBe("fail");
    expect(overallStatus([t("live: b", "skip", "offline")])).toBe("error");
    const r: LessonResult = { version: 3, lesson: "05-reject-bad-certs", status: "pass", tests: [t("a", "pass"), t("live: b", "skip", "x"), t("live: c", "skip", "x")] };
    expect(countPassed(r)).toEqual({ passed: 1, total: 1, skipped: 2 });
  });

  it("different reasons: each under its own line, and the summary stays one line", () => {
    const r: LessonResult = {
      version: 3,
      lesson: "05-reject-bad-certs",
      status: "pass",
      tests: [t("a", "pass"), t("live: b", "skip", "x.example did not answer the grader either (ETIMEDOUT): try again later"), t("live: c", "skip", "y.example has changed"), t("live: d", "skip", "y.example has changed")],
    };
    expect(skipSummary(r)).toBe("3 live checks skipped: y.example has changed (2); 1 for other reasons (see above)");
    const text = renderResult(lesson("5"), "exercise.ts", r, noColor);
    expect(text).toContain("○ live: b — skipped\n    x.example did not answer the grader either (ETIMEDOUT): try again later\n");
    expect(text).toContain("○ 3 live checks skipped: y.example has changed (2); 1 for other reasons (see above)\nAll 1 checks pass.");
  });
});

// ---- (3) end to end, the lab standing in for the internet -----------------------------------------

describe("end to end: the lab's endpoints stand in for badssl.com and the well-known sites", () => {
  for (const [key, id] of [
    ["2", "02-verified-client"],
    ["3", "03-inspect-cert"],
    ["5", "05-reject-bad-certs"],
    ["6", "06-tls-health"],
    ["8", "08-chain-of-trust"],
  ] as const) {
    it(`lesson ${id}: the reference solution passes every live check`, async () => {
      const r = await gradeLesson(lesson(key), { file: solution(id), lab, live: true, liveTargets: standIns() });
      const failing = r.tests.filter((x) => x.status !== "pass").map((x) => `${x.name}: ${x.message}`);
      expect(failing).toEqual([]);
      expect(live(r)).toHaveLength(LESSON_TARGETS[id].length);
      expect(r.status).toBe("pass");
    });
  }

  it("lesson 02 with rejectUnauthorized: false fails the live checks of every broken certificate, naming it", async () => {
    const r = await gradeLesson(lesson("2"), { file: wrong("02-verified-client", "rejectUnauthorized-false"), lab, live: true, liveTargets: standIns() });
    expect(r.status).toBe("fail");
    const byStatus = (s: string) => live(r).filter((x) => x.status === s).map((x) => x.name);
    const broken = ["expired", "wrong-host", "self-signed", "untrusted-root", "incomplete-chain"].map((k) => EXPECTATIONS[k as LiveKey].label);
    expect(byStatus("fail")).toHaveLength(broken.length);
    for (const label of broken) expect(byStatus("fail").some((n) => n.includes(`(${label})`))).toBe(true);
    for (const x of live(r).filter((x) => x.status === "fail")) expect(x.message).toMatch(/got: +it resolved with[^]*\nYour code passes rejectUnauthorized: false[^]*why it matters:/);
    expect(byStatus("pass")).toHaveLength(4); // the good ones still work
  });

  it("lesson 05 with rejectUnauthorized: false fails on every broken certificate; old protocols are still refused", async () => {
    const r = await gradeLesson(lesson("5"), { file: wrong("05-reject-bad-certs", "rejectUnauthorized-false"), lab, live: true, liveTargets: standIns() });
    expect(r.status).toBe("fail");
    const failed = live(r).filter((x) => x.status === "fail");
    expect(failed.map((x) => x.name.match(/\(([^)]+)\)/)?.[1])).toEqual(["an expired certificate", "a certificate for another name", "a self-signed certificate", "a chain to an untrusted root", "a chain without its intermediate"]);
    for (const x of failed) expect(x.message).toMatch(/Your code passes rejectUnauthorized: false/);
  });

  it("lesson 05's solution when endpoints changed or went away: skipped with the reason, never failed", async () => {
    const liveTargets: LiveOverrides = {
      ...standIns(),
      // "sha256" now serves an expired certificate: a verifying client is refused too.
      sha256: `localhost:${lab.endpoint("expired").port}`,
      // "tls-v1-1" is down.
      "tls-v1-1": `localhost:${lab.endpoint("refused").port}`,
    };
    const r = await gradeLesson(lesson("5"), { file: solution("05-reject-bad-certs"), lab, live: true, liveTargets });
    expect(r.status).toBe("pass");
    const skipped = live(r).filter((x) => x.status === "skip");
    expect(skipped.map((x) => x.message)).toEqual([
      `localhost:${lab.endpoint("refused").port} did not answer the grader either (ECONNREFUSED): try again later`,
      `localhost:${lab.endpoint("expired").port} has changed: a verifying client now gets CERT_HAS_EXPIRED where this check expects it to connect with TLSv1.2 or TLSv1.3`,
    ]);
    expect(live(r).filter((x) => x.status === "pass")).toHaveLength(LESSON_TARGETS["05-reject-bad-certs"].length - 2);
    expect(renderResult(lesson("5"), "exercise.ts", r, noColor)).toMatch(/○ 2 live checks skipped: [^\n]+\n/);
  });

  it("a learner's code that dies during the offline checks: the live checks are not run and say so", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-live-"));
    const file = path.join(dir, "exercise.ts");
    fs.writeFileSync(file, 'export async function inspectTls() { process.exit(3); }\nexport function formatReport() { return ""; }\n');
    try {
      const r = await gradeLesson(lesson("3"), { file, lab, live: true, liveTargets: standIns() });
      expect(r.status).toBe("fail");
      for (const x of live(r)) expect(x).toMatchObject({ status: "skip", message: expect.stringMatching(/^not run: the process running your code had already stopped \(your code called process\.exit\(3\)/) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
