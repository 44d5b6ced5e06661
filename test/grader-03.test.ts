// The lesson 03 grader against a catalog of learner files: plausible wrong solutions must
// fail with a message that names the mistake, alternative correct ones must pass.
// Catalog: test/catalog/03-inspect-cert/{wrong,right}/*.ts, one case per file.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hoursPastWholeDays } from "../checker/graders/03-inspect-cert.ts";
import { Lab } from "../checker/lab/lab.ts";
import { CATALOG, describeCatalog, failing, failureText, gradeFile } from "./helpers.ts";

const DIR = path.join(CATALOG, "03-inspect-cert");
const REFERENCE = path.join(DIR, "..", "..", "..", "solutions", "03-inspect-cert", "exercise.ts");

// Check names (or distinctive parts of them) as the grader reports them.
const SOON = "inspects a TLS 1.3 server at its own host name, under 30 days left";
const THIRTY = "inspects a TLS 1.3 server whose certificate has exactly 30 days left";
const LATER = "inspects a TLS 1.2 server on localhost, over 30 days left";
const HOST = "(host)";
const VERSION = "(tlsVersion:";
const ISSUED_TO = "(issuedTo:";
const ISSUED_BY = "(issuedBy:";
const EXPIRES = "(expires:";
const DAYS_LEFT = "(daysLeft)";
const EXPIRING_SOON = "(expiringSoon)";
const OWN_BLOCK = "formatReport prints your own reports";
const GIVEN_BLOCK = "formatReport prints a report it is given";
const EXPIRED = "(expired)";
const SELF_SIGNED = "(self-signed)";
const WRONG_HOST = "(wrong-host)";
const VERIFY_ON = "keeps certificate verification switched on";
const BAD_CERTS = [EXPIRED, SELF_SIGNED, WRONG_HOST];

const LOCAL_DATE = /is the date in the local time zone \(the grader runs your code with TZ=Pacific\/Kiritimati, UTC\+14, where it is already the next day\)\. Print the UTC date/;

interface WrongCase {
  /** Substrings of the names of checks that must be among the failing ones. */
  failing: string[];
  /** Substrings of the names of checks that must pass: the mistake is pinned, not smeared. */
  passing?: string[];
  /** Each must match failureText(result): the mistake, named. */
  says: RegExp[];
}

const WRONG: Record<string, WrongCase> = {
  "rejectUnauthorized-false": {
    failing: [...BAD_CERTS, VERIFY_ON],
    says: [/Your code passes rejectUnauthorized: false/],
  },
  "env-reject-unauthorized": {
    failing: [...BAD_CERTS, VERIFY_ON],
    says: [/NODE_TLS_REJECT_UNAUTHORIZED=0/],
  },
  "first-label-identity": {
    failing: ["(look-alike 1)"],
    passing: [WRONG_HOST, EXPIRED, SELF_SIGNED],
    says: [/your client accepted a certificate for bank-\w+\.attacker-\w+\.test\. Something compares names loosely/],
  },
  "noop-check-server-identity": {
    failing: [WRONG_HOST, VERIFY_ON],
    passing: [EXPIRED, SELF_SIGNED],
    says: [/Your checkServerIdentity accepts a certificate issued for another name/],
  },
  "hard-coded": {
    failing: [VERSION, ISSUED_TO, ISSUED_BY, EXPIRES, DAYS_LEFT, EXPIRING_SOON, ...BAD_CERTS],
    says: [/resolved without ever calling tls\.connect: every value must come from the live certificate/, /expected: issuedTo "www-\w+\.inspect\.test" \(random for each run\)/],
  },
  "math-round-days": {
    failing: [DAYS_LEFT],
    passing: [EXPIRES, ISSUED_BY, OWN_BLOCK, GIVEN_BLOCK],
    says: [/expires in \d+ days and about \d+ hours: \d+ is what Math\.round or Math\.ceil give\. Whole days left means rounding down: Math\.floor/],
  },
  "math-ceil-days": {
    failing: [DAYS_LEFT],
    passing: [EXPIRES],
    says: [/is what Math\.round or Math\.ceil give\. Whole days left means rounding down: Math\.floor/],
  },
  "expiring-soon-inclusive": {
    failing: [EXPIRING_SOON],
    passing: [DAYS_LEFT, OWN_BLOCK, GIVEN_BLOCK],
    says: [/expected: expiringSoon false from a TLS 1\.3 server whose certificate has exactly 30 days left\ngot: +true\n30 days left is not less than 30: use daysLeft < 30, not <= 30/],
  },
  "issuer-cn": {
    failing: [ISSUED_BY],
    passing: [ISSUED_TO],
    says: [/got: +"\w+ Issuing CA \w+"\nThat is the issuer's common name \(CN\)\. The lesson asks for its organization: getPeerCertificate\(\)\.issuer\.O/],
  },
  "expires-from-valid-from": {
    failing: [EXPIRES, DAYS_LEFT],
    says: [/That is when the certificate became valid \(valid_from, notBefore\)\. It expires at valid_to/, /Your count runs to your expires, which is not the certificate's notAfter/],
  },
  "expires-as-string": {
    failing: [EXPIRES],
    says: [/got: +"\w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT"\nThat is a string: turn it into a Date/],
  },
  "local-date": {
    failing: [OWN_BLOCK, GIVEN_BLOCK],
    passing: [EXPIRES, DAYS_LEFT],
    says: [LOCAL_DATE],
  },
  "locale-date-string": {
    failing: [OWN_BLOCK, GIVEN_BLOCK],
    says: [LOCAL_DATE],
  },
  "always-warns": {
    failing: [OWN_BLOCK, GIVEN_BLOCK],
    passing: [EXPIRING_SOON],
    says: [/expected: no "expiring soon" warning for [^\n]*, whose expiringSoon is false \(\d+ days left\)\ngot: +"certificate expiring soon!"\nPrint the warning only when report\.expiringSoon is true/],
  },
  "swallows-errors": {
    failing: BAD_CERTS,
    passing: [VERIFY_ON],
    says: [/tls\.connect did reject this certificate, but your function resolved anyway: let the error reach the caller \(reject\)/],
  },
  "fixed-localhost": {
    failing: [SOON, THIRTY],
    passing: [LATER],
    says: [/got: +it rejected with Error \[ERR_TLS_CERT_ALTNAME_INVALID\][^\n]*\nYour code checked the certificate against "localhost": use the host argument as servername, not a fixed name/],
  },
  "prints-instead-of-returning": {
    failing: [OWN_BLOCK, GIVEN_BLOCK],
    says: [/got: +undefined\nYour formatReport printed the block instead of returning it/],
  },
};

const RIGHT = ["x509-raw", "https-request", "intl-utc", "utc-getters", "rethrows-own-error"];

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start();
});
afterAll(async () => {
  await lab?.close();
});

