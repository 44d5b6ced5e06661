// The lesson 02 grader against a catalog of learner files: plausible wrong solutions must
// fail with a message that names the mistake, alternative correct ones must pass.
// Catalog: test/catalog/02-verified-client/{wrong,right}/*.ts, one case per file.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lab } from "../checker/lab/lab.ts";
import { CATALOG, describeCatalog, failing, failureText, gradeFile } from "./helpers.ts";

const DIR = path.join(CATALOG, "02-verified-client");
const REFERENCE = path.join(DIR, "..", "..", "..", "solutions", "02-verified-client", "exercise.ts");

// Check names (or distinctive parts of them) as the grader reports them.
const GOOD = "connects to a valid server and returns a result (good)";
const V13 = "reports the negotiated TLS version (TLSv1.3)";
const ISSUED_TO = "reports who the certificate was issued to (the subject CN)";
const RESPONSE = "returns everything the server sent back";
const SNI = "sends SNI";
const REQUEST_LINE = "sends the request line GET <path> HTTP/1.1";
const HOST_HEADER = "sends a Host header";
const CONN_CLOSE = "(Connection: close)";
const V12 = "reports TLSv1.2 from a server that only speaks TLS 1.2";
const DEFAULT_PATH = 'asks for "/" when no path is given';
const WRONG_HOST = "(wrong-host)";
const SELF_SIGNED = "(self-signed)";
const EXPIRED = "(expired)";
const UNTRUSTED = "(untrusted-root)";
const REFUSED = "(refused)";
const CRLF = "ends each line of the request with CRLF";
const VERIFY_ON = "keeps certificate verification switched on";
const CLEANUP = "leaves nothing behind";
const BAD_CERTS = [WRONG_HOST, SELF_SIGNED, EXPIRED, UNTRUSTED];

interface WrongCase {
  /** Substrings of the names of checks that must be among the failing ones. */
  failing: string[];
  /** Each must match failureText(result): the mistake, named. */
  says: RegExp[];
  /** Grade another file in the lab first, as the batch grader and check-solutions do. */
  afterAnotherFile?: boolean;
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
  "noop-check-server-identity": {
    failing: [WRONG_HOST],
    says: [/Your checkServerIdentity accepts a certificate issued for another name/],
  },
  "rejects-everything": {
    failing: [GOOD, V13, ISSUED_TO, RESPONSE, V12],
    says: [/expected: tlsGet\("localhost", \d+, "\/lesson-02\/\w+"\) to resolve\ngot: +it rejected with/],
  },
  "hard-coded": {
    failing: [ISSUED_TO, RESPONSE, SNI, REQUEST_LINE, V12, ...BAD_CERTS, REFUSED],
    says: [/That is a name from another run/, /no request with that path arrived/, /expected: "TLSv1\.2"\ngot: +"TLSv1\.3"/],
  },
  "no-sni": {
    failing: [SNI],
    says: [/got: +no SNI at all\nPass servername: host to tls\.connect/],
  },
  "fixed-servername": {
    failing: ["works for any host name, not only localhost"],
    says: [/got: +it checked it against "localhost"\nUse the host argument as servername, not a fixed name\./],
  },
  "no-connection-close": {
    failing: [CONN_CLOSE],
    says: [/expected: Connection: close\ngot: +no Connection header/],
  },
  "sends-before-verifying": {
    failing: [...BAD_CERTS, VERIFY_ON],
    says: [/sent the request before \(or without\) verification/, /rejectUnauthorized: false/],
  },
  "swallows-errors": {
    failing: [...BAD_CERTS, REFUSED],
    says: [/your function resolved anyway: let the error reach the caller \(reject\)/],
  },
  "no-error-handler": {
    // Each of these calls never settles: the grader waits out its own 4 s timeout once (they run concurrently).
    failing: [...BAD_CERTS, REFUSED, CLEANUP],
    says: [/Listen for the socket's 'error' event and reject the promise from it/, /an uncaught exception: Error \[/],
  },
  "ignores-path": {
    failing: [REQUEST_LINE],
    says: [/no request with that path arrived\nSend the request line with the path you were given/],
  },
  "no-host-header": {
    failing: [HOST_HEADER],
    says: [/expected: Host: localhost\ngot: +no Host header/],
  },
  "issuer-instead-of-subject": {
    failing: [ISSUED_TO],
    says: [/expected: "good-\w+\.lab\.test" \(random for each run\)\ngot: +"TLS Workbook Lab Intermediate[^\n]*\nThat is the issuer, the CA that signed the certificate/],
  },
  "first-chunk-only": {
    failing: [RESPONSE],
    says: [/collect them all until the server closes/],
  },
  "first-label-identity": {
    failing: ["(look-alike 1)"],
    says: [/your client accepted a certificate for bank-\w+\.attacker-\w+\.test\. Something compares names loosely/],
  },
  "lowered-min-version": {
    failing: ["(tls-v1-0)", "(tls-v1-1)"],
    says: [/expected: tlsGet to reject/],
  },
  "getter-hides-switch": {
    failing: ["(not-yet-valid)", "(incomplete-chain)"],
    says: [/expected: tlsGet to reject/],
  },
  "bare-lf-request": {
    failing: [CRLF],
    says: [/got: +lines ending in a bare "\\n"/, /Write "\\r\\n" after each line/],
  },
  "wrong-default-path": {
    failing: [DEFAULT_PATH],
    says: [/expected: "GET \/ HTTP\/1\.1"\ngot: +"GET \/index\.html HTTP\/1\.1"/],
    afterAnotherFile: true,
  },
};

const RIGHT = ["https-request", "https-request-body-only", "half-close-request", "https-agent-false", "callback-style", "events-once", "set-encoding"];

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start();
});
afterAll(async () => {
  await lab?.close();
});

const catalogFile = (kind: "wrong" | "right", name: string) => path.join(DIR, kind, `${name}.ts`);

describe("lesson 02 grader: wrong solutions fail and name the mistake", () => {
  for (const [name, c] of Object.entries(WRONG)) {
    it(`wrong/${name}`, async () => {
      if (c.afterAnotherFile) await gradeFile("2", REFERENCE, lab);
      const result = await gradeFile("2", catalogFile("wrong", name), lab);
      const text = failureText(result);
      expect(result.status, `status of wrong/${name}; what the grader said:\n${text}`).toBe("fail");
      const names = failing(result).map((t) => t.name);
      for (const check of c.failing)
        expect(
          names.some((n) => n.includes(check)),
          `wrong/${name} should fail the check "${check}"; failing: ${JSON.stringify(names)}\n${text}`,
        ).toBe(true);
      for (const re of c.says) expect(text, `wrong/${name}: the message should match ${re}`).toMatch(re);
    });
  }
});

describe("lesson 02 grader: alternative correct solutions pass", () => {
  it.each(RIGHT)("right/%s", async (name) => {
    const result = await gradeFile("2", catalogFile("right", name), lab);
    expect(result.status, `right/${name} should pass; what the grader said:\n${failureText(result)}`).toBe("pass");
  });
});

describeCatalog("02", DIR, Object.keys(WRONG), RIGHT);
