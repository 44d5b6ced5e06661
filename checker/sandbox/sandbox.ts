// The grader's side of the sandbox: one child process running the learner's code, spoken to
// over IPC. Every call has a timeout; a child that hangs, floods, exits or blocks its event
// loop is killed (with everything it started) and the reason is reported, never thrown.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ClientConnection } from "../lab/trace.ts";
import { bundleLearnerFile } from "./bundle.ts";
import { commandPid, wrapCommand, type Confinement } from "./confine.ts";
import { LIMITS, parseChildMessage } from "./messages.ts";

/** What the lessons' stubs throw (see stubs/): "not implemented: <function>". */
export const STUB_ERROR = /^not implemented(: (\w+))?/i;

const HARNESS = fileURLToPath(new URL("./harness.mjs", import.meta.url));

export interface ErrorInfo {
  isError: boolean;
  name?: string;
  code?: string;
  message?: string;
  stack?: string;
  cause?: { code?: string; message?: string };
  thrownValue?: string;
}

/** How the learner's code used tls.connect during a call: for naming mistakes. */
export interface TlsUse {
  rejectUnauthorizedFalse: boolean;
  envRejectUnauthorized0: boolean;
  customCheckServerIdentity: boolean;
  servername: string | null;
  ownCa: boolean;
}

export type Settled =
  | { status: "resolved"; value: unknown }
  | { status: "rejected"; error: ErrorInfo }
  | { status: "missing"; name: string };

/** Why a call could not finish: the sandbox's verdict, not the learner's function's. */
export interface Broken {
  status: "broken";
  reason: "timeout" | "blocked" | "exit" | "flood" | "crash" | "closed" | "memory" | "deadline" | "protocol";
  message: string;
}

/** `connections`: the sockets the call connected (their ports), for the lab's trace of each; absent when the call never ran. */
export type CallResult = (Settled & { then?: Settled; output: string; tls: TlsUse[]; connections?: ClientConnection[] }) | (Broken & { output: string; tls: TlsUse[]; connections?: ClientConnection[] });

export interface Handle {
  __handle: number;
  data: Record<string, unknown>;
}

export interface Problem {
  kind: "unhandled-rejection" | "uncaught-exception";
  error: ErrorInfo;
  /** The call whose code raised it, when known. */
  call?: number;
}

export class LearnerLoadError extends Error {
  readonly detail: string;
  readonly output: string;
  constructor(detail: string, output = "") {
    super(detail);
    this.detail = detail;
    this.output = output;
  }
}

/**
 * Confinement for untrusted code (the batch grader): Node's permission model. The child may
 * read only the harness, its transpiled file and `read`, write only `write`, and may not
 * start processes, workers, native add-ons or the inspector.
 */
export interface SandboxPermissions {
  /** The flags that turn the model on for this Node (checker/batch/isolation.ts finds them): "--experimental-permission" (Node 20) or "--permission", plus "--allow-net" where the model covers the network (25+). */
  flags: string[];
  read: string[];
  write: string[];
}

export interface SandboxOptions {
  /** The learner's TypeScript file. */
  file: string;
  /** The CA bundle the child trusts through NODE_EXTRA_CA_CERTS. */
  trustBundleFile?: string;
  /** The child's environment (defaults to ours minus what would skew grading). */
  env?: NodeJS.ProcessEnv;
  /** Added to the child's environment (a lesson's TZ, say). */
  extraEnv?: Record<string, string>;
  cwd?: string;
  memoryMb?: number;
  /** Bytes of output before the child is stopped as a flood. */
  outputLimit?: number;
  /** Default per-call timeout. */
  timeoutMs?: number;
  /** How long loading the module may take. */
  loadTimeoutMs?: number;
  /** Node's permission model for the child (off by default: the learner's own machine runs their own code). */
  permissions?: SandboxPermissions;
  /** Resident memory (heap and buffers alike) above which the child is stopped, in MB; --max-old-space-size alone does not bound buffers. */
  rssLimitMb?: number;
  /** Stops the child when aborted (the batch grader's per-submission deadline); the abort reason's message is reported. */
  signal?: AbortSignal;
  /** Transpiles the learner's file into outFile (default: bundleLearnerFile); the batch grader's keeps imports inside the submission. */
  bundler?: (file: string, outFile: string) => Promise<void>;
  /**
   * Keep one idle child ready for the next sandbox with the same settings (watch mode): the
   * next grading then skips Node's start-up. Each child still runs one grading only.
   * Ignored under the permission model, whose flags name each sandbox's own folder.
   */
  keepWarm?: boolean;
  /** Where the sandbox's own temporary folder goes (default: the system's; the batch keeps everything in its own). */
  tmpDir?: string;
  /** Operating-system confinement on top of the permission model (Linux; see confine.ts). */
  confinement?: Confinement;
}

