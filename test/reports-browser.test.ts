// report.html in a real browser: headless Chromium opens the file, and the DOM it built
// shows every student with a cell per lesson holding the checks; nothing a student wrote
// became an element. Chromium is Debian's package: installed here with apt-get when it is
// missing and that is possible (Linux, apt-get, root; bounded in time), otherwise the tests
// are skipped with a notice saying why.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { BatchResult, StudentResult } from "../checker/batch/types.ts";
import { writeReports } from "../checker/report/batch-reports.ts";
import { visibleControls } from "../checker/report/escape.ts";
import { ALL_LESSONS, gradedBatch, handBatch, HOSTILE_NAME } from "./fixtures/batch-result.ts";

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter((p): p is string => Boolean(p));
/** apt-get may wait for another install's lock and download ~100 MB: bounded, but not tight. */
const INSTALL_MS = 420_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(cmd: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 << 20, env }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; killed?: boolean }) | null;
      resolve({ code: e ? (typeof e.code === "number" ? e.code : null) : 0, stdout: String(stdout), stderr: String(stderr), timedOut: Boolean(e?.killed) });
    });
  });
}

const found = () => CANDIDATES.find((p) => fs.existsSync(p));

/** The browser's path, or why there is none. */
async function ensureChromium(): Promise<{ bin: string } | { reason: string }> {
  const have = found();
  if (have) return { bin: have };
  if (process.platform !== "linux") return { reason: `no Chromium at ${CANDIDATES.join(", ")}, and installing it is only done on Debian-like Linux (set CHROMIUM_PATH to use one)` };
  if (!fs.existsSync("/usr/bin/apt-get")) return { reason: "no Chromium, and no apt-get to install it with" };
  if (process.getuid?.() !== 0) return { reason: "no Chromium, and not root to apt-get install it (sudo apt-get install chromium, or set CHROMIUM_PATH)" };
  const deadline = Date.now() + INSTALL_MS;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => run("apt-get", ["-o", "DPkg::Lock::Timeout=120", "install", "-y", "--no-install-recommends", "chromium"], Math.max(1000, deadline - Date.now()), env);
  process.stderr.write("reports-browser: Chromium is missing; installing Debian's package with apt-get (bounded to 7 minutes)…\n");
  let r = await install();
  if (r.code !== 0 && !r.timedOut && Date.now() < deadline) {
    // Stale or missing package lists: refresh them once and try again.
    await run("apt-get", ["-o", "DPkg::Lock::Timeout=60", "update"], Math.min(180_000, deadline - Date.now()), env);
    r = await install();
  }
  const now = found();
  if (now) return { bin: now };
  const why = r.timedOut ? "timed out" : (r.stderr.trim().split("\n").pop() ?? `exit ${r.code}`);
  return { reason: `no Chromium, and apt-get install chromium failed: ${why}` };
}

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let chromium: { bin: string } | { reason: string };
let tmp: string;
let batch: BatchResult;
let page: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-browser-"));
  const [c, graded] = await Promise.all([ensureChromium(), gradedBatch()]);
  chromium = c;
  if ("reason" in c) process.stderr.write(`reports-browser: skipped: ${c.reason}\n`);
  // Real gradings (solutions, stubs, a hostile student) plus a name that is a spreadsheet
  // formula and checks with control characters.
  batch = { ...graded, students: [...graded.students, handBatch().students[2]] };
  [, , , page] = await writeReports(batch, path.join(tmp, "out"));
}, INSTALL_MS + 120_000);

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A fresh, empty profile for every start: nothing from another run, nothing kept. */
function browse(extra: string[], file = page): Promise<Run> {
  const profile = fs.mkdtempSync(path.join(tmp, "profile-"));
  return run((chromium as { bin: string }).bin, [...FLAGS, `--user-data-dir=${profile}`, ...extra, pathToFileURL(file).href], 90_000);
}

/** Text as Chromium serialises it back, decoded. */
function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: "\u00a0" })[e]!);
}

it("opens in headless Chromium and shows every student, with a cell per lesson holding the checks", async (ctx) => {
  if ("reason" in chromium) ctx.skip(`Chromium unavailable: ${chromium.reason}`);
  const r = await browse(["--dump-dom"]);
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  const dom = r.stdout;
  expect(dom).toMatch(/<h1>TLS workbook · class report<\/h1>/);
  // What a student wrote never became markup: no script, no image, no handler, anywhere.
  const tags = dom.match(/<[a-zA-Z][^>]*>/g) ?? [];
  const elements = new Set(tags.map((t) => /^<(\w+)/.exec(t)![1].toLowerCase()));
  expect(elements).not.toContain("script");
  expect(elements).not.toContain("img");
  for (const t of tags) expect(t.replace(/"[^"]*"/g, '""')).not.toMatch(/\son\w+=/i);
  const rows = [...dom.matchAll(/<tr id="student-(\d+)" class="student">(.*?)<\/tr>/gs)];
  expect(rows.length).toBe(batch.students.length);
  for (const [i, s] of batch.students.entries()) {
    const row = rows[i][2];
    const name = /<span class="name">(.*?)<\/span>/s.exec(row)?.[1];
    expect(decode(name ?? ""), `row ${i}`).toBe(s.student);
    const cells = [...row.matchAll(/<td class="cell (\w+)" data-lesson="([^"]+)" data-status="(\w+)">(.*?)<\/td>/gs)];
    expect(cells.map((c) => c[2])).toEqual(batch.lessons);
    for (const [j, c] of cells.entries()) {
      const r = s.lessons[batch.lessons[j]];
      expect(c[3]).toBe(r?.status ?? "missing");
      const text = decode(c[4]);
      for (const t of r?.tests ?? []) expect(text).toContain(visibleControls(t.name));
      if (r && r.tests.length === 0) expect(text).toContain(visibleControls(r.message ?? "").slice(0, 40));
    }
    expect(row).toMatch(/<td class="total" data-points="\d+">/);
  }
  expect(decode(dom)).toContain(HOSTILE_NAME);
  // The flags and the written answers are there too.
  expect(dom).toMatch(/<section id="flags">.*identical to the reference solution/s);
  // (an answer for each student who handed one in)
  expect((dom.match(/<article id="answer-\d+" class="written">/g) ?? []).length).toBe(batch.students.filter((s) => s.writtenAnswer !== undefined).length);
});

it("renders to a screenshot", async (ctx) => {
  if ("reason" in chromium) ctx.skip(`Chromium unavailable: ${chromium.reason}`);
  const shot = path.join(tmp, "report.png");
  const r = await browse([`--screenshot=${shot}`, "--window-size=1400,1000", "--hide-scrollbars"]);
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  const png = fs.readFileSync(shot);
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.readUInt32BE(16)).toBe(1400); // IHDR width
  expect(png.length).toBeGreaterThan(20_000); // a page, not a blank
  // For a person to look at: TLS_WORKBOOK_SCREENSHOT=/path/to/file.png npx vitest run test/reports-browser.test.ts
  if (process.env.TLS_WORKBOOK_SCREENSHOT) fs.copyFileSync(shot, process.env.TLS_WORKBOOK_SCREENSHOT);
});

