// Lesson 06 · A TLS health checker
// Read README.md in this folder, then replace each TODO. Grade with: npm run lesson 6
// Try it on real sites with: npm run health -- example.com wikipedia.org
import tls from "node:tls";

export type Grade = "PASS" | "WARN" | "FAIL";

export interface HealthResult {
  target: string; // as given
  grade: Grade;
  tlsVersion?: string; // when the handshake succeeded
  daysLeft?: number; // when the handshake succeeded: whole days, rounded down
  reason: string; // short, human: "certificate has expired", "expires in 12 days"
}

// Check every target at the same time; one result per target, in the order given.
// Never throws: whatever goes wrong with a target is a FAIL for that target.
export async function tlsHealth(targets: string[], opts?: { timeoutMs?: number; warnDays?: number }): Promise<HealthResult[]> {
  // TODO: read opts?.timeoutMs (default 10000) and opts?.warnDays (default 30).
  // TODO: split each target into host and port ("host" alone means port 443); a target
  //       you cannot parse is a FAIL, not an exception.
  // TODO: for each target, tls.connect({ host, port, servername: host }) with verification
  //       on, and a timer that destroys the socket after timeoutMs.
  // TODO: on 'secureConnect': socket.getProtocol() and getPeerCertificate().valid_to give
  //       tlsVersion and daysLeft; close the socket; grade FAIL (below TLSv1.2), WARN
  //       (daysLeft < warnDays) or PASS.
  // TODO: on 'error': a FAIL with a short reason.
  // TODO: start them all, then await Promise.all (or Promise.allSettled).
  void tls;
  void targets;
  void opts;
  throw new Error("not implemented: tlsHealth");
}

// One line per target: grade, target, version, days, reason.
export function formatHealth(results: HealthResult[]): string {
  // TODO: build one line per result and join them with "\n"; show "-" (or nothing) where
  //       a FAIL has no version or days.
  void results;
  throw new Error("not implemented: formatHealth");
}