/** An idle harness process, started ahead for the next sandbox with the same command line and environment. */
interface Spare {
  key: string;
  child: ChildProcess;
}
let spare: Spare | undefined;

/** The idle child's process id, if one is kept (for tests). */
export function spareChildPid(): number | undefined {
  return spare?.child.pid;
}

/** Kills the idle child kept by keepWarm, if any (watch mode calls it when it ends; exit does too). */
export function dropSpareChild(): void {
  const s = spare;
  spare = undefined;
  if (s) killTree(s.child);
}

interface Pending {
  resolve: (r: CallResult) => void;
  /** The type of message that answers it. */
  expects: string;
  timer?: NodeJS.Timeout;
  label: string;
}

const live = new Set<Sandbox>();
process.on("exit", () => {
  killAllSandboxes();
});

/** Kills every child this process runs (SIGKILL, with what they started); returns how many there were. */
export function killAllSandboxes(): number {
  const n = live.size + (spare ? 1 : 0);
  for (const s of live) s.killNow();
  dropSpareChild();
  return n;
}

/** killAllSandboxes, then waits (at most `ms`) until they have all exited: nothing of theirs is still writing. */
export async function killAllSandboxesAndWait(ms = 2000): Promise<number> {
  const gone = [...live].map((s) => s.whenExited());
  const n = killAllSandboxes();
  await Promise.race([Promise.all(gone), new Promise((r) => setTimeout(r, ms).unref())]);
  return n;
}

/** Kills a child and whatever it started (its process group; taskkill /T on Windows). */
function killTree(c: ChildProcess): void {
  if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return;
  try {
    if (process.platform === "win32") spawn("taskkill", ["/pid", String(c.pid), "/T", "/F"], { stdio: "ignore", windowsHide: true });
    else process.kill(-c.pid, "SIGKILL");
  } catch {
    c.kill("SIGKILL");
  }
}

/** The message that answers each request. */
const ANSWERS: Record<string, string> = { call: "result", ping: "pong", inspect: "inspected", hosts: "hosts-set" };

/** Environment variables that would change what the learner's code does or proves. */
const SKEWING_ENV = ["NODE_OPTIONS", "NODE_TLS_REJECT_UNAUTHORIZED", "NODE_EXTRA_CA_CERTS", "NODE_V8_COVERAGE", "TSX_TSCONFIG_PATH"];

export class Sandbox {
  readonly problems: Problem[] = [];
  /** Output printed while the module loaded or outside any call. */
  loadOutput = "";
  exports: Record<string, string> = {};
  private child!: ChildProcess;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Broken | undefined;
  private exited!: Promise<void>;
  private pipeBytes = 0;
  private pipeTail = "";
  private heapFull = false;
  private workDir = "";
  private readonly timeoutMs: number;

  private readonly opts: SandboxOptions;
  private constructor(opts: SandboxOptions) {
    this.opts = opts;
    this.timeoutMs = opts.timeoutMs ?? 4000;
  }

  /** Transpiles the learner's file and starts the child. Throws LearnerSyntaxError / LearnerLoadError. */
  static async start(opts: SandboxOptions): Promise<Sandbox> {
    const sb = new Sandbox(opts);
    sb.workDir = fs.mkdtempSync(path.join(opts.tmpDir ?? os.tmpdir(), "tls-workbook-run-"));
    try {
      const bundle = path.join(sb.workDir, "learner.mjs");
      if (opts.signal?.aborted) throw new LearnerLoadError(abortMessage(opts.signal));
      // The child starts while the file is transpiled, and loads it once it is.
      const transpiled = (opts.bundler ?? bundleLearnerFile)(opts.file, bundle);
      transpiled.catch(() => {}); // spawn() reports it
      await sb.spawn(bundle, transpiled);
      return sb;
    } catch (err) {
      await sb.close();
      throw err;
    }
  }