/**
 * A made-up class at its widest: the seven lessons, a 40-character name in one word and one
 * in several, a file shared by three, points set by hand, long check names and messages.
 */
function wideBatch(): BatchResult {
  const b = handBatch();
  const [ada, zoe] = b.students;
  const word = "Maximiliana-Featherstonehaugh-Wolfeschle";
  const words = "Bartholomew Alexander Featherstonehaughs";
  expect([word.length, words.length]).toEqual([40, 40]);
  const long = (k: number) => `${"a check whose name goes on and on ".repeat(3)}${k}`;
  const wordy: StudentResult = {
    ...ada,
    student: word,
    lessons: Object.fromEntries(
      ALL_LESSONS.map((id, j) => [
        id,
        { version: 3, lesson: id, status: "fail", tests: [...Array(13)].map((_, k) => ({ name: long(k), status: k % 3 ? "pass" : "fail", message: `expected: ${"x".repeat(400)}\ngot:      ${"y".repeat(j * 50)}`, output: "z".repeat(300) })) },
      ]),
    ),
    overrides: { [ALL_LESSONS[3]]: { points: 7, reason: "a long reason ".repeat(30) }, [ALL_LESSONS[6]]: { points: 10 } },
    flags: [{ lesson: ALL_LESSONS[4], kind: "matches-student", other: words }],
  };
  const spaced: StudentResult = { ...zoe, student: words, overrides: { [ALL_LESSONS[1]]: { points: 3, reason: "by hand" } }, flags: [{ lesson: ALL_LESSONS[4], kind: "matches-student", other: word }] };
  return { ...b, students: [...b.students, wordy, spaced] };
}

const attr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;");

it("fits 1024 px wide: no horizontal page scroll with 7 lessons and a 40-character name, with a cell open or not", async (ctx) => {
  if ("reason" in chromium) ctx.skip(`Chromium unavailable: ${chromium.reason}`);
  const b = wideBatch();
  const dir = path.join(tmp, "wide");
  const [, , , report] = await writeReports(b, dir);
  // The report runs no script (its policy forbids it): a page of the test's own shows it in a
  // 1024×768 frame, measures it, then opens each cell of the class table in turn.
  const measure = `
    const f = document.getElementById("f");
    let done = false;
    function measure() {
      const d = f.contentDocument;
      if (done || !d || d.URL !== "about:srcdoc" || !d.querySelector(".grades")) return;
      done = true;
      const de = d.documentElement;
      const out = { viewport: de.clientWidth, closed: de.scrollWidth, cells: 0, wide: [] };
      for (const td of d.querySelectorAll("td.cell")) {
        const det = td.querySelector("details");
        det.open = true;
        out.cells++;
        if (de.scrollWidth > 1024) out.wide.push(td.closest("tr").id + " " + td.dataset.lesson + " " + de.scrollWidth);
        det.open = false;
      }
      document.getElementById("out").textContent = JSON.stringify(out);
    }
    f.addEventListener("load", measure);
    measure();`;
  const harness = path.join(dir, "measure.html");
  fs.writeFileSync(
    harness,
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>measure</title></head><body style="margin:0"><iframe id="f" style="border:0;width:1024px;height:768px" srcdoc="${attr(fs.readFileSync(report, "utf8"))}"></iframe><pre id="out"></pre><script>${measure}</script></body></html>`,
  );
  const r = await browse(["--dump-dom", "--window-size=1280,900"], harness);
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  const json = /<pre id="out">(.*?)<\/pre>/s.exec(r.stdout)?.[1];
  expect(json, "the measuring page did not run").toBeTruthy();
  const m = JSON.parse(decode(json!)) as { viewport: number; closed: number; cells: number; wide: string[] };
  expect(m.viewport).toBeLessThanOrEqual(1024);
  expect(m.viewport).toBeGreaterThan(900);
  expect(m.closed).toBeLessThanOrEqual(1024); // document.documentElement.scrollWidth
  expect(m.cells).toBe(b.students.length * ALL_LESSONS.length);
  expect(m.wide).toEqual([]); // no cell, opened, pushes the page wider
});
