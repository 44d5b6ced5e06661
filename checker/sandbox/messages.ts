// What the child may say to the grader, checked before anything of it is used. The child runs
// the learner's code, which can call process.send itself: every message is hostile until it
// has the shape of one the harness sends, and everything kept of it is cut to a size. A
// message that fails is that child's failure (the sandbox stops it), never the grader's.
import type { ClientConnection } from "../lab/trace.ts";
import type { ErrorInfo, Problem, Settled, TlsUse } from "./sandbox.ts";

/** Stored sizes, in characters: what a report can hold, whatever the child sends. */
export const LIMITS = {
  /** An error's message, a thrown value, a code, a name. */
  message: 2000,
  stack: 4000,
  /** Output kept per call or while loading (the harness keeps 4 KiB). */
  output: 8192,
  /** A result's value, measured roughly (strings, keys, numbers) before it is kept. */
  value: 1024 * 1024,
  /** Problems (unhandled rejections, uncaught exceptions) kept per child. */
  problems: 50,
  /** Exported names, TLS uses per call, handles listed. */
  list: 200,
  /** Connections reported per call (the harness keeps 32). */
  connections: 32,
} as const;

export type ChildMessage =
  | { type: "ready"; exports: Record<string, string>; output: string }
  | { type: "load-error"; error: ErrorInfo; output: string }
  | { type: "result"; id: number; result: Settled & { then?: Settled; output: string; tls: TlsUse[]; connections: ClientConnection[] } }
  | { type: "pong"; id: number; output?: string; connections?: ClientConnection[] }
  | { type: "hosts-set"; id: number }
  | { type: "inspected"; id: number; resources: string[]; openBy: string[] }
  | { type: "problem"; problem: Problem }
  | { type: "flood" }
  | { type: "exit-called"; code: string }
  | { type: "memory" };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** A string cut to `max` characters (with a note), or undefined when `v` is not a string. */
export function capped(v: unknown, max: number): string | undefined {
  if (typeof v !== "string") return undefined;
  return v.length > max ? `${v.slice(0, max)}… (cut at ${max} characters)` : v;
}

