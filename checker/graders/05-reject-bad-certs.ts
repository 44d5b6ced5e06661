// Lesson 05: a strict client and a classifier of what went wrong. The error the learner's
// connectStrict rejected with goes straight to their classifyTlsError inside the sandbox.
import { acceptedBrokenMistake, expectResolved, failIfUnwritten, fail, lookalikeMistake, show, verificationOffMistake, type Check, type CheckContext, type CodeGrader, type GraderEnv } from "../checks/check.ts";
import { REFUSED_HINT, rejectHint, VERIFY_ON_HINT } from "../checks/hints.ts";
import { describeError, type CallResult } from "../sandbox/sandbox.ts";

/** The codes each Rejection comes from (the lesson's table), for the classifies checks' hints. */
const CODES: Record<string, string> = {
  expired: "CERT_HAS_EXPIRED",
  "not-yet-valid": "CERT_NOT_YET_VALID",
  "wrong-host": "ERR_TLS_CERT_ALTNAME_INVALID",
  "self-signed": "DEPTH_ZERO_SELF_SIGNED_CERT",
  "untrusted-root": "SELF_SIGNED_CERT_IN_CHAIN (and UNABLE_TO_GET_ISSUER_CERT_LOCALLY)",
  "incomplete-chain": "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "old-protocol": "the ERR_SSL_… protocol-version codes (ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION, ERR_SSL_UNSUPPORTED_PROTOCOL …)",
  unreachable: "ECONNREFUSED (and ENOTFOUND, ETIMEDOUT …)",
};

const HOST = "localhost";

/** Each broken endpoint, what it is called in the lesson, and why rejecting it matters. */
const BROKEN: { endpoint: string; rejection: string; label: string; why: string }[] = [
  { endpoint: "expired", rejection: "expired", label: "an expired certificate", why: "An expired certificate is no longer vouched for; its key may have leaked long ago." },
  { endpoint: "not-yet-valid", rejection: "not-yet-valid", label: "a certificate that is not valid yet", why: "A certificate from the future means a wrong clock or a forgery; either way it proves nothing today." },
  { endpoint: "wrong-host", rejection: "wrong-host", label: "a certificate for another name", why: "A valid certificate for someone else's name is exactly what an impostor would present." },
  { endpoint: "self-signed", rejection: "self-signed", label: "a self-signed certificate", why: "Anyone can sign their own certificate; accepting one means accepting whoever answers." },
  { endpoint: "untrusted-root", rejection: "untrusted-root", label: "a chain to an untrusted root", why: "Trust comes from the roots you chose; a chain to any other root proves nothing." },
  { endpoint: "incomplete-chain", rejection: "incomplete-chain", label: "a chain without its intermediate", why: "Without the intermediate there is no path to a trusted root; Node does not fetch missing certificates for you." },
  { endpoint: "tls-v1-0", rejection: "old-protocol", label: "a TLS 1.0 server", why: "TLS 1.0 has known weaknesses and was retired in 2021; a modern client refuses it." },
  { endpoint: "tls-v1-1", rejection: "old-protocol", label: "a TLS 1.1 server", why: "TLS 1.1 was retired with 1.0; a modern client refuses it." },
  { endpoint: "refused", rejection: "unreachable", label: "a closed port", why: "A monitor must tell 'down' apart from 'insecure': they call for different people." },
];

const strictCall = (ctx: CheckContext, endpoint: string) =>
  ctx.shared(endpoint, () => ctx.sandbox.call("connectStrict", [HOST, ctx.endpoint(endpoint).port], { then: { fn: "classifyTlsError", on: "reject" } }));

function connects(endpoint: string, version: string, label: string, why: string): Check {
  return {
    name: `connects to ${label} (${endpoint})`,
    why,
    hint: "tls.connect({ host, port, servername: host }); on 'secureConnect' read socket.getProtocol() first, then socket.end(), and resolve with { tlsVersion, authorized: true }. Leave minVersion and the name check at their defaults.",
    async run(ctx) {
      const r = await strictCall(ctx, endpoint);
      const v = expectResolved(r, `connectStrict to resolve with { tlsVersion: "${version}", authorized: true }`) as { tlsVersion?: unknown; authorized?: unknown };
      if (!v || typeof v !== "object" || v.tlsVersion !== version || v.authorized !== true)
        fail({
          expected: `{ tlsVersion: "${version}", authorized: true }`,
          got: show(v),
          mistake: v && typeof v === "object" && v.tlsVersion === null ? "getProtocol() returns null once the socket is closed: read it before you end or destroy the socket." : undefined,
        });
    },
  };
}

