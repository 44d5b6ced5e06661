// What keeps one submission's code away from everything else: a temporary copy of its
// lessons/ and certs/ (no symbolic links, bounded in size), a scrubbed environment, a
// transpiler that will not pull in files from outside the copy, and Node's permission model
// (read and write the copy only; no processes, workers, add-ons or inspector).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { isBuiltin } from "node:module";
import os from "node:os";
import path from "node:path";
import type { Plugin } from "esbuild";
import { bundleLearnerFile } from "../sandbox/bundle.ts";
import type { Confinement } from "../sandbox/confine.ts";
import { withRealPaths, type SandboxOptions } from "../sandbox/sandbox.ts";

/** What is copied from a submission: nothing else is ever read for grading. */
export const COPIED_FOLDERS = ["lessons", "certs"] as const;
/** A submission larger than this is copied only up to it (the rest is listed as skipped). */
export const MAX_COPY_BYTES = 50 * 1024 * 1024;
export const MAX_COPY_FILES = 5000;
/** Folders never copied: they hold nothing a lesson grades, and can be huge. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(["node_modules", ".git"]);

export interface CopyReport {
  files: number;
  bytes: number;
  /** Paths (relative to the submission) left out: links, special files, over the limits. */
  skipped: string[];
  /** How many more were left out than `skipped` lists (it is capped); absent when none. */ skippedMore?: number;
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** True when some part of `rel` under `root` is a symbolic link (or it does not exist). */
export function passesThroughLink(root: string, rel: string): boolean {
  let p = root;
  for (const part of rel.split(/[\\/]/).filter(Boolean)) {
    p = path.join(p, part);
    const st = lstatOrUndefined(p);
    if (!st) return false;
    if (st.isSymbolicLink()) return true;
  }
  return false;
}

/**
 * Reads `root`/`rel` as text, never through a symbolic link, and at most `maxBytes`;
 * undefined when it is missing, a link or not a regular file.
 */
export function readInside(root: string, rel: string, maxBytes = 1024 * 1024): string | undefined {
  if (passesThroughLink(root, rel)) return undefined;
  const file = path.join(root, rel);
  const st = lstatOrUndefined(file);
  if (!st?.isFile()) return undefined;
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(Math.min(st.size, maxBytes));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The child's whole environment: PATH and a private HOME (and temporary folder), nothing of
 * the instructor's (tokens, keys, proxies, NODE_OPTIONS). The sandbox adds its own
 * variables (NODE_EXTRA_CA_CERTS = the lab's bundle, the output and memory limits, a lesson's TZ).
 */
export function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const tmp = path.join(home, "tmp");
  fs.mkdirSync(tmp, { recursive: true });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? process.env.Path ?? "", HOME: home };
  if (process.platform === "win32") {
    Object.assign(env, { USERPROFILE: home, TEMP: tmp, TMP: tmp });
    // Windows itself needs these to load its system libraries (crypto, sockets): not secrets.
    for (const k of ["SystemRoot", "SYSTEMROOT", "windir"]) if (process.env[k]) env[k] = process.env[k];
  } else env.TMPDIR = tmp; // so os.tmpdir() points somewhere the child may write
  return env;
}

/** The flags that turn Node's permission model on for the child, as found on this Node. */
export interface PermissionModel {
  /** "--permission" (22+), "--experimental-permission" (20), and "--allow-net" where the model covers the network (25+). */
  flags: string[];
  /** Whether the model restricts the network on this Node (then the child gets --allow-net: it must reach the lab). */
  coversNetwork: boolean;
}

let probed: Promise<PermissionModel | undefined> | undefined;

/**
 * The permission-model flags that work on this Node, found by trying them: a child must read an
 * allowed file given by a second --allow-fs-read, be refused a file next to it and a child
 * process, and still reach a loopback server (from Node 25 the model also denies the network,
 * so "--allow-net" is added when, and only when, the child was refused without it).
 * Undefined when nothing passes (the batch then warns and runs without it).
 */
