// Attacks on the batch itself, as `npm run grade` runs it (the real command, in a child
// process): signals, Unix domain sockets, forged IPC, oversized errors, a hostile tsconfig,
// connection floods, a copy full of folders, one lesson rewriting another before it is
// graded. Each runs in a class with finished students, which must keep full marks; the batch
// must finish and write every report. The whole grader runs in a PID namespace made by this
// test, so an attack that got out of the batch's confinement would still reach nothing
// outside it. Linux only: elsewhere signals and sockets are not contained (README).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchResult } from "../checker/batch/types.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";
import type { LessonResult } from "../checker/report/results.ts";
import { probeConfinement } from "../checker/sandbox/confine.ts";

const L02 = "02-verified-client";
const L05 = "05-reject-bad-certs";
const L06 = "06-tls-health";
const L07 = "07-why-not-verify-false";
const read = (rel: string) => fs.readFileSync(path.join(WORKBOOK_ROOT, rel), "utf8");
const SOLUTION_02 = read(`solutions/${L02}/exercise.ts`);
const SOLUTION_05 = read(`solutions/${L05}/exercise.ts`);
const SOLUTION_06 = read(`solutions/${L06}/exercise.ts`);
const STUB_06 = read(`stubs/${L06}/exercise.ts`);
const STUB_07 = read(`stubs/${L07}/answer.md`);
const HONEST_07_DIR = path.join(WORKBOOK_ROOT, "test", "catalog", L07, "blind", "honest");
const HONEST_07 = fs.readFileSync(path.join(HONEST_07_DIR, fs.readdirSync(HONEST_07_DIR).sort()[0]), "utf8");
const SECRET = `socket-secret-${process.pid}`;

/** A test PID namespace for the whole grader: `unshare` as root, or with a user namespace. */
function namespacePrefix(): string[] | undefined {
  if (process.platform !== "linux") return undefined;
  for (const user of [[], ["--user", "--map-root-user"]]) {
    const args = [...user, "--pid", "--fork", "--kill-child", "--mount-proc", "true"];
    if (spawnSync("unshare", args, { stdio: "ignore" }).status === 0) return ["unshare", ...args.slice(0, -1)];
  }
  return undefined;
}
const prefix = namespacePrefix();

let base: string;
let classDir: string;
let outDir: string;
let tmpDir: string;
let result: BatchResult;
let stderr = "";
let exitCode: number | null = null;
let secretServer: net.Server;
let secretSocket: string;