  private spawn(bundle: string, transpiled: Promise<void>): Promise<void> {
    const env: NodeJS.ProcessEnv = { ...(this.opts.env ?? process.env) };
    if (!this.opts.env) for (const k of SKEWING_ENV) delete env[k];
    // With a lab, its bundle (which already holds the machine's own extra CAs); without one,
    // the machine's own, so real sites verify as they would for the learner.
    if (this.opts.trustBundleFile) env.NODE_EXTRA_CA_CERTS = this.opts.trustBundleFile;
    else if (process.env.NODE_EXTRA_CA_CERTS && !this.opts.env) env.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
    Object.assign(env, this.opts.extraEnv);
    env.TLS_WORKBOOK_OUTPUT_LIMIT = String(this.opts.outputLimit ?? 1024 * 1024);
    if (this.opts.rssLimitMb) env.TLS_WORKBOOK_RSS_LIMIT_MB = String(this.opts.rssLimitMb);
    const args = [`--max-old-space-size=${this.opts.memoryMb ?? 256}`, "--enable-source-maps", ...permissionArgs(this.opts.permissions, bundle), HARNESS];
    const cwd = this.opts.cwd ?? process.cwd();
    let command = process.execPath;
    let argv = args;
    const c = this.opts.confinement;
    if (c) {
      const mountPoint = path.join(this.workDir, "root");
      fs.mkdirSync(mountPoint);
      if (c.user) fs.chmodSync(this.workDir, 0o755); // the child's user reads its transpiled file
      const p = this.opts.permissions;
      const binds = [HARNESS, this.workDir, cwd, ...(this.opts.trustBundleFile ? [this.opts.trustBundleFile] : []), ...(p?.read ?? []), ...(p?.write ?? [])];
      ({ command, args: argv } = wrapCommand(c, process.execPath, args, { mountPoint, cwd, binds }));
    }
    const start = () =>
      spawn(command, argv, {
        cwd,
        env,
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        serialization: "advanced",
        // Its own process group, so killing it also kills whatever it spawned.
        detached: process.platform !== "win32",
        windowsHide: true,
      });
    const warm = Boolean(this.opts.keepWarm && !this.opts.permissions && !c);
    const key = JSON.stringify([args, cwd, env]);
    const ready = spare;
    spare = undefined;
    if (ready && ready.key === key && ready.child.exitCode === null && ready.child.signalCode === null && ready.child.connected) this.child = ready.child;
    else {
      if (ready) killTree(ready.child);
      this.child = start();
    }
    // The next one starts now, while this grading runs.
    if (warm) spare = { key, child: start() };
    live.add(this);
    const backstop = (chunk: Buffer) => {
      // Output that bypassed the harness (fs.writeSync(1, ...)): counted, not kept (but read
      // for V8's last words when the heap is full).
      this.pipeBytes += chunk.length;
      const seen = this.pipeTail + chunk.toString("latin1");
      if (/heap out of memory|Reached heap limit/i.test(seen)) this.heapFull = true;
      this.pipeTail = seen.slice(-100);
      if (this.pipeBytes > 2 * (this.opts.outputLimit ?? 1024 * 1024))
        this.fail({ status: "broken", reason: "flood", message: "your code printed more than the output limit" });
    };
    this.child.stdout!.on("data", backstop);
    this.child.stderr!.on("data", backstop);
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
    this.watchMemory();
    const signal = this.opts.signal;
    if (signal) {
      const onAbort = () => this.fail({ status: "broken", reason: "deadline", message: abortMessage(signal) });
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener("abort", onAbort, { once: true });
        void this.exited.then(() => signal.removeEventListener("abort", onAbort));
      }
    }

