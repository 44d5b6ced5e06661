// The batch's temporary folder: every student's copy, transpiled file, grading folder and the
// lab live in one folder the batch owns, named with its process id. It is removed when the
// batch ends or is stopped; one left by a grader that was killed (SIGKILL, a power cut) is
// removed by the next batch, once its owner is gone.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { removeTree } from "./copy.ts";

const PREFIX = "tls-workbook-batch-";
const OWNER_FILE = "owner.pid";

/** A new folder for this batch, with this process's id in it. */
export function claimTempFolder(prefix = PREFIX): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, someone else's
  }
}

/** Removes batch folders whose owner process is gone; returns how many. Never throws. */
export async function removeStaleTempFolders(tmp = os.tmpdir()): Promise<number> {
  let names: string[];
  try {
    names = fs.readdirSync(tmp).filter((n) => n.startsWith(PREFIX));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const dir = path.join(tmp, name);
    let owner: number;
    try {
      const st = fs.lstatSync(dir);
      if (!st.isDirectory() || (typeof process.getuid === "function" && st.uid !== process.getuid())) continue; // only our own
      owner = Number(fs.readFileSync(path.join(dir, OWNER_FILE), "utf8"));
    } catch {
      continue; // no owner file: not ours, or just being made
    }
    if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid || alive(owner)) continue;
    await removeTree(dir);
    removed++;
  }
  return removed;
}
