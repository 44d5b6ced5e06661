// The lesson 04 grader against a catalog of learner files, and against certificate folders
// with one thing wrong each. Wrong solutions and broken certificates must fail (never
// error) with a message that names the mistake; alternative correct solutions must pass.
// Catalog: test/catalog/04-self-signed-echo/{wrong,right}/*.ts, one case per file.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeLesson } from "../checker/grading/grade.ts";
import { Lab } from "../checker/lab/lab.ts";
import { generateKeyPairAsync, makeSelfSigned, selfSignedWith, writeCertFiles } from "../checker/lab/self-signed.ts";
import { createCertificate, type Cert, type KeyPair } from "../checker/lab/x509.ts";
import { findLesson } from "../checker/manifest.ts";
import type { LessonResult } from "../checker/report/results.ts";
import { CATALOG, describeCatalog, failing, failureText } from "./helpers.ts";

const DIR = path.join(CATALOG, "04-self-signed-echo");
const REFERENCE = path.join(DIR, "..", "..", "..", "solutions", "04-self-signed-echo", "exercise.ts");
const DAY = 86_400_000;

// Check names (or distinctive parts of them) as the grader reports them.
const FILES = "your certificate files exist";
const PAIR = "they belong together";
const SELF_SIGNED = "the certificate is self-signed";
const VALID = "the certificate is valid today";
const NAMES = "the certificate names localhost";
const STRONG = "the key is strong enough";
const START = "startEchoServer({ certFile, keyFile, port: 0, host })";
const ANSWERS = "answers a client that trusts exactly your certificate";
const CLOSES = "closes each connection after its reply";
const SECOND = "serves a second connection after the first";
const SERVER_WIRE = "your server's side of the conversation is encrypted";
const CLOSE = "close() stops the server";
const ROUND_TRIP = "sendSecure completes a round-trip";
const OWN_REPLY = "returns the line the server sent back";
const SERVERNAME = "checks the certificate against the servername it is given";
const DEFAULTS = "when they are not given";
const IMPOSTOR = "rejects a server whose self-signed certificate is not the one in caFile";
const WRONG_NAME = "issued for another name";
const CLIENT_WIRE = "your client's side of the conversation is encrypted";
const VERIFY_ON = "keeps certificate verification switched on";
const CLEANUP = "leaves nothing behind";
const SERVER_CHECKS = [START, ANSWERS, CLOSES, SECOND, SERVER_WIRE, CLOSE];
const CLIENT_OK = [ROUND_TRIP, OWN_REPLY, SERVERNAME, DEFAULTS, CLIENT_WIRE];

interface WrongCase {
  /** Substrings of the names of checks that must be among the failing ones. */
  failing: string[];
  /** Substrings of the names of checks that must pass (the grader blames the right part). */
  passing?: string[];
  /** Each must match failureText(result): the mistake, named. */
  says: RegExp[];
}

