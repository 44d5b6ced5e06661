// A made-up class for the benchmark and the tests: N submissions in a folder, a mix of
// finished work (the reference solutions, with a lesson-04 certificate), untouched stubs and
// half-done work (the first lessons solved, the rest still stubs, one of them broken). Built
// from this workbook's solutions/ and stubs/; every student's files differ from the
// others' by a comment naming them, as real work would.
import fs from "node:fs";
import path from "node:path";
import { makeSelfSigned, writeCertFiles } from "../lab/self-signed.ts";
import { LESSONS, type Lesson } from "../manifest.ts";
import { WORKBOOK_ROOT } from "../paths.ts";

export type Kind = "solution" | "stub" | "half";

export interface SampleStudent {
  student: string;
  kind: Kind;
  dir: string;
}

const read = (dir: "solutions" | "stubs", l: Lesson) => fs.readFileSync(path.join(WORKBOOK_ROOT, dir, l.id, l.files[0]), "utf8");

/** A comment in the file's own syntax (none for JSON, which has none). */
function signed(l: Lesson, text: string, student: string): string {
  const ext = path.extname(l.files[0]);
  if (ext === ".ts") return `// ${student}'s work\n${text}`;
  if (ext === ".md") return `${text}\n<!-- ${student} -->\n`;
  return text;
}

/** Writes `n` submissions into `dir` (student-01 …), kinds in turn: solution, stub, half. */
export async function makeSampleClass(dir: string, n: number, kinds: Kind[] = ["solution", "stub", "half"]): Promise<SampleStudent[]> {
  fs.mkdirSync(dir, { recursive: true });
  const cert = await makeSelfSigned(); // one certificate, copied to everyone who made one
  const lessons = LESSONS.filter((l) => l.available);
  const out: SampleStudent[] = [];
  for (let i = 0; i < n; i++) {
    const student = `student-${String(i + 1).padStart(2, "0")}`;
    const kind = kinds[i % kinds.length];
    const root = path.join(dir, student);
    for (const [k, l] of lessons.entries()) {
      const file = path.join(root, "lessons", l.id, l.files[0]);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      let text = kind === "solution" || (kind === "half" && k < lessons.length / 2) ? read("solutions", l) : read("stubs", l);
      // Half-done work: one lesson left with a syntax error in the middle of an edit.
      if (kind === "half" && l.number === 5) text = text.replace(/export function/, "export function (");
      fs.writeFileSync(file, signed(l, text, student));
      fs.writeFileSync(path.join(path.dirname(file), "README.md"), `# ${l.title}\n`);
    }
    if (kind !== "stub") writeCertFiles(path.join(root, "certs"), cert);
    out.push({ student, kind, dir: root });
  }
  return out;
}
