// npm run gradescope -- --out DIR [--lessons 2,5] [--visibility visible|hidden|after_due_date|after_published]
// Packs DIR/autograder.zip for Gradescope: setup.sh and run_autograder at its root (see
// checker/gradescope/scripts.ts), gradescope.json (which lessons, who sees the tests), and
// what grading needs of this workbook: checker/, stubs/ and solutions/ (the integrity signal),
// the lessons' READMEs, package.json and package-lock.json. Never the instructor's own
// lesson files, .cache/ or node_modules/ (setup.sh runs npm ci in the image).
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { zipSync, type Zippable } from "fflate";
import { parseLessons } from "../batch/discover.ts";
import { VISIBILITIES, type Visibility } from "../gradescope/results.ts";
import { GRADESCOPE_NODE, GRADESCOPE_NPM, runAutograder, setupSh } from "../gradescope/scripts.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import { CONFIG_FILE, type GradescopeConfig } from "../gradescope/config.ts";
import { runCli, UsageError } from "./common.ts";

const USAGE = "usage: npm run gradescope -- --out DIR [--lessons 2,5] [--visibility visible|hidden|after_due_date|after_published] [--node 24.x.y]";

/** Folders packed whole (as they are in this workbook), and files packed one by one. */
const FOLDERS = ["checker", "stubs", "solutions"];
const FILES = ["package.json", "package-lock.json"];

function addTree(zip: Zippable, dir: string, rel: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    const r = `${rel}/${e.name}`;
    if (e.isDirectory()) addTree(zip, p, r);
    else if (e.isFile()) zip[r] = fs.readFileSync(p);
  }
}

/** The zip's entries, by path: executable scripts marked so for unzip. */
export function autograderEntries(config: GradescopeConfig, o: { node?: string } = {}): Zippable {
  const exec = { os: 3, attrs: 0o100755 << 16 };
  const zip: Zippable = {
    "setup.sh": [Buffer.from(setupSh({ node: o.node ?? GRADESCOPE_NODE, npm: GRADESCOPE_NPM })), exec],
    run_autograder: [Buffer.from(runAutograder()), exec],
    [CONFIG_FILE]: Buffer.from(JSON.stringify(config, null, 2) + "\n"),
  };
  for (const f of FILES) zip[f] = fs.readFileSync(path.join(WORKBOOK_ROOT, f));
  for (const d of FOLDERS) addTree(zip, path.join(WORKBOOK_ROOT, d), d);
  // Only the READMEs of lessons/: the instructor's own answers there are nobody's business.
  for (const e of fs.readdirSync(path.join(WORKBOOK_ROOT, "lessons"), { withFileTypes: true })) {
    const readme = path.join(WORKBOOK_ROOT, "lessons", e.name, "README.md");
    if (e.isDirectory() && fs.existsSync(readme)) zip[`lessons/${e.name}/README.md`] = fs.readFileSync(readme);
  }
  return zip;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: "string" }, lessons: { type: "string" }, visibility: { type: "string" }, node: { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.out?.trim()) throw new UsageError(`--out is required: the folder to write autograder.zip into. ${USAGE}`);
  const visibility = (values.visibility ?? "visible") as Visibility;
  if (!VISIBILITIES.includes(visibility)) throw new UsageError(`--visibility: choose ${VISIBILITIES.join(", ")}`);
  if (values.node !== undefined && !/^2[2-9]\.\d+\.\d+$|^[3-9]\d\.\d+\.\d+$/.test(values.node)) throw new UsageError(`--node takes a full version of Node 22 or later, e.g. ${GRADESCOPE_NODE}`);
  const lessons = parseLessons(values.lessons);
  const config: GradescopeConfig = { lessons: lessons.map((l) => l.id), visibility };
  const out = path.resolve(values.out);
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create --out ${values.out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const file = path.join(out, "autograder.zip");
  const bytes = zipSync(autograderEntries(config, { node: values.node }), { level: 9, mtime: new Date("2026-01-01T00:00:00Z") });
  fs.writeFileSync(file, bytes);
  process.stdout.write(
    `Wrote ${path.relative(process.cwd(), file) || file} (${Math.round(bytes.length / 1024)} KiB): lessons ${lessons.map((l) => l.number).join(", ")}, tests ${visibility}.\n` +
      `Upload it in Gradescope (Configure Autograder → Zip file upload, Ubuntu 22.04 base image); see the README's Gradescope section.\n`,
  );
  return 0;
}

runCli("gradescope", () => main(process.argv.slice(2)));
