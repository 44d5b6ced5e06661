// Runner robustness: hostile learner files are graded as failed (or error) in bounded time,
// the grader survives, and no port stays open.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Lab } from "../checker/lab/lab.ts";
import { failureText, gradeSource } from "./helpers.ts";

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start();
});
afterAll(async () => {
  await lab.close();
});

const SIGNATURE = `export interface TlsGetResult { tlsVersion: string; issuedTo: string; response: string }`;
const fast = { timeoutMs: 1500 };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function isOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = Date.now();
  const r = await f();
  return [r, Date.now() - t];
}

it("a function that never settles fails with a timeout, in bounded time", async () => {
  const [r, ms] = await timed(() => gradeSource("2", `${SIGNATURE}\nexport async function tlsGet(): Promise<TlsGetResult> { return new Promise(() => {}); }`, lab, fast));
  expect(r.status).toBe("fail");
  expect(failureText(r)).toMatch(/did not finish within 1\.5 s/);
  expect(ms).toBeLessThan(8000);
});

it("a call that times out still shows what it printed and the connection it opened", async () => {
  // Connects with TLS, logs, and never resolves: the report of the hang carries both.
  const source = `${SIGNATURE}
import tls from "node:tls";
export async function tlsGet(host: string, port = 443): Promise<TlsGetResult> {
  return new Promise(() => {
    const socket = tls.connect({ host, port, servername: host }, () => console.log("connected to " + host + ", now waiting"));
    socket.on("error", () => {});
  });
}`;
  const r = await gradeSource("2", source, lab, fast);
  const first = r.tests[0];
  expect(first.status).toBe("fail");
  expect(first.message).toMatch(/did not finish within 1\.5 s/);
  expect(first.output).toMatch(/^connected to [a-z0-9.-]+, now waiting/m);
  expect(first.trace?.length).toBeGreaterThanOrEqual(1);
  expect(first.trace![0].endpoint).toBe("good");
});

it("a synchronous endless loop is reported as a blocked event loop and killed", async () => {
  const [r, ms] = await timed(() => gradeSource("2", `${SIGNATURE}\nexport async function tlsGet(): Promise<TlsGetResult> { for (;;) {} }`, lab, fast));
  expect(r.status).toBe("fail");
  expect(failureText(r)).toMatch(/blocked the event loop/);
  expect(ms).toBeLessThan(8000);
});

it("process.exit(0) is named, not mistaken for success", async () => {
  const r = await gradeSource("2", `${SIGNATURE}\nexport async function tlsGet(): Promise<TlsGetResult> { process.exit(0); }`, lab, fast);
  expect(r.status).toBe("fail");
  expect(failureText(r)).toMatch(/process\.exit\(0\)/);
});

it("throwing a string fails the checks and says it was not an Error", async () => {
  const r = await gradeSource("2", `${SIGNATURE}\nexport async function tlsGet(): Promise<TlsGetResult> { throw "nope"; }`, lab, fast);
  expect(r.status).toBe("fail");
  expect(failureText(r)).toMatch(/thrown string \("nope"\), not an Error/);
});

it("5 MB of console output stops the child and says so", async () => {
  const [r, ms] = await timed(() =>
    gradeSource("2", `${SIGNATURE}\nexport async function tlsGet(): Promise<TlsGetResult> { for (let i = 0; i < 50_000; i++) console.log("x".repeat(100)); return { tlsVersion: "", issuedTo: "", response: "" }; }`, lab, fast),
  );
  expect(r.status).toBe("fail");
  expect(failureText(r)).toMatch(/printed more than 1 MiB/);
  expect(ms).toBeLessThan(8000);
});

it("output that bypasses console (fs.writeSync to fd 1) is still capped", async () => {
  const r = await gradeSource(
    "2",
    `import fs from "node:fs";\n${SIGNATURE}\nexport async function tlsGet(): Promise<TlsGetResult> { for (let i = 0; i < 4000; i++) { try { fs.writeSync(1, "y".repeat(1000) + "\\n"); } catch {} await new Promise((r) => setImmediate(r)); } await new Promise(() => {}); throw new Error(); }`,
    lab,
    fast,
  );
  expect(r.status).toBe("fail");
  expect(failureText(r)).toMatch(/printed more than the output limit/);
});

