// `npm run lab -- --json`: the endpoint list on stdout once every endpoint listens, then
// serving until interrupted, then every port closed.
import fs from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { execa } from "execa";
import { expect, it } from "vitest";
import { ENDPOINTS } from "../checker/lab/endpoints.ts";
import { WORKBOOK_ROOT } from "../checker/paths.ts";

it("prints the list as JSON, serves on the documented ports, and closes on a signal", async () => {
  const child = execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "lab", "--json"], { cwd: WORKBOOK_ROOT, reject: false, stdin: "ignore" });
  const firstLine = await new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      const i = buf.indexOf("\n");
      if (i >= 0) resolve(buf.slice(0, i));
    });
    child.once("exit", () => reject(new Error(`lab exited early: ${buf}`)));
  });
  const list = JSON.parse(firstLine) as { name: string; port: number; host: string; expect: string; caFile: string }[];
  expect(list.map((e) => e.name)).toEqual(ENDPOINTS.map((e) => e.name));
  for (const e of list) {
    expect(e).toMatchObject({ host: "localhost", port: ENDPOINTS.find((s) => s.name === e.name)!.labPort, expect: ENDPOINTS.find((s) => s.name === e.name)!.expect });
    expect(path.isAbsolute(e.caFile)).toBe(true);
  }
  expect(JSON.parse(fs.readFileSync(path.join(WORKBOOK_ROOT, "certs/lab/endpoints.json"), "utf8"))).toEqual(list);

  // A verifying client that trusts the printed caFile connects to good.
  const good = list.find((e) => e.name === "good")!;
  const protocol = await new Promise<string | null>((resolve, reject) => {
    const s = tls.connect({ host: good.host, port: good.port, servername: good.host, ca: fs.readFileSync(good.caFile) }, () => {
      resolve(s.getProtocol());
      s.end();
    });
    s.once("error", reject);
  });
  expect(protocol).toBe("TLSv1.3");

  child.kill("SIGTERM");
  const done = await child;
  expect(done.exitCode).toBe(0);
  const stillOpen = await new Promise<boolean>((resolve) => {
    const s = tls.connect({ host: "127.0.0.1", port: good.port }, () => resolve(true));
    s.once("error", () => resolve(false));
  });
  expect(stillOpen).toBe(false);
});

it("prints its endpoint table in 100 columns at most, wrapping the long cells, every endpoint on it", async () => {
  const child = execa(process.execPath, [path.join(WORKBOOK_ROOT, "checker/run.mjs"), "lab"], { cwd: WORKBOOK_ROOT, reject: false, env: { NO_COLOR: "1" }, stdin: "ignore" });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d));
  for (let i = 0; i < 200 && !out.includes("Serving until Ctrl+C."); i++) await new Promise((r) => setTimeout(r, 50));
  child.kill("SIGINT");
  await child;
  const lines = out.split("\n");
  for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(100);
  for (const e of ENDPOINTS) expect(lines.some((l) => l.startsWith(`${e.name} `))).toBe(true);
}, 30_000);
