// npm run make-cert as a learner runs it: the certificate it makes, the backups that keep
// the learner's files, one-line errors. And the lesson's own openssl command (when this
// machine has openssl): both kinds of certificate must satisfy the lesson 04 grader.
import { spawnSync } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { OPENSSL_COMMAND } from "../checker/graders/04-self-signed-echo.ts";
import { gradeLesson } from "../checker/grading/grade.ts";
import { findLesson } from "../checker/manifest.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";
import { failureText } from "./helpers.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-make-cert-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function makeCert(...args: string[]) {
  return execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "make-cert", ...args], {
    cwd: WORKBOOK_ROOT,
    reject: false,
    stdin: "ignore",
  });
}

const oneLine = (s: string) => s.trim().split("\n").length === 1;
const REFERENCE = path.join(WORKBOOK_ROOT, "solutions", "04-self-signed-echo", "exercise.ts");

describe("npm run make-cert", () => {
  const dir = path.join(tmp, "workbook", "certs");

  it("makes a self-signed RSA 2048 certificate for localhost, valid for a year, and its key", async () => {
    const r = await makeCert("--dir", dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Made .*cert\.pem \(self-signed, CN=localhost, SAN localhost, RSA 2048, valid until \d{4}-\d\d-\d\d\)/);
    const cert = new X509Certificate(fs.readFileSync(path.join(dir, "cert.pem")));
    const key = createPrivateKey(fs.readFileSync(path.join(dir, "key.pem")));
    expect(cert.subject).toBe("CN=localhost");
    expect(cert.issuer).toBe("CN=localhost");
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(key)).toBe(true);
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(cert.subjectAltName).toBe("DNS:localhost");
    expect(cert.publicKey.asymmetricKeyType).toBe("rsa");
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const days = (new Date(cert.validTo).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(366);
    expect(new Date(cert.validFrom).getTime()).toBeLessThanOrEqual(Date.now());
    if (process.platform !== "win32") expect(fs.statSync(path.join(dir, "key.pem")).mode & 0o077).toBe(0);
  });

  it("never loses the files already there: copies them to .backup/ first and says where", async () => {
    const before = { cert: fs.readFileSync(path.join(dir, "cert.pem"), "utf8"), key: fs.readFileSync(path.join(dir, "key.pem"), "utf8") };
    const r = await makeCert("--dir", dir);
    expect(r.exitCode, r.stderr).toBe(0);
    const backupDir = path.join(tmp, "workbook", ".backup", "certs");
    const backups = fs.readdirSync(backupDir).sort();
    expect(backups).toHaveLength(2);
    const certCopy = backups.find((f) => f.startsWith("cert.pem."))!;
    const keyCopy = backups.find((f) => f.startsWith("key.pem."))!;
    expect(certCopy).toMatch(/^cert\.pem\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(fs.readFileSync(path.join(backupDir, certCopy), "utf8")).toBe(before.cert);
    expect(fs.readFileSync(path.join(backupDir, keyCopy), "utf8")).toBe(before.key);
    expect(r.stdout).toContain(`Kept your previous cert.pem as ${path.join(backupDir, certCopy)}`);
    expect(r.stdout).toContain(`Kept your previous key.pem as ${path.join(backupDir, keyCopy)}`);
    expect(fs.readFileSync(path.join(dir, "cert.pem"), "utf8")).not.toBe(before.cert);

    // Twice within the same second: the second copy gets a name of its own.
    const again = await makeCert("--dir", dir);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(fs.readdirSync(backupDir).length).toBeGreaterThanOrEqual(4);
  });

  it("keeps a lone file too (a cert.pem without its key)", async () => {
    const lone = path.join(tmp, "lone", "certs");
    fs.mkdirSync(lone, { recursive: true });
    fs.writeFileSync(path.join(lone, "cert.pem"), "my own work\n");
    const r = await makeCert("--dir", lone);
    expect(r.exitCode, r.stderr).toBe(0);
    const copies = fs.readdirSync(path.join(tmp, "lone", ".backup", "certs"));
    expect(copies).toHaveLength(1);
    expect(fs.readFileSync(path.join(tmp, "lone", ".backup", "certs", copies[0]), "utf8")).toBe("my own work\n");
  });

  it.each([
    [["--bogus"], /--bogus/],
    [["extra"], /unexpected argument "extra"/],
    [["--dir"], /--dir/],
    [["--dir", ""], /--dir needs a folder/],
  ])("bad input %j is a one-line error, exit 2", async (args, re) => {
    const r = await makeCert(...args);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a --dir that is a file is a one-line error, exit 2, and the file is untouched", async () => {
    const file = path.join(tmp, "a-file");
    fs.writeFileSync(file, "keep me\n");
    const r = await makeCert("--dir", file);
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/is a file, not a folder/);
    expect(fs.readFileSync(file, "utf8")).toBe("keep me\n");
  });

  it("its certificate passes every check of lesson 04 with the reference solution", async () => {
    const result = await gradeLesson(findLesson("4")!, { file: REFERENCE, certDir: dir });
    expect(result.status, failureText(result)).toBe("pass");
  });
});

describe("the lesson's openssl command", () => {
  // Checked before any lab runs in this process (a synchronous child would block its servers).
  const hasOpenssl = spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0;

  it.skipIf(!hasOpenssl)("makes a certificate that passes every check of lesson 04 (OpenSSL 3: no SAN, CA:TRUE)", async () => {
    const root = path.join(tmp, "openssl");
    fs.mkdirSync(path.join(root, "certs"), { recursive: true });
    // Exactly the README's command, split the way a shell would.
    const args = OPENSSL_COMMAND.split(" ").slice(1).map((a) => a.replace(/^"(.*)"$/, "$1"));
    const r = await execa("openssl", args, { cwd: root, reject: false, stdin: "ignore" });
    expect(r.exitCode, r.stderr).toBe(0);
    const cert = new X509Certificate(fs.readFileSync(path.join(root, "certs", "cert.pem")));
    expect(cert.subject).toBe("CN=localhost");
    const result = await gradeLesson(findLesson("4")!, { file: REFERENCE, certDir: path.join(root, "certs") });
    expect(result.status, failureText(result)).toBe("pass");
  });
});
