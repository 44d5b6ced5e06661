// Lesson 08: the chain of trust, hands-on. Three groups of checks (graders/08/):
// - inspectChain walks the chains of this grading's private endpoints (fresh CAs with random
//   names: good, two intermediates, a missing intermediate, an untrusted root, the same chain
//   with its root chosen as trusted, a self-signed leaf, an expired leaf, an expired
//   intermediate, an impostor intermediate) and must report each link, where the chain ends
//   and Node's own verdict, sending nothing over the unverified connection;
// - firstBrokenLink names the first broken link, on those reports and on made-up ones;
// - checkRevocation checks CRLs (the lab's revoked endpoint, and a CA of this grading's own).
import type { Check, CodeGrader, GraderEnv } from "../checks/check.ts";
import { brokenLinkCheck, directChecks } from "./08/broken-link.ts";
import { chainCases } from "./08/chains.ts";
import { revocationCases, revocationChecks } from "./08/revocation.ts";
import { sendsNothingCheck, walkCheck } from "./08/walk.ts";

export const grader: CodeGrader = {
  kind: "code",
  timeoutMs: 5000,
  async checks({ lab, scope }: GraderEnv): Promise<Check[]> {
    const [chains, revocation] = await Promise.all([chainCases(lab, scope), revocationCases(lab, scope)]);
    return [...chains.map(walkCheck), sendsNothingCheck(chains), ...chains.map(brokenLinkCheck), ...directChecks(), ...revocationChecks(revocation)];
  },
};
