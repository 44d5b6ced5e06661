// Copying a submission for grading and removing the copy afterwards, without ever holding the
// grader's event loop for more than a few milliseconds: a submission with a huge number of
// folders, a deep tree or unreadable entries must cost that student (a shorter copy, a list of
// what was left out), never the other students graded at the same time.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { COPIED_FOLDERS, MAX_COPY_BYTES, MAX_COPY_FILES, SKIPPED_DIRS, type CopyReport } from "./isolation.ts";

export interface CopyLimits {
  /** Regular files copied, at most. */
  files: number;
  /** Folders created in the copy, at most (lessons/ and certs/ count). */
  dirs: number;
  /** Bytes of file content copied, at most. */
  bytes: number;
  /**
   * Folder depth, at most: lessons/ is 1, lessons/05/ is 2. A deeper folder is not copied (it is
   * listed); the files of a folder at this depth are.
   */
  depth: number;
  /**
   * Folder entries read in all, at most: what keeps a folder of a million names from taking
   * minutes. Each folder copied is read to its end (so that what is left out of it is counted)
   * until this runs out; then nothing more is read, and the folder being read is listed as
   * skipped (what was read of it is copied).
   */
  entries: number;
}

export const DEFAULT_COPY_LIMITS: Readonly<CopyLimits> = {
  files: MAX_COPY_FILES,
  dirs: 2000,
  bytes: MAX_COPY_BYTES,
  depth: 16,
  entries: 100_000,
};

/** `skipped` lists at most this many paths; `skippedMore` counts the rest. */
export const MAX_SKIPPED_LISTED = 200;
/** Sorted in one go up to this many entries (well under a millisecond); a longer list is merge-sorted in slices. */
const SORT_RUN = 1024;
/** Longest stretch of synchronous work between two turns of the event loop, in ms. */
const SLICE_MS = 2;
const CHUNK = 64 * 1024;

const C = fs.constants;
const NOFOLLOW = C.O_NOFOLLOW ?? 0; // undefined on Windows
const NONBLOCK = C.O_NONBLOCK ?? 0; // a FIFO put in a file's place must not hang a thread-pool thread
const READ_FLAGS = C.O_RDONLY | NOFOLLOW | NONBLOCK;
/** O_EXCL: what COPYFILE_EXCL does for copyFile, never overwrite (nor write through a link). */
const WRITE_FLAGS = C.O_WRONLY | C.O_CREAT | C.O_EXCL | NOFOLLOW;

/** A function to await in long loops: it gives the event loop a turn once SLICE_MS have passed. */
function breather(): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    if (performance.now() - last < SLICE_MS) return undefined;
    return nextTurn().then(() => {
      last = performance.now();
    });
  };
}

/**
 * `items` sorted by `cmp` (stable), in slices: runs of SORT_RUN sorted at once, then merged
 * pairwise, `breathe` awaited between runs and every SORT_RUN merged items (sorting 100 000
 * names at once would hold the event loop for tens of milliseconds).
 */
export async function sortSliced<T>(items: T[], cmp: (a: T, b: T) => number, breathe: () => Promise<void> | undefined = breather()): Promise<T[]> {
  if (items.length <= SORT_RUN) return items.sort(cmp);
  let from = items.slice();
  for (let i = 0; i < from.length; i += SORT_RUN) {
    const run = from.slice(i, i + SORT_RUN).sort(cmp);
    for (let k = 0; k < run.length; k++) from[i + k] = run[k];
    await breathe();
  }
  let to = new Array<T>(from.length);
  for (let width = SORT_RUN; width < from.length; width *= 2) {
    let out = 0;
    for (let lo = 0; lo < from.length; lo += 2 * width) {
      let a = lo;
      const aEnd = Math.min(lo + width, from.length);
      let b = aEnd;
      const bEnd = Math.min(lo + 2 * width, from.length);
      while (a < aEnd || b < bEnd) {
        const stop = Math.min(out + SORT_RUN, from.length);
        while (out < stop && (a < aEnd || b < bEnd)) to[out++] = b >= bEnd || (a < aEnd && cmp(from[a], from[b]) <= 0) ? from[a++] : from[b++];
        await breathe();
      }
    }
    [from, to] = [to, from];
  }
  return from;
}

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;
const toPosix = (rel: string) => (path.sep === "/" ? rel : rel.split(path.sep).join("/"));

