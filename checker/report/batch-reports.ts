// The class reports, all derived from one BatchResult (checker/batch/types.ts):
//   results.json  the BatchResult itself: { version: 1, generatedAt, lessons: [ids],
//                 students: [{ student, lessons: { "02-verified-client": <results.json v3> },
//                 flags, writtenAnswer?, ms }] }, each lesson object exactly what
//                 `npm run lesson N -- --json` prints
//   grades.csv    csv.ts      junit.xml   junit.ts      report.html   html.ts
//   summary.csv   summary.ts (per lesson and per check: judged, passed, failed, pass rate)
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { BatchResult } from "../batch/types.ts";
import { UsageError } from "../cli/common.ts";
import { gradesCsv } from "./csv.ts";
import { reportHtml } from "./html.ts";
import { junitXml } from "./junit.ts";
import { summaryCsv } from "./summary.ts";


export const REPORT_FILES = ["results.json", "grades.csv", "junit.xml", "report.html", "summary.csv"] as const;

export function resultsJson(result: BatchResult): string {
  return JSON.stringify(result, null, 2) + "\n";
}

/** Each file is written beside itself and renamed: a reader never sees half a report. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(3).toString("hex")}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes results.json, grades.csv, junit.xml, report.html and summary.csv into `outDir`
 * (made if needed; other files there are left alone) and returns their paths. A folder that cannot be made
 * or written is a UsageError: one line, exit 2.
 */
export async function writeReports(result: BatchResult, outDir: string): Promise<string[]> {
  const dir = path.resolve(outDir);
  const texts: Record<(typeof REPORT_FILES)[number], string> = {
    "results.json": resultsJson(result),
    "grades.csv": gradesCsv(result),
    "junit.xml": junitXml(result),
    "report.html": reportHtml(result),
    "summary.csv": summaryCsv(result),
  };
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UsageError(`--out ${outDir}: not a folder`);
  const written: string[] = [];
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const name of REPORT_FILES) {
      const file = path.join(dir, name);
      writeAtomically(file, texts[name]);
      written.push(file);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`cannot write the reports to ${outDir}: ${(e.message ?? String(err)).split("\n")[0]}`);
  }
  return written;
}
