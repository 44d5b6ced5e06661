// The batch's asynchronous copy of a submission and removal of the copy: bounded (folders,
// files, bytes, depth), never following or recreating a link, turning what cannot be read into
// a listed skip, and never holding the grader's event loop for long, even for a submission
// of tens of thousands of folders.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { copySubmissionAsync, DEFAULT_COPY_LIMITS, MAX_SKIPPED_LISTED, removeTree, sortSliced } from "../checker/batch/copy.ts";

/**
 * What tells a copy or removal that yields from one that holds the event loop, on a machine at any
 * load: the event loop keeps turning meanwhile (a blocking one gives it no turn at all), and no turn
 * waits as long as the blocking versions take (fs.rmSync of these trees: 3-4 s here). The wall-clock
 * bound alone once read 50 ms: a loaded 2-core machine stalls 10-25 ms by itself, so it was a timing
 * assertion, not a behaviour.
 */
const MAX_STALL_MS = 1000;
const MIN_TURNS = 200;
const isRoot = process.getuid?.() === 0;

/**
 * The big trees live in RAM where there is a tmpfs (/dev/shm): creating 50 000 folders on this
 * machine's disk alone takes 3-12 s. A faster file system is the harder case for the stall
 * bound (more completions per millisecond for the event loop to handle).
 */
function bigTmpBase(): string {
  for (const base of ["/dev/shm", os.tmpdir()]) {
    try {
      fs.rmdirSync(fs.mkdtempSync(path.join(base, "tls-workbook-probe-")));
      return base;
    } catch {
      // not there or not writable
    }
  }
  return os.tmpdir();
}

let tmp: string;
let bigTmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-copy-"));
  bigTmp = fs.mkdtempSync(path.join(bigTmpBase(), "tls-workbook-copy-big-"));
});

afterAll(async () => {
  for (const d of [tmp, bigTmp]) if (d) await removeTree(d);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** `f`'s result and the longest the event loop waited while it ran, in ms. */
async function withStall<T>(f: () => Promise<T>): Promise<{ value: T; stallMs: number; turns: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let turns = 0;
  let counting = true;
  const turn = () => {
    turns++;
    if (counting) setImmediate(turn);
  };
  h.enable();
  setImmediate(turn);
  try {
    const value = await f();
    return { value, stallMs: h.max / 1e6, turns };
  } finally {
    counting = false;
    h.disable();
  }
}

/** Folders (dest itself not counted), files and links under `dir`, by relative path with "/". */
function walk(dir: string): { dirs: string[]; files: string[]; links: string[]; other: string[] } {
  const out = { dirs: [] as string[], files: [] as string[], links: [] as string[], other: [] as string[] };
  const visit = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) out.links.push(r);
      else if (e.isDirectory()) {
        out.dirs.push(r);
        visit(path.join(d, e.name), r);
      } else if (e.isFile()) out.files.push(r);
      else out.other.push(r);
    }
  };
  visit(dir, "");
  return out;
}

const posix = (list: string[]) => list.map((s) => s.replaceAll("\\", "/")).sort();

