// Lesson 08: the chains the grader serves, each on a private endpoint of this grading with
// names made up for it (fresh intermediates and roots, random CN and O), and everything true
// about them: the links as the learner's inspectChain must report them, where the path of
// signatures ends, Node's own verdict and the first broken link.
import crypto from "node:crypto";
import type { Endpoint, Lab, LabScope } from "../../lab/lab.ts";
import { DAY_MS, type Issuer } from "../../lab/pki.ts";
import { createCertificate, generateKeyPair, type Cert, type Name } from "../../lab/x509.ts";

export type SignedBy = number | "self" | "missing";
export type ChainEnd = "trusted-root" | "unknown-root" | "missing-intermediate";
export type Problem = "expired" | "not-yet-valid" | "missing-intermediate" | "unknown-root" | "self-signed";
export interface BrokenLink {
  link: number;
  problem: Problem;
}

export interface ExpectedLink {
  subjectCN: string;
  issuerCN: string;
  validFrom: Date;
  validTo: Date;
  signedBy: SignedBy;
}

export interface ChainCase {
  key: string;
  /** How check names and messages call it: "a good chain (leaf, intermediate, trusted root)". */
  label: string;
  endpoint: Endpoint;
  /** The roots the grader hands inspectChain as `roots` (PEM). */
  roots: string[];
  links: ExpectedLink[];
  ends: ChainEnd;
  /** socket.authorizationError for a client trusting `roots`; null when authorized. */
  error: string | null;
  broken: BrokenLink | null;
  why: string;
  hint: string;
}

const hex = () => crypto.randomBytes(3).toString("hex");
const pick = <T>(xs: readonly T[]): T => xs[crypto.randomInt(xs.length)];
const ORGS = ["Northwind", "Contoso", "Fabrikam", "Woodgrove", "Litware", "Tailspin", "Proseware", "Wingtip", "Adatum", "Humongous"] as const;

/** A CA name nobody could have written into their code: random CN and O. */
export function caName(kind: string): Name {
  const org = `${pick(ORGS)} ${hex()}`;
  return { CN: `${org} ${kind} ${hex()}`, O: org };
}

const x509 = (c: Cert) => new crypto.X509Certificate(c.pem);
export const cnOf = (dn: string) => /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? "";

function link(c: Cert, signedBy: SignedBy): ExpectedLink {
  const x = x509(c);
  return { subjectCN: cnOf(x.subject), issuerCN: cnOf(x.issuer), validFrom: new Date(x.validFrom), validTo: new Date(x.validTo), signedBy };
}

/**
 * An impostor of `real`: the same subject and the same subjectKeyIdentifier (so that name
 * and key-identifier matching, X509Certificate.checkIssued, take it for the leaf's issuer),
 * but a key of its own, so the leaf's signature does not verify with it. Signed by the root.
 */
function forgery(lab: Lab, real: Issuer): Cert {
  const now = Date.now();
  const realSki = crypto.createHash("sha1").update(real.cert.keys.publicKey.export({ type: "spki", format: "der" })).digest();
  return createCertificate({
    subject: real.cert.subject,
    keys: generateKeyPair(),
    issuer: lab.pki.root,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 1825 * DAY_MS),
    isCA: true,
    subjectKeyId: realSki,
  });
}

