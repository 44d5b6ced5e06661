// Shared by every command: bad input is a one-line error and exit 2, never a stack trace;
// Ctrl+C ends cleanly (sandboxes are killed by their exit hook, labs die with us).

/** A mistake in how the command was called: shown as one line, exit 2. */
export class UsageError extends Error {}

export function runCli(name: string, main: () => Promise<number>, o: { handlesSignals?: boolean } = {}): void {
  if (!o.handlesSignals) {
    process.once("SIGINT", () => process.exit(130));
    process.once("SIGTERM", () => process.exit(143));
  }
  main().then(
    (code) => {
      // Exit once our output is flushed, even if some handle would keep the loop alive:
      // a finished command must never sit there.
      process.exitCode = code;
      process.stdout.write("", () => process.exit(code));
    },
    (err: unknown) => {
      const e = err as { code?: string; message?: string; stack?: string };
      // node:util parseArgs reports unknown flags with these codes.
      const usage = err instanceof UsageError || (typeof e?.code === "string" && e.code.startsWith("ERR_PARSE_ARGS"));
      // One line: node:util's parse errors can run over several.
      const message = (e?.message ?? String(err)).split("\n")[0];
      process.stderr.write(`${name}: ${usage ? "" : "internal error: "}${message}\n`);
      if (!usage && process.env.TLS_WORKBOOK_DEBUG) process.stderr.write(`${e?.stack}\n`);
      process.exitCode = 2;
    },
  );
}
