// The Gradescope autograder end to end, in a Gradescope-shaped root made here: npm run
// gradescope packs autograder.zip; it is unpacked into <root>/source as Gradescope does;
// setup.sh runs with a Node >= 22 already present; then run_autograder grades each kind of
// upload (a finished workbook zip with its wrapper folder and __MACOSX, untouched stubs as a
// lessons/ folder, half-done lesson folders at the top, loose files, a hostile one) and
// writes <root>/results/results.json in Gradescope's format.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GradescopeResults } from "../checker/gradescope/results.ts";
import { stageSubmission } from "../checker/gradescope/submission.ts";
import { LESSONS } from "../checker/manifest.ts";
import { NODE_CACHE, nodePackage } from "../checker/node-versions.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";

const RUN = path.join(WORKBOOK_ROOT, "checker", "run.mjs");
const lessons = LESSONS.filter((l) => l.available);
const sol = (id: string, f: string) => fs.readFileSync(path.join(WORKBOOK_ROOT, "solutions", id, f));
const stub = (id: string, f: string) => fs.readFileSync(path.join(WORKBOOK_ROOT, "stubs", id, f));
const L07 = "07-why-not-verify-false";
const HONEST_DIR = path.join(WORKBOOK_ROOT, "test", "catalog", L07, "blind", "honest");
const HONEST_07 = fs.readFileSync(path.join(HONEST_DIR, fs.readdirSync(HONEST_DIR).sort()[0]));

let base: string;
let root: string;
let zipFile: string;

/** The external attributes of each entry of a zip (central directory), for the executable bits. */
function zipModes(buf: Buffer): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = buf.indexOf("PK\x01\x02"); i >= 0; i = buf.indexOf("PK\x01\x02", i + 4)) {
    const nameLen = buf.readUInt16LE(i + 28);
    const extraLen = buf.readUInt16LE(i + 30);
    const commentLen = buf.readUInt16LE(i + 32);
    const attrs = buf.readUInt32LE(i + 38);
    out[buf.subarray(i + 46, i + 46 + nameLen).toString("utf8")] = (attrs >>> 16) & 0o7777;
    i += 46 + nameLen + extraLen + commentLen - 4;
  }
  return out;
}

/**
 * A Node >= 22 for setup.sh to find already there: this one, or an official build the test
 * matrix fetched (npm run test:node). Under Node 20 on a fresh clone there is none yet: the
 * end-to-end tests are skipped there and run under 22, 24 and 26.
 */
function node22(): string | undefined {
  if (Number(process.versions.node.split(".")[0]) >= 22) return path.dirname(process.execPath);
  for (const major of [24, 22, 26]) {
    const bin = path.join(NODE_CACHE, String(major), "node_modules", nodePackage(), "bin", "node");
    if (fs.existsSync(bin)) return path.dirname(bin);
  }
  return undefined;
}
const nodeDir = node22();

function writeFiles(dir: string, files: Record<string, Buffer | string>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [rel, text] of Object.entries(files)) {
    const f = path.join(dir, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  }
}

function runAutograder(files: Record<string, Buffer | string>): { results: GradescopeResults; stdout: string } {
  writeFiles(path.join(root, "submission"), files);
  fs.rmSync(path.join(root, "results"), { recursive: true, force: true });
  const r = spawnSync("bash", [path.join(root, "run_autograder")], {
    env: { ...process.env, AUTOGRADER_ROOT: root, PATH: `${nodeDir}${path.delimiter}${process.env.PATH}`, NODE_OPTIONS: "" },
    encoding: "utf8",
    timeout: 120_000,
  });
  const file = path.join(root, "results", "results.json");
  if (!fs.existsSync(file)) throw new Error(`no results.json; exit ${r.status}; ${r.stderr}\n${r.stdout}`);
  return { results: JSON.parse(fs.readFileSync(file, "utf8")) as GradescopeResults, stdout: r.stdout };
}

const finished = (): Record<string, Buffer | string> => {
  const files: Record<string, Buffer | string> = {};
  for (const l of lessons) files[`tls-workbook-main/lessons/${l.id}/${l.files[0]}`] = l.id === L07 ? HONEST_07 : sol(l.id, l.files[0]);
  files["__MACOSX/tls-workbook-main/lessons/._exercise.ts"] = "clutter";
  files["tls-workbook-main/.DS_Store"] = "clutter";
  return files;
};

