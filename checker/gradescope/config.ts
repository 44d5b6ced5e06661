// gradescope.json, packed beside setup.sh: which lessons the autograder grades and who sees
// the tests. Written by npm run gradescope, read by gradescope-run in the container.
import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../cli/common.ts";
import { LESSONS, type Lesson } from "../manifest.ts";
import { VISIBILITIES, type Visibility } from "./results.ts";

export const CONFIG_FILE = "gradescope.json";

export interface GradescopeConfig {
  lessons: string[];
  visibility: Visibility;
}

export function readConfig(root: string): { lessons: Lesson[]; visibility: Visibility } {
  const file = path.join(root, CONFIG_FILE);
  let raw: Partial<GradescopeConfig>;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<GradescopeConfig>;
  } catch (err) {
    throw new UsageError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): pack the autograder with npm run gradescope`);
  }
  const lessons = (Array.isArray(raw.lessons) ? raw.lessons : []).map((id) => LESSONS.find((l) => l.id === id && l.available));
  if (lessons.length === 0 || lessons.some((l) => !l)) throw new UsageError(`${file}: "lessons" must list available lesson ids`);
  const visibility = raw.visibility ?? "visible";
  if (!VISIBILITIES.includes(visibility)) throw new UsageError(`${file}: "visibility" must be one of ${VISIBILITIES.join(", ")}`);
  return { lessons: lessons as Lesson[], visibility };
}