function write(root: string, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

let n = 0;
const fresh = (base = tmp) => fs.mkdtempSync(path.join(base, `t${++n}-`));

describe("copySubmissionAsync: limits", () => {
  it("copies at most `dirs` folders of a submission with 20 000, says so, and never holds the event loop", async () => {
    const src = fresh(bigTmp);
    const lessons = path.join(src, "lessons");
    fs.mkdirSync(lessons);
    for (let i = 0; i < 20_000; i++) fs.mkdirSync(path.join(lessons, `d${i}`));
    write(src, "lessons/05/exercise.ts", "x");
    write(src, "certs/cert.pem", "c");
    const dest = path.join(fresh(bigTmp), "copy");
    const { value: report, stallMs, turns } = await withStall(() => copySubmissionAsync(src, dest));
    const copied = walk(dest);
    // In name order: lessons/, lessons/05, then 1998 of the 20 000 folders; certs/ comes too late.
    expect(copied.dirs.length).toBe(DEFAULT_COPY_LIMITS.dirs);
    expect(copied.dirs.slice(0, 4)).toEqual(["lessons", "lessons/05", "lessons/d0", "lessons/d1"]);
    expect(copied.files).toEqual(["lessons/05/exercise.ts"]);
    expect(report.files).toBe(1);
    expect(report.skipped).toHaveLength(MAX_SKIPPED_LISTED);
    expect(report.skipped.every((s) => /^lessons[\\/]d\d+$/.test(s))).toBe(true);
    expect(report.skipped.length + (report.skippedMore ?? 0)).toBe(20_000 - (DEFAULT_COPY_LIMITS.dirs - 2) + 1);
    expect(turns, "turns of the event loop meanwhile").toBeGreaterThanOrEqual(MIN_TURNS);
    expect(stallMs, `longest event-loop stall ${stallMs.toFixed(1)} ms`).toBeLessThan(MAX_STALL_MS);
    await removeTree(src);
    await removeTree(path.dirname(dest));
  });

  it("stops at `depth` and at `dirs` in a nested tree", async () => {
    const src = fresh();
    let deep = path.join(src, "lessons");
    for (let i = 1; i <= 30; i++) deep = path.join(deep, `l${i}`);
    fs.mkdirSync(deep, { recursive: true });
    write(src, `lessons/${Array.from({ length: 15 }, (_, i) => `l${i + 1}`).join("/")}/at-16.txt`, "kept");
    const dest = path.join(fresh(), "copy");
    const report = await copySubmissionAsync(src, dest, { depth: 16 });
    const copied = walk(dest);
    // lessons/ is depth 1, lessons/l1 depth 2 … lessons/l1/…/l15 depth 16: the files there are copied.
    expect(copied.dirs).toHaveLength(16);
    expect(copied.files).toHaveLength(1);
    expect(posix(report.skipped)).toEqual([`lessons/${Array.from({ length: 16 }, (_, i) => `l${i + 1}`).join("/")}`]);

    const wide = fresh();
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) fs.mkdirSync(path.join(wide, "lessons", `a${i}`, `b${j}`), { recursive: true });
    const dest2 = path.join(fresh(), "copy");
    const r2 = await copySubmissionAsync(wide, dest2, { dirs: 50 });
    expect(walk(dest2).dirs).toHaveLength(50);
    // In name order: lessons/, then a0 and its 10, … a4 and b0-b3 make 50; a skipped folder is not read.
    expect(posix(r2.skipped)).toEqual([4, 5, 6, 7, 8, 9].map((j) => `lessons/a4/b${j}`).concat([5, 6, 7, 8, 9].map((i) => `lessons/a${i}`)));
  });

  it("reads at most `entries` folder entries, and sorts long listings like short ones", async () => {
    const src = fresh();
    for (let i = 0; i < 30; i++) write(src, `lessons/05/f${String(i).padStart(2, "0")}.ts`, "x");
    const dest = path.join(fresh(), "copy");
    const report = await copySubmissionAsync(src, dest, { entries: 11 });
    // lessons/ holds one entry (05), 05 the other ten read: the rest is not read, 05 is listed.
    expect(walk(dest).files).toHaveLength(10);
    expect(posix(report.skipped)).toEqual(["lessons/05"]);

    const names = Array.from({ length: 10_000 }, (_, i) => `n${(i * 7919) % 10_007}-${i % 3}`);
    expect(await sortSliced(names.slice(), (a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(names.slice().sort());
  });

  it("skips files over the byte limit and past the file limit", async () => {
    const src = fresh();
    for (const name of ["a", "b", "c"]) write(src, `lessons/05/${name}.ts`, "x".repeat(40));
    write(src, "lessons/06/big.ts", "y".repeat(200));
    write(src, "lessons/06/small.ts", "z");
    const dest = path.join(fresh(), "copy");
    const report = await copySubmissionAsync(src, dest, { bytes: 100 });
    expect(posix(walk(dest).files)).toEqual(["lessons/05/a.ts", "lessons/05/b.ts", "lessons/06/small.ts"]);
    expect(report.bytes).toBe(81);
    expect(report.files).toBe(3);
    expect(posix(report.skipped)).toEqual(["lessons/05/c.ts", "lessons/06/big.ts"]);

    const dest2 = path.join(fresh(), "copy");
    const r2 = await copySubmissionAsync(src, dest2, { files: 2 });
    expect(r2.files).toBe(2);
    expect(posix(r2.skipped)).toEqual(["lessons/05/c.ts", "lessons/06/big.ts", "lessons/06/small.ts"]);
  });
});

describe("copySubmissionAsync: what cannot be read", () => {
  it("skips and lists a FIFO, a socket, a file that cannot be opened and a folder that cannot be listed (works as root too)", async () => {
    // As root, mode 000 does not stop reading: the refusals are simulated by making open and
    // opendir fail with EACCES for one file and one folder; the FIFO and the socket are real.
    const src = fresh();
    write(src, "lessons/05/exercise.ts", "ok");
    write(src, "lessons/05/locked.ts", "secret");
    write(src, "lessons/locked-dir/inside.ts", "secret");
    const special: string[] = [];
    let server: net.Server | undefined;
    if (process.platform !== "win32") {
      execFileSync("mkfifo", [path.join(src, "lessons", "05", "fifo.ts")]);
      special.push("lessons/05/fifo.ts");
      // A short path for the socket (108 bytes at most), then moved into the submission.
      const sock = path.join(os.tmpdir(), `tw-${process.pid}.sock`);
      fs.rmSync(sock, { force: true });
      server = net.createServer();
      await new Promise<void>((resolve) => server!.listen(sock, resolve));
      fs.renameSync(sock, path.join(src, "lessons", "05", "socket.ts"));
      special.push("lessons/05/socket.ts");
    }
    const realOpen = fsp.open;
    const realOpendir = fsp.opendir;
    const denied = (p: unknown) => Object.assign(new Error(`EACCES: permission denied, open '${String(p)}'`), { code: "EACCES" });
    vi.spyOn(fsp, "open").mockImplementation(((p: fs.PathLike, ...rest: never[]) =>
      String(p).endsWith("locked.ts") ? Promise.reject(denied(p)) : (realOpen as (...a: unknown[]) => unknown)(p, ...rest)) as typeof fsp.open);
    vi.spyOn(fsp, "opendir").mockImplementation(((p: fs.PathLike, ...rest: never[]) =>
      String(p).endsWith("locked-dir") ? Promise.reject(denied(p)) : (realOpendir as (...a: unknown[]) => unknown)(p, ...rest)) as typeof fsp.opendir);
    try {
      const dest = path.join(fresh(), "copy");
      const report = await copySubmissionAsync(src, dest);
      expect(posix(report.skipped)).toEqual(posix(["lessons/05/locked.ts", "lessons/locked-dir", ...special]));
      expect(posix(walk(dest).files)).toEqual(["lessons/05/exercise.ts"]);
      expect(walk(dest).other).toEqual([]);
    } finally {
      server?.close();
    }
  });

  // Mode 000 itself: only meaningful when not root (root reads it anyway), so skipped as root.
  it.skipIf(isRoot || process.platform === "win32")("skips and lists a mode-000 file and a mode-000 folder (not as root)", async () => {
    const src = fresh();
    write(src, "lessons/05/exercise.ts", "ok");
    write(src, "lessons/05/locked.ts", "secret");
    write(src, "lessons/locked-dir/inside.ts", "secret");
    fs.chmodSync(path.join(src, "lessons/05/locked.ts"), 0);
    fs.chmodSync(path.join(src, "lessons/locked-dir"), 0);
    const dest = path.join(fresh(), "copy");
    const report = await copySubmissionAsync(src, dest);
    expect(posix(report.skipped)).toEqual(["lessons/05/locked.ts", "lessons/locked-dir"]);
    expect(posix(walk(dest).files)).toEqual(["lessons/05/exercise.ts"]);
    await removeTree(src);
    expect(fs.existsSync(src)).toBe(false);
  });
});

describe("copySubmissionAsync: links and overrides", () => {
  it("neither follows nor recreates a symbolic link", async () => {
    const outside = fresh();
    write(outside, "secret.ts", "secret");
    write(outside, "folder/inside.ts", "secret");
    const src = fresh();
    write(src, "lessons/05/exercise.ts", "ok");
    fs.symlinkSync(path.join(outside, "secret.ts"), path.join(src, "lessons", "05", "link.ts"));
    fs.symlinkSync(path.join(outside, "folder"), path.join(src, "lessons", "06"), "dir");
    fs.symlinkSync(path.join(outside, "folder"), path.join(src, "certs"), "dir");
    const dest = path.join(fresh(), "copy");
    const report = await copySubmissionAsync(src, dest);
    const copied = walk(dest);
    expect(copied.links).toEqual([]);
    expect(posix(copied.files)).toEqual(["lessons/05/exercise.ts"]);
    expect(posix(report.skipped)).toEqual(["certs", "lessons/05/link.ts", "lessons/06"]);

    // removeTree removes the links, never what they point to; a link given to it is removed alone.
    await removeTree(src);
    expect(fs.existsSync(src)).toBe(false);
    const link = path.join(tmp, `link-${n}`);
    fs.symlinkSync(outside, link, "dir");
    await removeTree(link);
    expect(fs.existsSync(link)).toBe(false);
    expect(walk(outside).files.sort()).toEqual(["folder/inside.ts", "secret.ts"]);
  });

  it("writes an override in place of the submission's file, also where the original is missing or a link", async () => {
    const outside = fresh();
    write(outside, "secret.ts", "secret");
    const src = fresh();
    write(src, "lessons/05/exercise.ts", "on disk now");
    write(src, "lessons/05/helper.ts", "helper");
    fs.mkdirSync(path.join(src, "lessons/07"));
    fs.symlinkSync(path.join(outside, "secret.ts"), path.join(src, "lessons/07/answer.md"));
    const dest = path.join(fresh(), "copy");
    const overrides = {
      "lessons/05/exercise.ts": "snapshot",
      "lessons/06/exercise.ts": "missing on disk",
      "lessons/07/answer.md": "snapshot of the answer",
    };
    const report = await copySubmissionAsync(src, dest, undefined, overrides);
    for (const [rel, text] of Object.entries(overrides)) expect(fs.readFileSync(path.join(dest, rel), "utf8")).toBe(text);
    expect(fs.readFileSync(path.join(dest, "lessons/05/helper.ts"), "utf8")).toBe("helper");
    expect(walk(dest).links).toEqual([]);
    expect(report.files).toBe(4);
    expect(report.skipped).toEqual([]);
    await expect(copySubmissionAsync(src, path.join(fresh(), "copy"), undefined, { "lessons/../../x": "no" })).rejects.toThrow(/override path/);
    await expect(copySubmissionAsync(src, path.join(fresh(), "copy"), undefined, { "/etc/x": "no" })).rejects.toThrow(/override path/);
  });
});

describe("removeTree", () => {
  it("removes 50 000 folders without holding the event loop", async () => {
    const dir = fresh(bigTmp);
    for (let i = 0; i < 500; i++) {
      const a = path.join(dir, `a${i}`);
      fs.mkdirSync(a);
      for (let j = 0; j < 99; j++) fs.mkdirSync(path.join(a, `b${j}`));
      fs.writeFileSync(path.join(a, "f.txt"), "x");
    }
    for (let i = 0; i < 500; i++) fs.mkdirSync(path.join(dir, "a0", `flat${i}`));
    const { stallMs, turns } = await withStall(() => removeTree(dir));
    expect(fs.existsSync(dir)).toBe(false);
    expect(turns, "turns of the event loop meanwhile").toBeGreaterThanOrEqual(MIN_TURNS);
    expect(stallMs, `longest event-loop stall ${stallMs.toFixed(1)} ms`).toBeLessThan(MAX_STALL_MS);
  });

  it("removes mode-000 and read-only folders (made 0o700 first) and never throws", async () => {
    const dir = fresh();
    for (let i = 0; i < 3; i++) {
      write(dir, `locked${i}/inner/f.txt`, "x");
      fs.chmodSync(path.join(dir, `locked${i}`, "inner"), 0);
      fs.chmodSync(path.join(dir, `locked${i}`), 0o500);
    }
    fs.chmodSync(dir, 0o500);
    await removeTree(dir);
    expect(fs.existsSync(dir)).toBe(false);
    await expect(removeTree(path.join(tmp, "no-such-folder"))).resolves.toBeUndefined();
  });

  it("makes a folder 0o700 and tries again when listing or emptying it is refused (simulated: works as root too)", async () => {
    const dir = fresh();
    write(dir, "a/refuses-listing/f.txt", "x");
    write(dir, "b/refuses-unlink.txt", "x");
    const realOpendir = fsp.opendir;
    const realUnlink = fsp.unlink;
    const denied = (p: unknown) => Object.assign(new Error(`EACCES: permission denied '${String(p)}'`), { code: "EACCES" });
    let refusedListing = false;
    let refusedUnlink = false;
    vi.spyOn(fsp, "opendir").mockImplementation(((p: fs.PathLike, ...rest: never[]) => {
      if (String(p).endsWith("refuses-listing") && !refusedListing) return (refusedListing = true), Promise.reject(denied(p));
      return (realOpendir as (...a: unknown[]) => unknown)(p, ...rest);
    }) as typeof fsp.opendir);
    vi.spyOn(fsp, "unlink").mockImplementation(((p: fs.PathLike) => {
      if (String(p).endsWith("refuses-unlink.txt") && !refusedUnlink) return (refusedUnlink = true), Promise.reject(denied(p));
      return realUnlink(p);
    }) as typeof fsp.unlink);
    const chmod = vi.spyOn(fsp, "chmod");
    await removeTree(dir);
    expect(refusedListing && refusedUnlink).toBe(true);
    expect(fs.existsSync(dir)).toBe(false);
    const chmodded = chmod.mock.calls.map(([p, mode]) => [path.relative(dir, String(p)).replaceAll("\\", "/"), mode]);
    expect(chmodded).toContainEqual(["a/refuses-listing", 0o700]);
    expect(chmodded).toContainEqual(["b", 0o700]);
    expect(chmodded.every(([p]) => !String(p).startsWith(".."))).toBe(true); // nothing outside
  });

  it("removes a tree whose paths are longer than the system allows (fs.rmSync cannot)", async () => {
    if (process.platform === "win32") return;
    const dir = fresh();
    const outside = fresh();
    write(outside, "keep.txt", "keep");
    const name = "n".repeat(200);
    const chain = (base: string) => {
      let p = base;
      for (let i = 0; i < 15; i++) fs.mkdirSync((p = path.join(p, name)));
      return p;
    };
    // Built in pieces whose own paths stay short, then moved inside one another: ~9 000 bytes deep.
    const pieces = [0, 1, 2].map(() => {
      const base = fresh();
      return { base, end: chain(base) };
    });
    fs.writeFileSync(path.join(pieces[2].end, "f.txt"), "x");
    fs.symlinkSync(outside, path.join(pieces[2].end, "link"), "dir");
    fs.renameSync(path.join(pieces[2].base, name), path.join(pieces[1].end, "p2"));
    fs.renameSync(path.join(pieces[1].base, name), path.join(pieces[0].end, "p1"));
    fs.renameSync(path.join(pieces[0].base, name), path.join(dir, name));
    await removeTree(dir);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.readFileSync(path.join(outside, "keep.txt"), "utf8")).toBe("keep");
  });
});