/**
 * What copySubmission (isolation.ts) does, asynchronously and bounded by `limits`: copies
 * `src`/lessons and `src`/certs into `dest`, regular files and folders only. A symbolic link is
 * never followed nor recreated; a FIFO, socket or device is never opened. What is left out
 * (links, special files, node_modules/.git, entries that cannot be read or listed, anything over
 * a limit) is listed in `skipped`, relative to the submission, at most MAX_SKIPPED_LISTED of
 * them, the rest counted in `skippedMore`. Only the copy's own side (creating `dest`, writing an
 * override) can make it reject. The original is only ever read.
 *
 * `overrides` maps paths relative to the submission, with "/" ("lessons/05-…/exercise.ts"),
 * to the text to grade there: each is written to the copy in place of whatever the submission
 * has at that path (copied or not, missing or not), whatever the limits, and counted in
 * `files` and `bytes`.
 */
export async function copySubmissionAsync(
  src: string,
  dest: string,
  limits?: Partial<CopyLimits>,
  overrides?: Record<string, string>,
): Promise<CopyReport> {
  const over = checkOverrides(overrides);
  const copier = new Copier({ ...DEFAULT_COPY_LIMITS, ...limits }, over);
  await fsp.mkdir(dest, { recursive: true });
  // Overrides first: the copy then never writes over them (its files are created exclusively),
  // also where two names are one file (a case-insensitive file system).
  for (const [rel, text] of over) {
    const target = path.join(dest, ...rel.split("/"));
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.writeFile(target, text, { flag: WRITE_FLAGS, mode: 0o644 });
    copier.report.files++;
    copier.report.bytes += Buffer.byteLength(text);
  }
  for (const folder of COPIED_FOLDERS) {
    const from = path.join(src, folder);
    const st = await fsp.lstat(from).catch(() => undefined);
    if (!st) continue;
    if (!st.isDirectory()) copier.skip(folder);
    else await copier.copyDir(from, path.join(dest, folder), folder, 1);
  }
  return copier.report;
}

function checkOverrides(overrides: Record<string, string> | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [rel, text] of Object.entries(overrides ?? {})) {
    const parts = rel.split("/");
    const safe =
      parts.length >= 2 &&
      (COPIED_FOLDERS as readonly string[]).includes(parts[0]) &&
      parts.every((p) => p !== "" && p !== "." && p !== ".." && !p.includes("\\") && !p.includes("\0"));
    if (!safe) throw new TypeError(`copySubmissionAsync: override path "${rel}" must be relative, use "/", and lie inside ${COPIED_FOLDERS.join("/ or ")}/`);
    out.set(rel, text);
  }
  return out;
}

interface Entry {
  name: string;
  dir: boolean;
  file: boolean;
}

class Copier {
  readonly report: CopyReport = { files: 0, bytes: 0, skipped: [] };
  private dirs = 0;
  private entries = 0;
  private readonly breathe = breather();
  private readonly buffer = Buffer.allocUnsafe(CHUNK);

  private readonly limits: CopyLimits;
  private readonly overrides: Map<string, string>;

  constructor(limits: CopyLimits, overrides: Map<string, string>) {
    this.limits = limits;
    this.overrides = overrides;
  }

  skip(rel: string): void {
    if (this.report.skipped.length < MAX_SKIPPED_LISTED) this.report.skipped.push(rel);
    else this.report.skippedMore = (this.report.skippedMore ?? 0) + 1;
  }

