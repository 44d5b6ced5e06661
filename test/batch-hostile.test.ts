// Hostile submissions in one batch: each tries one thing a student's code must not do
// (read another student's work or the solutions, read the instructor's environment, write
// outside its copy, start a process, loop, allocate, flood, exit, leave a server open) and
// says through its output what it saw. Each act must fail or be stopped and reported, and a
// correct submission graded in the same batch must still pass.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverSubmissions, parseLessons } from "../checker/batch/discover.ts";
import { permissionModel } from "../checker/batch/isolation.ts";
import { runBatch } from "../checker/batch/run.ts";
import type { BatchResult, StudentResult } from "../checker/batch/types.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";
import type { LessonResult } from "../checker/report/results.ts";

const L02 = "02-verified-client";
const L05 = "05-reject-bad-certs";
const read = (rel: string) => fs.readFileSync(path.join(WORKBOOK_ROOT, rel), "utf8");
const SOLUTION_02 = read(`solutions/${L02}/exercise.ts`);
const SOLUTION_05 = read(`solutions/${L05}/exercise.ts`);
const STUB_02 = read(`stubs/${L02}/exercise.ts`);
const SOLUTION_05_ABS = path.join(WORKBOOK_ROOT, "solutions", L05, "exercise.ts");
const TOKEN = `instructor-secret-${process.pid}-${Date.now()}`;

let classDir: string;
let outsideDir: string;
let result: BatchResult;
let serverPort: number | undefined;

/**
 * Lesson 05's solution, whose first connectStrict call first does `act` (the body of an async
 * function) and prints "HOSTILE <what it returned or threw>": the lesson still passes when
 * the act fails quietly.
 */
function hostile05(act: string): string {
  return `import * as hfs from "node:fs";
import * as hcp from "node:child_process";
import * as hwt from "node:worker_threads";
import * as hnet from "node:net";
import * as hpath from "node:path";
void hfs; void hcp; void hwt; void hnet; void hpath;
const tryRead = (f: string) => { try { return "READ:" + hfs.readFileSync(f, "utf8").slice(0, 40); } catch (e) { return "DENIED:" + ((e as { code?: string }).code ?? String(e)); } };
const tryWrite = (f: string) => { try { hfs.writeFileSync(f, "pwned"); return "WROTE"; } catch (e) { return "DENIED:" + ((e as { code?: string }).code ?? String(e)); } };
void tryRead; void tryWrite;
${SOLUTION_05.replace("export async function connectStrict(", "async function realConnectStrict(")}
let acted = false;
export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  if (!acted) {
    acted = true;
    let seen: unknown;
    try { seen = await (async () => { ${act} })(); } catch (e) { seen = { threw: (e as { code?: string }).code ?? String(e) }; }
    console.log("HOSTILE " + JSON.stringify(seen));
  }
  return realConnectStrict(host, port);
}
`;
}

/** Lesson 05's file with connectStrict replaced by `body` (and classifyTlsError kept). */
function replaced05(body: string, top = ""): string {
  return `${top}\n${SOLUTION_05.replace("export async function connectStrict(", "async function unused(")}\nvoid unused;\nexport async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> { void host; void port; ${body} }\n`;
}

