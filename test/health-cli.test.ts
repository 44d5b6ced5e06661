// `npm run health` as a learner runs it: the table on stdout, the monitoring exit codes
// (0 all PASS, 1 some WARN, 2 some FAIL), one-line errors for bad input, the stub and a
// checker that throws. The lab's root is trusted the way a learner would trust it: through
// NODE_EXTRA_CA_CERTS in the environment, since this command starts no lab of its own.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lab } from "../checker/lab/lab.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";

let lab: Lab;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-health-"));
beforeAll(async () => {
  lab = await Lab.start();
});
afterAll(async () => {
  await lab?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function health(...args: string[]) {
  return execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "health", ...args], {
    cwd: WORKBOOK_ROOT,
    reject: false,
    env: { NODE_EXTRA_CA_CERTS: lab.trustBundleFile, NO_COLOR: "1" },
    stdin: "ignore",
  });
}

const at = (name: string) => `localhost:${lab.endpoint(name).port}`;
const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");
const oneLine = (s: string) => lines(s).length === 1;

function tempFile(source: string): string {
  const file = path.join(fs.mkdtempSync(path.join(tmp, "f-")), "exercise.ts");
  fs.writeFileSync(file, source);
  return file;
}

describe.concurrent("npm run health with the reference checker", () => {
  it("all PASS: one line per target, exit 0", async () => {
    const r = await health("--solution", at("good"), at("tls-v1-2"));
    expect(r.exitCode, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(new RegExp(`^PASS\\s+${at("good")}\\s+TLSv1\\.3\\s+89d\\s+expires in 89 days$`));
    expect(out[1]).toMatch(new RegExp(`^PASS\\s+${at("tls-v1-2")}\\s+TLSv1\\.2\\s`));
  });

  it("a WARN and no FAIL: exit 1", async () => {
    const r = await health("--solution", at("good"), at("expiring-soon"));
    expect(r.exitCode, r.stderr).toBe(1);
    expect(lines(r.stdout)[1]).toMatch(/^WARN\s+localhost:\d+\s+TLSv1\.3\s+4d\s/);
  });

  it("any FAIL: exit 2, every target still reported, in order, and a silent one within --timeout", async () => {
    const targets = [at("expired"), at("good"), at("refused"), at("silent"), at("tls-v1-0")];
    const r = await health("--solution", "--timeout", "600", ...targets);
    expect(r.exitCode, r.stderr).toBe(2);
    const out = lines(r.stdout);
    expect(out.map((l) => l.split(/\s+/)[1])).toEqual(targets);
    expect(out.map((l) => l.split(/\s+/)[0])).toEqual(["FAIL", "PASS", "FAIL", "FAIL", "FAIL"]);
    expect(out[0]).toMatch(/certificate has expired/);
    expect(out[3]).toMatch(/timed out after 600 ms/);
  });

  it("--warn-days changes the threshold", async () => {
    const r = await health("--solution", "--warn-days", "100", at("good"));
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^WARN\s/);
  });
});

describe.concurrent("npm run health: a target that is not host[:port]", () => {
  it("is a FAIL row from the checker (lesson 06's rule), the others still checked, exit 2", async () => {
    const targets = ["shop:abc", at("good"), "localhost:99999"];
    const r = await health("--solution", ...targets);
    expect(r.exitCode).toBe(2);
    const out = lines(r.stdout);
    expect(out.map((l) => l.split(/\s+/)[1])).toEqual(targets);
    expect(out.map((l) => l.split(/\s+/)[0])).toEqual(["FAIL", "PASS", "FAIL"]);
    expect(r.stderr).toMatch(/"shop:abc" is not a target/);
  });

  it("against the lab without its CA: every target FAILs, and it says how to trust the lab", async () => {
    const r = await execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "health", "--solution", at("good")], { cwd: WORKBOOK_ROOT, reject: false, env: { NO_COLOR: "1", NODE_EXTRA_CA_CERTS: "" }, extendEnv: true, stdin: "ignore" });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/npm run lab prints the NODE_EXTRA_CA_CERTS=/);
  });
});

describe.concurrent("npm run health: what cannot run is one line on stderr and exit 2", () => {
  it.each([
    ["no targets", [], /no targets given/],
    ["a bad --timeout", ["--timeout", "soon", "example.com"], /--timeout takes a whole number/],
    ["a bad --warn-days", ["--warn-days", "-3", "example.com"], /--warn-days/],
    ["an unknown flag", ["--bogus", "example.com"], /^health: unknown option --bogus\. usage: npm run health/],
  ])("%s", async (_label, args, message) => {
    const r = await health(...(args as string[]));
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  });

  it("the learner's file is still the stub", async () => {
    const stub = path.join(WORKBOOK_ROOT, "stubs/06-tls-health/exercise.ts");
    const r = await health("--file", stub, at("good"));
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/tlsHealth in \S+exercise\.ts is still the stub/);
  });

  it("the learner's tlsHealth throws", async () => {
    const file = tempFile(`export async function tlsHealth() { throw new Error("boom\\nsecond line"); }\nexport function formatHealth() { return ""; }\n`);
    const r = await health("--file", file, at("good"));
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/tlsHealth in \S+ threw Error: boom/);
  });

  it("the learner's file does not compile", async () => {
    const file = tempFile(`export async function tlsHealth( {\n`);
    const r = await health("--file", file, "example.com");
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/could not compile/);
  });

  it("the learner's checker hangs: the sandbox gives up a little after --timeout", async () => {
    const file = tempFile(`export function tlsHealth() { return new Promise(() => {}); }\nexport function formatHealth() { return ""; }\n`);
    const r = await health("--file", file, "--timeout", "100", at("good"));
    expect(r.exitCode).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/did not finish within 5\.1 s/);
  });
});