it("an unhandled rejection is reported by the clean-up check", async () => {
  // A copy of the reference (importing solutions/ itself is refused, see below).
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-ref-")), "reference.ts");
  fs.copyFileSync(new URL("../solutions/02-verified-client/exercise.ts", import.meta.url), copy);
  const r = await gradeSource("2", `import { tlsGet as real } from ${JSON.stringify(copy)};\n${SIGNATURE}\nexport async function tlsGet(h: string, p?: number, path?: string): Promise<TlsGetResult> { Promise.reject(new Error("forgotten")); return real(h, p, path); }`, lab, fast);
  expect(r.status).toBe("fail");
  const cleanup = r.tests.find((t) => t.name.startsWith("leaves nothing behind"))!;
  expect(cleanup.status).toBe("fail");
  expect(cleanup.message).toMatch(/unhandled promise rejection: Error: forgotten/);
  fs.rmSync(path.dirname(copy), { recursive: true, force: true });
});

it("a server left listening is reported, and its port is closed after grading", async () => {
  const port = await freePort();
  const r = await gradeSource("2", `import net from "node:net";\nnet.createServer().listen(${port}, "127.0.0.1");\n${SIGNATURE}\nexport async function tlsGet(): Promise<TlsGetResult> { throw new Error("no"); }`, lab, fast);
  expect(r.status).toBe("fail");
  expect(r.tests.find((t) => t.name.startsWith("leaves nothing behind"))!.message).toMatch(/1 server\(s\) still listening/);
  expect(await isOpen(port)).toBe(false);
});

it("a syntax error is an error with the learner's file and line, not a grader stack", async () => {
  const r = await gradeSource("2", `${SIGNATURE}\nexport async function tlsGet(: Promise<TlsGetResult> {\n}`, lab, fast);
  expect(r.status).toBe("error");
  expect(r.tests).toEqual([]);
  expect(r.message).toMatch(/^could not compile .*exercise\.ts:2:\d+: /);
  expect(r.message).not.toMatch(/\n\s+at /);
});

it("an exception at import time is an error pointing at the learner's line", async () => {
  const r = await gradeSource("2", `${SIGNATURE}\n\nthrow new TypeError("boom at load");\nexport async function tlsGet(): Promise<TlsGetResult> { throw new Error(); }`, lab, fast);
  expect(r.status).toBe("error");
  expect(r.message).toMatch(/could not load your file: .*exercise\.ts:3:\d+: TypeError: boom at load/);
});

it("a missing export is a failed check that names it", async () => {
  const r = await gradeSource("2", `export async function tlsGetx() { return 1; }`, lab, fast);
  expect(r.status).toBe("fail");
  expect(failureText(r)).toMatch(/export a function named tlsGet/);
});

it("grading leaves the lab's ports as they were and the grader's own lab closed", async () => {
  const before = Object.values(lab.endpoints).filter((e) => e.kind !== "refused").map((e) => e.port);
  const servers = () => process.getActiveResourcesInfo().filter((h) => h === "TCPServerWrap").length;
  const listening = servers();
  await gradeSource("2", `${SIGNATURE}\nexport async function tlsGet(): Promise<TlsGetResult> { process.exit(1); }`, undefined, fast);
  for (const port of before) expect(await isOpen(port)).toBe(true); // the shared lab is untouched
  expect(servers()).toBe(listening); // the lab started for that grading is gone
});

it("a learner file that re-exports the reference solution does not compile (self-study too, not only in a class)", async () => {
  const solution = new URL("../solutions/05-reject-bad-certs/exercise.ts", import.meta.url).pathname;
  const r = await gradeSource("5", `export * from ${JSON.stringify(solution)};\n`, lab, fast);
  expect(r.status).toBe("error");
  expect(r.message).toMatch(/cannot import ".*solutions\/05-reject-bad-certs\/exercise\.ts": it is the workbook's own solutions\/ folder/);
});

it.runIf(process.platform === "linux")("a server the learner's code hides from the harness is still found: on Linux the kernel's view decides", async () => {
  const port = await freePort();
  const r = await gradeSource(
    "2",
    `import net from "node:net";\nnet.createServer().listen(${port}, "127.0.0.1");\n// Hide it from anything in this process that asks:\nprocess.getActiveResourcesInfo = () => [];\n(process as any)._getActiveHandles = () => [];\n${SIGNATURE}\nexport async function tlsGet(): Promise<TlsGetResult> { throw new Error("no"); }`,
    lab,
    fast,
  );
  expect(r.tests.find((t) => t.name.startsWith("leaves nothing behind"))!.message).toMatch(/1 server\(s\) still listening/);
});
