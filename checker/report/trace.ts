// A recorded connection (ConnectionTrace) as a small sequence diagram, in the style of the
// handshake pictures in the lessons: your client on the left, the lab on the right, one
// arrow per message with what it carried. 76 columns wide (80 with the report's indent);
// long labels wrap. Box-drawing characters, like the ✔ and ✘ the report already prints.
import type { CertSummary, ConnectionTrace, TraceEnd, WireSample } from "../lab/trace.ts";

export const TRACE_WIDTH = 76;
const INNER = TRACE_WIDTH - 4; // "│ " + text + " │"

/** Words wrapped to `width` (leading spaces kept); a word longer than a line is cut. Later lines indented by `hang` more. */
export function wrap(text: string, width: number, hang = "  "): string[] {
  const lead = /^ */.exec(text)![0];
  const next = lead + hang;
  const lines: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(" ")) {
    const start = lines.length ? next : lead;
    if (line.trim() && (line + " " + word).length > width) {
      lines.push(line);
      line = next + word;
    } else line = line.trim() ? `${line} ${word}` : start + word;
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = next + line.slice(width);
    }
  }
  if (line.trim() || lines.length === 0) lines.push(line);
  return lines;
}

const row = (text: string) => `│ ${text.padEnd(INNER)} │`;
const toLab = `│ ${"─".repeat(INNER - 1)}▶ │`;
const toClient = `│ ◀${"─".repeat(INNER - 1)} │`;

function message(out: string[], text: string, arrow: string | undefined): void {
  for (const l of wrap(text, INNER)) out.push(row(l));
  if (arrow) out.push(arrow);
}

const day = (iso: string) => iso.slice(0, 10);

/** "CN=…" alone where a name has one (the O= and the rest are in --json). */
const short = (dn: string) => /(?:^|, )(CN=.*?)(?:, [A-Z]+=|$)/.exec(dn)?.[1] ?? dn;

function dates(c: CertSummary, now: Date): string {
  const state = Date.parse(c.notAfter) < now.getTime() ? ": EXPIRED" : Date.parse(c.notBefore) > now.getTime() ? ": NOT YET VALID" : "";
  return `valid ${day(c.notBefore)} to ${day(c.notAfter)}${state}`;
}

/** The leaf with its dates and issuer; each certificate sent above it by name (its dates only when wrong). */
function certLines(certs: CertSummary[], now: Date): string[] {
  if (!certs.length) return [];
  const [leaf, ...above] = certs;
  const lines = [`Certificate: ${short(leaf.subject)}`, `  ${dates(leaf, now)}`, leaf.subject === leaf.issuer ? "  self-signed: issued by itself" : `  issued by ${short(leaf.issuer)}`];
  for (const c of above) {
    const bad = dates(c, now).includes(": ") ? `, ${dates(c, now)}` : "";
    lines.push(`  + ${short(c.subject)}${c.subject === c.issuer ? " (a self-signed root)" : ""}${bad}`);
  }
  if (above.length === 0 && leaf.subject !== leaf.issuer) lines.push("  (nothing sent above it: no intermediate)");
  return lines;
}

