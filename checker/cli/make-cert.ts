// npm run make-cert [-- --dir DIR]: lesson 04's certificate without openssl. It does what
// the lesson's openssl command does (a self-signed RSA 2048 certificate for CN=localhost,
// valid 365 days, and its unencrypted key) and adds a subjectAltName for localhost.
// Files already there are copied to .backup/ first: a learner's work is never lost.
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { makeSelfSigned, writeCertFiles } from "../lab/self-signed.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import { runCli, UsageError } from "./common.ts";

const USAGE = "usage: npm run make-cert [-- --dir DIR]   (default DIR: certs/ in the workbook)";
const FILES = ["cert.pem", "key.pem"] as const;

/** How a path is shown: relative to where the command runs, when that is shorter. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}

/** 2026-11-27T10-23-31Z: sortable and valid in a file name on every system. */
function timestamp(d = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z").replace(/:/g, "-");
}

/** Copies the files that exist to <dir's parent>/.backup/<dir's name>/<name>.<timestamp>; returns the copies. */
function backUp(dir: string): string[] {
  const existing = FILES.map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
  if (existing.length === 0) return [];
  const backupDir = path.join(path.dirname(dir), ".backup", path.basename(dir));
  fs.mkdirSync(backupDir, { recursive: true });
  const stamp = timestamp();
  return existing.map((file) => {
    let target = path.join(backupDir, `${path.basename(file)}.${stamp}`);
    for (let n = 2; fs.existsSync(target); n++) target = path.join(backupDir, `${path.basename(file)}.${stamp}-${n}`);
    fs.copyFileSync(file, target, fs.constants.COPYFILE_EXCL);
    return target;
  });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dir: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n\nMakes cert.pem (self-signed, CN=localhost, RSA 2048, 365 days) and key.pem in DIR.\n`);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}". ${USAGE}`);
  if (values.dir !== undefined && values.dir.trim() === "") throw new UsageError(`--dir needs a folder. ${USAGE}`);
  const dir = path.resolve(values.dir ?? path.join(WORKBOOK_ROOT, "certs"));
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new UsageError(`${shown(dir)} is a file, not a folder. ${USAGE}`);
  for (const f of FILES) {
    const file = path.join(dir, f);
    if (fs.existsSync(file) && !fs.statSync(file).isFile()) throw new UsageError(`${shown(file)} exists and is not a file; move it away first.`);
  }

  const backups = backUp(dir);
  const cert = await makeSelfSigned({ cn: "localhost", days: 365, keyType: "rsa" });
  const { certFile, keyFile } = writeCertFiles(dir, cert);

  const until = new Date(new X509Certificate(cert.pem).validTo).toISOString().slice(0, 10);
  const out: string[] = [];
  for (const b of backups) out.push(`Kept your previous ${path.basename(b).split(".").slice(0, 2).join(".")} as ${shown(b)}`);
  out.push(`Made ${shown(certFile)} (self-signed, CN=localhost, SAN localhost, RSA 2048, valid until ${until})`);
  out.push(`and  ${shown(keyFile)} (its private key, not encrypted: keep it to yourself).`);
  process.stdout.write(out.join("\n") + "\n");
  return 0;
}

runCli("make-cert", () => main(process.argv.slice(2)));