  async copyDir(from: string, to: string, rel: string, depth: number): Promise<void> {
    if (depth > this.limits.depth || this.dirs >= this.limits.dirs) return this.skip(rel);
    try {
      await fsp.mkdir(to);
    } catch (err) {
      // Already there when an override made it; anything else there is not written through.
      const st = errCode(err) === "EEXIST" ? await fsp.lstat(to).catch(() => undefined) : undefined;
      if (!st?.isDirectory()) return this.skip(rel);
    }
    this.dirs++;
    const listing = await this.list(from);
    if (!listing) return this.skip(rel);
    for (const e of listing.entries) {
      await this.breathe();
      const relPath = path.join(rel, e.name);
      if (this.overrides.size && this.overrides.has(toPosix(relPath))) continue; // written already
      if (e.dir) {
        if (SKIPPED_DIRS.has(e.name)) this.skip(relPath);
        else await this.copyDir(path.join(from, e.name), path.join(to, e.name), relPath, depth + 1);
      } else if (!e.file) this.skip(relPath); // a link, a socket, a FIFO, a device
      else await this.copyFile(path.join(from, e.name), path.join(to, e.name), relPath);
    }
    if (!listing.complete) this.skip(rel);
  }

  /** The folder's entries, sorted by name (in slices), or undefined when it cannot be listed. */
  private async list(from: string): Promise<{ entries: Entry[]; complete: boolean } | undefined> {
    let dir: fs.Dir;
    try {
      dir = await fsp.opendir(from, { bufferSize: 256 });
    } catch {
      return undefined;
    }
    const entries: Entry[] = [];
    let complete = true;
    try {
      for await (const e of dir) {
        if (this.entries >= this.limits.entries) {
          complete = false;
          break; // closes the folder
        }
        this.entries++;
        entries.push({ name: e.name, dir: e.isDirectory(), file: e.isFile() });
        await this.breathe();
      }
    } catch {
      complete = false; // what was read is copied, the folder is listed as not copied whole
      await dir.close().catch(() => undefined);
    }
    return { entries: await sortSliced(entries, (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0), this.breathe), complete };
  }