    return new Promise((resolve, reject) => {
      const loadTimer = setTimeout(() => {
        reject(new LearnerLoadError(`loading your file took longer than ${(this.opts.loadTimeoutMs ?? 10000) / 1000} s: does it run something forever at the top level?`));
        this.killNow();
      }, this.opts.loadTimeoutMs ?? 10000);
      transpiled.then(
        () => {
          if (this.child.connected) this.child.send({ type: "load", file: bundle }, () => {}); // a child gone meanwhile is reported by its exit
        },
        (err) => {
          clearTimeout(loadTimer);
          reject(err);
        },
      );
      this.child.on("message", (raw: unknown) => {
        const msg = parseChildMessage(raw);
        if (!msg) {
          // Not something the harness sends: the learner's code called process.send, or worse.
          this.fail({ status: "broken", reason: "protocol", message: "the process running your code sent the grader a message it does not understand (does your code call process.send?), so it was stopped" });
          return reject(new LearnerLoadError(this.dead!.message));
        }
        switch (msg.type) {
          case "ready":
            clearTimeout(loadTimer);
            this.exports = msg.exports;
            this.loadOutput = msg.output;
            return resolve();
          case "load-error":
            clearTimeout(loadTimer);
            return reject(new LearnerLoadError(describeLoadError(msg.error, this.opts.file), msg.output));
          case "result":
            return this.settle(msg.id, "result", msg.result);
          case "pong":
          case "inspected":
          case "hosts-set":
            return this.settle(msg.id, msg.type, msg);
          case "problem":
            if (this.problems.length < LIMITS.problems) this.problems.push(msg.problem);
            return;
          case "flood":
            return this.fail({ status: "broken", reason: "flood", message: `your code printed more than ${formatBytes(this.opts.outputLimit ?? 1024 * 1024)} of output` });
          case "exit-called":
            this.fail({ status: "broken", reason: "exit", message: `your code called process.exit(${msg.code}), which ends the whole program` });
            // While loading, the module would otherwise finish and report "ready" after it.
            return reject(new LearnerLoadError(`${this.dead!.message} (while loading your file)`));
          case "memory":
            this.failMemory();
            return reject(new LearnerLoadError(`${this.dead!.message} (while loading your file)`));
        }
      });
      // Why the child ended is decided once its last messages and output are in ('close':
      // "exit-called" may arrive after the exit, and so may V8's "heap out of memory"), or
      // shortly after the exit if something it started still holds its pipes.
      let ended = false;
      const end = (code: number | null, signal: NodeJS.Signals | null) => {
        if (ended) return;
        ended = true;
        if (this.heapFull) this.failMemory(true);
        // Stopped on purpose (a deadline, memory, process.exit while loading): say why.
        const known = this.dead && this.dead.reason !== "closed" && this.dead.reason !== "crash" ? this.dead.message : undefined;
        reject(new LearnerLoadError(known ? `${known} (while loading your file)` : `your file ended the process while loading (exit code ${code ?? signal})`));
        this.fail({ status: "broken", reason: "crash", message: `the process running your code ended unexpectedly (${signal ?? `exit code ${code}`})` });
      };
      this.child.once("exit", (code, signal) => {
        clearTimeout(loadTimer);
        live.delete(this);
        setTimeout(() => end(code, signal), 250).unref();
      });
      this.child.once("close", (code, signal) => end(code, signal));
      this.child.once("error", (err) => reject(err));
    });
  }

  /** Resident memory above the limit: read from /proc on Linux (a synchronous loop cannot hide it); elsewhere the harness watches its own. */
  private watchMemory(): void {
    const limit = this.opts.rssLimitMb;
    if (!limit || process.platform !== "linux" || this.child.pid === undefined) return;
    const timer = setInterval(() => {
      const pid = this.pid;
      if (pid === undefined) return; // not started yet under its confinement
      let kb = 0;
      try {
        kb = Number(/VmRSS:\s*(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      } catch {
        return clearInterval(timer); // gone
      }
      if (kb > limit * 1024) this.failMemory();
    }, 100);
    timer.unref();
    void this.exited.then(() => clearInterval(timer));
  }

  private failMemory(heap = false): void {
    const limit = heap ? `${this.opts.memoryMb ?? 256} MB of JavaScript heap` : `${this.opts.rssLimitMb} MB of memory`;
    this.fail({ status: "broken", reason: "memory", message: `your code used more than ${limit}, so it was stopped: does something allocate without end?` });
  }

  private settle(id: number, type: string, msg: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    if (p.expects !== type) {
      this.fail({ status: "broken", reason: "protocol", message: `the process running your code answered ${p.label} with a "${type}" message (does your code call process.send?), so it was stopped` });
      return;
    }
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(msg as CallResult); // request()'s callers read what they asked for (a result, a pong ...)
  }

  private failUnresponsive(): void {
    this.fail({ status: "broken", reason: "blocked", message: "the process running your code stopped answering" });
  }

  /** Kills the child and fails everything pending with the reason. */
  private fail(b: Broken): void {
    if (this.dead) return;
    this.dead = b;
    this.killNow();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.resolve({ ...b, output: "", tls: [] });
    }
  }

  private request(msg: Record<string, unknown>, label: string, timeoutMs: number, onTimeout: (id: number) => void): Promise<any> {
    if (this.dead) return Promise.resolve({ ...this.dead, message: `${this.dead.message} (so ${label} could not run)`, output: "", tls: [] });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const p: Pending = { resolve, label, expects: ANSWERS[msg.type as string] ?? "" };
      p.timer = setTimeout(() => onTimeout(id), timeoutMs);
      this.pending.set(id, p);
      try {
        // With a callback, a pipe that broke meanwhile (EPIPE) is not thrown later as an uncaught
        // error; the child's exit, which follows, says why it went (process.exit, a crash).
        this.child.send({ ...msg, id }, () => {});
      } catch {
        this.fail({ status: "broken", reason: "crash", message: "the process running your code is gone" });
      }
    });
  }

  /** Runs exports[fn](...args) in the child. `then` hands the outcome to a second function there. */
  async call(fn: string, args: unknown[] = [], o: { timeoutMs?: number; then?: { fn: string; on?: "resolve" | "reject" | "settle" }; handle?: Handle } = {}): Promise<CallResult> {
    const timeoutMs = o.timeoutMs ?? this.timeoutMs;
    const label = `${fn}(${args.map((a) => JSON.stringify(a)).join(", ")})`;
    const r: CallResult = await this.request({ type: "call", fn, args, then: o.then, handle: o.handle?.__handle }, label, timeoutMs, (id) => this.onCallTimeout(id, label, timeoutMs));
    for (const s of [r, r.status !== "broken" ? r.then : undefined]) {
      if (s?.status === "rejected" && STUB_ERROR.test(s.error.message ?? "")) this.stubCalls++;
      else if (s?.status === "resolved" || s?.status === "rejected") this.ownCalls++;
    }
    return r;
  }

  /**
   * True when every call so far hit a function that is still the lesson's stub (it throws
   * "not implemented"): then nothing the learner wrote has been checked yet.
   */
  get onlyStubsRan(): boolean {
    return this.stubCalls > 0 && this.ownCalls === 0;
  }
  private stubCalls = 0;
  private ownCalls = 0;

  /** A call ran out of time: a busy event loop means a synchronous loop and kills the child. */
  private async onCallTimeout(id: number, label: string, timeoutMs: number): Promise<void> {
    const p = this.pending.get(id);
    if (!p) return;
    const alive = await this.request({ type: "ping", call: id }, "ping", 500, () => {
      this.fail({ status: "broken", reason: "blocked", message: `${label} blocked the event loop for more than ${timeoutMs / 1000} s: a synchronous endless loop?` });
    });
    if (alive?.type !== "pong" || !this.pending.has(id)) return;
    this.pending.delete(id);
    const own = this.problems.filter((pr) => pr.call === id);
    const hint = own.length ? ` (meanwhile your code raised ${describeProblem(own[own.length - 1])})` : "";
    // What it printed and connected so far: a hang is easier to find with them.
    p.resolve({ status: "broken", reason: "timeout", message: `${label} did not finish within ${timeoutMs / 1000} s${hint}`, output: alive.output ?? "", tls: [], ...(alive.connections?.length ? { connections: alive.connections } : {}) });
  }

  /** Makes these host names resolve (for the learner's code) to the given addresses. */
  async setHosts(hosts: Record<string, string>): Promise<void> {
    await this.request({ type: "hosts", hosts }, "hosts", 2000, () => this.failUnresponsive());
  }

  /**
   * Network handles still open in the child (servers, sockets), after a short grace period.
   * The harness reports them while they close; then, on Linux, the kernel's view of the
   * child's TCP sockets has the last word, read once (the child's own code could lie about
   * itself: it runs the learner's code). Elsewhere the harness's report stands.
   */
  /** Which of the learner's functions opened the sockets still open, as the last openHandles() saw them (to name them). */
  openBy: string[] = [];

  async openHandles(graceMs = 1500): Promise<string[] | undefined> {
    const deadline = Date.now() + graceMs;
    let reported: string[] | undefined;
    for (;;) {
      const r = await this.request({ type: "inspect" }, "inspect", 1000, () => this.failUnresponsive());
      if (r.type !== "inspected") break;
      reported = r.resources as string[];
      this.openBy = (r.openBy as string[] | undefined) ?? [];
      if (reported.length === 0 || Date.now() >= deadline) break;
      await new Promise((res) => setTimeout(res, 5)); // a socket that is closing is usually gone within ms
    }
    const pid = this.pid;
    const k = pid !== undefined && !this.dead ? kernelSockets(pid) : undefined;
    if (!k) return reported;
    const tcp = (reported ?? []).filter((h) => h === "TCPServerWrap" || h === "TCPSocketWrap");
    if (k.listening + k.connected <= tcp.length) return reported;
    return [...Array<string>(k.listening).fill("TCPServerWrap"), ...Array<string>(k.connected).fill("TCPSocketWrap"), ...(reported ?? []).filter((h) => h === "UDPWrap")];
  }

  /** Settles when the child has exited (at once when it never started). */
  whenExited(): Promise<void> {
    return this.exited ?? Promise.resolve();
  }

  /** The process id of the Node process running the learner's code (under namespaces, a grandchild). */
  get pid(): number | undefined {
    const outer = this.child?.pid;
    if (outer === undefined || !this.opts.confinement) return outer;
    this.innerPid ??= commandPid(this.opts.confinement, outer);
    return this.innerPid;
  }
  private innerPid: number | undefined;

  /** Why the child died, if it did. */
  get brokenReason(): Broken | undefined {
    return this.dead;
  }

  killNow(): void {
    if (this.child) killTree(this.child);
  }

  /** Kills the child (and its servers) and removes the transpiled file. Always safe to call. */
  async close(): Promise<void> {
    if (this.child && !this.dead) this.dead = { status: "broken", reason: "closed", message: "the sandbox was closed" };
    this.killNow();
    if (this.child) await this.exited;
    live.delete(this);
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ ...this.dead!, output: "", tls: [] });
    }
    this.pending.clear();
    if (this.workDir) fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}