/** A rejection earns credit only from a client that also connects to a valid server. */
async function connectsToGood(ctx: CheckContext, what: string): Promise<void> {
  const g = await strictCall(ctx, "good");
  failIfUnwritten(g);
  if (g.status !== "resolved")
    fail({ expected: `${what}, from a client that also connects to a valid server`, got: "your connectStrict does not connect to the good server either (see the first check)", mistake: "A client that refuses everything refuses broken servers too: make the good server work first." });
}

/** A valid certificate for a name that only looks like the host must be refused, with Node's own error. */
function rejectsLookalike(lookalikes: Awaited<ReturnType<GraderEnv["scope"]["addLookalikes"]>>, i: number): Check {
  const l = lookalikes.endpoints[i];
  return {
    name: `rejects ${l.label} (look-alike ${i + 1})`,
    why: "A hostname check compares the whole name; a certificate that merely shares a label, a suffix or the TLD with it belongs to someone else.",
    hint: rejectHint("look-alike", "connectStrict"),
    async run(ctx) {
      const r = await ctx.shared(`lookalike-${i}`, () => ctx.sandbox.call("connectStrict", [lookalikes.host, l.endpoint.port]));
      if (r.status === "resolved") fail({ expected: "connectStrict to reject with ERR_TLS_CERT_ALTNAME_INVALID", got: `it resolved with ${show(r.value)}`, mistake: lookalikeMistake(r, l.certName, lookalikes.host) });
      failIfUnwritten(r);
      if (r.status === "broken") fail({ expected: "connectStrict to reject", got: r.message, mistake: "Listen for the socket's 'error' event and reject the promise from it." });
      await connectsToGood(ctx, "a rejection");
    },
  };
}

function rejects(b: (typeof BROKEN)[number]): Check {
  return {
    name: `rejects ${b.label} (${b.endpoint})`,
    why: b.why,
    hint:
      b.endpoint === "refused"
        ? REFUSED_HINT
        : `${rejectHint(b.endpoint, "connectStrict")} Reject with the error object itself (reject(err)), not a new Error or a string: its err.code is what classifyTlsError reads.`,
    async run(ctx) {
      const r = await strictCall(ctx, b.endpoint);
      const code = ctx.endpoint(b.endpoint).expect;
      if (r.status === "resolved") fail({ expected: `connectStrict to reject with ${code}`, got: `it resolved with ${show(r.value)}`, mistake: acceptedBrokenMistake(r, b.endpoint) });
      failIfUnwritten(r);
      if (r.status === "broken") fail({ expected: `connectStrict to reject with ${code}`, got: r.message, mistake: "Listen for the socket's 'error' event and reject the promise from it." });
      const e = r.error;
      if (e.code !== code && e.cause?.code !== code)
        fail({
          expected: `a rejection with the original error (err.code ${code})`,
          got: describeError(e),
          mistake: verificationOffMistake(r) ?? "Reject with the error Node gave you (or keep it as `cause`): its code is what tells the caller what went wrong.",
        });
      await connectsToGood(ctx, "a rejection");
    },
  };
}

function classifies(b: (typeof BROKEN)[number]): Check {
  return {
    name: `classifies ${b.endpoint} as "${b.rejection}"`,
    why: "Naming the failure is what turns 'TLS error' into a fix: renew the certificate, send the intermediate, fix the name, upgrade the server.",
    hint: `Look at err.code, never the message: "${b.rejection}" is what ${CODES[b.rejection]} means. A lookup table (an object from code to Rejection) keeps it short; connectStrict must reject with Node's own error for the code to be there.`,
    async run(ctx) {
      const r = await strictCall(ctx, b.endpoint);
      if (r.status !== "rejected") fail({ expected: `connectStrict to reject first, then classifyTlsError to say "${b.rejection}"`, got: "connectStrict did not reject (see the check above)" });
      const t = r.then;
      if (!t) fail({ expected: `"${b.rejection}"`, got: "classifyTlsError was not called" });
      const got = expectResolved(t, `classifyTlsError(err) to return "${b.rejection}"`);
      if (got !== b.rejection) {
        const code = r.error.code ?? r.error.cause?.code;
        const trap =
          code === "SELF_SIGNED_CERT_IN_CHAIN" && got === "self-signed"
            ? "SELF_SIGNED_CERT_IN_CHAIN means the chain ends in a root nobody trusts: that is untrusted-root. Its message mentions a self-signed certificate, a trap for anyone who classifies by the message: classify by err.code."
            : undefined;
        const of = code ? `err.code ${code}` : "this error (it has no code: your connectStrict did not reject with the original error, see the rejects check)";
        fail({ expected: `"${b.rejection}" for ${of}`, got: show(got), mistake: trap });
      }
    },
  };
}