const linuxWithNode = process.platform === "linux" && nodeDir ? describe : describe.skip;

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-gradescope-test-"));
  fs.chmodSync(base, 0o711);
  root = path.join(base, "autograder");
  execFileSync(process.execPath, [RUN, "gradescope", "--out", path.join(base, "out")], { cwd: WORKBOOK_ROOT, env: { ...process.env, NODE_OPTIONS: "" } });
  zipFile = path.join(base, "out", "autograder.zip");
});

afterAll(() => {
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

describe("npm run gradescope", () => {
  it("packs setup.sh and run_autograder (executable) at the root, gradescope.json, the grader, stubs and solutions; no learner file, no node_modules", () => {
    const buf = fs.readFileSync(zipFile);
    const modes = zipModes(buf);
    expect(modes["setup.sh"] & 0o111).toBeTruthy();
    expect(modes.run_autograder & 0o111).toBeTruthy();
    const names = Object.keys(unzipSync(new Uint8Array(buf)));
    for (const n of ["setup.sh", "run_autograder", "gradescope.json", "package.json", "package-lock.json", "checker/run.mjs", "checker/cli/gradescope-run.ts", "stubs/05-reject-bad-certs/exercise.ts", "solutions/05-reject-bad-certs/exercise.ts"]) expect(names).toContain(n);
    expect(names.some((n) => n.startsWith("node_modules/") || n.startsWith(".cache/") || n.startsWith("test/"))).toBe(false);
    expect(names.filter((n) => n.startsWith("lessons/")).every((n) => n.endsWith("/README.md"))).toBe(true);
    const config = JSON.parse(Buffer.from(unzipSync(new Uint8Array(buf))["gradescope.json"]).toString("utf8"));
    expect(config).toEqual({ lessons: lessons.map((l) => l.id), visibility: "visible" });
  });

  it("takes --lessons and --visibility, and refuses a bad one in one line", () => {
    execFileSync(process.execPath, [RUN, "gradescope", "--out", path.join(base, "out2"), "--lessons", "2,5", "--visibility", "after_published"], { cwd: WORKBOOK_ROOT });
    const config = JSON.parse(Buffer.from(unzipSync(new Uint8Array(fs.readFileSync(path.join(base, "out2", "autograder.zip"))))["gradescope.json"]).toString("utf8"));
    expect(config).toEqual({ lessons: ["02-verified-client", "05-reject-bad-certs"], visibility: "after_published" });
    const bad = spawnSync(process.execPath, [RUN, "gradescope", "--out", path.join(base, "out3"), "--visibility", "students"], { cwd: WORKBOOK_ROOT, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("what students upload, as graded", () => {
  const shapes: [string, Record<string, string>, string[]][] = [
    ["the lessons/ folder", { "lessons/05-reject-bad-certs/exercise.ts": "x", "lessons/01-what-tls-gives/answers.json": "{}" }, ["01-what-tls-gives", "05-reject-bad-certs"]],
    ["a whole workbook in a zip's wrapper folder, with __MACOSX", { "tls-workbook-main/lessons/02-verified-client/exercise.ts": "x", "tls-workbook-main/package.json": "{}", "__MACOSX/tls-workbook-main/._x": "" }, ["02-verified-client"]],
    ["the lesson folders at the top", { "03-inspect-cert/exercise.ts": "x", "07-why-not-verify-false/answer.md": "y" }, ["03-inspect-cert", "07-why-not-verify-false"]],
  ];
  it.each(shapes)("%s", (_, files, found) => {
    const dir = path.join(base, "shape-in");
    writeFiles(dir, files);
    const staged = stageSubmission(dir, path.join(base, "shape-out"), lessons);
    expect(staged.found.sort()).toEqual(found);
  });

  it("the lesson files loose at the top: a loose exercise.ts goes to the lesson whose functions it exports", () => {
    const dir = path.join(base, "loose-in");
    writeFiles(dir, { "answers.json": sol("01-what-tls-gives", "answers.json"), "exercise.ts": sol("06-tls-health", "exercise.ts"), "answer.md": "text", "cert.pem": "C", "key.pem": "K" });
    const staged = stageSubmission(dir, path.join(base, "loose-out"), lessons);
    expect(staged.found.sort()).toEqual(["01-what-tls-gives", "06-tls-health", "07-why-not-verify-false"]);
    expect(fs.readFileSync(path.join(staged.dir, "certs", "cert.pem"), "utf8")).toBe("C");
    expect(staged.notes.join("\n")).toMatch(/lesson 05: no lessons\/05-reject-bad-certs\/exercise\.ts in your upload/);
  });

  it("a misnamed file is named in the output, and an upload with no lesson file says so", () => {
    const dir = path.join(base, "misnamed-in");
    writeFiles(dir, { "lessons/05-reject-bad-certs/exercise (1).ts": "x" });
    const staged = stageSubmission(dir, path.join(base, "misnamed-out"), lessons);
    expect(staged.notes.join("\n")).toMatch(/lesson 05: no lessons\/05-reject-bad-certs\/exercise\.ts in your upload: found "exercise \(1\)\.ts": rename it to exercise\.ts/);
    expect(staged.notes.join("\n")).toMatch(/holds none of the lesson files/);
  });

  it("lesson 4's certs/ beside lessons/ is taken; a link is never followed", () => {
    const dir = path.join(base, "certs-in");
    writeFiles(dir, { "lessons/04-self-signed-echo/exercise.ts": "x", "certs/cert.pem": "C", "certs/key.pem": "K" });
    const target = path.join(WORKBOOK_ROOT, "solutions", "05-reject-bad-certs", "exercise.ts");
    fs.symlinkSync(target, path.join(dir, "lessons", "05-reject-bad-certs"));
    const staged = stageSubmission(dir, path.join(base, "certs-out"), lessons);
    expect(fs.readFileSync(path.join(staged.dir, "certs", "key.pem"), "utf8")).toBe("K");
    expect(staged.found).toEqual(["04-self-signed-echo"]);
  });
});

linuxWithNode("the packed autograder in a Gradescope-shaped root", () => {
  beforeAll(() => {
    const files = unzipSync(new Uint8Array(fs.readFileSync(zipFile)));
    const source = path.join(root, "source");
    for (const [name, data] of Object.entries(files)) {
      if (name.endsWith("/")) continue;
      fs.mkdirSync(path.dirname(path.join(source, name)), { recursive: true });
      fs.writeFileSync(path.join(source, name), data);
    }
    const modes = zipModes(fs.readFileSync(zipFile));
    for (const [name, mode] of Object.entries(modes)) if (mode) fs.chmodSync(path.join(source, name), mode);
    fs.copyFileSync(path.join(source, "run_autograder"), path.join(root, "run_autograder"));
    fs.chmodSync(path.join(root, "run_autograder"), 0o755);
    const setup = spawnSync("bash", [path.join(source, "setup.sh")], { env: { ...process.env, AUTOGRADER_ROOT: root, PATH: `${nodeDir}${path.delimiter}${process.env.PATH}`, NODE_OPTIONS: "" }, encoding: "utf8", timeout: 300_000 });
    if (setup.status !== 0) throw new Error(`setup.sh failed (${setup.status}): ${setup.stderr}\n${setup.stdout}`);
  }, 320_000);

  it("a finished workbook (zip wrapper, __MACOSX, certs/): 80 of 80, one scored test per lesson adding up to the score", async () => {
    const files = finished();
    const cert = spawnSync(process.execPath, [RUN, "make-cert", "--dir", path.join(base, "cert")], { cwd: WORKBOOK_ROOT });
    expect(cert.status).toBe(0);
    files["tls-workbook-main/certs/cert.pem"] = fs.readFileSync(path.join(base, "cert", "cert.pem"));
    files["tls-workbook-main/certs/key.pem"] = fs.readFileSync(path.join(base, "cert", "key.pem"));
    const { results } = runAutograder(files);
    expect(results.score).toBe(80);
    const scored = results.tests.filter((t) => t.max_score !== undefined);
    expect(scored).toHaveLength(8);
    expect(scored.reduce((a, t) => a + (t.score ?? 0), 0)).toBe(results.score);
    for (const t of results.tests) {
      expect(["passed", "failed"]).toContain(t.status);
      expect(t.name).toMatch(/^Lesson \d\d|^Integrity/);
    }
    expect(results.tests.filter((t) => t.visibility === "visible").every((t) => t.status === "passed")).toBe(true);
    // The reference solutions are flagged for the instructor only.
    const integrity = results.tests.find((t) => t.name.startsWith("Integrity"));
    expect(integrity?.visibility).toBe("hidden");
    expect(typeof results.execution_time).toBe("number");
    expect(results.output).toMatch(/^80\/80 points/);
  }, 120_000);

  it("untouched stubs as a lessons/ folder: 0, every failing check with its message", () => {
    const files: Record<string, Buffer> = {};
    for (const l of lessons) files[`lessons/${l.id}/${l.files[0]}`] = stub(l.id, l.files[0]);
    const { results } = runAutograder(files);
    expect(results.score).toBe(0);
    const failing = results.tests.filter((t) => t.status === "failed" && t.max_score === undefined && !t.name.startsWith("Integrity"));
    expect(failing.length).toBeGreaterThan(50);
    expect(failing.filter((t) => t.output).length).toBe(failing.length);
  }, 120_000);

  it("half-done lesson folders at the top: the solved lessons score, the missing ones say what was missing", () => {
    const files: Record<string, Buffer> = {};
    for (const l of lessons.slice(0, 3)) files[`${l.id}/${l.files[0]}`] = sol(l.id, l.files[0]);
    files[`05-reject-bad-certs/exercise.ts`] = Buffer.from(String(sol("05-reject-bad-certs", "exercise.ts")).replace("export function", "export function ("));
    const { results } = runAutograder(files);
    expect(results.score).toBe(30);
    const l05 = results.tests.find((t) => t.name.startsWith("Lesson 05") && t.max_score !== undefined)!;
    expect(l05.score).toBe(0);
    expect(l05.output ?? l05.name).toMatch(/could not compile|could not be graded/);
    expect(results.output).toMatch(/lesson 04: no lessons\/04-self-signed-echo\/exercise\.ts in your upload/);
  }, 120_000);

  it("a hostile upload (its own checker/ and package.json, code that writes results.json and reads the solutions) changes nothing but its own failing checks", () => {
    const resultsFile = path.join(root, "results", "results.json");
    const solutionFile = path.join(root, "source", "solutions", "05-reject-bad-certs", "exercise.ts");
    const hostile = String(sol("05-reject-bad-certs", "exercise.ts")).replace(
      "export async function connectStrict(",
      `import * as hfs from "node:fs";
let tried = false;
export async function connectStrict(host: string, port = 443) {
  if (!tried) {
    tried = true;
    const out: string[] = [];
    try { hfs.mkdirSync(${JSON.stringify(path.dirname(resultsFile))}, { recursive: true }); hfs.writeFileSync(${JSON.stringify(resultsFile)}, JSON.stringify({ score: 999, tests: [] })); out.push("WROTE"); } catch (e) { out.push((e as { code?: string }).code ?? "?"); }
    try { out.push(hfs.readFileSync(${JSON.stringify(solutionFile)}, "utf8").slice(0, 10)); } catch (e) { out.push((e as { code?: string }).code ?? "?"); }
    try { process.kill(1, "SIGKILL"); out.push("KILLED"); } catch (e) { out.push((e as { code?: string }).code ?? "?"); }
    out.push(String(process.pid));
    console.log("HOSTILE " + JSON.stringify(out));
  }
  return real(host, port);
}
async function real(`,
    );
    const { results } = runAutograder({
      "lessons/05-reject-bad-certs/exercise.ts": hostile,
      "checker/run.mjs": "console.log('mine')",
      "package.json": JSON.stringify({ scripts: { grade: "echo 70" } }),
      "node_modules/evil/index.js": "",
    });
    expect(results.score).toBeLessThanOrEqual(10);
    expect(results.score).not.toBe(999);
    const out = results.tests.map((t) => t.output ?? "").join("\n");
    const seen = JSON.parse(/HOSTILE (.*)/.exec(out)![1]) as string[];
    expect(seen[0]).not.toBe("WROTE");
    expect(seen[1]).not.toMatch(/^\/\//);
    // pid 1 is the grader, unless the code runs in a PID namespace of its own (then it is itself, which init's protection keeps alive).
    if (seen[3] !== "1") expect(seen[2]).not.toBe("KILLED");
  }, 120_000);
});
