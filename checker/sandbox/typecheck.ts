// The learner's file, type-checked by TypeScript's own checker (TypeScript 7, a native
// binary: ~0.15 s for one file against Node's types, so it runs alongside the grading). Only
// the learner's own file is reported; the settings are fixed here and never read from the
// learner's folder.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
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
export function typeCheck(file: string, o: { workDir: string; confined?: boolean; signal?: AbortSignal }): Promise<TypeCheck> {
  const exe = checkerBinary();
  if (!exe) return Promise.resolve({ kind: "unavailable", reason: `TypeScript's checker for ${process.platform}-${process.arch} is not installed (run npm install)` });
  const config = path.join(o.workDir, "tsconfig.typecheck.json");
  // Confined: nothing is resolved, so Node's types are named file by file instead.
  const settings = o.confined
    ? { compilerOptions: { ...COMPILER_OPTIONS, noResolve: true, types: [] }, files: [file, ...nodeTypeFiles()] }
    : { compilerOptions: COMPILER_OPTIONS, files: [file] };
  fs.writeFileSync(config, JSON.stringify(settings));
  return new Promise((resolve) => {
    const child = spawn(exe, ["-p", config, "--pretty", "false"], { cwd: o.workDir, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
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
