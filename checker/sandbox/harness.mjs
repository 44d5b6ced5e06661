// The child side of the sandbox. It loads the learner's (already transpiled) module, runs
// the functions the grader names on the arguments it sends, and reports back over IPC.
// It keeps no expectations: everything it learns goes to the grader, which decides.
// Plain JavaScript on purpose: the child starts with bare `node`, no loader, in ~50 ms.
import { AsyncLocalStorage } from "node:async_hooks";
import dns from "node:dns";
import net from "node:net";
import { syncBuiltinESMExports } from "node:module";
import tls from "node:tls";
import { pathToFileURL } from "node:url";

const OUTPUT_KEEP = 4096; // bytes of console output kept per call for the report
const OUTPUT_LIMIT = Number(process.env.TLS_WORKBOOK_OUTPUT_LIMIT) || 1024 * 1024;
// Handles that mean the learner left a server or connection open.
const NETWORK = new Set(["TCPServerWrap", "TCPSocketWrap", "UDPWrap"]);

/**
 * The network handles left open. A socket whose connect threw at once (a bad port, say)
 * stays on Node's list, but it never got an OS socket (fd -1) and keeps nothing alive: not a
 * leak, so it is left out. (Windows reports fd -1 for every socket: there the list is kept whole.)
 */
function openNetwork() {
  const open = process.getActiveResourcesInfo().filter((r) => NETWORK.has(r));
  if (process.platform === "win32" || typeof process._getActiveHandles !== "function") return open;
  let hollow = process._getActiveHandles().filter((h) => h instanceof net.Socket && !h.remoteAddress && h._handle && h._handle.fd === -1).length;
  return open.filter((r) => !(r === "TCPSocketWrap" && hollow-- > 0));
}

/** The names of the learner's functions whose sockets are still open (a few, each once). */
function openedBy() {
  if (typeof process._getActiveHandles !== "function") return [];
  const names = new Set();
  for (const h of process._getActiveHandles()) if (h instanceof net.Socket && !h.destroyed && h[OPENED_BY]) names.add(h[OPENED_BY]);
  return [...names].slice(0, 10);
}

const send = process.send.bind(process);
const realExit = process.exit.bind(process);
const calls = new AsyncLocalStorage(); // which grader call the running code belongs to
const outputs = new Map();
const tlsUse = new Map();
const handles = new Map();
let generalOutput = "";
let totalOutput = 0;
let flooded = false;
let nextHandle = 1;
let learner = {};

// Resident memory (buffers too, which --max-old-space-size does not bound): the grader
// watches it from outside on Linux; elsewhere we watch our own, between turns of the loop.
const RSS_LIMIT_MB = Number(process.env.TLS_WORKBOOK_RSS_LIMIT_MB) || 0;

delete process.env.TLS_WORKBOOK_OUTPUT_LIMIT;
delete process.env.TLS_WORKBOOK_RSS_LIMIT_MB;
if (RSS_LIMIT_MB)
  setInterval(() => {
    if (process.memoryUsage.rss() > RSS_LIMIT_MB * 1024 * 1024) send({ type: "memory" });
  }, 100).unref();

// ---- what the learner's code prints, attributed to the call that printed it ----------------
function keep(text) {
  const id = calls.getStore();
  if (id === undefined) {
    if (generalOutput.length < OUTPUT_KEEP) generalOutput += text.slice(0, OUTPUT_KEEP - generalOutput.length);
    return;
  }
  const so_far = outputs.get(id) ?? "";
  if (so_far.length < OUTPUT_KEEP) outputs.set(id, so_far + text.slice(0, OUTPUT_KEEP - so_far.length));
}
for (const stream of [process.stdout, process.stderr]) {
  stream.write = function write(chunk, encoding, callback) {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    totalOutput += Buffer.byteLength(text);
    if (totalOutput > OUTPUT_LIMIT) {
      if (!flooded) {
        flooded = true;
        send({ type: "flood", bytes: totalOutput });
      }
      // Stop a printing loop in its tracks; the grader kills this process anyway.
      throw new Error("tls-workbook: output limit exceeded");
    }
    keep(text);
    const cb = typeof encoding === "function" ? encoding : callback;
    if (typeof cb === "function") queueMicrotask(cb);
    return true;
  };
}

// ---- how the learner's code uses tls.connect (to name a mistake, never to decide) -----------
const realConnect = tls.connect;
tls.connect = function connect(...args) {
  const opts = args.find((a) => a && typeof a === "object") ?? {};
  const id = calls.getStore();
  if (id !== undefined) {
    const list = tlsUse.get(id) ?? [];
    list.push({
      rejectUnauthorizedFalse: opts.rejectUnauthorized === false,
      envRejectUnauthorized0: process.env.NODE_TLS_REJECT_UNAUTHORIZED === "0",
      customCheckServerIdentity: typeof opts.checkServerIdentity === "function",
      servername: typeof opts.servername === "string" ? opts.servername : null,
      ownCa: opts.ca !== undefined,
    });
    tlsUse.set(id, list);
  }
  return realConnect.apply(this, args);
};

