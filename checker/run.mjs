// node checker/run.mjs <command> [args...]: runs checker/cli/<command>.ts, as every npm script does.
//
// The checker is TypeScript. Loading it through tsx costs ~0.2 s on Node 20, and Node's own type
// stripping (22.18+) still resolves and strips some 40 modules on every start. So the first run
// after any change under checker/ bundles the commands with esbuild (~0.1 s, once) into
// .cache/build/<stamp>/ (gitignored), and later runs import that: one file, kept in V8's compile
// cache. Each module keeps its own import.meta.url, so paths resolve as from the sources.
// Where no bundle can be written (a read-only copy) or TLS_WORKBOOK_NO_BUILD=1, the sources run
// directly: with Node's type stripping where it has it, through tsx elsewhere.
// Plain JavaScript on purpose: it must run before any TypeScript support exists.
import crypto from "node:crypto";
import fs from "node:fs";
import module from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const CHECKER = fileURLToPath(new URL(".", import.meta.url));
const ROOT = path.dirname(CHECKER);
const CLI = path.join(CHECKER, "cli");

const command = process.argv[2] ?? "";
const file = path.join(CLI, `${command}.ts`);
if (!/^[a-z][a-z-]*$/.test(command) || !fs.existsSync(file)) {
  process.stderr.write(`tls-workbook: unknown command "${command}": one of ${commands().join(", ")}\n`);
  process.exit(2);
}
// V8's compile cache (Node 22.1+), also in the gitignored .cache/; a folder that cannot be
// written only means no cache.
module.enableCompileCache?.(path.join(ROOT, ".cache", "compile"));
// The command sees its own path and arguments, as if run directly.
process.argv.splice(1, 2, file);

const built = process.env.TLS_WORKBOOK_NO_BUILD ? undefined : await bundled(command);
if (built) {
  if (process.env.TLS_WORKBOOK_DEBUG) process.setSourceMapsEnabled(true);
  await import(pathToFileURL(built).href);
} else {
  if (!process.features.typescript) {
    const { register } = await import("tsx/esm/api");
    register();
  }
  await import(pathToFileURL(file).href);
}

/** The commands: every checker/cli/*.ts but the shared helpers. */
function commands() {
  return fs
    .readdirSync(CLI)
    .filter((f) => f.endsWith(".ts") && f !== "common.ts")
    .map((f) => f.slice(0, -3))
    .sort();
}

/** A digest of every file under checker/ (path, size, mtime) and esbuild's version: a new one after any edit. */
function stamp() {
  const h = crypto.createHash("sha256");
  for (const entry of fs.readdirSync(CHECKER, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const f = path.join(entry.parentPath ?? entry.path, entry.name);
    const st = fs.statSync(f);
    h.update(`${path.relative(CHECKER, f)}\0${st.size}\0${st.mtimeMs}\n`);
  }
  h.update(JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "esbuild", "package.json"), "utf8")).version);
  return h.digest("hex").slice(0, 16);
}

/** The bundled command, built first if the checker changed since; undefined when it cannot be. */
async function bundled(name) {
  const buildRoot = path.join(ROOT, ".cache", "build");
  try {
    const dir = path.join(buildRoot, stamp());
    const out = path.join(dir, `${name}.js`);
    if (fs.existsSync(out)) return out;
    const { build } = await import("esbuild");
    // Built beside, then renamed into place: a second command starting meanwhile sees all or nothing.
    const tmp = `${dir}.tmp-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
    await build({
      entryPoints: commands().map((c) => path.join(CLI, `${c}.ts`)),
      outdir: tmp,
      bundle: true,
      splitting: true, // what a command loads lazily (the menu, the quiz, live checks) stays lazy
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external", // node_modules are imported as they are, from the workbook
      sourcemap: true,
      logLevel: "silent",
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
      plugins: [ownImportMetaUrl()],
    });
    try {
      fs.renameSync(tmp, dir);
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true }); // another command built it first
    }
    for (const old of fs.readdirSync(buildRoot)) if (old !== path.basename(dir)) fs.rmSync(path.join(buildRoot, old), { recursive: true, force: true });
    return fs.existsSync(out) ? out : undefined;
  } catch (err) {
    if (process.env.TLS_WORKBOOK_DEBUG) process.stderr.write(`checker/run.mjs: running the sources, no bundle: ${err?.message ?? err}\n`);
    return undefined; // no esbuild, a read-only folder, a compile error: run the sources instead
  }
}

/** Each checker module keeps the import.meta.url of its source file (it finds harness.mjs, graders and the workbook root by it). */
function ownImportMetaUrl() {
  return {
    name: "own-import-meta-url",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(CHECKER)) return undefined;
        const source = fs.readFileSync(args.path, "utf8");
        return { contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" };
      });
    },
  };
}