const WRONG: Record<string, WrongCase> = {
  "reject-unauthorized-false": {
    failing: [IMPOSTOR, WRONG_NAME, VERIFY_ON],
    passing: [ROUND_TRIP, ...SERVER_CHECKS],
    says: [/Your code passes rejectUnauthorized: false/],
  },
  "env-reject-unauthorized": {
    failing: [IMPOSTOR, WRONG_NAME, VERIFY_ON],
    says: [/NODE_TLS_REJECT_UNAUTHORIZED=0/],
  },
  "noop-check-server-identity": {
    failing: [WRONG_NAME],
    passing: [IMPOSTOR, ROUND_TRIP],
    says: [/Your checkServerIdentity accepts a certificate issued for another name/],
  },
  "ignores-cafile": {
    failing: CLIENT_OK,
    passing: [IMPOSTOR, WRONG_NAME, ...SERVER_CHECKS],
    says: [/Pass the certificate as `ca`: tls\.connect\(\{ \.\.\., ca: fs\.readFileSync\(opts\.caFile\) \}\)/, /DEPTH_ZERO_SELF_SIGNED_CERT/],
  },
  "ca-path": {
    failing: CLIENT_OK,
    says: [/passes `ca`, but not the certificate in caFile: pass the file's contents/],
  },
  "no-servername": {
    failing: CLIENT_OK,
    says: [/Pass servername to tls\.connect/, /IP: 127\.0\.0\.1 is not in the cert's list/],
  },
  "fixed-servername": {
    failing: [SERVERNAME],
    passing: [ROUND_TRIP, DEFAULTS],
    says: [/got: +it was checked against "localhost"\nUse opts\.servername, not a fixed name\./],
  },
  "client-no-newline": {
    failing: CLIENT_OK,
    says: [/, with no "\\n" at the end\nSend message \+ "\\n": the server reads until the end of the line/],
  },
  "first-chunk-only": {
    failing: [ROUND_TRIP, OWN_REPLY],
    says: [/The reply can arrive in several pieces/],
  },
  "answers-first-chunk": {
    failing: ["reads the whole line"],
    says: [/Your server answered the first piece that arrived/],
  },
  "hard-coded-reply": {
    failing: [OWN_REPLY],
    says: [/Your function makes the reply up: return what the server sent/],
  },
  "hard-coded-no-connection": {
    failing: [ROUND_TRIP, OWN_REPLY, IMPOSTOR, WRONG_NAME, CLIENT_WIRE],
    says: [/got: +nothing arrived\nYour function never called tls\.connect/, /resolved without ever calling tls\.connect/],
  },
  "never-closes": {
    // The grader waits CLOSE_MS (2 s) for the close, then 1 s on each later connection.
    failing: [CLOSES],
    passing: [ANSWERS, SECOND, CLOSE],
    says: [/got: +it was still open 2 s later\nAfter writing the reply, end the socket/],
  },
  "no-prefix": {
    failing: [ANSWERS, SECOND],
    says: [/Start the reply with "securely received: "/],
  },
  "no-newline": {
    failing: [ANSWERS, SECOND],
    says: [/End the reply with "\\n"/],
  },
  "ignores-port": {
    failing: [START],
    says: [/got: +port 9443\nYour server ignores opts\.port/],
  },
  "reports-requested-port": {
    failing: [START, ANSWERS],
    says: [/got: +\{"port":0\}\nPort 0 asks the system for any free port/],
  },
  "one-connection-only": {
    failing: [SECOND],
    passing: [ANSWERS],
    says: [/Your server stopped after its first client/],
  },
  "close-does-nothing": {
    failing: [CLOSE, CLEANUP],
    says: [/got: +it was accepted: the server is still listening/, /1 server\(s\) still listening/],
  },
  "plain-net": {
    failing: [ANSWERS, SERVER_WIRE, ROUND_TRIP, CLIENT_WIRE],
    says: [
      /Your server does not answer the TLS handshake: make it with tls\.createServer/,
      /expected: a TLS record \(bytes 16 03 …\) from your server\ngot: +"securely received: "…, readable: cleartext/,
      /expected: a TLS handshake record first \(bytes 16 03 …\)\ngot: +"relayed \w+ over TLS\\n", readable: cleartext/,
    ],
  },
};

const RIGHT = ["readline-server", "buffer-server", "ca-array-client", "check-server-identity-client", "class-and-async-iteration", "secure-context-client"];

// ---- certificate folders with one thing wrong each (graded with the reference solution) ----

const CERT_CHECKS = [FILES, PAIR, SELF_SIGNED, VALID, NAMES, STRONG];

interface CertCase {
  /** Writes the folder's files. */
  make(dir: string): Promise<void>;
  failing: string[];
  passing: string[];
  says: RegExp[];
}

const selfSigned = (keys: KeyPair, o: { cn?: string; altNames?: string[]; notBefore?: number; notAfter?: number; issuer?: Cert } = {}): Cert =>
  createCertificate({
    subject: { CN: o.cn ?? "localhost" },
    keys,
    issuer: o.issuer,
    notBefore: new Date(Date.now() + (o.notBefore ?? -DAY)),
    notAfter: new Date(Date.now() + (o.notAfter ?? 365 * DAY)),
    altNames: o.altNames ?? [o.cn ?? "localhost"],
  });

const write = (dir: string, certPem: string, keyPem: string) => {
  fs.writeFileSync(path.join(dir, "cert.pem"), certPem);
  fs.writeFileSync(path.join(dir, "key.pem"), keyPem);
};

const COULD_NOT_RUN = /could not run: /;

const CERTS: Record<string, CertCase> = {
  missing: {
    async make() {},
    failing: [...CERT_CHECKS, ...SERVER_CHECKS],
    passing: CLIENT_OK,
    says: [/do not exist \(looked in /, /openssl req -x509 -newkey rsa:2048 -keyout certs\/key\.pem -out certs\/cert\.pem -days 365 -nodes -subj "\/CN=localhost"/, /npm run make-cert/, /could not run: \S+ and \S+ do not exist/],
  },
  "key-does-not-match": {
    async make(dir) {
      const a = await makeSelfSigned({ keyType: "ec" });
      const b = await makeSelfSigned({ keyType: "ec" });
      write(dir, a.pem, b.keyPem);
    },
    failing: [PAIR, ...SERVER_CHECKS],
    passing: [FILES, SELF_SIGNED, VALID, NAMES, STRONG],
    says: [/got: +a key that does not match the certificate\nThe two files come from different runs/, COULD_NOT_RUN],
  },
  expired: {
    async make(dir) {
      const c = selfSigned(await generateKeyPairAsync("ec"), { notBefore: -400 * DAY, notAfter: -35 * DAY });
      write(dir, c.pem, c.keyPem);
    },
    failing: [VALID, ...SERVER_CHECKS],
    passing: [FILES, PAIR, SELF_SIGNED, NAMES, STRONG],
    says: [/got: +it expired on /, /Make a new one/, /could not run: the certificate is not valid today/],
  },
  "other-name": {
    async make(dir) {
      const c = selfSigned(await generateKeyPairAsync("ec"), { cn: "example.com" });
      write(dir, c.pem, c.keyPem);
    },
    failing: [NAMES, ...SERVER_CHECKS],
    passing: [FILES, PAIR, SELF_SIGNED, VALID, STRONG],
    says: [/expected: a certificate for localhost\ngot: +CN=example\.com; subjectAltName DNS:example\.com/, /It has a subjectAltName list without localhost/],
  },
  "rsa-1024": {
    async make(dir) {
      const pair = crypto.generateKeyPairSync("rsa", { modulusLength: 1024 });
      const c = selfSigned({ type: "rsa", ...pair });
      write(dir, c.pem, c.keyPem);
    },
    failing: [STRONG],
    passing: [FILES, PAIR, SELF_SIGNED, VALID, NAMES],
    says: [/got: +RSA 1024 bits\nMake it again with -newkey rsa:2048/],
  },
  "signed-by-a-ca": {
    async make(dir) {
      const ca = createCertificate({ subject: { CN: "Some Other CA" }, keys: await generateKeyPairAsync("ec"), notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 3650 * DAY), isCA: true });
      const leaf = selfSigned(await generateKeyPairAsync("ec"), { issuer: ca });
      write(dir, leaf.pem, leaf.keyPem);
    },
    failing: [SELF_SIGNED, ...SERVER_CHECKS],
    passing: [FILES, PAIR, VALID, NAMES, STRONG],
    says: [/got: +issued to CN=localhost, by CN=Some Other CA\nThis certificate was signed by a CA/],
  },
  "encrypted-key": {
    async make(dir) {
      const c = await makeSelfSigned({ keyType: "ec" });
      const encrypted = c.keys.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "secret" }) as string;
      write(dir, c.pem, encrypted);
    },
    failing: [PAIR, ...SERVER_CHECKS],
    passing: [FILES, SELF_SIGNED, VALID, NAMES, STRONG],
    says: [/is encrypted with a passphrase \(the command ran without -nodes\)/],
  },
  "swapped-files": {
    async make(dir) {
      const c = await makeSelfSigned({ keyType: "ec" });
      write(dir, c.keyPem, c.pem);
    },
    failing: [PAIR, SELF_SIGNED, ...SERVER_CHECKS],
    passing: [FILES, ...CLIENT_OK],
    says: [/cert\.pem holds a private key, not a certificate: were -keyout and -out swapped\?/],
  },
};