  private async copyFile(source: string, target: string, rel: string): Promise<void> {
    if (this.report.files >= this.limits.files || this.report.bytes > this.limits.bytes) return this.skip(rel);
    let input: fsp.FileHandle;
    try {
      // Not copyFile: it would open the source by name again, after this check, and follow a
      // link or block on a FIFO put there in the meantime.
      input = await fsp.open(source, READ_FLAGS);
    } catch {
      return this.skip(rel); // EACCES, ELOOP (a link by now), ENAMETOOLONG, gone…
    }
    try {
      const st = await input.stat();
      if (!st.isFile() || this.report.bytes + st.size > this.limits.bytes) return this.skip(rel);
      let output: fsp.FileHandle;
      try {
        output = await fsp.open(target, WRITE_FLAGS, 0o644);
      } catch {
        return this.skip(rel);
      }
      let copied = 0;
      try {
        // At most the size checked above, even if the file grows meanwhile.
        while (copied < st.size) {
          const { bytesRead } = await input.read(this.buffer, 0, Math.min(CHUNK, st.size - copied), copied);
          if (bytesRead === 0) break;
          for (let written = 0; written < bytesRead; ) written += (await output.write(this.buffer, written, bytesRead - written, copied + written)).bytesWritten;
          copied += bytesRead;
        }
      } catch {
        await output.close().catch(() => undefined);
        await fsp.rm(target, { force: true }).catch(() => undefined);
        return this.skip(rel);
      }
      await output.close();
      this.report.files++;
      this.report.bytes += copied;
    } catch {
      this.skip(rel);
    } finally {
      await input.close().catch(() => undefined);
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** How many folders are listed, and files removed, at the same time (libuv has 4 threads by default). */
const REMOVE_WORKERS = 4;
/** Past this many bytes of path, a folder is first moved up to `dir` (paths past PATH_MAX cannot be opened). */
const LONG_PATH = 2048;

interface RmNode {
  path: string;
  parent: RmNode | undefined;
  /** 1 until the folder has been listed and its files removed, plus one per sub-folder not removed yet. */
  pending: number;
  /** Something inside could not be removed: the folder is not tried (nor its parents). */
  failed: boolean;
  listings: number;
  /** Removed already (it was empty). */
  removed: boolean;
  /** Its sub-folders, from `next` on not handed to a worker yet (made into nodes only then: a folder of 150 000 folders is 150 000 names, not nodes). */
  subdirs: string[];
  next: number;
  onStack: boolean;
  /** Where to move it before listing it (its path is too long). */
  moveTo?: string;
}

/**
 * Removes `dir` and everything in it, asynchronously, never holding the event loop for more than
 * a few milliseconds (a folder of 150 000 folders included); never throws (what cannot be
 * removed stays). A symbolic link inside is removed, never followed; `dir` itself being a link,
 * the link alone is removed. A folder that cannot be listed or emptied (EACCES, EPERM: mode 000,
 * no write permission) is made 0o700 and tried again; a folder whose path grows too long to be
 * opened is first moved up into `dir`.
 */
export async function removeTree(dir: string): Promise<void> {
  try {
    const st = await fsp.lstat(dir).catch(() => undefined);
    if (!st) return;
    if (!st.isDirectory()) return void (await fsp.unlink(dir).catch(() => undefined));
    await new Remover(dir).run();
  } catch {
    // never throws: whatever is left stays
  }
}

/**
 * REMOVE_WORKERS loops share a stack of folders: each takes the top one (or the next sub-folder
 * of the top one), tries rmdir (enough for an empty folder), else lists it, removes its files
 * and puts it on the stack for its sub-folders; a folder is removed once its last sub-folder is.
 */
class Remover {
  private readonly root: RmNode;
  private readonly stack: RmNode[] = [];
  private busy = 0;
  private waiting: (() => void)[] = [];
  private moved = 0;
  private readonly tag = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  private readonly breathe = breather();

  constructor(dir: string) {
    this.root = this.node(dir, undefined);
    this.push(this.root);
  }

  async run(): Promise<void> {
    await Promise.all(Array.from({ length: REMOVE_WORKERS }, () => this.worker()));
  }

  private node(p: string, parent: RmNode | undefined): RmNode {
    return { path: p, parent, pending: 1, failed: false, listings: 0, removed: false, subdirs: [], next: 0, onStack: false };
  }

  private push(node: RmNode): void {
    if (node.onStack) return;
    node.onStack = true;
    this.stack.push(node);
    this.signal();
  }

  /** The next folder to work on: a sub-folder of the top of the stack, or the top itself. */
  private take(): RmNode | undefined {
    const top = this.stack.at(-1);
    if (!top) return undefined;
    if (top.next >= top.subdirs.length) {
      this.stack.pop();
      top.onStack = false;
      return top;
    }
    const name = top.subdirs[top.next++];
    if (top.next >= top.subdirs.length) {
      this.stack.pop();
      top.onStack = false;
      top.subdirs = [];
      top.next = 0;
    }
    const child = this.node(path.join(top.path, name), top);
    if (child.path.length > LONG_PATH / 4 && Buffer.byteLength(child.path) > LONG_PATH && Buffer.byteLength(this.root.path) < LONG_PATH / 2) {
      // Moved up into the top folder first, so that its own path (and its entries') stays short;
      // its old parent still waits for it.
      child.moveTo = path.join(this.root.path, `.removing-${this.tag}-${++this.moved}`);
    }
    return child;
  }

  private async worker(): Promise<void> {
    for (;;) {
      const node = this.take();
      if (!node) {
        if (this.busy === 0) return this.signal(); // nothing queued and nobody left to queue more
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        continue;
      }
      this.busy++;
      try {
        await this.empty(node);
      } catch {
        node.failed = true;
      }
      await this.done(node).catch(() => undefined);
      this.busy--;
      this.signal();
      await this.breathe();
    }
  }

  private signal(): void {
    if (!this.waiting.length) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** Removes `node` if it is empty, else lists it, removes its files and stacks it for its sub-folders. */
  private async empty(node: RmNode): Promise<void> {
    if (node.listings === 0 && !node.moveTo) {
      // Most folders of a huge tree are empty: one operation each (rmdir never follows a link).
      const r = await fsp.rmdir(node.path).then(() => "removed", (err) => errCode(err));
      if (r === "removed" || r === "ENOENT") return void (node.removed = true);
    }
    node.listings++;
    const files = await this.list(node);
    if (!files) {
      node.failed = true;
      return;
    }
    if (node.subdirs.length) {
      node.pending += node.subdirs.length;
      this.push(node);
    }
    for (let i = 0; i < files.length; i += 8) {
      const results = await Promise.all(files.slice(i, i + 8).map((name) => this.unlink(node, name)));
      if (results.includes(false)) node.failed = true;
    }
  }

  /** The names of what is not a folder in `node` (its folders go to node.subdirs); undefined when it cannot be listed. */
  private async list(node: RmNode): Promise<string[] | undefined> {
    if (node.moveTo) {
      const to = node.moveTo;
      node.moveTo = undefined;
      if (await fsp.rename(node.path, to).then(() => true, () => false)) node.path = to;
    }
    for (let attempt = 0; ; attempt++) {
      // Looked at just before: a folder that became a link is removed as a link, never listed.
      const st = await fsp.lstat(node.path).catch((err) => (errCode(err) === "ENOENT" ? null : undefined));
      if (st === null) return [];
      if (st && !st.isDirectory()) return (await fsp.unlink(node.path).then(() => true, () => false)) ? [] : undefined;
      const files: string[] = [];
      node.subdirs = [];
      node.next = 0;
      try {
        const dir = await fsp.opendir(node.path, { bufferSize: 256 });
        for await (const e of dir) {
          (e.isDirectory() ? node.subdirs : files).push(e.name);
          await this.breathe();
        }
        return files;
      } catch (err) {
        node.subdirs = [];
        if (errCode(err) === "ENOENT") return [];
        if (attempt > 0 || !denied(err)) return undefined;
        await this.unlock(node.parent);
        await this.unlock(node);
      }
    }
  }

  /** Removes `node`/`name` (anything but a folder); false when it stays. */
  private async unlink(node: RmNode, name: string): Promise<boolean> {
    const p = path.join(node.path, name);
    for (let attempt = 0; ; attempt++) {
      try {
        await fsp.unlink(p);
        return true;
      } catch (err) {
        const code = errCode(err);
        if (code === "ENOENT") return true;
        if (code === "EISDIR" || code === "EPERM") {
          // A folder the listing did not say was one (EPERM: what macOS says for a folder).
          const st = await fsp.lstat(p).catch(() => undefined);
          if (st?.isDirectory()) {
            node.subdirs.push(name);
            node.pending++;
            this.push(node);
            return true;
          }
        }
        if (attempt > 0 || !denied(err)) return false;
        await this.unlock(node);
        // Windows refuses to remove a read-only file: a regular file (never a link) is made writable.
        if (process.platform === "win32" && (await fsp.lstat(p).catch(() => undefined))?.isFile()) await fsp.chmod(p, 0o666).catch(() => undefined);
      }
    }
  }

  /** Called once `node` has been emptied: removes it, and its parents that have nothing left. */
  private async done(node: RmNode): Promise<void> {
    for (let n: RmNode | undefined = node; n; n = n.parent) {
      if (--n.pending > 0) return;
      if (!n.failed && !n.removed) {
        const r = await this.rmdir(n);
        if (r === "again") {
          n.pending = 1;
          this.push(n);
          return;
        }
        if (r === "failed") n.failed = true;
      }
      if (n.failed && n.parent) n.parent.failed = true;
    }
  }

  private async rmdir(node: RmNode): Promise<"removed" | "again" | "failed"> {
    for (let attempt = 0; ; attempt++) {
      try {
        await fsp.rmdir(node.path);
        return "removed";
      } catch (err) {
        const code = errCode(err);
        if (code === "ENOENT") return "removed";
        if (code === "ENOTDIR") return (await fsp.unlink(node.path).then(() => true, () => false)) ? "removed" : "failed";
        // Something appeared meanwhile (or the file system's listing skipped some): list it again.
        if (code === "ENOTEMPTY" || code === "EEXIST") return node.listings < 3 ? "again" : "failed";
        if (attempt > 0 || !denied(err)) return "failed";
        await this.unlock(node.parent);
      }
    }
  }

  /** Makes a folder of the tree listable and writable (never through a link; never `dir`'s parent: undefined). */
  private async unlock(node: RmNode | undefined): Promise<void> {
    if (!node) return;
    const st = await fsp.lstat(node.path).catch(() => undefined);
    if (st?.isDirectory()) await fsp.chmod(node.path, 0o700).catch(() => undefined);
  }
}

function denied(err: unknown): boolean {
  const code = errCode(err);
  return code === "EACCES" || code === "EPERM";
}
