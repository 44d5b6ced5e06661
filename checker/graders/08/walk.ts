// Lesson 08: the learner's inspectChain against each of this grading's chains. Inspecting is
// not trusting: the function may look at a chain Node refused (verification off, in that one
// function), so it must report Node's verdict truthfully and send nothing over the connection.
import { expectResolved, fail, failIfUnwritten, show, type Check, type CheckContext } from "../../checks/check.ts";
import { describeError, type CallResult } from "../../sandbox/sandbox.ts";
import type { ChainCase, ExpectedLink, SignedBy } from "./chains.ts";

export const HOST = "localhost";

/** inspectChain on a case, with the learner's own firstBrokenLink on its report: made once. */
export const inspectCall = (ctx: CheckContext, c: ChainCase): Promise<CallResult> =>
  ctx.shared(`inspect-${c.key}`, () => ctx.sandbox.call("inspectChain", [HOST, c.endpoint.port, c.roots], { then: { fn: "firstBrokenLink", on: "resolve" } }));

const describeSigner = (s: SignedBy) => (typeof s === "number" ? `link ${s}` : JSON.stringify(s));

/** A subject or issuer as the learner gave it: a string holding the CN, or an object with CN. */
function nameText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as { CN?: unknown }).CN === "string") return (v as { CN: string }).CN;
  return undefined;
}

