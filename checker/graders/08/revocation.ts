// Lesson 08: the learner's checkRevocation, a verifying connection that also checks the CRLs
// it is given: the lab's revoked endpoint with the lab's CRLs, and a CA made up for this
// grading (random name, its own CRL) whose one leaf is revoked and another is not.
import crypto from "node:crypto";
import { expectResolved, fail, failIfUnwritten, show, verificationOffMistake, type Check, type CheckContext } from "../../checks/check.ts";
import type { Endpoint, Lab, LabScope } from "../../lab/lab.ts";
import { describeError, type CallResult } from "../../sandbox/sandbox.ts";
import { caName } from "./chains.ts";
import { HOST } from "./walk.ts";

interface RevocationCase {
  key: string;
  label: string;
  endpoint: Endpoint;
  crlPem: string;
  /** What checkRevocation must resolve with, or the err.code it must reject with. */
  want: "revoked" | "good" | { code: string };
  why: string;
  hint: string;
}

const SPLIT_CRLS =
  "Node checks every certificate of the chain against a CRL from its issuer, and reads one CRL per string: split crlPem into its PEM blocks (-----BEGIN X509 CRL----- … -----END X509 CRL-----) and pass them all, crl: [block1, block2].";
const PASS_ROOTS =
  "Pass the roots you were given as ca along with crl: Node 20 finds no CRL for a chain it trusts through NODE_EXTRA_CA_CERTS (UNABLE_TO_GET_CRL), and naming the roots makes the trust explicit anyway.";

/** What UNABLE_TO_GET_CRL points at: the roots left out, or the CRLs passed as one string. */
const noCrlMistake = (r: CallResult) => (r.tls.some((u) => u.ownCa) ? SPLIT_CRLS : `${PASS_ROOTS} ${SPLIT_CRLS}`);

export async function revocationCases(lab: Lab, scope: LabScope): Promise<RevocationCase[]> {
  const { pki } = lab;
  const ca = pki.issueIntermediate(caName("Issuing CA"));
  const revoked = pki.issueLeaf({ cn: `revoked-${crypto.randomBytes(3).toString("hex")}.crl.test` }, ca);
  const kept = pki.issueLeaf({ cn: `kept-${crypto.randomBytes(3).toString("hex")}.crl.test` }, ca);
  const other = pki.issueLeaf({}, ca); // revoked too, never served: the list has more than one entry
  const caCrl = pki.issueCrl(ca, crypto.randomInt(2) ? [revoked, other] : [other, revoked]);
  const ownCrls = crypto.randomInt(2) ? lab.crls.root.pem + caCrl.pem : caCrl.pem + lab.crls.root.pem;
  // A newer list from the lab's intermediate that names some other leaf: the revoked endpoint is not in it.
  const stranger = pki.issueLeaf({});
  const otherList = lab.crls.root.pem + pki.issueCrl(pki.intermediate, [stranger]).pem;
  const [eRevoked, eKept] = await Promise.all([scope.addTls("crl-revoked", { chain: [revoked, ca.cert] }), scope.addTls("crl-kept", { chain: [kept, ca.cert] })]);
  return [
    {
      key: "lab-revoked",
      label: 'the lab\'s revoked endpoint, with the lab\'s CRLs (crl.pem): "revoked"',
      endpoint: lab.endpoint("revoked"),
      crlPem: lab.crlPem,
      want: "revoked",
      why: "A revoked certificate is one its CA has withdrawn (a leaked key, a mis-issue) before it expired: it still verifies, and only the CA's list says no.",
      hint: "tls.connect({ host, port, servername: host, crl: [...] }) with verification on; its 'error' with err.code CERT_REVOKED means \"revoked\".",
    },
    {
      key: "lab-good",
      label: 'the lab\'s good endpoint, with the same CRLs: "good"',
      endpoint: lab.endpoint("good"),
      crlPem: lab.crlPem,
      want: "good",
      why: "A revocation check that refuses good certificates is one nobody keeps switched on.",
      hint: "'secureConnect' with the crl option set means the chain verified and no list names any of its certificates: \"good\".",
    },
    {
      key: "own-revoked",
      label: 'a leaf revoked by a CA made up for this grading, with its CRL: "revoked"',
      endpoint: eRevoked,
      crlPem: ownCrls,
      want: "revoked",
      why: "Each CA publishes its own list; the check must use the lists it is given, whatever the CA and however many entries they hold.",
      hint: "Pass every CRL in crlPem, in whatever order they come: one string per PEM block.",
    },
    {
      key: "own-kept",
      label: 'another leaf of that CA, not on its list: "good"',
      endpoint: eKept,
      crlPem: ownCrls,
      want: "good",
      why: "A CRL lists serial numbers: the other certificates of the same CA stay good.",
      hint: "Decide by the handshake's outcome, not by the CA or the host: \"good\" when 'secureConnect' fires.",
    },
    {
      key: "other-list",
      label: 'the revoked endpoint with a CRL that lists another certificate: "good"',
      endpoint: lab.endpoint("revoked"),
      crlPem: otherList,
      want: "good",
      why: "Revocation is what the list you hold says; a check that reads a file of its own instead of the one it is given cannot be pointed at a fresher list.",
      hint: "Use the crlPem argument, not a file you read yourself.",
    },
    {
      key: "expired",
      label: "an expired certificate, with the CRLs: rejects with CERT_HAS_EXPIRED",
      endpoint: lab.endpoint("expired"),
      crlPem: lab.crlPem,
      want: { code: "CERT_HAS_EXPIRED" },
      why: "Not revoked is not the same as good: an expired (or untrusted) certificate must still be refused, and its error kept.",
      hint: "Resolve \"revoked\" only for CERT_REVOKED; reject with the original error for anything else.",
    },
  ];
}

