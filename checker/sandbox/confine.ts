// Operating-system confinement for untrusted code (the batch grader), below Node's permission
// model. Node's model covers the file system, processes, workers, add-ons and the inspector,
// but not signals (process.kill) nor Unix domain sockets. On Linux, with util-linux's
// unshare/setpriv and coreutils' chroot/env (on every Debian, Ubuntu, Fedora ...), the child
// is started
// - "namespaces": in PID, mount, IPC and UTS namespaces of its own (a user namespace too when
//   the grader is not root), inside a new root holding only the system folders (/usr, /etc
//   ...), Node, the harness, its transpiled file, the CA bundle and its submission's copy:
//   it can signal nothing outside itself, sees no /tmp, /run, /home or other student, so it
//   can neither reach nor create a Unix socket outside its copy; as a separate unprivileged
//   user when the grader is root;
// - "separate-user" (root where namespaces are refused, e.g. a container): as an
//   unprivileged user of its own per concurrent submission (it can signal only itself);
// - "parent-death" (Linux otherwise): only tied to the grader, so it dies with it.
// Every Linux mode sets the parent-death signal: a grader killed with SIGKILL leaves no child.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export type ConfinementKind = "namespaces" | "separate-user" | "parent-death";

export interface Confinement {
  kind: ConfinementKind;
  /** The unprivileged user and group the child runs as (the grader is root), else undefined. */
  user?: { uid: number; gid: number };
  /** Whether a user namespace is made (the grader is not root). */
  userNamespace?: boolean;
}

/** User ids for children when the grader is root: one per concurrent submission, never a real account (Debian leaves 64400-64999 unassigned). */
export const CHILD_UID_BASE = 64400;

/** System folders a child's new root shows (read-only to it: owned by root). Whatever is a link here (merged /usr) is recreated as the same link. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];

/**
 * Run as `sh -c SCRIPT sh ROOT CWD DROP PATH... -- COMMAND...` inside the new namespaces: makes
 * ROOT a small tmpfs, binds the system folders and each PATH (a file or folder, at the same
 * place), a fresh /proc (this PID namespace's only) and four devices, then enters it as DROP
 * (setpriv's user options, or nothing) with no new privileges and the parent-death signal.
 * A PATH already visible through a system folder is skipped: never create anything in a bound
 * folder (that would write to the real one).
 */
const NEW_ROOT_SCRIPT = `set -e
unset PWD OLDPWD
R=$1; CWD=$2; DROP=$3; shift 3
mount -t tmpfs -o mode=755,size=1m tls-workbook-root "$R"
for d in ${SYSTEM_DIRS.join(" ")}; do
  if [ -L "$d" ]; then ln -s "$(readlink "$d")" "$R$d"
  elif [ -d "$d" ]; then mkdir "$R$d"; mount --rbind "$d" "$R$d"; fi
done
while [ "$1" != "--" ]; do
  p=$1; shift
  [ -e "$R$p" ] && continue
  if [ -d "$p" ]; then mkdir -p "$R$p"; else mkdir -p "$R\${p%/*}"; : > "$R$p"; fi
  mount --bind "$p" "$R$p"
done
shift
mkdir "$R/proc" "$R/dev"
mount -t proc proc "$R/proc"
for n in null zero random urandom; do : > "$R/dev/$n"; mount --bind "/dev/$n" "$R/dev/$n"; done
ln -s /proc/self/fd "$R/dev/fd"
exec chroot "$R" /usr/bin/env -C "$CWD" /usr/bin/setpriv $DROP --no-new-privs --pdeathsig KILL -- "$@"`;

export interface WrapOptions {
  /** An empty folder the new root is mounted on (inside the namespace only). */
  mountPoint: string;
  /** The child's working folder (bound, so it must be inside one of `binds`). */
  cwd: string;
  /** Files and folders the child needs, each bound at the same path. */
  binds: string[];
}

/**
 * Per-child limits (util-linux prlimit): open files, so that one child cannot hold thousands
 * of connections to the shared lab, and the size of a file it writes in its HOME.
 */
export const CHILD_RLIMITS = { openFiles: 1024, fileBytes: 64 * 1024 * 1024 };
const PRLIMIT = ["prlimit", `--nofile=${CHILD_RLIMITS.openFiles}:${CHILD_RLIMITS.openFiles}`, `--fsize=${CHILD_RLIMITS.fileBytes}:${CHILD_RLIMITS.fileBytes}`, "--"];

