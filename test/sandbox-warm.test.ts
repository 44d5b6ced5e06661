// Watch mode's warm child: the next sandbox with the same settings gets a process that was
// started ahead, each child still runs one grading only, and nothing is left running.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { dropSpareChild, Sandbox, spareChildPid } from "../checker/sandbox/sandbox.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-warm-"));
const file = path.join(dir, "exercise.ts");
fs.writeFileSync(file, `export function pid(): number { return process.pid; }\n`);
afterAll(() => {
  dropSpareChild();
  fs.rmSync(dir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it("hands the child started ahead to the next sandbox with the same settings, and starts another", async () => {
  const first = await Sandbox.start({ file, keepWarm: true });
  const spare = spareChildPid();
  expect(spare).toBeDefined();
  expect(spare).not.toBe(first.pid);
  const r1 = await first.call("pid");
  await first.close();
  const second = await Sandbox.start({ file, keepWarm: true });
  expect(second.pid).toBe(spare);
  const r2 = await second.call("pid");
  expect(r2).toMatchObject({ status: "resolved", value: spare });
  expect(r1).toMatchObject({ status: "resolved" });
  expect((r1 as { value: number }).value).not.toBe(spare); // one grading per child
  await second.close();
  expect(alive(spare!)).toBe(false);
  const next = spareChildPid()!;
  dropSpareChild();
  await new Promise((r) => setTimeout(r, 200));
  expect(alive(next)).toBe(false);
});

it("does not hand a spare to a sandbox with other settings (it starts its own and the spare is replaced)", async () => {
  const a = await Sandbox.start({ file, keepWarm: true });
  const spare = spareChildPid()!;
  await a.close();
  const b = await Sandbox.start({ file, keepWarm: true, extraEnv: { TZ: "Pacific/Kiritimati" } });
  expect(b.pid).not.toBe(spare);
  await b.close();
  await new Promise((r) => setTimeout(r, 200));
  expect(alive(spare)).toBe(false);
  dropSpareChild();
});