const revocationCall = (ctx: CheckContext, c: RevocationCase): Promise<CallResult> =>
  ctx.shared(`revocation-${c.key}`, () => ctx.sandbox.call("checkRevocation", [HOST, c.endpoint.port, c.crlPem, [ctx.lab.pki.root.pem]]));

function revocationCheck(c: RevocationCase): Check {
  return {
    name: `checkRevocation: ${c.label}`,
    why: c.why,
    hint: c.hint,
    async run(ctx) {
      const r = await revocationCall(ctx, c);
      failIfUnwritten(r);
      const off = verificationOffMistake(r);
      if (typeof c.want === "object") {
        if (r.status === "resolved")
          fail({ expected: `checkRevocation to reject with ${c.want.code}`, got: `it resolved with ${show(r.value)}`, mistake: off ?? "Only CERT_REVOKED means \"revoked\", and only a verified connection means \"good\": reject with the original error for anything else." });
        if (r.status === "broken") fail({ expected: `checkRevocation to reject with ${c.want.code}`, got: r.message });
        const code = r.error.code ?? r.error.cause?.code;
        if (code !== c.want.code) fail({ expected: `a rejection with the original error (err.code ${c.want.code})`, got: describeError(r.error), mistake: code === "UNABLE_TO_GET_CRL" ? noCrlMistake(r) : "Reject with the error Node gave you: its code says what is wrong." });
        return;
      }
      if (r.status === "rejected") {
        const code = r.error.code ?? r.error.cause?.code;
        fail({
          expected: `checkRevocation to resolve with "${c.want}"`,
          got: `it rejected with ${describeError(r.error)}`,
          mistake: code === "UNABLE_TO_GET_CRL" ? noCrlMistake(r) : code === "CERT_REVOKED" ? "CERT_REVOKED is the answer \"revoked\", not a failure: resolve with it." : undefined,
        });
      }
      const got = expectResolved(r, `checkRevocation to resolve with "${c.want}"`);
      if (got !== c.want)
        fail({
          expected: `"${c.want}"`,
          got: show(got),
          mistake:
            off ??
            (c.want === "revoked"
              ? "A default connection checks no revocation at all: Node looks at CRLs only when you pass them, as the crl option of tls.connect (one PEM per CRL)."
              : c.key === "other-list"
                ? "This time the CRL given lists another certificate: answer from the crlPem argument, not from a list of your own."
                : undefined),
        });
    },
  };
}

export function revocationChecks(cases: RevocationCase[]): Check[] {
  return [
    ...cases.map(revocationCheck),
    {
      name: "checkRevocation keeps certificate verification switched on",
      why: "A revocation check is one more reason to refuse; with verification off, nothing is refused, revoked or not.",
      hint: "Leave rejectUnauthorized alone: tls.connect({ host, port, servername: host, crl }) and let Node refuse.",
      async run(ctx) {
        const calls = await Promise.all(cases.map((c) => revocationCall(ctx, c)));
        calls.forEach((r) => failIfUnwritten(r));
        const off = calls.map(verificationOffMistake).find(Boolean);
        if (off) fail({ expected: "tls.connect with verification on (the crl option added)", got: "verification switched off", mistake: off });
        if (!calls.some((r) => r.status === "resolved")) fail({ expected: "checkRevocation to connect to a good server", got: "it did not resolve for any server (see the checks above)" });
      },
    },
  ];
}