// ---- which sockets the learner's code connected (so the lab's record of each can be found) --
// The local and remote port of every TCP connection a call makes (net, tls, http all come
// through net.Socket's connect), and the error it ended with. Seen by wrapping the socket's
// emit, not by adding listeners: an 'error' nobody listens for must still throw.
const CONNECTIONS_KEPT = 32;
const connections = new Map();
const SEEN = Symbol("tls-workbook connection seen");
// Which of the learner's functions opened a socket: named when it is left open (see "inspect").
const OPENED_BY = Symbol("tls-workbook opened by");
const callNames = new Map();
const realSocketConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const id = calls.getStore();
  if (id !== undefined && !this[SEEN]) {
    this[SEEN] = true;
    this[OPENED_BY] = callNames.get(id);
    const socket = this;
    let entry;
    const realEmit = socket.emit;
    socket.emit = function emit(event, ...rest) {
      try {
        if (event === "connect" && !entry) {
          const list = connections.get(id) ?? [];
          if (list.length < CONNECTIONS_KEPT && socket.localPort && socket.remotePort) {
            entry = { localPort: socket.localPort, remotePort: socket.remotePort };
            list.push(entry);
            connections.set(id, list);
          }
        } else if (event === "error" && entry && entry.error === undefined) {
          const e = rest[0];
          entry.error = String((e && (e.code ?? e.message)) ?? e).slice(0, 200);
        }
      } catch {
        // never in the learner's way
      }
      return realEmit.call(this, event, ...rest);
    };
  }
  return realSocketConnect.apply(this, args);
};

// ---- host names the grader made up, all on 127.0.0.1 (a private /etc/hosts) ----------------
// A random name per grading means a learner's code cannot get by on a hard-coded "localhost".
const hosts = new Map();
const realLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  const cb = typeof options === "function" ? options : callback;
  const address = typeof hostname === "string" ? hosts.get(hostname.toLowerCase()) : undefined;
  if (address === undefined) return realLookup.apply(this, arguments);
  const all = options && typeof options === "object" && options.all;
  process.nextTick(() => (all ? cb(null, [{ address, family: 4 }]) : cb(null, address, 4)));
  return {};
};
const realPromiseLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, options) {
  const address = typeof hostname === "string" ? hosts.get(hostname.toLowerCase()) : undefined;
  if (address === undefined) return realPromiseLookup.call(this, hostname, options);
  return options && typeof options === "object" && options.all ? [{ address, family: 4 }] : { address, family: 4 };
};
syncBuiltinESMExports();

// ---- encoding results for the trip to the grader ----------------------------------------
function encodeError(e) {
  if (e !== null && typeof e === "object") {
    const cause = e.cause && typeof e.cause === "object" ? { code: str(e.cause.code), message: str(e.cause.message) } : undefined;
    return { isError: e instanceof Error, name: str(e.name) ?? "Object", code: str(e.code), message: str(e.message) ?? str(e), stack: str(e.stack), cause };
  }
  return { isError: false, name: typeof e, message: str(e), thrownValue: typeof e === "string" ? e : undefined };
}
function str(v) {
  if (v === undefined || v === null) return undefined;
  try {
    return String(v);
  } catch {
    return "(unprintable)";
  }
}
function hasMethods(v) {
  if (v === null || typeof v !== "object" || v instanceof Date || Array.isArray(v)) return false;
  for (let o = v; o && o !== Object.prototype; o = Object.getPrototypeOf(o))
    for (const k of Object.getOwnPropertyNames(o)) {
      if (k === "constructor") continue;
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d && typeof d.value === "function") return true;
    }
  return false;
}
/** Objects with methods (a server with close()) stay here; the grader gets a handle and their data. */
function encodeValue(v) {
  if (!hasMethods(v)) return v;
  const id = nextHandle++;
  handles.set(id, v);
  // Its plain values travel: own properties, and getters (a class's `get port()`).
  const data = {};
  const primitive = (x) => x === null || (typeof x !== "object" && typeof x !== "function");
  for (const [k, x] of Object.entries(v)) if (primitive(x)) data[k] = x;
  for (let o = Object.getPrototypeOf(v); o && o !== Object.prototype; o = Object.getPrototypeOf(o))
    for (const k of Object.getOwnPropertyNames(o)) {
      if (k in data || typeof Object.getOwnPropertyDescriptor(o, k)?.get !== "function") continue;
      try {
        const x = v[k];
        if (primitive(x)) data[k] = x;
      } catch {
        // a getter that throws is simply left out
      }
    }
  return { __handle: id, data };
}
function reply(msg) {
  try {
    send(msg);
  } catch {
    // Not cloneable (a socket, a function deep inside): say what it was instead.
    if (msg.value !== undefined) msg.value = { __unserializable: str(msg.value) };
    if (msg.then?.value !== undefined) msg.then.value = { __unserializable: str(msg.then.value) };
    send(msg);
  }
}