const catalogFile = (kind: "wrong" | "right", name: string) => path.join(DIR, kind, `${name}.ts`);

describe("lesson 03 grader: wrong solutions fail and name the mistake", () => {
  for (const [name, c] of Object.entries(WRONG)) {
    it(`wrong/${name}`, async () => {
      const result = await gradeFile("3", catalogFile("wrong", name), lab);
      const text = failureText(result);
      expect(result.status, `status of wrong/${name}; what the grader said:\n${text}`).toBe("fail");
      const names = failing(result).map((t) => t.name);
      for (const check of c.failing)
        expect(
          names.some((n) => n.includes(check)),
          `wrong/${name} should fail the check "${check}"; failing: ${JSON.stringify(names)}\n${text}`,
        ).toBe(true);
      for (const check of c.passing ?? [])
        expect(
          names.some((n) => n.includes(check)),
          `wrong/${name} should pass the check "${check}"; failing: ${JSON.stringify(names)}\n${text}`,
        ).toBe(false);
      for (const re of c.says) expect(text, `wrong/${name}: the message should match ${re}`).toMatch(re);
    });
  }
});

describe("lesson 03 grader: correct solutions pass", () => {
  it.each(["reference", ...RIGHT])("right/%s", async (name) => {
    const result = await gradeFile("3", name === "reference" ? REFERENCE : catalogFile("right", name), lab);
    expect(result.status, `${name} should pass; what the grader said:\n${failureText(result)}`).toBe("pass");
  });
});

describe("lesson 03 grader: expiry times", () => {
  it("put every expiry more than 12 and less than 24 hours past the whole days, on a UTC time where UTC+14 is the next date", () => {
    const DAY = 24 * 60 * 60 * 1000;
    const HOUR = 60 * 60 * 1000;
    const midnight = Date.UTC(2026, 10, 27);
    for (let t = 0; t < DAY; t += 7 * 60 * 1000)
      for (const days of [0, 5, 30, 400]) {
        const now = midnight + t;
        const h = hoursPastWholeDays(now, days);
        expect(h).toBeGreaterThanOrEqual(12.5);
        expect(h).toBeLessThanOrEqual(23.5);
        const notAfter = new Date(now + days * DAY + h * HOUR);
        const kiritimati = new Date(notAfter.getTime() + 14 * HOUR).toISOString().slice(0, 10);
        expect(kiritimati, `at ${new Date(now).toISOString()}`).not.toBe(notAfter.toISOString().slice(0, 10));
      }
  });
});

describeCatalog("03", DIR, Object.keys(WRONG), RIGHT);