function dateOf(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v === "string" || typeof v === "number") {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** Fails with the first thing the report gets wrong about `c`; returns when it is right. */
export function judgeReport(v: unknown, c: ChainCase): void {
  if (!v || typeof v !== "object" || !Array.isArray((v as { links?: unknown }).links))
    fail({ expected: "a ChainReport: { authorized, authorizationError, links: Link[], ends }", got: show(v) });
  const r = v as { authorized?: unknown; authorizationError?: unknown; links: unknown[]; ends?: unknown };

  const wantAuthorized = c.error === null;
  if (r.authorized !== wantAuthorized)
    fail({
      expected: `authorized: ${wantAuthorized}${c.error ? ` (Node refuses this chain with ${c.error})` : ""}`,
      got: `authorized: ${show(r.authorized)}`,
      mistake:
        r.authorized === true
          ? "Node refused this chain, and your report says it is trusted. Report socket.authorized as Node set it: with verification off for inspecting, it is the only place Node's verdict is left. A report that calls a broken chain trusted is worse than none."
          : "Report socket.authorized as Node set it, read in 'secureConnect' (a boolean).",
    });
  const err = r.authorizationError;
  if (c.error === null ? !(err === null || err === undefined || err === "") : !(typeof err === "string" ? err.includes(c.error) : err && typeof err === "object" && (err as { code?: unknown }).code === c.error))
    fail({
      expected: `authorizationError: ${c.error === null ? "null" : JSON.stringify(c.error)}`,
      got: `authorizationError: ${show(err)}`,
      mistake: "Report socket.authorizationError, Node's error code for the chain (null when it is authorized).",
    });

  const want = c.links;
  if (r.links.length !== want.length) {
    const mistake =
      r.links.length === 1 && want.length > 1
        ? "Your walk stops at the leaf: getPeerCertificate(true) gives the whole chain; follow .issuerCertificate link by link."
        : r.links.length < want.length
          ? want.length === 4 && r.links.length === 3
            ? "Your walk stops after a fixed number of links: loop until a certificate's issuerCertificate is itself (or missing)."
            : "Follow .issuerCertificate until it points to the certificate itself (a root) or is missing (the chain ends there)."
          : "A root's issuerCertificate points to itself: stop there, or the root is listed again (or the loop never ends).";
    fail({ expected: `${want.length} links (${want.map((l) => l.subjectCN).join(" → ")})`, got: `${r.links.length} links: ${show(r.links.map((l) => nameText((l as { subject?: unknown })?.subject)))}`, mistake });
  }
  want.forEach((w: ExpectedLink, i) => {
    const l = r.links[i] as Record<string, unknown> | null;
    if (!l || typeof l !== "object") fail({ expected: `link ${i} to be a Link object`, got: show(l) });
    const subject = nameText(l.subject);
    if (!subject?.includes(w.subjectCN))
      fail({
        expected: `link ${i}'s subject to name ${JSON.stringify(w.subjectCN)}`,
        got: show(l.subject),
        mistake: subject === undefined ? "subject is a string: the certificate's X509Certificate.subject (or its CN)." : "The names are new for every grading: read them from the certificates, in the order Node hands them over (leaf first).",
      });
    const issuer = nameText(l.issuer);
    if (!issuer?.includes(w.issuerCN)) fail({ expected: `link ${i}'s issuer to name ${JSON.stringify(w.issuerCN)}`, got: show(l.issuer), mistake: issuer === undefined ? "issuer is a string: X509Certificate.issuer (or its CN)." : undefined });
    for (const [field, at] of [["validFrom", w.validFrom], ["validTo", w.validTo]] as const) {
      const d = dateOf(l[field]);
      if (!d || Math.abs(d.getTime() - at.getTime()) > 1000)
        fail({
          expected: `link ${i}'s ${field}: ${at.toISOString()} (a Date)`,
          got: show(l[field]),
          mistake: d ? undefined : `${field} is a Date: new Date(x509.${field}) (or new Date(cert.${field === "validFrom" ? "valid_from" : "valid_to"})).`,
        });
    }
    if (l.signedBy !== w.signedBy) {
      let mistake: string | undefined;
      if (c.key === "forged" && i === 0 && typeof l.signedBy === "number")
        mistake = "The certificate above the leaf has the leaf's issuer name and key identifier (so names and checkIssued say yes), but its key does not verify the leaf's signature: check x.verify(parent.publicKey) too. Names are free to copy; signatures are not.";
      else if (w.signedBy === "self") mistake = "This certificate signs itself (a root, or a self-signed leaf): x.verify(x.publicKey) is true, and its issuer is its own subject. Its signedBy is \"self\".";
      else if (w.signedBy === "missing") mistake = "Nothing in the chain signed this certificate: signedBy is \"missing\" (a gap), not the next index and not \"self\".";
      else mistake = `signedBy is the index of the link whose key verifies this certificate's signature: here the next one, ${w.signedBy}.`;
      fail({ expected: `link ${i} (${w.subjectCN}) signedBy ${describeSigner(w.signedBy)}`, got: `signedBy ${show(l.signedBy)}`, mistake });
    }
  });
  if (r.ends !== c.ends) {
    let mistake: string | undefined;
    if (c.ends === "missing-intermediate" && r.ends === "unknown-root")
      mistake = "A missing intermediate is not an unknown root: the walk from the leaf never reaches a root at all, so there is none to judge. The fix differs too: the server must send its chain.";
    else if (c.ends === "unknown-root" && r.ends === "trusted-root")
      mistake = "This chain ends in a self-signed root, but not one of the roots you were given: every root signs itself, so compare it with `roots` (fingerprint256) before calling it trusted.";
    else if (c.ends === "trusted-root" && r.ends === "unknown-root")
      mistake = c.key === "chosen-root" ? "This time the chain's root is the one in `roots`: judge by the roots passed in, not by tls.rootCertificates or by Node's verdict alone." : "This root is one of the roots passed as `roots` (compare fingerprint256 with each): the chain ends at a trusted root even when another link is broken.";
    fail({ expected: `ends: ${JSON.stringify(c.ends)}`, got: `ends: ${show(r.ends)}`, mistake });
  }
}

export function walkCheck(c: ChainCase): Check {
  return {
    name: `inspectChain reports ${c.label}`,
    why: c.why,
    hint: c.hint,
    async run(ctx) {
      const r = await inspectCall(ctx, c);
      failIfUnwritten(r); // the stub: say only that
      if (r.status === "rejected" && c.error)
        fail({
          expected: "inspectChain to resolve with a report of this chain (Node refuses it, with " + c.error + ")",
          got: `it rejected with ${describeError(r.error)}`,
          mistake:
            "To look at a chain Node refuses, the inspection must not abort the handshake: in inspectChain only, connect with rejectUnauthorized: false, send nothing, close at once, and report socket.authorized and authorizationError beside the chain. Inspecting is not trusting.",
        });
      judgeReport(expectResolved(r, `inspectChain to resolve with a report of ${c.label}`), c);
    },
  };
}

/** Nothing may travel over a connection inspectChain did not verify. */
export function sendsNothingCheck(cases: ChainCase[]): Check {
  return {
    name: "inspectChain sends nothing over the connection it did not verify",
    why: "With verification off, the other end may be anyone: an inspection that sends a request (or a password, a cookie) hands it to whoever answered. Look, report, close.",
    hint: "In 'secureConnect', read the certificates and socket.authorized, then socket.destroy() (or end()) without writing anything.",
    async run(ctx) {
      const results = await Promise.all(cases.map((c) => inspectCall(ctx, c)));
      if (!results.some((r) => r.status === "resolved")) fail({ expected: "inspectChain to resolve on some chain first", got: "it resolved on none (see the checks above)" });
      // A request written just before the socket closed may still be on its way: wait until the
      // lab has seen each of these connections end (what came before the end has been read). An
      // honest inspection's connections end at once; the 2 s bound is for a loaded machine.
      await ctx.lab.traceSettled(results.flatMap((r) => r.connections ?? []), 2000);
      const sent = cases.filter((c) => ctx.lab.requestsToEndpoint(c.endpoint.name).length > 0);
      if (sent.length)
        fail({
          expected: "no request on any inspected connection",
          got: `requests reached ${sent.length} of the inspected servers (${sent.map((c) => c.key).join(", ")}), e.g. ${show(ctx.lab.requestsToEndpoint(sent[0].endpoint.name)[0].requestLine)}`,
          mistake: "inspectChain connects with verification off: write nothing on that socket. A request belongs on a verified connection (lesson 02).",
        });
    },
  };
}