export function permissionModel(): Promise<PermissionModel | undefined> {
  probed ??= Promise.resolve().then(() => {
    const major = Number(process.versions.node.split(".")[0]);
    const candidates = major >= 22 ? ["--permission", "--experimental-permission"] : ["--experimental-permission"];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-probe-"));
    try {
      for (const sub of ["allowed", "denied", "code"]) fs.mkdirSync(path.join(dir, sub));
      fs.writeFileSync(path.join(dir, "allowed", "f.txt"), "yes");
      fs.writeFileSync(path.join(dir, "denied", "f.txt"), "no");
      const script = path.join(dir, "code", "probe.mjs");
      fs.writeFileSync(
        script,
        `import fs from "node:fs"; import cp from "node:child_process"; import net from "node:net";
const denied = (f) => { try { f(); return false; } catch (e) { return e.code === "ERR_ACCESS_DENIED"; } };
const ok = fs.readFileSync(${JSON.stringify(path.join(dir, "allowed", "f.txt"))}, "utf8") === "yes"
  && denied(() => cp.spawnSync(process.execPath, ["-v"]))
  && denied(() => fs.readFileSync(${JSON.stringify(path.join(dir, "denied", "f.txt"))}));
// Node 25+ without --allow-net: listen() throws on a later tick, as an uncaught exception.
const loopback = () => new Promise((resolve) => {
  process.on("uncaughtException", () => resolve("denied"));
  const server = net.createServer((s) => s.end()).on("error", () => resolve("denied"));
  server.listen(0, "127.0.0.1", () => {
    const c = net.connect(server.address().port, "127.0.0.1", () => { c.destroy(); server.close(); resolve("net"); });
    c.on("error", () => { server.close(); resolve("denied"); });
  });
});
process.stdout.write(ok ? "confined " + (await loopback()) : "open");`,
      );
      const probe = (flags: string[]): string => {
        const allowed = withRealPaths([path.dirname(script), path.join(dir, "allowed")]).map((p) => `--allow-fs-read=${p}`);
        const r = spawnSync(process.execPath, [...flags, ...allowed, script], {
          env: isolatedEnv(path.join(dir, "home")),
          encoding: "utf8",
          timeout: 10_000,
          windowsHide: true,
        });
        return r.status === 0 ? r.stdout : "failed";
      };
      for (const flag of candidates) {
        if (probe([flag]) === "confined net") return { flags: [flag], coversNetwork: false };
        if (probe([flag, "--allow-net"]) === "confined net") return { flags: [flag, "--allow-net"], coversNetwork: true };
      }
      return undefined;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return probed;
}

/** `child` is `parent` or inside it. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * Transpiles like bundleLearnerFile (checker/sandbox/bundle.ts: same esbuild options), but an
 * import may only resolve to a file inside `root` or to one of Node's own modules: the
 * transpiler runs in the grader, which can read everything, so `import x from
 * "/path/to/solutions/05-…/exercise.ts"` must fail here rather than land in the child.
 */
export function confinedBundler(root: string): (file: string, outFile: string) => Promise<void> {
  const realRoot = fs.realpathSync(root);
  const confine: Plugin = {
    name: "confine-to-submission",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === "entry-point" || args.pluginData?.confined) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { confined: true } });
        if (r.errors.length) return { errors: r.errors };
        if (r.external || !r.path) return { errors: [{ text: `cannot import "${args.path}": only Node's own modules and files in your lessons/ folder can be imported` }] };
        let real = r.path;
        try {
          real = fs.realpathSync(r.path);
        } catch {
          // esbuild resolved it, so it exists; keep the path as given
        }
        if (!isInside(realRoot, real)) return { errors: [{ text: `cannot import "${args.path}": it is outside your submission (only files in your lessons/ folder can be imported)` }] };
        return r;
      });
    },
  };
  return (file, outFile) => bundleLearnerFile(file, outFile, { plugins: [confine] });
}

/**
 * Makes a copy readable by the child's own user (files 0644, folders 0755, nothing
 * writable by it: only its HOME is its own), a few entries per turn of the event loop.
 */
export async function shareWithChild(root: string): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    await fs.promises.chmod(dir, 0o755);
    for (const e of await fs.promises.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) await fs.promises.chmod(p, 0o644);
    }
  };
  await walk(root);
}

export interface IsolationLimits {
  /** Resident memory per child, in MB. */
  rssLimitMb: number;
  /** V8 heap per child, in MB. */
  memoryMb: number;
  /** Console output per child, in bytes. */
  outputLimit: number;
}

export const DEFAULT_LIMITS: IsolationLimits = { rssLimitMb: 512, memoryMb: 256, outputLimit: 1024 * 1024 };

/**
 * The sandbox options for one submission's copy at `root` (its lessons/ and certs/, and its
 * private HOME inside): read the copy and the lab's CA bundle, write only the private HOME
 * (what is graded, lesson 07's text and the integrity signals are the copy's files: no
 * lesson's code may change another's before it is graded).
 */
export function submissionSandbox(
  root: string,
  o: { model: PermissionModel | undefined; trustBundleFile: string; signal?: AbortSignal; limits?: Partial<IsolationLimits>; confinement?: Confinement },
): Partial<SandboxOptions> {
  const home = path.join(root, ".home");
  fs.mkdirSync(home, { recursive: true });
  const env = isolatedEnv(home);
  if (o.confinement?.user) {
    // The child's own user reads the copy and writes its HOME, nothing else of the grader's.
    fs.chmodSync(root, 0o755);
    for (const d of [home, path.join(home, "tmp")]) fs.chownSync(d, o.confinement.user.uid, o.confinement.user.gid);
  }
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  return {
    env,
    cwd: root,
    ...(o.confinement ? { confinement: o.confinement } : {}),
    bundler: confinedBundler(root),
    signal: o.signal,
    memoryMb: limits.memoryMb,
    rssLimitMb: limits.rssLimitMb,
    outputLimit: limits.outputLimit,
    ...(o.model ? { permissions: { flags: o.model.flags, read: [root, o.trustBundleFile], write: [home] } } : {}),
  };
}
