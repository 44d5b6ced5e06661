// Transpile the learner's TypeScript once, in the grader, so the child can run plain `node`
// (no loader: ~50 ms to start instead of ~250 ms under tsx).
import fs from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";
import { WORKBOOK_ROOT } from "../paths.ts";
import type { Message, Plugin } from "esbuild";

export class LearnerSyntaxError extends Error {
  readonly location: string;
  readonly detail: string;
  constructor(location: string, detail: string) {
    super(`${location}: ${detail}`);
    this.location = location;
    this.detail = detail;
  }
}

/** The workbook's own answers and machinery: a learner's file that imports them grades someone else's code. */
const OFF_LIMITS = ["solutions", "checker", "test"].map((d) => path.join(WORKBOOK_ROOT, d));

const noReferenceImports: Plugin = {
  name: "no-reference-imports",
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind === "entry-point" || args.pluginData?.checked || isBuiltin(args.path)) return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { checked: true } });
      if (r.errors.length || !r.path) return r.errors.length ? { errors: r.errors } : undefined;
      let real = r.path;
      try {
        real = fs.realpathSync(r.path);
      } catch {
        // esbuild found it: keep its path
      }
      const inside = OFF_LIMITS.find((d) => real === d || real.startsWith(d + path.sep));
      if (inside)
        return { errors: [{ text: `cannot import "${args.path}": it is the workbook's own ${path.basename(inside)}/ folder, and the grade must be for code you wrote (your own helper files next to the lesson are fine)` }] };
      return r;
    });
  },
};

/**
 * Bundles `file` (and anything relative it imports) into `outFile` as ESM with a source map.
 * `plugins` can restrict what may be imported (the batch grader confines a submission);
 * without them, importing the workbook's solutions/, checker/ or test/ is a compile error.
 */
export async function bundleLearnerFile(file: string, outFile: string, o: { plugins?: Plugin[] } = {}): Promise<void> {
  // Loaded here, not at the top (~8 ms): the child process starts while esbuild loads.
  const { build } = await import("esbuild");
  try {
    await build({
      entryPoints: [file],
      outfile: outFile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "inline",
      logLevel: "silent",
      // Fixed settings: no tsconfig.json is ever read (a learner's could "extends" /dev/zero, or
      // any file on the machine), so the same file transpiles the same everywhere.
      tsconfigRaw: {},
      // Lets bundled CommonJS call require() for Node's own modules.
      banner: { js: 'import { createRequire as __twRequire } from "node:module"; const require = __twRequire(import.meta.url);' },
      plugins: o.plugins ?? [noReferenceImports],
    });
  } catch (err) {
    const first: Message | undefined = (err as { errors?: Message[] }).errors?.[0];
    if (!first) throw err;
    const loc = first.location;
    const where = loc ? `${path.relative(process.cwd(), path.resolve(loc.file)) || loc.file}:${loc.line}:${loc.column + 1}` : path.relative(process.cwd(), file);
    throw new LearnerSyntaxError(where, first.text);
  }
}