function endLabel(e: TraceEnd, t: ConnectionTrace): string {
  const who = e.by === "client" ? "your client" : "the lab";
  const when = e.duringHandshake ? " during the handshake" : "";
  switch (e.kind) {
    case "alert":
      return `alert ${e.alert!.number} ${e.alert!.name}${e.by === "lab" && e.alert!.number === 70 ? " (the lab speaks none of the versions your client offered)" : ""}`;
    case "close":
      // Node's client finishes its side of the handshake, then judges the chain: refusing it, it hangs up without an alert.
      if (e.by === "client" && e.duringHandshake && t.answer?.certs && t.clientError)
        return `your client hung up once it had the certificates, before the lab's side of the handshake was done, no alert (its error: ${t.clientError}): Node's client checks the chain when its own side is done, and refuses by hanging up`;
      if (e.by === "client" && e.duringHandshake && t.answer?.certs) return `your client closed once it had the certificates, before the lab's side of the handshake was done, no alert`;
      return e.duringHandshake ? `${who} closed${when}` : `${who} closed the connection (close_notify, FIN)`;
    case "reset":
      return `${who} reset the connection (TCP RST)${when}${t.clientError ? ` (your client's error: ${t.clientError})` : ""}`;
    case "timeout":
      return `the lab gave up waiting${when} (timeout)`;
    case "no-tls":
      if (e.by === "client") return "your client closed without sending anything";
      return e.detail?.startsWith("HTTP/") ? `the lab answered in cleartext: ${e.detail}` : `the lab hung up: that was not TLS${e.detail ? ` (${e.detail})` : ""}`;
    default:
      return `${who} hit an error${when}: ${e.detail ?? "unknown"}${t.clientError ? ` (your client's error: ${t.clientError})` : ""}`;
  }
}

/**
 * How long the connection lasted, said only when that is worth a look (a keep-alive the client
 * did not end, a wait for a timeout): under SLOW_MS, it is noise that changes every run.
 */
const SLOW_MS = 500;
function after(e: TraceEnd): string {
  if (e.afterMs === undefined || e.afterMs < SLOW_MS) return "";
  return ` after ${(e.afterMs / 1000).toFixed(1)} s`;
}

function wireLines(out: string[], w: WireSample, who: { client: string; server: string }): void {
  const from = w.direction === "to-server" ? who.client : who.server;
  if (w.plaintext !== undefined) message(out, `${from} wrote ${Buffer.byteLength(w.plaintext)} bytes: ${JSON.stringify(w.plaintext)}`, undefined);
  message(out, `on the wire: ${w.total} bytes${w.records ? `, TLS records ${w.records}` : ", not TLS"}; they begin`, undefined);
  for (const l of wrap(w.hex, INNER - 2, "")) out.push(row(`  ${l}`));
  if (w.carrier) {
    message(out, "and the record carrying those bytes, encrypted:", undefined);
    for (const l of wrap(`${w.carrier} …`, INNER - 2, "")) out.push(row(`  ${l}`));
  }
  out.push(w.direction === "to-server" ? toLab : toClient);
}

/** One connection as a diagram: lines of at most TRACE_WIDTH columns. */
export function renderTrace(t: ConnectionTrace, o: { now?: Date; client?: string; server?: string } = {}): string[] {
  const now = o.now ?? new Date();
  // Lesson 04's relay names both ends itself; the lab's records are your client and a lab endpoint.
  const left = t.wire ? t.client : `${o.client ?? "your client"} ${t.client}`;
  const right = t.wire ? t.endpoint : `${o.server ?? "lab:"} ${t.endpoint} ${t.server}`;
  const out: string[] = [];
  const gap = TRACE_WIDTH - left.length - right.length;
  if (gap >= 2) out.push(left + " ".repeat(gap) + right);
  else out.push(left, " ".repeat(Math.max(0, TRACE_WIDTH - right.length)) + right);
  out.push(`│${" ".repeat(TRACE_WIDTH - 2)}│`);
  if (t.notTls) message(out, `not TLS: your client sent ${JSON.stringify(t.notTls.text)} (${t.notTls.hex} …)`, toLab);
  const h = t.hello;
  if (h) {
    const versions = h.versions.length > 1 ? `${h.versions[h.versions.length - 1]} to ${h.versions[0].replace(/^TLS /, "")}` : (h.versions[0] ?? "?");
    const sni = h.sni === null ? "no SNI (no server name sent)" : `SNI ${h.sni}`;
    const alpn = h.alpn.length ? `ALPN ${h.alpn.join(", ")}` : "no ALPN";
    message(out, `ClientHello: ${sni}, ${versions}, ${h.suites} cipher suites, ${alpn}${h.partial ? " (hello cut short)" : ""}`, toLab);
  }
  const a = t.answer;
  if (a?.version) {
    const lines = [`ServerHello: ${a.version}${a.cipher ? `, ${a.cipher}` : ""}`];
    lines.push(...certLines(a.certs ?? [], now));
    for (const l of lines) for (const w of wrap(l, INNER, "    ")) out.push(row(w));
    out.push(toClient);
  }
  for (const w of t.wire ?? []) wireLines(out, w, { client: t.client, server: t.endpoint });
  const finished = Boolean(a?.cipher);
  if (!t.wire && (finished || t.bytes.fromClient || t.bytes.toClient)) {
    const enc = finished ? " (encrypted)" : "";
    if (t.bytes.fromClient) message(out, `application data: ${t.bytes.fromClient} bytes${enc}`, toLab);
    else if (finished) message(out, "no application data from your client", undefined);
    if (t.bytes.toClient) message(out, `application data: ${t.bytes.toClient} bytes${enc}`, toClient);
  }
  if (t.end) message(out, endLabel(t.end, t) + after(t.end), t.end.by === "client" ? toLab : toClient);
  else if (!t.wire && (t.hello || t.notTls)) message(out, "(still open when the check ended)", undefined);
  return out;
}

/** The traces of one test, each diagram followed by a blank line; `max` diagrams at most. */
export function renderTraces(traces: ConnectionTrace[], max = Infinity): string[] {
  const out: string[] = [];
  traces.slice(0, max).forEach((t, i) => {
    if (i) out.push("");
    out.push(...renderTrace(t));
  });
  if (traces.length > max) out.push("", `(${traces.length - max} more connection${traces.length - max === 1 ? "" : "s"}: --trace shows them all)`);
  return out;
}
