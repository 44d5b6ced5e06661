// npm run lab [-- --json]: the local badssl.com replica on its documented ports, until Ctrl+C.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ENDPOINTS } from "../lab/endpoints.ts";
import { Lab } from "../lab/lab.ts";
import { WORKBOOK_ROOT } from "../paths.ts";
import { colors } from "../report/terminal.ts";
import { runCli, UsageError } from "./common.ts";

const LAB_DIR = path.join(WORKBOOK_ROOT, "certs", "lab");

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    process.stdout.write("usage: npm run lab [-- --json]\nStarts the lab's TLS servers on localhost and keeps them up until Ctrl+C.\n");
    return 0;
  }
  let lab: Lab;
  try {
    lab = await Lab.start({ fixedPorts: true, dir: LAB_DIR });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const caFile = path.relative(process.cwd(), lab.caFile) || lab.caFile;
  const list = ENDPOINTS.map((spec) => ({ name: spec.name, host: "localhost", port: lab.endpoint(spec.name).port, expect: spec.expect, caFile: lab.caFile }));
  fs.writeFileSync(path.join(LAB_DIR, "endpoints.json"), JSON.stringify(list, null, 2) + "\n");

  if (values.json) {
    process.stdout.write(JSON.stringify(list) + "\n");
  } else {
    const c = colors();
    const rows = ENDPOINTS.map((s) => [s.name, String(lab.endpoint(s.name).port), s.wrong, s.mustDo, s.expect === "connect" ? "(connects)" : s.expect === "timeout" ? "(none: no error comes)" : s.expect]);
    const head = ["endpoint", "port", "what is wrong", "a verifying client must", "Node error code"];
    process.stdout.write(
      [
        c.bold("tls-workbook lab: real TLS servers on localhost (127.0.0.1)"),
        "",
        ...endpointTable(head, rows, tableWidth()).map((l, i) => (i === 0 ? c.bold(l) : l)),
        "",
        `Connect to localhost on the port. The lab's root CA is ${caFile};`,
        `trust it from your own scripts with`,
        `  NODE_EXTRA_CA_CERTS=${caFile} npx tsx your-script.ts`,
        `  (PowerShell: $env:NODE_EXTRA_CA_CERTS="${caFile}")`,
        `Keep verification on: trusting the lab CA is the right fix, rejectUnauthorized: false never is.`,
        `The lab's CRLs (the root's and the intermediate's, which lists the revoked endpoint's leaf)`,
        `are in ${path.relative(process.cwd(), lab.crlFile) || lab.crlFile}: lesson 08 passes them to tls.connect as crl, one PEM each.`,
        `The list is also in ${path.relative(process.cwd(), path.join(LAB_DIR, "endpoints.json"))}.`,
        `The certificates are new on every start.`,
        c.dim("Serving until Ctrl+C."),
        "",
      ].join("\n"),
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await lab.close();
  if (!values.json) process.stdout.write("Lab closed.\n");
  return 0;
}

/** At most 100 columns, fewer on a narrower terminal. */
function tableWidth(): number {
  const cols = process.stdout.isTTY ? process.stdout.columns : undefined;
  return Math.min(100, cols && cols > 40 ? cols : 100);
}

/**
 * The endpoint table in `width` columns: the name, port and code columns as wide as their
 * widest cell; "what is wrong" and "a verifying client must" share the room left, in
 * proportion to their widest cells, and wrap onto continuation lines.
 */
export function endpointTable(head: string[], rows: string[][], width: number): string[] {
  const WRAPPED = [2, 3];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fixed = widths.reduce((a, w, i) => (WRAPPED.includes(i) ? a : a + w), 0) + 2 * (head.length - 1);
  const room = Math.max(32, width - fixed);
  const natural = WRAPPED.reduce((a, i) => a + widths[i], 0);
  if (natural > room) {
    widths[3] = Math.max(14, Math.floor((room * widths[3]) / natural));
    widths[2] = Math.max(14, room - widths[3]);
  }
  const wrap = (text: string, w: number): string[] => {
    const out: string[] = [];
    let cur = "";
    for (const word of text.split(" ")) {
      if (cur && cur.length + 1 + word.length > w) {
        out.push(cur);
        cur = word;
      } else cur = cur ? `${cur} ${word}` : word;
    }
    out.push(cur);
    return out;
  };
  const render = (cells: string[]): string[] => {
    const pieces = cells.map((x, i) => (WRAPPED.includes(i) ? wrap(x, widths[i]) : [x]));
    const height = Math.max(...pieces.map((p) => p.length));
    return Array.from({ length: height }, (_, k) => pieces.map((p, i) => (p[k] ?? "").padEnd(widths[i])).join("  ").trimEnd());
  };
  return [...render(head), ...rows.flatMap(render)];
}

runCli("lab", () => main(process.argv.slice(2)), { handlesSignals: true });