/** TCP states in /proc/net/tcp that hold nothing of the process any more (TIME_WAIT, CLOSE). */
const GONE_STATES = new Set(["06", "07"]);

/**
 * The TCP sockets process `pid` holds, as Linux sees them: its file descriptors that are
 * sockets, looked up in its network namespace's TCP tables. A socket whose connect threw at
 * once never got a descriptor, so it is (rightly) not here. Undefined off Linux or when /proc
 * cannot be read.
 */
export function kernelSockets(pid: number): { listening: number; connected: number } | undefined {
  if (process.platform !== "linux") return undefined;
  const inodes = new Set<string>();
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return undefined;
  }
  let listening = 0;
  let connected = 0;
  for (const table of ["tcp", "tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue; // no IPv6 on this machine
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]) || GONE_STATES.has(f[3])) continue;
      if (f[3] === "0A") listening++;
      else connected++;
    }
  }
  return { listening, connected };
}

/** The command-line flags for the permission model: the harness and the transpiled file, plus what the options allow. */
function permissionArgs(p: SandboxPermissions | undefined, bundle: string): string[] {
  if (!p) return [];
  const read = withRealPaths([HARNESS, path.dirname(bundle), ...p.read]);
  return [...p.flags, ...read.map((r) => `--allow-fs-read=${r}`), ...withRealPaths(p.write).map((w) => `--allow-fs-write=${w}`)];
}

