// The learner's file, type-checked by TypeScript's own checker (TypeScript 7, a native
// binary: ~0.15 s for one file against Node's types, so it runs alongside the grading). Only
// the learner's own file is reported; the settings are fixed here and never read from the
// learner's folder.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { WORKBOOK_ROOT } from "../paths.ts";

export interface TypeDiagnostic {
  line: number;
  column: number;
  code: string;
  message: string;
}

export type TypeCheck = { kind: "checked"; diagnostics: TypeDiagnostic[] } | { kind: "unavailable"; reason: string };

/** The same settings as the workbook's own tsconfig for learner code: strict, Node's types, ES2022. */
const COMPILER_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2022"],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
  esModuleInterop: true,
  resolveJsonModule: true,
  types: ["node"],
  typeRoots: [path.join(WORKBOOK_ROOT, "node_modules", "@types")],
};

const TIMEOUT_MS = 20_000;
const MAX_OUTPUT = 1024 * 1024;

/** TypeScript's native checker for this machine (its platform package), or undefined. */
function checkerBinary(): string | undefined {
  const os = process.platform;
  const name = `@typescript/typescript-${os}-${process.arch}`;
  try {
    const require = createRequire(path.join(WORKBOOK_ROOT, "package.json"));
    const dir = path.dirname(require.resolve(`${name}/package.json`));
    const exe = path.join(dir, "lib", os === "win32" ? "tsc.exe" : "tsc");
    return fs.existsSync(exe) ? exe : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Type-checks `file` in `workDir` (where a tsconfig of fixed settings is written). `confined`
 * (the batch grader): imports and /// references are not followed, so nothing outside the
 * student's file is read, and "cannot find module" for their own relative imports is dropped.
 */
export async function typeCheck(file: string, o: { workDir: string; confined?: boolean; signal?: AbortSignal }): Promise<TypeCheck> {
  const exe = checkerBinary();
  if (!exe) return { kind: "unavailable", reason: `TypeScript's checker for ${process.platform}-${process.arch} is not installed (run npm install)` };
  // The same bytes under the same checker and settings give the same errors: a re-grade of an
  // unchanged file (the menu, the final re-check, a class graded again) skips the checker.
  let key: string | undefined;
  try {
    key = crypto.createHash("sha256").update(`${exe}\0${fs.statSync(exe).mtimeMs}\0${o.confined ? 1 : 0}\0${JSON.stringify(COMPILER_OPTIONS)}\0`).update(fs.readFileSync(file)).digest("hex").slice(0, 32);
    const hit = JSON.parse(fs.readFileSync(path.join(CACHE, `${key}.json`), "utf8")) as TypeDiagnostic[];
    if (Array.isArray(hit)) return { kind: "checked", diagnostics: hit };
  } catch {
    // not cached (or unreadable): check it
  }
  // A check of these very bytes already under way (watch mode starts one at the save): share it.
  const running = key && inFlight.get(key);
  if (running) return running;
  const started = runChecker(exe, file, o);
  if (key) inFlight.set(key, started);
  const result = await started.finally(() => key && inFlight.delete(key));
  if (key && result.kind === "checked") {
    try {
      fs.mkdirSync(CACHE, { recursive: true });
      const tmp = path.join(CACHE, `${key}.${process.pid}.tmp`);
      fs.writeFileSync(tmp, JSON.stringify(result.diagnostics));
      fs.renameSync(tmp, path.join(CACHE, `${key}.json`));
      pruneCache();
    } catch {
      // a read-only workbook: no cache, same result
    }
  }
  return result;
}

/** Results by file content, in the workbook's gitignored .cache/. */
const CACHE = path.join(WORKBOOK_ROOT, ".cache", "typecheck");
const inFlight = new Map<string, Promise<TypeCheck>>();
const CACHE_KEEP = 500;

/** Past twice CACHE_KEEP results, the older half goes: a bounded folder however long the course. */
function pruneCache(): void {
  const files = fs.readdirSync(CACHE).filter((f) => f.endsWith(".json"));
  if (files.length <= 2 * CACHE_KEEP) return;
  const byAge = files.map((f) => ({ f, t: fs.statSync(path.join(CACHE, f)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { f } of byAge.slice(0, files.length - CACHE_KEEP)) fs.rmSync(path.join(CACHE, f), { force: true });
}

/**
 * Starts checking `file` as it is now, for a grading about to come (watch mode calls it when a
 * save is seen, so the check runs during the debounce instead of after it). Never throws.
 */
export function prefetchTypeCheck(file: string): void {
  let dir: string;
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    dir = fs.mkdtempSync(path.join(CACHE, "run-"));
  } catch {
    return; // nowhere to write its settings: the grading checks for itself
  }
  void typeCheck(file, { workDir: dir })
    .catch(() => undefined)
    .finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

function runChecker(exe: string, file: string, o: { workDir: string; confined?: boolean; signal?: AbortSignal }): Promise<TypeCheck> {
  const config = path.join(o.workDir, "tsconfig.typecheck.json");
  // Confined: nothing is resolved, so Node's types are named file by file instead.
  const settings = o.confined
    ? { compilerOptions: { ...COMPILER_OPTIONS, noResolve: true, types: [] }, files: [file, ...nodeTypeFiles()] }
    : { compilerOptions: COMPILER_OPTIONS, files: [file] };
  fs.writeFileSync(config, JSON.stringify(settings));
  return new Promise((resolve) => {
    const child = spawn(exe, ["-p", config, "--pretty", "false"], { cwd: o.workDir, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    // Behind the grading for the CPU: it fills the moments the grading waits on the network.
    try {
      if (child.pid !== undefined) os.setPriority(child.pid, 10);
    } catch {
      // not allowed here: same priority then
    }
    let out = "";
    const collect = (chunk: Buffer) => {
      if (out.length < MAX_OUTPUT) out += chunk.toString("utf8");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const stop = () => child.kill("SIGKILL");
    const timer = setTimeout(stop, TIMEOUT_MS);
    o.signal?.addEventListener("abort", stop, { once: true });
    child.once("error", (err) => {
      clearTimeout(timer);
      resolve({ kind: "unavailable", reason: `TypeScript's checker did not start: ${err.message}` });
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", stop);
      if (signal) return resolve({ kind: "unavailable", reason: `TypeScript's checker was stopped (${signal}) after ${TIMEOUT_MS / 1000} s or by the grading's end` });
      const diagnostics = ownDiagnostics(out, file, o.workDir, Boolean(o.confined));
      if (code !== 0 && code !== 1 && code !== 2 && diagnostics.length === 0)
        return resolve({ kind: "unavailable", reason: `TypeScript's checker failed (exit ${code}): ${out.split("\n")[0].slice(0, 200)}` });
      resolve({ kind: "checked", diagnostics });
    });
  });
}

let typeFiles: string[] | undefined;

/** Every declaration file of @types/node and of undici-types (which it uses), for a check that resolves nothing. */
function nodeTypeFiles(): string[] {
  typeFiles ??= ["@types/node", "undici-types"].flatMap((pkg) => {
    const dir = path.join(WORKBOOK_ROOT, "node_modules", pkg);
    try {
      return fs
        .readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".d.ts") && !/(^|[\\/])ts\d/.test(f)) // not the copies for older TypeScript
        .map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  });
  return typeFiles;
}

/** "path(line,col): error TS2322: message" lines about `file` itself. */
function ownDiagnostics(out: string, file: string, cwd: string, confined: boolean): TypeDiagnostic[] {
  // tsc names files relative to the folder it runs in.
  const same = (p: string) => {
    const a = path.resolve(cwd, p);
    const b = path.resolve(file);
    return process.platform === "win32" ? a.toLowerCase() === b.toLowerCase() : a === b;
  };
  const found: TypeDiagnostic[] = [];
  for (const line of out.split(/\r?\n/)) {
    const m = /^(.*)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (!m || !same(m[1])) continue;
    // With imports not followed, the student's own helper files cannot be found: not their error.
    if (confined && (m[4] === "TS2307" || m[4] === "TS2792") && /['"]\.\.?\//.test(m[5])) continue;
    found.push({ line: Number(m[2]), column: Number(m[3]), code: m[4], message: m[5] });
  }
  return found;
}