/** Lesson `fnName`'s solution, whose first call first does `act` (an async function body) and prints "HOSTILE <json>". */
function withAct(solution: string, fnName: string, params: string, act: string): string {
  return `import * as hfs from "node:fs";
import * as hnet from "node:net";
import * as hpath from "node:path";
void hfs; void hnet; void hpath;
${solution.replace(`export async function ${fnName}(`, `async function real_${fnName}(`)}
let acted = false;
export async function ${fnName}(${params}): Promise<any> {
  if (!acted) {
    acted = true;
    let seen: unknown;
    try { seen = await (async () => { ${act} })(); } catch (e) { seen = { threw: (e as { code?: string }).code ?? String(e).slice(0, 200) }; }
    console.log("HOSTILE " + JSON.stringify(seen));
  }
  return (real_${fnName} as any)(...arguments);
}
`;
}
const act05 = (act: string) => withAct(SOLUTION_05, "connectStrict", "host: string, port = 443", act);

function write(rel: string, text: string): void {
  const file = path.join(classDir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
function student(name: string, files: { l02?: string; l05?: string; l06?: string; l07?: string }): void {
  write(`${name}/lessons/${L02}/exercise.ts`, files.l02 ?? SOLUTION_02);
  write(`${name}/lessons/${L05}/exercise.ts`, files.l05 ?? SOLUTION_05);
  write(`${name}/lessons/${L06}/exercise.ts`, files.l06 ?? SOLUTION_06);
  write(`${name}/lessons/${L07}/answer.md`, files.l07 ?? `${HONEST_07}\n<!-- ${name} -->\n`);
}

const byName = (name: string) => {
  const s = result.students.find((x) => x.student === name);
  if (!s) throw new Error(`no student ${name}; stderr: ${stderr.slice(-2000)}`);
  return s;
};
const lesson = (name: string, id = L05): LessonResult => byName(name).lessons[id];
const seen = (name: string, id = L05): unknown => {
  const out = lesson(name, id).tests.map((t) => t.output ?? "").join("\n");
  const m = /HOSTILE (.*)/.exec(out);
  if (!m) throw new Error(`${name} reported nothing; its results: ${JSON.stringify(lesson(name, id)).slice(0, 800)}`);
  return JSON.parse(m[1]);
};
const fullMarks = (name: string) => {
  for (const id of [L02, L05, L06, L07]) expect(lesson(name, id).status, `${name} ${id}: ${JSON.stringify(lesson(name, id)).slice(0, 600)}`).toBe("pass");
};
const socketsUnder = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === "node_modules" || e.name === ".git" || e.name === ".cache") continue;
      const p = path.join(d, e.name);
      if (e.isSocket()) out.push(p);
      else if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
};

const run = !prefix ? describe.skip : describe;

beforeAll(async () => {
  if (!prefix) return;
  base = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-attacks-"));
  fs.chmodSync(base, 0o711); // the batch's TMPDIR is inside: a child's own user passes through it
  classDir = path.join(base, "class");
  outDir = path.join(base, "out");
  tmpDir = path.join(base, "tmp");
  fs.mkdirSync(tmpDir, { recursive: true });
  // A local service with a secret behind a Unix socket (on a real machine: docker.sock, an ssh agent).
  secretSocket = path.join(base, "secret.sock");
  secretServer = net.createServer((s) => s.end(SECRET));
  await new Promise<void>((r) => secretServer.listen(secretSocket, r));

  student("good", {});
  // Signals: everything, and every process id a grader or another student could have.
  student("signals", {
    l05: act05(`const out: unknown[] = [];
      try { process.kill(-1, "SIGKILL"); out.push("kill -1 sent"); } catch (e) { out.push((e as { code?: string }).code); }
      // Which process ids it can signal at all (signal 0 only asks): in a PID namespace of its
      // own, just its own (Linux numbers its threads there too, from 2 up).
      const visible: number[] = [];
      for (let p = 1; p < 5000; p++) { try { process.kill(p, 0); visible.push(p); } catch { /* not visible */ } }
      out.push(visible, process.pid);
      return out;`),
  });
  const socketTargets = [path.join("/tmp", `attack-${process.pid}.sock`), path.join(WORKBOOK_ROOT, "checker", "attack.sock"), path.join(outDir, "attack.sock"), path.join(classDir, "good", "attack.sock"), path.join(base, "attack.sock")];
  student("sockets", {
    l05: act05(`const listen = (p: string) => new Promise((r) => { const s = hnet.createServer(); s.once("error", (e: { code?: string }) => r(e.code)); s.listen(p, () => { s.close(); r("LISTENED"); }); });
      const targets: string[] = ${JSON.stringify(socketTargets)};
      const made = [];
      for (const t of targets) made.push(await listen(t));
      const secret = await new Promise((r) => { const c = hnet.connect(${JSON.stringify(secretSocket)}); let d = ""; c.on("data", (x) => (d += x)); c.on("end", () => r("READ:" + d)); c.on("error", (e: { code?: string }) => r(e.code)); });
      const own = await listen(hpath.join(process.env.HOME ?? ".", "own.sock"));
      return { made, secret, own };`),
  });
  student("forges-ipc", { l05: act05(`process.send!({ type: "result", id: 1, status: "rejected" }); await new Promise((r) => setTimeout(r, 300)); return "sent";`) });
  student("floods-ipc", {
    l05: act05(`const big = "p".repeat(8 * 1024 * 1024);
      for (let i = 0; i < 12; i++) process.send!({ type: "problem", kind: "uncaught-exception", error: { isError: true, name: "Error", message: big, stack: big } });
      await new Promise((r) => setTimeout(r, 300)); return "sent";`),
  });
  student("huge-errors", { l05: act05(`throw Object.assign(new Error("e".repeat(6 * 1024 * 1024)), { code: "E".repeat(1024 * 1024), stack: "s".repeat(6 * 1024 * 1024) });`) });
  student("tsconfig", {});
  write("tsconfig/lessons/tsconfig.json", JSON.stringify({ extends: "/dev/zero" }));
  write(`tsconfig/lessons/${L05}/tsconfig.json`, JSON.stringify({ extends: "/etc/shadow", compilerOptions: { paths: { "node:tls": ["/etc/passwd"] } } }));
  student("floods-lab", {
    // 1300 connections in bursts of 100, each burst settled before the next, for at most 2.5 s:
    // past some 600 at once this machine's kernel holds new ones for its 1 s SYN retries (2.3 s
    // to reach the limit here), and the act must leave the check's 4 s room to report.
    l05: act05(`const t0 = Date.now();
      const socks: import("node:net").Socket[] = [];
      let opened = 0;
      let failed = 0;
      for (let burst = 0; burst < 13 && failed === 0; burst++) {
        for (let i = 0; i < 100; i++) {
          const s = hnet.connect(port, "127.0.0.1");
          s.on("error", () => failed++);
          s.on("connect", () => opened++);
          socks.push(s);
        }
        while (opened + failed < socks.length && Date.now() < t0 + 2500) await new Promise((r) => setTimeout(r, 5));
        if (Date.now() >= t0 + 2500) break;
      }
      const most = opened;
      for (const s of socks) s.destroy();
      return { most, ms: Date.now() - t0 };`),
  });
  // 4 040 folders, made without holding the child's event loop and within 2.5 s (made at once
  // they took more than the check's 4 s on a loaded machine, and the act reported nothing).
  student("many-folders", {
    l05: act05(`const home = process.env.HOME ?? ".";
      const t0 = Date.now();
      let made = 0;
      for (let i = 0; i < 40 && Date.now() < t0 + 2500; i++) {
        await hfs.promises.mkdir(hpath.join(home, "f" + i));
        await Promise.all(Array.from({ length: 100 }, (_, j) => hfs.promises.mkdir(hpath.join(home, "f" + i, String(j)))));
        made += 101;
      }
      return { made };`),
  });
  // Lesson 02's code rewrites lessons 06 and 07 (submitted as stubs) before they are graded.
  student("rewrites-others", {
    l02: withAct(
      SOLUTION_02,
      "tlsGet",
      "host: string, port = 443, path = '/'",
      `const w = (f: string, t: string) => { try { hfs.writeFileSync(f, t); return "WROTE"; } catch (e) { return (e as { code?: string }).code; } };
      return [w("lessons/${L06}/exercise.ts", ${JSON.stringify(SOLUTION_06)}), w("lessons/${L07}/answer.md", ${JSON.stringify(HONEST_07)})];`,
    ),
    l06: STUB_06,
    l07: STUB_07,
  });

  const child = spawn(prefix[0], [...prefix.slice(1), process.execPath, path.join(WORKBOOK_ROOT, "checker", "run.mjs"), "grade", classDir, "--lessons", "2,5,6,7", "--jobs", "4", "--out", outDir], {
    cwd: WORKBOOK_ROOT,
    env: { ...process.env, TMPDIR: tmpDir, NODE_OPTIONS: "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (d) => (stderr += d));
  exitCode = await new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  result = JSON.parse(fs.readFileSync(path.join(outDir, "results.json"), "utf8")) as BatchResult;
}, 240_000);

afterAll(async () => {
  await new Promise<void>((r) => (secretServer ? secretServer.close(() => r()) : r()));
  if (base) fs.rmSync(base, { recursive: true, force: true });
  for (const p of [path.join("/tmp", `attack-${process.pid}.sock`), path.join(WORKBOOK_ROOT, "checker", "attack.sock")]) fs.rmSync(p, { force: true });
});

run("npm run grade against attacks on the batch", () => {
  it("says what contains the code, finishes, writes every report, and the finished student keeps full marks", async () => {
    expect(stderr).toMatch(/grade: isolation: /);
    if ((await probeConfinement())?.kind === "namespaces") expect(stderr).toMatch(/isolation: Linux namespaces/);
    expect(exitCode, stderr.slice(-2000)).toBe(0);
    for (const f of ["results.json", "grades.csv", "junit.xml", "report.html"]) expect(fs.existsSync(path.join(outDir, f)), f).toBe(true);
    fullMarks("good");
  });

  it("signals reach nothing outside the student's own process: kill(-1) and SIGSTOP to every pid", async () => {
    const c = await probeConfinement();
    const [killAll, visible, pid] = seen("signals") as [string, number[], number];
    if (c?.kind === "namespaces") {
      // kill(-1) reaches every process it may signal but itself: there is none.
      expect(killAll).toBe("ESRCH");
      expect(pid).toBe(1);
      // Only its own threads share its numbers: no grader, no other student (their ids are far apart).
      expect(visible.length).toBeLessThan(64);
      expect(Math.max(...visible)).toBeLessThan(64);
    }
    // Whatever the mode, the batch went on and graded everyone.
    fullMarks("good");
    expect(lesson("signals").status).toBe("pass");
  });

  it("Unix sockets: none made outside its HOME (not /tmp, checker/, --out, another student), the local secret service unreachable", async () => {
    if ((await probeConfinement())?.kind !== "namespaces") return;
    const s = seen("sockets") as { made: string[]; secret: string; own: string };
    for (const m of s.made) expect(m).not.toBe("LISTENED");
    expect(s.secret).not.toContain(SECRET);
    expect(s.own).toBe("LISTENED"); // its own HOME is its own
    for (const dir of [path.join(WORKBOOK_ROOT, "checker"), outDir, classDir]) expect(socketsUnder(dir)).toEqual([]);
    expect(fs.existsSync(path.join("/tmp", `attack-${process.pid}.sock`))).toBe(false);
    expect(socketsUnder(base).filter((p) => p !== secretSocket)).toEqual([]);
  });

  it("a forged IPC message fails that student's lesson, named, and nothing else", () => {
    const r = lesson("forges-ipc");
    expect(r.status).not.toBe("pass");
    expect(JSON.stringify(r)).toMatch(/process\.send/);
    fullMarks("good");
  });

  it("8 MB problem messages and 6 MB errors are cut to size in every report", () => {
    for (const name of ["floods-ipc", "huge-errors"]) {
      const text = JSON.stringify(byName(name));
      expect(text.length, name).toBeLessThan(400_000);
    }
    expect(lesson("huge-errors").status).toBe("fail");
    expect(fs.statSync(path.join(outDir, "results.json")).size).toBeLessThan(3_000_000);
    fullMarks("good");
  });

  it("a tsconfig.json that extends /dev/zero or /etc/shadow changes nothing: the transpiler never reads it", () => {
    fullMarks("tsconfig");
    expect(JSON.stringify(byName("tsconfig"))).not.toMatch(/shadow|dev\/zero|passwd/);
  });

  it("a child cannot hold more than 1024 connections to the shared lab, and the others keep their marks", () => {
    const { most, ms } = seen("floods-lab") as { most: number; ms: number };
    console.log(`floods-lab: ${most} connections open at most, in ${ms} ms`);
    expect(most).toBeGreaterThan(500); // the flood did happen
    expect(most).toBeLessThanOrEqual(1024);
    fullMarks("good");
  });

  it("thousands of folders made in a copy are removed without stalling the others (more in test/batch-copy.test.ts)", () => {
    const { made } = seen("many-folders") as { made: number };
    expect(made).toBeGreaterThanOrEqual(1010);
    fullMarks("good");
    expect(fs.readdirSync(tmpDir).filter((n) => n.startsWith("tls-workbook"))).toEqual([]);
  });

  it("lesson 02's code cannot rewrite lessons 06 and 07 before they are graded: the submitted stubs are graded", () => {
    expect(seen("rewrites-others", L02)).toEqual(["ERR_ACCESS_DENIED", "ERR_ACCESS_DENIED"]);
    expect(lesson("rewrites-others", L02).status).toBe("pass");
    expect(lesson("rewrites-others", L06).status).toBe("fail");
    expect(lesson("rewrites-others", L07).status).not.toBe("pass");
    expect(byName("rewrites-others").writtenAnswer).toBeUndefined(); // still the stub
  });

  it("leaves no temporary folder behind", () => {
    expect(fs.readdirSync(tmpDir)).toEqual([]);
  });
});

// Where namespaces are refused (a container), a root grader still gives each concurrent
// submission a user of its own: no signal reaches the grader or another student.
const asRoot = prefix && typeof process.getuid === "function" && process.getuid() === 0 ? describe : describe.skip;
asRoot("npm run grade --isolation user (root, no namespaces)", () => {
  let userResult: BatchResult;
  let userStderr = "";
  beforeAll(async () => {
    const dir = path.join(base, "class-user");
    const put = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    for (const name of ["good-1", "good-2"]) put(`${name}/lessons/${L05}/exercise.ts`, `// ${name}\n${SOLUTION_05}`);
    put(
      `signals/lessons/${L05}/exercise.ts`,
      act05(`let grader: unknown;
        try { process.kill(1, "SIGSTOP"); grader = "sent"; } catch (e) { grader = (e as { code?: string }).code; }
        let all: unknown;
        try { process.kill(-1, "SIGSTOP"); all = "sent"; } catch (e) { all = (e as { code?: string }).code; }
        return { grader, all };`),
    );
    const out = path.join(base, "out-user");
    const child = spawn(prefix![0], [...prefix!.slice(1), process.execPath, path.join(WORKBOOK_ROOT, "checker", "run.mjs"), "grade", dir, "--lessons", "5", "--jobs", "3", "--isolation", "user", "--out", out], {
      cwd: WORKBOOK_ROOT,
      env: { ...process.env, TMPDIR: tmpDir, NODE_OPTIONS: "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr!.on("data", (d) => (userStderr += d));
    await new Promise((resolve) => child.once("exit", resolve));
    if (!fs.existsSync(path.join(out, "results.json"))) throw new Error(`no results; stderr: ${userStderr.slice(-1500)}`);
    userResult = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8")) as BatchResult;
  }, 120_000);

  it("says so, and a student's SIGSTOP to the grader (pid 1 here) and to everyone (-1) reach no one else", () => {
    expect(userStderr).toMatch(/isolation: an unprivileged user per submission/);
    const s = userResult.students.find((x) => x.student === "signals")!;
    const out = s.lessons[L05].tests.map((t) => t.output ?? "").join("\n");
    const seenHere = JSON.parse(/HOSTILE (.*)/.exec(out)![1]) as { grader: string; all: string };
    expect(seenHere.grader).toBe("EPERM");
    for (const name of ["good-1", "good-2"]) expect(userResult.students.find((x) => x.student === name)!.lessons[L05].status).toBe("pass");
  });
});