/** Builds and serves this grading's chains. */
export async function chainCases(lab: Lab, scope: LabScope): Promise<ChainCase[]> {
  const { pki } = lab;
  const labRoot = pki.root.pem;
  const leafName = (label: string) => `${label}-${hex()}.chain.test`;
  const leaf = (label: string, issuer: Issuer | Cert | "self", o: { notBefore?: number; notAfter?: number; keyUsage?: number } = {}) => pki.issueLeaf({ cn: leafName(label), ...o }, issuer);

  const inter = pki.issueIntermediate(caName("Issuing CA"));
  const good = leaf("good", inter);

  const upper = pki.issueIntermediate(caName("Policy CA"));
  const lower = pki.issueIntermediate(caName("Issuing CA"), { issuer: upper.cert });
  const deep = leaf("deep", lower);

  const unsent = pki.issueIntermediate(caName("Issuing CA"));
  const incomplete = leaf("incomplete", unsent);

  const otherRoot = pki.issueRoot(caName("Root CA"));
  const otherInter = pki.issueIntermediate(caName("Issuing CA"), { issuer: otherRoot });
  const untrusted = leaf("untrusted", otherInter);

  // digitalSignature and keyCertSign, as many self-signed certificates have: then both
  // x.checkIssued(x) and x.verify(x.publicKey) say it signed itself (the README allows either).
  const selfSigned = leaf("self-signed", "self", { keyUsage: 0x84 });
  const expiredLeaf = leaf("expired", inter, { notBefore: -90 * DAY_MS, notAfter: -(2 + crypto.randomInt(60)) * DAY_MS });

  const lapsed = pki.issueIntermediate(caName("Issuing CA"), { notBefore: -400 * DAY_MS, notAfter: -(2 + crypto.randomInt(60)) * DAY_MS });
  const underLapsed = leaf("under-expired", lapsed);

  const real = pki.issueIntermediate(caName("Issuing CA"));
  const forged = forgery(lab, real);
  const forgedLeaf = leaf("forged", real);

  const serve = (key: string, chain: Cert[]) => scope.addTls(`chain-${key}`, { chain });
  const [eGood, eDeep, eIncomplete, eUntrusted, eChosen, eSelf, eExpired, eLapsed, eForged] = await Promise.all([
    serve("good", [good, inter.cert]),
    serve("deep", [deep, lower.cert, upper.cert]),
    serve("incomplete", [incomplete]),
    serve("untrusted", [untrusted, otherInter.cert, otherRoot]),
    serve("chosen-root", [untrusted, otherInter.cert, otherRoot]),
    serve("self-signed", [selfSigned]),
    serve("expired", [expiredLeaf, inter.cert]),
    serve("expired-intermediate", [underLapsed, lapsed.cert]),
    serve("forged", [forgedLeaf, forged]),
  ]);

  return [
    {
      key: "good",
      label: "a good chain (leaf, intermediate, trusted root)",
      endpoint: eGood,
      roots: [labRoot],
      links: [link(good, 1), link(inter.cert, 2), link(pki.root, "self")],
      ends: "trusted-root",
      error: null,
      broken: null,
      why: "A chain is leaf, then the CA that signed it, up to a root you trust; reading it link by link is how you see what a server really sent.",
      hint: "Follow getPeerCertificate(true).issuerCertificate until it points to itself; Node adds the trusted root it found, so a good chain has three links here.",
    },
    {
      key: "deep",
      label: "a chain with two intermediates",
      endpoint: eDeep,
      roots: [labRoot],
      links: [link(deep, 1), link(lower.cert, 2), link(upper.cert, 3), link(pki.root, "self")],
      ends: "trusted-root",
      error: null,
      broken: null,
      why: "Real chains are not always three long: a CA may sit under another CA. A walk that stops after a fixed number of steps misses links.",
      hint: "Loop until the certificate is self-signed (issuerCertificate === itself), not a fixed number of times.",
    },
    {
      key: "incomplete",
      label: "a chain whose intermediate was not sent",
      endpoint: eIncomplete,
      roots: [labRoot],
      links: [link(incomplete, "missing")],
      ends: "missing-intermediate",
      error: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      broken: { link: 0, problem: "missing-intermediate" },
      why: "A server that forgets its intermediate leaves a gap no client can bridge (Node never fetches it): the fix is on the server, send the chain.",
      hint: "The leaf is not self-signed and nothing above it verifies its signature: its signedBy is \"missing\", and the chain ends at a missing intermediate, not at a root.",
    },
    {
      key: "untrusted",
      label: "a chain to a root nobody trusts",
      endpoint: eUntrusted,
      roots: [labRoot],
      links: [link(untrusted, 1), link(otherInter.cert, 2), link(otherRoot, "self")],
      ends: "unknown-root",
      error: "SELF_SIGNED_CERT_IN_CHAIN",
      broken: { link: 2, problem: "unknown-root" },
      why: "Every root signs itself; a self-signed top proves nothing unless it is one of the roots you chose to trust.",
      hint: "Compare the top certificate with the roots you were given (fingerprint256 of new X509Certificate(pem)); self-signed alone is not trusted.",
    },
    {
      key: "chosen-root",
      label: "the same chain when its root is the one you were told to trust",
      endpoint: eChosen,
      roots: [otherRoot.pem],
      links: [link(untrusted, 1), link(otherInter.cert, 2), link(otherRoot, "self")],
      ends: "trusted-root",
      error: null,
      broken: null,
      why: "Trust is a choice: the same chain is good for a client that trusts its root, as for a company's own CA handed to its programs.",
      hint: "Pass roots to tls.connect as ca, so Node's verdict uses the same roots as yours, and judge the top certificate against roots, not tls.rootCertificates.",
    },
    {
      key: "self-signed",
      label: "a self-signed leaf",
      endpoint: eSelf,
      roots: [labRoot],
      links: [link(selfSigned, "self")],
      ends: "unknown-root",
      error: "DEPTH_ZERO_SELF_SIGNED_CERT",
      broken: { link: 0, problem: "self-signed" },
      why: "A certificate that signs itself is its own root: it vouches for nobody but itself.",
      hint: "x.checkIssued(x) && x.verify(x.publicKey) says a certificate signed itself; a leaf that did is \"self-signed\", its chain ends at an unknown root.",
    },
    {
      key: "expired",
      label: "a chain whose leaf has expired",
      endpoint: eExpired,
      roots: [labRoot],
      links: [link(expiredLeaf, 1), link(inter.cert, 2), link(pki.root, "self")],
      ends: "trusted-root",
      error: "CERT_HAS_EXPIRED",
      broken: { link: 0, problem: "expired" },
      why: "An expired leaf breaks the chain at its first link, even though every signature above it is fine.",
      hint: "Check each link's dates: validTo before now is expired, validFrom after now is not valid yet.",
    },
    {
      key: "expired-intermediate",
      label: "a chain whose intermediate has expired",
      endpoint: eLapsed,
      roots: [labRoot],
      links: [link(underLapsed, 1), link(lapsed.cert, 2), link(pki.root, "self")],
      ends: "trusted-root",
      error: "CERT_HAS_EXPIRED",
      broken: { link: 1, problem: "expired" },
      why: "Every link must be valid now: a fresh leaf under an expired intermediate is as broken as an expired leaf, and the fix is elsewhere (the CA's new intermediate).",
      hint: "Check the dates of every link on the way up, not only the leaf's: the first broken link can be the intermediate.",
    },
    {
      key: "forged",
      label: "a chain whose intermediate is an impostor (the right name, the wrong key)",
      endpoint: eForged,
      roots: [labRoot],
      links: [link(forgedLeaf, "missing"), link(forged, 2), link(pki.root, "self")],
      ends: "missing-intermediate",
      error: "CERT_SIGNATURE_FAILURE",
      broken: { link: 0, problem: "missing-intermediate" },
      why: "Names are free to copy: only a signature that verifies with the parent's key proves who signed. An impostor with the right name signed nothing.",
      hint: "Names and key identifiers can be copied (they are all that checkIssued, or a comparison of subject and issuer, looks at): only x.verify(parent.publicKey) proves the parent's key signed this link. Signed by the next link means checkIssued and verify both say yes.",
    },
  ];
}
