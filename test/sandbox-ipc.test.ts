// The grader's side of the IPC channel treats the child as hostile: the learner's code can call
// process.send itself. A message the harness would never send stops that child, with a reason
// naming process.send; whatever is kept of a message is cut to size; nothing throws in the grader.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { LIMITS, parseChildMessage, roughSize } from "../checker/sandbox/messages.ts";
import { Sandbox } from "../checker/sandbox/sandbox.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-ipc-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function sandboxFor(body: string): Promise<Sandbox> {
  const file = path.join(dir, `f-${Math.random().toString(36).slice(2)}.ts`);
  fs.writeFileSync(file, `export async function go(): Promise<unknown> { ${body} }\n`);
  return Sandbox.start({ file, timeoutMs: 3000 });
}

it.each([
  ["a result with status rejected and no error", `process.send!({ type: "result", id: 1, status: "rejected" });`],
  ["a type the harness never sends", `process.send!({ type: "hello" });`],
  ["a pong in answer to a call", `process.send!({ type: "pong", id: 1 });`],
  ["a string instead of an object", `process.send!("result");`],
  ["a result whose value is over a megabyte", `process.send!({ type: "result", id: 1, status: "resolved", value: "v".repeat(2 * 1024 * 1024), output: "", tls: [] });`],
])("a forged message (%s) stops that child and says so; the call resolves as broken, never throws", async (_, send) => {
  const sb = await sandboxFor(`${send} await new Promise((r) => setTimeout(r, 2000)); return "late";`);
  try {
    const r = await sb.call("go");
    expect(r.status).toBe("broken");
    expect(r.status === "broken" && r.reason).toBe("protocol");
    expect(r.status === "broken" && r.message).toMatch(/process\.send/);
  } finally {
    await sb.close();
  }
});

it("keeps at most LIMITS.problems problems, each error cut to LIMITS.message / LIMITS.stack characters", async () => {
  const sb = await sandboxFor(`const big = "p".repeat(256 * 1024);
    for (let i = 0; i < 60; i++) process.send!({ type: "problem", kind: "uncaught-exception", error: { isError: true, message: big, stack: big, code: big } });
    await new Promise((r) => setTimeout(r, 500));
    return "done";`);
  try {
    const r = await sb.call("go");
    expect(r.status).toBe("resolved");
    expect(sb.problems.length).toBe(LIMITS.problems);
    for (const p of sb.problems) {
      expect(p.error.message!.length).toBeLessThan(LIMITS.message + 50);
      expect(p.error.stack!.length).toBeLessThan(LIMITS.stack + 50);
      expect(p.error.code!.length).toBeLessThan(LIMITS.message + 50);
    }
  } finally {
    await sb.close();
  }
});

it("an error thrown with a 6 MB message and stack reaches the grader cut to size", async () => {
  const sb = await sandboxFor(`throw Object.assign(new Error("e".repeat(6 * 1024 * 1024)), { code: "X".repeat(100_000) });`);
  try {
    const r = await sb.call("go");
    expect(r.status).toBe("rejected");
    if (r.status !== "rejected") return;
    expect(r.error.message!.length).toBeLessThan(LIMITS.message + 50);
    expect(r.error.code!.length).toBeLessThan(LIMITS.message + 50);
    expect((r.error.stack ?? "").length).toBeLessThan(LIMITS.stack + 50);
  } finally {
    await sb.close();
  }
});

it("parseChildMessage keeps only the fields the harness sends, of the right types", () => {
  expect(parseChildMessage({ type: "result", id: 0, status: "resolved", value: 1 })).toBeUndefined(); // ids start at 1
  expect(parseChildMessage({ type: "result", id: 2, status: "resolved", value: 1, tls: [{ servername: 5 }] })).toBeUndefined();
  expect(parseChildMessage({ type: "problem", kind: "other", error: { isError: true } })).toBeUndefined();
  expect(parseChildMessage({ type: "inspected", id: 3, resources: ["TCPServerWrap", 7, "x".repeat(500)] })).toEqual({ type: "inspected", id: 3, resources: ["TCPServerWrap", "x".repeat(100)], openBy: [] });
  expect(parseChildMessage({ type: "inspected", id: 3, resources: [], openBy: ["tlsGet", 5, ...Array(20).fill("y".repeat(300))] })).toEqual({ type: "inspected", id: 3, resources: [], openBy: ["tlsGet", ...Array(9).fill("y".repeat(100))] });
  expect(parseChildMessage({ type: "ready", exports: { go: "function", bad: 3 }, output: 1 })).toEqual({ type: "ready", exports: { go: "function" }, output: "" });
  // A pong about a call that timed out: its output cut to size, its connections only with valid ports.
  const pong = parseChildMessage({ type: "pong", id: 4, output: "o".repeat(LIMITS.output + 10), connections: [{ localPort: 50000, remotePort: 8441 }, { localPort: "x", remotePort: 1 }, { localPort: 70000, remotePort: 1 }] });
  expect(pong).toMatchObject({ type: "pong", id: 4, connections: [{ localPort: 50000, remotePort: 8441 }] });
  expect((pong as { output: string }).output).toMatch(new RegExp(`^o{${LIMITS.output}}… \\(cut at`));
  expect(parseChildMessage({ type: "pong", id: 5, output: 7 })).toEqual({ type: "pong", id: 5 });
  const cyclic: Record<string, unknown> = { a: "x" };
  cyclic.self = cyclic;
  expect(roughSize(cyclic)).toBeLessThan(100);
});