function errorInfo(v: unknown): ErrorInfo | undefined {
  if (!isObject(v) || typeof v.isError !== "boolean") return undefined;
  const out: ErrorInfo = { isError: v.isError };
  for (const k of ["name", "code", "message", "thrownValue"] as const) {
    const s = capped(v[k], LIMITS.message);
    if (s !== undefined) out[k] = s;
  }
  const stack = capped(v.stack, LIMITS.stack);
  if (stack !== undefined) out.stack = stack;
  if (isObject(v.cause)) {
    const code = capped(v.cause.code, LIMITS.message);
    const message = capped(v.cause.message, LIMITS.message);
    out.cause = { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
  }
  return out;
}

/** Roughly how big a structured-clone value is (characters of its strings and keys, 8 per other leaf); stops counting past `budget`. */
export function roughSize(v: unknown, budget = LIMITS.value): number {
  let total = 0;
  const seen = new Set<object>();
  const stack: unknown[] = [v];
  while (stack.length && total <= budget) {
    const x = stack.pop();
    if (typeof x === "string") total += x.length;
    else if (typeof x !== "object" || x === null) total += 8;
    else if (seen.has(x)) total += 8;
    else {
      seen.add(x);
      if (ArrayBuffer.isView(x)) total += x.byteLength;
      else if (x instanceof ArrayBuffer) total += x.byteLength;
      else if (x instanceof Map) for (const [k, val] of x) stack.push(k, val);
      else if (x instanceof Set) for (const val of x) stack.push(val);
      else
        for (const k of Object.keys(x)) {
          total += k.length;
          stack.push((x as Record<string, unknown>)[k]);
        }
    }
  }
  return total;
}

function settled(v: unknown): Settled | undefined {
  if (!isObject(v)) return undefined;
  if (v.status === "resolved") return roughSize(v.value) <= LIMITS.value ? { status: "resolved", value: v.value } : undefined;
  if (v.status === "rejected") {
    const error = errorInfo(v.error);
    return error ? { status: "rejected", error } : undefined;
  }
  if (v.status === "missing") {
    const name = capped(v.name, LIMITS.message);
    return name !== undefined ? { status: "missing", name } : undefined;
  }
  return undefined;
}

function tlsUses(v: unknown): TlsUse[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: TlsUse[] = [];
  for (const u of v.slice(0, LIMITS.list)) {
    if (!isObject(u)) return undefined;
    const servername = u.servername === null ? null : capped(u.servername, LIMITS.message);
    if (servername === undefined) return undefined;
    out.push({
      rejectUnauthorizedFalse: u.rejectUnauthorizedFalse === true,
      envRejectUnauthorized0: u.envRejectUnauthorized0 === true,
      customCheckServerIdentity: u.customCheckServerIdentity === true,
      servername,
      ownCa: u.ownCa === true,
    });
  }
  return out;
}

const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536;

/** The sockets a call connected: ports, and an error code cut short; anything else is dropped. */
function clientConnections(v: unknown): ClientConnection[] {
  if (!Array.isArray(v)) return [];
  const out: ClientConnection[] = [];
  for (const c of v.slice(0, LIMITS.connections)) {
    if (!isObject(c) || !isPort(c.localPort) || !isPort(c.remotePort)) continue;
    const error = capped(c.error, 200);
    out.push({ localPort: c.localPort, remotePort: c.remotePort, ...(error !== undefined ? { error } : {}) });
  }
  return out;
}

/** The message as the grader may use it, or undefined when it is not one the harness sends. */
export function parseChildMessage(msg: unknown): ChildMessage | undefined {
  if (!isObject(msg) || typeof msg.type !== "string") return undefined;
  switch (msg.type) {
    case "ready": {
      if (!isObject(msg.exports)) return undefined;
      const exports: Record<string, string> = {};
      for (const [k, v] of Object.entries(msg.exports).slice(0, LIMITS.list)) if (typeof v === "string" && k.length <= 200) exports[k] = v.slice(0, 20);
      return { type: "ready", exports, output: capped(msg.output, LIMITS.output) ?? "" };
    }
    case "load-error": {
      const error = errorInfo(msg.error);
      return error ? { type: "load-error", error, output: capped(msg.output, LIMITS.output) ?? "" } : undefined;
    }
    case "result": {
      const first = settled(msg);
      const tls = tlsUses(msg.tls ?? []);
      if (!isId(msg.id) || !first || !tls) return undefined;
      const then = msg.then === undefined ? undefined : settled(msg.then);
      if (msg.then !== undefined && !then) return undefined;
      return { type: "result", id: msg.id, result: { ...first, ...(then ? { then } : {}), output: capped(msg.output, LIMITS.output) ?? "", tls, connections: clientConnections(msg.connections) } };
    }
    case "pong": {
      if (!isId(msg.id)) return undefined;
      const output = capped(msg.output, LIMITS.output);
      return { type: "pong", id: msg.id, ...(output !== undefined ? { output } : {}), ...(msg.connections !== undefined ? { connections: clientConnections(msg.connections) } : {}) };
    }
    case "hosts-set":
      return isId(msg.id) ? { type: msg.type, id: msg.id } : undefined;
    case "inspected": {
      if (!isId(msg.id) || !Array.isArray(msg.resources)) return undefined;
      const resources = msg.resources.filter((r): r is string => typeof r === "string").slice(0, LIMITS.list).map((r) => r.slice(0, 100));
      const openBy = Array.isArray(msg.openBy) ? msg.openBy.filter((r): r is string => typeof r === "string").slice(0, 10).map((r) => r.slice(0, 100)) : [];
      return { type: "inspected", id: msg.id, resources, openBy };
    }
    case "problem": {
      const error = errorInfo(msg.error);
      if (!error || (msg.kind !== "unhandled-rejection" && msg.kind !== "uncaught-exception")) return undefined;
      return { type: "problem", problem: { kind: msg.kind, error, ...(isId(msg.call) ? { call: msg.call } : {}) } };
    }
    case "flood":
      return { type: "flood" };
    case "memory":
      return { type: "memory" };
    case "exit-called":
      return { type: "exit-called", code: String(capped(typeof msg.code === "number" ? String(msg.code) : msg.code, 40) ?? "") };
    default:
      return undefined;
  }
}
