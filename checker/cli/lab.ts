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
    const rows = ENDPOINTS.map((s) => [s.name, String(lab.endpoint(s.name).port), s.wrong, s.mustDo, s.expect === "connect" ? "(connects)" : s.expect]);
    const head = ["endpoint", "port", "what is wrong", "a verifying client must", "Node error code"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((x, i) => x.padEnd(widths[i])).join("  ").trimEnd();
    process.stdout.write(
      [
        c.bold("tls-workbook lab: real TLS servers on localhost (127.0.0.1)"),
        "",
        c.bold(line(head)),
        ...rows.map(line),
        "",
        `Connect to localhost on the port. The lab's root CA is ${caFile}; trust it from your own scripts with`,
        `  NODE_EXTRA_CA_CERTS=${caFile} npx tsx your-script.ts        (PowerShell: $env:NODE_EXTRA_CA_CERTS="${caFile}")`,
        `Keep verification on: trusting the lab CA is the right fix, rejectUnauthorized: false never is.`,
        `The list is also in ${path.relative(process.cwd(), path.join(LAB_DIR, "endpoints.json"))}. The certificates are new on every start.`,
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

runCli("lab", () => main(process.argv.slice(2)), { handlesSignals: true });