/** The command line that starts `command args` under `c`. */
export function wrapCommand(c: Confinement, command: string, args: string[], o: WrapOptions): { command: string; args: string[] } {
  const drop = c.user ? ["--reuid", String(c.user.uid), "--regid", String(c.user.gid), "--clear-groups"] : [];
  if (c.kind === "parent-death") return { command: "setpriv", args: ["--pdeathsig", "KILL", "--", ...PRLIMIT, command, ...args] };
  if (c.kind === "separate-user") return { command: "setpriv", args: [...drop, "--no-new-privs", "--pdeathsig", "KILL", "--", ...PRLIMIT, command, ...args] };
  const binds = [...new Set([command, ...o.binds].map(realOrSelf))];
  return {
    command: "setpriv",
    // setpriv's parent-death signal on unshare, unshare's (--kill-child) on the namespace's first
    // process: a grader killed with SIGKILL takes the whole namespace with it.
    args: [
      "--pdeathsig", "KILL", "--",
      "unshare", ...(c.userNamespace ? ["--user", "--map-root-user"] : []),
      "--pid", "--fork", "--kill-child=SIGKILL", "--mount", "--propagation", "private", "--ipc", "--uts", "--",
      "/bin/sh", "-c", NEW_ROOT_SCRIPT, "sh", realOrSelf(o.mountPoint), realOrSelf(o.cwd), drop.join(" "), ...binds, "--", ...PRLIMIT, command, ...args,
    ],
  };
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** The host process id of the process that runs the command: under "namespaces", the child of unshare. */
export function commandPid(c: Confinement, pid: number): number | undefined {
  if (c.kind !== "namespaces") return pid;
  try {
    const first = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** The user a root grader gives to its n-th concurrent submission. */
export function childUser(slot: number): { uid: number; gid: number } {
  return { uid: CHILD_UID_BASE + slot, gid: CHILD_UID_BASE + slot };
}

let probed: Promise<Confinement | undefined> | undefined;

/**
 * The strongest confinement this machine gives, found by trying it: a child started under it
 * must run Node, see itself as the only process (namespaces), not see /tmp, run as another
 * user (as root), and still reach a loopback server. Undefined off Linux or when not even
 * setpriv works. `notes` receives why a stronger mode was refused.
 */
export function probeConfinement(notes: string[] = []): Promise<Confinement | undefined> {
  probed ??= Promise.resolve().then(() => probeNow(notes));
  return probed;
}

/** Starts a probe script under `c`: what it saw of itself, or why it did not run. */
function probeOne(c: Confinement): { seen?: { pid: number; uid: number }; why: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-probe-"));
  try {
    fs.chmodSync(dir, 0o755);
    const script = path.join(dir, "probe.mjs");
    fs.mkdirSync(path.join(dir, "mnt"));
    fs.writeFileSync(
      script,
      `import net from "node:net";
const server = net.createServer((s) => s.end()).listen(0, "127.0.0.1", () => {
  const c = net.connect(server.address().port, "127.0.0.1", () => {
    c.destroy(); server.close();
    process.stdout.write(JSON.stringify({ pid: process.pid, uid: process.getuid() }));
  });
});`,
    );
    fs.chmodSync(script, 0o644);
    const w = wrapCommand(c, process.execPath, [script], { mountPoint: path.join(dir, "mnt"), cwd: dir, binds: [dir] });
    const r = spawnSync(w.command, w.args, { cwd: dir, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, encoding: "utf8", timeout: 10_000 });
    try {
      return { seen: JSON.parse(r.stdout) as { pid: number; uid: number }, why: "" };
    } catch {
      return { why: (r.error?.message ?? r.stderr ?? "").trim().split("\n").pop() || `exit code ${r.status}` };
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether `c` works here and confines as it says; undefined when it does, else why not. */
export function refusal(c: Confinement): string | undefined {
  if (process.platform !== "linux") return "only on Linux";
  const r = probeOne(c);
  const confined = r.seen && (c.kind !== "namespaces" || r.seen.pid === 1) && (!c.user || r.seen.uid === c.user.uid);
  return confined ? undefined : `${describeKind(c)} refused here (${r.seen ? "the probe was not confined" : r.why})`;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** The confinements to try, strongest first ("namespaces", "separate-user", "parent-death", or all). */
export function candidates(kind?: ConfinementKind): Confinement[] {
  const user = isRoot() ? childUser(0) : undefined;
  // Namespaces as another user (root); namespaces in a user namespace (not root, or a root that
  // cannot change user because it is itself in a user namespace); another user alone (root).
  const all: Confinement[] = [
    ...(user ? [{ kind: "namespaces", user } as const] : []),
    { kind: "namespaces", userNamespace: true },
    ...(user ? [{ kind: "separate-user", user } as const] : []),
    { kind: "parent-death" },
  ];
  return kind ? all.filter((c) => c.kind === kind) : all;
}

function probeNow(notes: string[]): Confinement | undefined {
  if (process.platform !== "linux") return undefined;
  for (const c of candidates()) {
    const why = refusal(c);
    if (!why) return c;
    notes.push(why);
  }
  return undefined;
}

function describeKind(c: Confinement): string {
  if (c.kind === "namespaces") return c.user ? "Linux namespaces as another user" : "Linux namespaces in a user namespace";
  return c.kind === "separate-user" ? "another user per submission" : "a parent-death signal";
}

/** One line for the instructor: what contains a submission's code on this machine. */
export function describeConfinement(c: Confinement | undefined): string {
  switch (c?.kind) {
    case "namespaces":
      return `Linux namespaces (PID, mount, IPC${c.userNamespace ? ", user" : ""}) and a private root${c.user ? ", as an unprivileged user per submission" : ""}`;
    case "separate-user":
      return "an unprivileged user per submission, without namespaces (the code can still reach Unix sockets and the machine's world-writable folders)";
    case "parent-death":
      return "no operating-system confinement (no namespaces, not root): the code could signal the grader's processes and reach Unix sockets";
    default:
      return "no operating-system confinement on this system: the code could signal the grader's processes and reach Unix sockets";
  }
}