// ---- the run ----

let lab: Lab;
let tmp: string;
/** A good certificate pair, as `npm run make-cert` makes it, for the catalog's learner files. */
let goodCerts: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-grader-04-"));
  goodCerts = path.join(tmp, "good");
  writeCertFiles(goodCerts, await makeSelfSigned());
  lab = await Lab.start();
});
afterAll(async () => {
  await lab?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const lesson = findLesson("4")!;
const catalogFile = (kind: "wrong" | "right", name: string) => path.join(DIR, kind, `${name}.ts`);
const grade = (file: string, certDir: string) => gradeLesson(lesson, { file, certDir, lab });

function expectChecks(result: LessonResult, label: string, c: { failing: string[]; passing?: string[]; says: RegExp[] }): void {
  const text = failureText(result);
  expect(result.status, `status of ${label}; what the grader said:\n${text}`).toBe("fail");
  expect(result.tests.filter((t) => t.status === "error"), `${label}: no check may error\n${text}`).toEqual([]);
  const names = failing(result).map((t) => t.name);
  for (const check of c.failing) expect(names.some((n) => n.includes(check)), `${label} should fail the check "${check}"; failing: ${JSON.stringify(names)}\n${text}`).toBe(true);
  for (const check of c.passing ?? []) expect(names.some((n) => n.includes(check)), `${label} should pass the check "${check}"\n${text}`).toBe(false);
  for (const re of c.says) expect(text, `${label}: the message should match ${re}`).toMatch(re);
}

describe("lesson 04 grader: wrong solutions fail and name the mistake", () => {
  for (const [name, c] of Object.entries(WRONG)) {
    it(`wrong/${name}`, async () => {
      expectChecks(await grade(catalogFile("wrong", name), goodCerts), `wrong/${name}`, c);
    });
  }
});

describe("lesson 04 grader: alternative correct solutions pass", () => {
  it.each(RIGHT)("right/%s", async (name) => {
    const result = await grade(catalogFile("right", name), goodCerts);
    expect(result.status, `right/${name} should pass; what the grader said:\n${failureText(result)}`).toBe("pass");
  });

  it("the reference solution passes with a make-cert style certificate", async () => {
    const result = await grade(REFERENCE, goodCerts);
    expect(result.status, failureText(result)).toBe("pass");
  });
});

describe("lesson 04 grader: the learner's certificate files, each wrong in one way", () => {
  for (const [name, c] of Object.entries(CERTS)) {
    it(`certs/${name}`, async () => {
      const dir = path.join(tmp, name);
      fs.mkdirSync(dir, { recursive: true });
      await c.make(dir);
      expectChecks(await grade(REFERENCE, dir), `certs/${name}`, c);
    });
  }

  it("a certificate with an EC P-256 key passes", async () => {
    const dir = path.join(tmp, "ec");
    writeCertFiles(dir, selfSignedWith(await generateKeyPairAsync("ec")));
    const result = await grade(REFERENCE, dir);
    expect(result.status, failureText(result)).toBe("pass");
  });
});

describeCatalog("04", DIR, Object.keys(WRONG), RIGHT);