async function settle(fnName, thisArg, fn, args) {
  if (typeof fn !== "function") return { status: "missing", name: fnName };
  try {
    const value = await fn.apply(thisArg, args);
    return { status: "resolved", value: encodeValue(value), raw: value };
  } catch (e) {
    return { status: "rejected", error: encodeError(e), raw: e };
  }
}

/** Errors cannot cross IPC with their code: the grader sends { __error } and we rebuild one. */
function revive(arg) {
  if (arg && typeof arg === "object" && arg.__error) {
    const e = new Error(arg.__error.message);
    if (arg.__error.code !== undefined) e.code = arg.__error.code;
    return e;
  }
  return arg;
}

async function runCall(msg) {
  const target = msg.handle ? handles.get(msg.handle) : learner;
  const first = await settle(msg.fn, target, target?.[msg.fn], (msg.args ?? []).map(revive));
  let then;
  if (msg.then && (first.status === "resolved" || first.status === "rejected")) {
    const on = msg.then.on ?? "settle";
    if (on === "settle" || (on === "reject" && first.status === "rejected") || (on === "resolve" && first.status === "resolved")) {
      // The original value or error, not a copy: that is what the learner's next function gets.
      then = await settle(msg.then.fn, learner, learner[msg.then.fn], [first.raw]);
      delete then.raw;
    }
  }
  delete first.raw;
  return { ...first, then };
}

/** What a call has printed and connected so far: sent with its result, or when it runs out of time. */
function gatheredSoFar(id) {
  return { output: outputs.get(id) ?? "", connections: connections.get(id) ?? [] };
}

process.on("message", (msg) => {
  if (msg.type === "load") return void load(msg.file);
  // A ping about a call that ran out of time also brings what it printed and the sockets it
  // opened so far: the report of a hang shows them as it would a result's.
  if (msg.type === "ping") {
    const call = msg.call;
    return send(call === undefined ? { type: "pong", id: msg.id } : { type: "pong", id: msg.id, ...gatheredSoFar(call) });
  }
  if (msg.type === "hosts") {
    for (const [name, address] of Object.entries(msg.hosts)) hosts.set(name.toLowerCase(), address);
    return send({ type: "hosts-set", id: msg.id });
  }
  if (msg.type === "inspect") {
    const resources = openNetwork();
    return send({ type: "inspected", id: msg.id, resources, generalOutput, openBy: openedBy() });
  }
  if (msg.type === "call") {
    callNames.set(msg.id, String(msg.fn));
    calls.run(msg.id, async () => {
      const result = await runCall(msg);
      reply({ type: "result", id: msg.id, ...result, ...gatheredSoFar(msg.id), tls: tlsUse.get(msg.id) ?? [] });
      outputs.delete(msg.id);
      tlsUse.delete(msg.id);
      connections.delete(msg.id);
      callNames.delete(msg.id);
    });
  }
});

// The call a problem belongs to travels with it, so a timeout can name its own cause.
process.on("unhandledRejection", (reason) => send({ type: "problem", kind: "unhandled-rejection", error: encodeError(reason), call: calls.getStore() }));
process.on("uncaughtException", (err) => {
  if (flooded) return;
  send({ type: "problem", kind: "uncaught-exception", error: encodeError(err), call: calls.getStore() });
});
process.on("disconnect", () => realExit(0)); // the grader went away: so do we

process.exit = function exit(code) {
  const stack = new Error().stack;
  // Tell the grader first, then leave: the message must get out before the process ends.
  send({ type: "exit-called", code: code ?? process.exitCode ?? 0, stack }, () => realExit(code));
  setTimeout(() => realExit(code), 200).unref();
};

// The grader starts this process while it still transpiles the learner's file, and says
// "load" when the file is ready: Node's own start-up is then off the critical path.
let loading = false;
async function load(file) {
  if (loading) return;
  loading = true;
  try {
    learner = await import(pathToFileURL(file).href);
    const exports = Object.fromEntries(Object.entries(learner).map(([k, v]) => [k, typeof v]));
    send({ type: "ready", exports, output: generalOutput });
  } catch (e) {
    send({ type: "load-error", error: encodeError(e), output: generalOutput }, () => realExit(1));
  }
}