/** Each path, and where it really is when a link leads there (macOS's /var is /private/var): Node may check either. */
export function withRealPaths(paths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    out.add(p);
    try {
      out.add(fs.realpathSync(p));
    } catch {
      // not there (yet): the path as given will do
    }
  }
  return [...out];
}

function abortMessage(signal: AbortSignal): string {
  const r = signal.reason as unknown;
  return r instanceof Error ? r.message : typeof r === "string" ? r : "the grading was stopped";
}

export function describeError(e: ErrorInfo | undefined): string {
  if (!e) return "an unknown error";
  if (!e.isError) return `a thrown ${e.name} (${JSON.stringify(e.thrownValue ?? e.message)}), not an Error`;
  return `${e.name ?? "Error"}${e.code ? ` [${e.code}]` : ""}: ${e.message ?? ""}`;
}

export function describeProblem(p: Problem): string {
  return `${p.kind === "unhandled-rejection" ? "an unhandled promise rejection" : "an uncaught exception"}: ${describeError(p.error)}`;
}

/** "lessons/02.../exercise.ts:7:11: message", taken from the source-mapped stack. */
function describeLoadError(e: ErrorInfo, file: string): string {
  const base = path.basename(file);
  const frame = e.stack?.split("\n").find((l) => l.includes(base));
  const m = frame?.match(/(\d+):(\d+)\)?\s*$/);
  const where = `${path.relative(process.cwd(), file)}${m ? `:${m[1]}:${m[2]}` : ""}`;
  return `${where}: ${describeError(e)}`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MiB` : `${Math.round(n / 1024)} KiB`;
}