function write(rel: string, text: string): void {
  const file = path.join(classDir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function student(name: string, l05: string, l02 = STUB_02): void {
  write(`${name}/lessons/${L02}/exercise.ts`, l02);
  write(`${name}/lessons/${L05}/exercise.ts`, l05);
}

const byName = (name: string): StudentResult => {
  const s = result.students.find((x) => x.student === name);
  if (!s) throw new Error(`no student ${name} in the result`);
  return s;
};
const lesson = (name: string, id = L05): LessonResult => byName(name).lessons[id];
/** What the act reported: the JSON after "HOSTILE " in the lesson's outputs. */
const seen = (name: string): unknown => {
  const out = lesson(name).tests.map((t) => t.output ?? "").join("\n");
  const m = /HOSTILE (.*)/.exec(out);
  if (!m) throw new Error(`${name} reported nothing; its results: ${JSON.stringify(lesson(name)).slice(0, 600)}`);
  return JSON.parse(m[1]);
};
const allText = (r: LessonResult) => [r.message ?? "", ...r.tests.map((t) => `${t.name}\n${t.message ?? ""}\n${t.output ?? ""}`)].join("\n");

function isOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

beforeAll(async () => {
  expect(await permissionModel(), `Node ${process.version} should offer the permission model`).toBeDefined();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-hostile-"));
  classDir = path.join(base, "class");
  outsideDir = path.join(base, "outside");
  fs.mkdirSync(outsideDir, { recursive: true });
  const goodFile = path.join(classDir, "good", "lessons", L05, "exercise.ts");

  student("good", SOLUTION_05, SOLUTION_02);
  student("reads-other", hostile05(`return [tryRead(${JSON.stringify(goodFile)}), tryRead("../good/lessons/${L05}/exercise.ts"), tryRead(${JSON.stringify(classDir)})];`));
  student("reads-solutions", hostile05(`return [tryRead(${JSON.stringify(SOLUTION_05_ABS)}), tryRead(${JSON.stringify(path.join(WORKBOOK_ROOT, "package.json"))})];`));
  student("imports-solutions", `export { connectStrict, classifyTlsError } from ${JSON.stringify(SOLUTION_05_ABS)};\n`);
  student("reads-env", hostile05(`return { token: process.env.INSTRUCTOR_TOKEN ?? null, keys: Object.keys(process.env).sort() };`));
  student(
    "writes-outside",
    hostile05(
      `return [tryWrite(${JSON.stringify(path.join(outsideDir, "pwned.txt"))}), tryWrite(${JSON.stringify(path.join(classDir, "writes-outside", "pwned.txt"))}), tryWrite(${JSON.stringify(path.join(classDir, "good", "pwned.txt"))}), tryWrite("inside-my-copy.txt"), tryWrite(hpath.join(process.env.HOME ?? ".", "in-my-home.txt"))];`,
    ),
  );
  student(
    "spawns",
    hostile05(`const r: string[] = [];
      try { hcp.execFileSync(process.execPath, ["-e", "1"]); r.push("SPAWNED"); } catch (e) { r.push("DENIED:" + (e as { code?: string }).code); }
      try { const w = new hwt.Worker("1", { eval: true }); await w.terminate(); r.push("WORKER"); } catch (e) { r.push("DENIED:" + (e as { code?: string }).code); }
      return r;`),
  );
  student("loops", replaced05("for (;;) {}"));
  student("loops-at-load", replaced05("throw new Error('never reached');", "for (;;) {}"));
  student("allocates", replaced05("const b = Buffer.alloc(2 * 1024 ** 3); b.fill(1); return { tlsVersion: String(b.length), authorized: true };"));
  student("allocates-heap", replaced05("const a: number[][] = []; for (;;) a.push(new Array(100_000).fill(Math.random()));"));
  student("prints", replaced05(`const line = "x".repeat(1 << 20); for (let i = 0; i < 50; i++) console.log(line); throw new Error("printed 50 MB");`));
  student("exits-at-load", replaced05("throw new Error('never reached');", "process.exit(0);"));
  student("exits-in-call", replaced05("process.exit(3);"));
  student("leaves-server", hostile05(`const s = hnet.createServer().listen(0, "127.0.0.1"); await new Promise((r) => s.once("listening", r)); return { port: (s.address() as { port: number }).port };`));
  // A link to another student's file: never followed.
  fs.mkdirSync(path.join(classDir, "links", "lessons", L05), { recursive: true });
  fs.symlinkSync(goodFile, path.join(classDir, "links", "lessons", L05, "exercise.ts"));
  write(`links/lessons/${L02}/exercise.ts`, STUB_02);

  process.env.INSTRUCTOR_TOKEN = TOKEN;
  try {
    result = await runBatch({
      submissions: discoverSubmissions(classDir),
      lessons: parseLessons("2,5"),
      jobs: 4,
      sandbox: { timeoutMs: 3000, loadTimeoutMs: 4000 },
    });
  } finally {
    delete process.env.INSTRUCTOR_TOKEN;
  }
  serverPort = (seen("leaves-server") as { port?: number }).port;
}, 180_000);

afterAll(() => {
  if (classDir) fs.rmSync(path.dirname(classDir), { recursive: true, force: true });
});

describe("a batch with hostile submissions", () => {
  it("turns the permission model on with the flags this Node has (--allow-net where the model covers the network, Node 25+)", async () => {
    const model = (await permissionModel())!;
    const major = Number(process.versions.node.split(".")[0]);
    expect(model.flags[0]).toBe(major >= 22 ? "--permission" : "--experimental-permission");
    expect(model.coversNetwork).toBe(major >= 25);
    expect(model.flags.includes("--allow-net")).toBe(major >= 25);
  });
  it("grades the correct submission in the same batch as passing", () => {
    expect(lesson("good", L02).status).toBe("pass");
    expect(lesson("good").status).toBe("pass");
    expect(byName("good").flags.map((f) => f.kind)).toEqual(["matches-solution", "matches-solution"]);
  });

  it("grades every student, in name order", () => {
    expect(result.students.map((s) => s.student)).toEqual([...result.students.map((s) => s.student)].sort((a, b) => a.localeCompare(b, "en", { numeric: true })));
    expect(result.students).toHaveLength(16);
    for (const s of result.students) expect(Object.keys(s.lessons).sort()).toEqual([L02, L05]);
  });

  it("cannot read another student's folder, by its absolute path or next to its copy", () => {
    const [abs, rel, dir] = seen("reads-other") as string[];
    expect(abs).toBe("DENIED:ERR_ACCESS_DENIED");
    expect(rel).toMatch(/^DENIED:(ERR_ACCESS_DENIED|ENOENT)$/);
    expect(dir).toBe("DENIED:ERR_ACCESS_DENIED");
  });

  it("cannot read the reference solutions or the workbook, at run time or by importing them", () => {
    expect(seen("reads-solutions")).toEqual(["DENIED:ERR_ACCESS_DENIED", "DENIED:ERR_ACCESS_DENIED"]);
    const imported = lesson("imports-solutions");
    expect(imported.status).toBe("error");
    expect(imported.message).toMatch(/outside your submission/);
    expect(imported.message).not.toContain("BY_CODE");
  });

  it("sees none of the instructor's environment", () => {
    const env = seen("reads-env") as { token: string | null; keys: string[] };
    expect(env.token).toBeNull();
    for (const k of env.keys) expect(["HOME", "NODE_EXTRA_CA_CERTS", "PATH", "TMPDIR", "USERPROFILE", "TEMP", "TMP", "SystemRoot", "SYSTEMROOT", "windir"]).toContain(k);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it("cannot write outside its private HOME (not even its own copy's lessons), and the originals stay as they were", () => {
    expect(seen("writes-outside")).toEqual(["DENIED:ERR_ACCESS_DENIED", "DENIED:ERR_ACCESS_DENIED", "DENIED:ERR_ACCESS_DENIED", "DENIED:ERR_ACCESS_DENIED", "WROTE"]);
    expect(fs.existsSync(path.join(outsideDir, "pwned.txt"))).toBe(false);
    expect(fs.existsSync(path.join(classDir, "writes-outside", "pwned.txt"))).toBe(false);
    expect(fs.existsSync(path.join(classDir, "good", "pwned.txt"))).toBe(false);
    expect(fs.existsSync(path.join(classDir, "writes-outside", "inside-my-copy.txt"))).toBe(false);
  });

  it("cannot start a process or a worker", () => {
    expect(seen("spawns")).toEqual(["DENIED:ERR_ACCESS_DENIED", "DENIED:ERR_ACCESS_DENIED"]);
  });

  it("an endless loop is stopped and reported, in a call or while loading", () => {
    expect(lesson("loops").status).toBe("fail");
    expect(allText(lesson("loops"))).toMatch(/blocked the event loop/);
    expect(lesson("loops-at-load").status).toBe("error");
    expect(lesson("loops-at-load").message).toMatch(/loading your file took longer than 4 s/);
  });

  it("allocating 2 GB (buffers) or an endless heap is stopped and reported", () => {
    expect(lesson("allocates").status).toBe("fail");
    expect(allText(lesson("allocates"))).toMatch(/used more than 512 MB of memory/);
    expect(lesson("allocates-heap").status).toBe("fail");
    expect(allText(lesson("allocates-heap"))).toMatch(/used more than 256 MB of JavaScript heap/);
  });

  it("printing 50 MB is stopped and reported", () => {
    expect(lesson("prints").status).toBe("fail");
    expect(allText(lesson("prints"))).toMatch(/printed more than 1 MiB/);
    expect(JSON.stringify(result).length).toBeLessThan(5 * 1024 * 1024);
  });

  it("process.exit is reported, while loading or in a call", () => {
    expect(lesson("exits-at-load").status).toBe("error");
    expect(lesson("exits-at-load").message).toMatch(/process\.exit\(0\)/);
    expect(lesson("exits-in-call").status).toBe("fail");
    expect(allText(lesson("exits-in-call"))).toMatch(/process\.exit\(3\)/);
  });

  it("a server left open is reported, and closed after grading", async () => {
    expect(serverPort).toBeGreaterThan(0);
    const cleanup = lesson("leaves-server").tests.find((t) => t.name.startsWith("leaves nothing behind"))!;
    expect(cleanup.status).toBe("fail");
    expect(cleanup.message).toMatch(/1 server\(s\) still listening/);
    expect(await isOpen(serverPort!)).toBe(false);
  });

  it("a learner file that is a link (here to another student's) is not followed", () => {
    expect(lesson("links").status).toBe("error");
    expect(lesson("links").message).toMatch(/symbolic link/);
    expect(lesson("links", L02).status).toBe("fail"); // its other lesson is graded as usual
  });
});

describe("the per-submission time limit", () => {
  it("stops a submission that would run on, and grades the others", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-deadline-"));
    const put = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    try {
      put(`good/lessons/01-what-tls-gives/answers.json`, read("solutions/01-what-tls-gives/answers.json"));
      put(`good/lessons/${L02}/exercise.ts`, SOLUTION_02);
      put(`slow/lessons/01-what-tls-gives/answers.json`, read("solutions/01-what-tls-gives/answers.json"));
      put(`slow/lessons/${L02}/exercise.ts`, `${STUB_02.replace(/export async function tlsGet[\s\S]*$/, "")}export async function tlsGet(): Promise<TlsGetResult> { return new Promise(() => {}); }\n`);
      put(`slow-to-load/lessons/${L02}/exercise.ts`, `await new Promise(() => {});\nexport async function tlsGet() { return 1; }\n`);
      const started = Date.now();
      const r = await runBatch({
        submissions: discoverSubmissions(dir),
        lessons: parseLessons("1,2"),
        jobs: 3,
        deadlineMs: 6000,
        // Calls and loading would wait far longer: only the time limit can stop these.
        sandbox: { timeoutMs: 60_000, loadTimeoutMs: 60_000 },
      });
      expect(Date.now() - started).toBeLessThan(30_000);
      const [good, slow, slowToLoad] = r.students;
      expect(good.lessons[L02].status).toBe("pass");
      expect(slow.lessons["01-what-tls-gives"].status).toBe("pass");
      expect(slow.lessons[L02].status).toBe("fail");
      expect(slow.lessons[L02].tests.find((t) => t.status === "fail")?.message).toMatch(/6 s time limit/);
      expect(slowToLoad.lessons[L02].status).toBe("error");
      expect(slowToLoad.lessons[L02].message).toMatch(/6 s time limit/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