/** classifyTlsError on values made in the child: [description, error-or-value, expected]. */
const DIRECT: { label: string; arg: unknown; expected: string }[] = [
  { label: "an error from an old server (ERR_SSL_UNSUPPORTED_PROTOCOL)", arg: { __error: { message: "unsupported protocol", code: "ERR_SSL_UNSUPPORTED_PROTOCOL" } }, expected: "old-protocol" },
  { label: "a DNS failure (ENOTFOUND)", arg: { __error: { message: "getaddrinfo ENOTFOUND no-such-host.invalid", code: "ENOTFOUND" } }, expected: "unreachable" },
  { label: "an error it does not know", arg: { __error: { message: "something else went wrong" } }, expected: "other" },
  { label: "a string", arg: "boom", expected: "other" },
  { label: "undefined", arg: undefined, expected: "other" },
  { label: "null", arg: null, expected: "other" },
];

export const grader: CodeGrader = {
  kind: "code",
  timeoutMs: 4000,
  async checks({ scope }: GraderEnv): Promise<Check[]> {
    const lookalikes = await scope.addLookalikes();
    return [
      connects("good", "TLSv1.3", "a valid server", "A strict client is useless if it also refuses good servers."),
      connects("tls-v1-2", "TLSv1.2", "a TLS 1.2 server", "TLS 1.2 is still a safe, common protocol; refusing it would break half the internet."),
      connects("no-common-name", "TLSv1.3", "a certificate whose name is only in the SAN", "Modern certificates name the host in subjectAltName; the CN is optional and ignored for matching."),
      ...BROKEN.map(rejects),
      ...lookalikes.endpoints.map((_, i) => rejectsLookalike(lookalikes, i)),
      ...BROKEN.map(classifies),
      {
        name: 'classifies a plain-HTTP server\'s error as "other"',
        why: "Not every failure is one of the named kinds; an honest 'other' beats a wrong diagnosis.",
        hint: 'A server that does not speak TLS fails with a code that names none of the kinds (ERR_SSL_WRONG_VERSION_NUMBER): return "other" for every code your table does not list, and do not guess from the message.',
        async run(ctx) {
          const r = await strictCall(ctx, "plain-http");
          if (r.status !== "rejected") fail({ expected: "connectStrict to reject a server that does not speak TLS", got: r.status === "resolved" ? `it resolved with ${show(r.value)}` : (r as { message?: string }).message ?? r.status });
          const got = r.then && expectResolved(r.then, 'classifyTlsError(err) to return "other"');
          if (got !== "other") fail({ expected: `"other" for err.code ${r.error.code}`, got: show(got) });
        },
      },
      {
        name: "classifyTlsError answers any value (an unknown error, a string, undefined) with a Rejection, never throwing",
        why: "A classifier runs on errors you did not foresee; if it throws or returns something that is not a Rejection, the real error is lost.",
        hint: 'Read the code defensively: err && typeof err === "object" && "code" in err ? String(err.code) : ""; look it up with Object.hasOwn(table, code) (a plain lookup finds "constructor"), and return "other" when nothing matches.',
        async run(ctx) {
          const results = await Promise.all(DIRECT.map((d) => ctx.call("classifyTlsError", [d.arg])));
          DIRECT.forEach((d, i) => {
            const got = expectResolved(results[i], `classifyTlsError(${d.label}) to return "${d.expected}"`);
            const inherited = typeof got === "function" || (got !== null && typeof got === "object");
            if (got !== d.expected)
              fail({
                expected: `"${d.expected}" for ${d.label}`,
                got: inherited ? `${typeof got === "function" ? "a function" : "an object"}, not one of the Rejection strings` : show(got),
                mistake: inherited ? "Return one of the Rejection strings for every input; a lookup in a plain object can find members every object inherits (constructor, toString): check with Object.hasOwn(table, code), or use a Map or a switch." : undefined,
              });
          });
        },
      },
      {
        name: "keeps certificate verification switched on",
        why: "rejectUnauthorized: false or NODE_TLS_REJECT_UNAUTHORIZED=0 keep the encryption but drop the proof of who is on the other end.",
        hint: VERIFY_ON_HINT,
        async run(ctx) {
          const calls: CallResult[] = await Promise.all(["good", "expired", "wrong-host"].map((e) => strictCall(ctx, e)));
          const off = calls.map(verificationOffMistake).find(Boolean);
          if (off) fail({ expected: "tls.connect with its default, verifying options", got: "verification switched off", mistake: off });
          await connectsToGood(ctx, "verification that works");
        },
      },
    ];
  },
};
