// Is the internet there? Asked once per grading, before any live call: a DNS lookup of the
// first live target and a TCP connection to it, within a few seconds. When it fails, every
// live check is skipped with the one-line reason given here, and the offline grade stands.
import dns from "node:dns";
import net from "node:net";
import { targetText, type LiveTarget } from "./targets.ts";

export const PROBE_TIMEOUT_MS = 3000;

export type ProbeResult = { ok: true } | { ok: false; reason: string };

export interface ProbeOptions {
  timeoutMs?: number;
  /** How to resolve the host (tests stand in a lookup that never answers). */
  lookup?: (host: string) => Promise<unknown>;
  /** Stops the probe (grading ended early): it then resolves as not ok at once. */
  signal?: AbortSignal;
}

const OFFLINE = "cannot reach the internet from here";

export async function probe(target: Pick<LiveTarget, "host" | "port">, o: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = o.timeoutMs ?? PROBE_TIMEOUT_MS;
  const where = targetText(target);
  const lookup = o.lookup ?? ((host: string) => dns.promises.lookup(host));
  let timer: NodeJS.Timeout | undefined;
  let socket: net.Socket | undefined;
  let finished = false;
  const timedOut = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `${OFFLINE}: no answer from ${where} within ${formatSeconds(timeoutMs)}` }), timeoutMs);
    const stop = () => resolve({ ok: false, reason: "the live checks were cancelled" });
    if (o.signal?.aborted) stop();
    else o.signal?.addEventListener("abort", stop, { once: true });
  });
  const attempt = (async (): Promise<ProbeResult> => {
    if (!net.isIP(target.host)) {
      try {
        await lookup(target.host);
      } catch (err) {
        return { ok: false, reason: `${OFFLINE}: ${target.host} does not resolve (${codeOf(err)})` };
      }
    }
    if (finished) return { ok: false, reason: "" }; // timed out meanwhile: connect to nothing
    return new Promise<ProbeResult>((resolve) => {
      socket = net.connect({ host: target.host, port: target.port });
      socket.once("connect", () => resolve({ ok: true }));
      socket.once("error", (err) => resolve({ ok: false, reason: `${OFFLINE}: cannot connect to ${where} (${codeOf(err)})` }));
    });
  })();
  try {
    return await Promise.race([attempt, timedOut]);
  } finally {
    finished = true;
    clearTimeout(timer);
    socket?.destroy();
  }
}

function codeOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? String(e?.message ?? err).split("\n")[0];
}

const formatSeconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);
