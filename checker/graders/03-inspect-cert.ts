// Lesson 03: what is in a real certificate. The learner's inspectTls runs against private
// lab endpoints whose certificate names, issuing organization and expiry are random for
// each grading; their formatReport runs on their own reports and on reports built here.
// The child runs with TZ=Pacific/Kiritimati (UTC+14), and each expiry falls at a UTC time
// of day where that zone is already on the next date, so a date printed in local time is
// wrong on every machine.
import crypto from "node:crypto";
import { acceptedBrokenMistake, lookalikeMistake, failIfUnwritten, fail, show, verificationOffMistake, type Check, type CheckContext, type CodeGrader, type GraderEnv } from "../checks/check.ts";
import { rejectHint, VERIFY_ON_HINT } from "../checks/hints.ts";
import type { Endpoint } from "../lab/lab.ts";
import { DAY_MS, randomLabel } from "../lab/pki.ts";
import { describeError, type CallResult } from "../sandbox/sandbox.ts";

const HOUR_MS = 60 * 60 * 1000;
const CHILD_TZ = "Pacific/Kiritimati";
const CHILD_TZ_OFFSET_MS = 14 * HOUR_MS; // no daylight saving there

interface CertReport {
  host: string;
  tlsVersion: string;
  issuedTo: string;
  issuedBy: string;
  expires: Date;
  daysLeft: number;
  expiringSoon: boolean;
}

/** One private endpoint and everything true about its certificate. */
interface Case {
  key: string;
  /** The name of its check, the same every run. */
  title: string;
  /** How messages name it, with this run's days: "a TLS 1.2 server on localhost, 212 days left". */
  label: string;
  host: string;
  endpoint: Endpoint;
  tlsVersion: "TLSv1.3" | "TLSv1.2";
  days: number;
  /** Hours past the whole days, for messages. */
  hours: number;
  issuedTo: string;
  issuerO: string;
  issuerCN: string;
  notAfter: Date;
  notBefore: Date;
}

const randomInt = (min: number, max: number) => crypto.randomInt(min, max + 1);
const hex = () => crypto.randomBytes(3).toString("hex");
const pick = <T>(xs: readonly T[]): T => xs[crypto.randomInt(xs.length)];
const ORG_WORDS = ["Northwind", "Contoso", "Fabrikam", "Woodgrove", "Litware", "Tailspin", "Proseware", "Wingtip"] as const;

/**
 * How far past `days` whole days a certificate expires: 18 hours unless that lands on a UTC
 * time of day before 10:15 (where UTC+14 is still on the same date); then the nearest
 * quarter hour between 12.5 and 23.5 hours that lands between 10:15 and 23:45 UTC. More than
 * 12 hours, so Math.round and Math.ceil both give one day too many; under 24, so the whole
 * days stay `days`. One always exists: the 11-hour range of offsets cannot fit inside the
 * 10.5 hours of time of day that are ruled out.
 */
export function hoursPastWholeDays(now: number, days: number): number {
  const fits = (h: number) => {
    const timeOfDay = (now + days * DAY_MS + h * HOUR_MS) % DAY_MS;
    return timeOfDay >= 10.25 * HOUR_MS && timeOfDay <= 23.75 * HOUR_MS;
  };
  for (let step = 0; step <= 22; step++)
    for (const h of [18 + step * 0.25, 18 - step * 0.25]) if (h >= 12.5 && h <= 23.5 && fits(h)) return h;
  throw new Error("no expiry time fits (cannot happen)");
}

/** YYYY-MM-DD of a moment as seen in the child's time zone (UTC+14). */
const childLocalDate = (d: Date) => new Date(d.getTime() + CHILD_TZ_OFFSET_MS).toISOString().slice(0, 10);
const utcDate = (d: Date) => d.toISOString().slice(0, 10);

async function serveCase(env: GraderEnv, o: { key: string; title: string; label: string; host: string; days: number; tlsVersion: "TLSv1.3" | "TLSv1.2" }): Promise<Case> {
  const { lab, scope } = env;
  const word = pick(ORG_WORDS);
  const issuerO = `${word} Trust ${hex().toUpperCase()} Ltd`;
  const issuerCN = `${word} Issuing CA ${hex().toUpperCase()}`;
  const intermediate = lab.pki.issueIntermediate({ CN: issuerCN, O: issuerO });
  // The CN is one of the certificate's names but not the host: issuedTo must come from the certificate.
  const issuedTo = `${randomLabel("www")}.inspect.test`;
  const altNames = o.host === "localhost" ? [issuedTo, "localhost", "127.0.0.1"] : [o.host, issuedTo];
  const hours = hoursPastWholeDays(Date.now(), o.days);
  const leaf = lab.pki.issueLeaf({ cn: issuedTo, altNames, notAfter: o.days * DAY_MS + hours * HOUR_MS }, intermediate);
  const endpoint = await scope.addTls(o.key, {
    chain: [leaf, ...intermediate.chainAbove],
    ...(o.tlsVersion === "TLSv1.3" ? { minVersion: "TLSv1.3" as const } : { maxVersion: "TLSv1.2" as const }),
  });
  // The dates as the certificate carries them (whole seconds), read back independently.
  const x509 = new crypto.X509Certificate(leaf.der);
  return { ...o, hours, endpoint, issuedTo, issuerO, issuerCN, notAfter: new Date(x509.validTo), notBefore: new Date(x509.validFrom) };
}

/** A report built here for formatReport, with values nobody could have printed before. */
function builtReport(days: number): CertReport {
  const now = Date.now();
  const word = pick(ORG_WORDS);
  return {
    host: `${randomLabel("shop")}.example.org`,
    tlsVersion: pick(["TLSv1.2", "TLSv1.3"]),
    issuedTo: `${randomLabel("api")}.example.org`,
    issuedBy: `${word} Certificates ${hex().toUpperCase()} Inc`,
    expires: new Date(now + days * DAY_MS + hoursPastWholeDays(now, days) * HOUR_MS),
    daysLeft: days,
    expiringSoon: days < 30,
  };
}

type Resolved = Extract<CallResult, { status: "resolved" }>;

/** Each report field's check: where the value comes from. */
const FIELD_HINTS: Record<keyof CertReport, string> = {
  host: "Put the host argument itself into the report (host: host), not the certificate's name and not \"localhost\".",
  tlsVersion: "Read socket.getProtocol() in 'secureConnect' (\"TLSv1.3\" or \"TLSv1.2\" here), before the socket is closed: never a constant.",
  issuedTo: "const cert = socket.getPeerCertificate(); issuedTo is cert.subject.CN (the subject is who the certificate is for; the issuer is who signed it).",
  issuedBy: "issuedBy is cert.issuer.O: the organization (O) of the issuer of the server's own certificate, not its CN and not the root's.",
  expires: "expires is new Date(cert.valid_to): valid_to ends in \"GMT\", so Date parses it as UTC; not valid_from, and no local-time parsing of its parts.",
  daysLeft: "Round down: Math.floor((expires.getTime() - Date.now()) / 86_400_000), from the same expires you report (Math.round and Math.ceil count a day that is not there).",
  expiringSoon: "expiringSoon = daysLeft < 30, computed from your daysLeft: exactly 30 days is not soon.",
};


const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** The label a check uses for one case's call, in "expected" lines. */
const callText = (c: Case) => `inspectTls(${JSON.stringify(c.host)}, ${c.endpoint.port})`;

// ---- formatReport's block -----------------------------------------------------------------

interface Line {
  label: string;
  want: string;
  /** The value part, as it must read after the label. */
  matches(value: string): boolean;
}

/**
 * Checks one block against a report: each line present with its value, the warning line
 * present exactly when expiringSoon. Labels are matched without regard to case or the
 * spaces after the colon. Fails with the first line that is wrong.
 */
function checkBlock(block: unknown, report: Record<string, unknown>, output: string, what: string): void {
  if (typeof block !== "string") {
    const printed = typeof block === "undefined" && /TLS version:/i.test(output);
    fail({
      expected: `formatReport(${what}) to return the block as a string`,
      got: show(block),
      mistake: printed ? "Your formatReport printed the block instead of returning it: build the lines, join them with \"\\n\" and return the string (the caller decides where it goes)." : undefined,
    });
  }
  const lines = block.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const expires = report.expires;
  if (!(expires instanceof Date) || Number.isNaN(expires.getTime()))
    fail({ expected: `${what} to carry expires as a Date, so its date can be printed`, got: show(expires), mistake: "See the expires check: expires must be a Date." });
  const date = utcDate(expires);
  const days = String(report.daysLeft);

  const header = lines.find((l) => l.startsWith("==="));
  if (header === undefined || header.replace(/^===\s*/, "").replace(/\s*===$/, "") !== String(report.host))
    fail({ expected: `the header line ${show(`=== ${report.host} ===`)} for ${what}`, got: header === undefined ? `no line starting with "===" in ${show(block)}` : show(header) });

  const expected: Line[] = [
    { label: "TLS version:", want: String(report.tlsVersion), matches: (v) => v === String(report.tlsVersion) },
    { label: "issued to:", want: String(report.issuedTo), matches: (v) => v === String(report.issuedTo) },
    { label: "issued by:", want: String(report.issuedBy), matches: (v) => v === String(report.issuedBy) },
    {
      label: "expires:",
      want: `${date} (${days} days left)`,
      matches: (v) => new RegExp(`^${date}\\s*\\(${days.replace(/[-.]/g, "\\$&")} days? left\\)$`).test(v),
    },
  ];
  for (const line of expected) {
    const found = lines.find((l) => l.toLowerCase().startsWith(line.label.toLowerCase()));
    const want = `the line ${show(`${line.label} ${line.want}`)} for ${what}`;
    if (found === undefined) fail({ expected: want, got: `no line starting with ${show(line.label)} in ${show(block)}` });
    const value = found.slice(line.label.length).trim();
    if (line.matches(value)) continue;
    let mistake: string | undefined;
    if (line.label === "expires:") {
      const local = childLocalDate(expires);
      if (value.startsWith(local) && local !== date)
        mistake = `${local} is the date in the local time zone (the grader runs your code with TZ=${CHILD_TZ}, UTC+14, where it is already the next day). Print the UTC date: expires.toISOString().slice(0, 10).`;
      else if (!/^\d{4}-\d{2}-\d{2}\b/.test(value)) mistake = "Print the date as YYYY-MM-DD, the UTC date: expires.toISOString().slice(0, 10).";
    }
    fail({ expected: want, got: show(found), mistake });
  }

  const warning = lines.find((l) => /expiring soon/i.test(l));
  if (report.expiringSoon === true && !lines.some((l) => l.toLowerCase().includes("certificate expiring soon!")))
    fail({ expected: `the line "certificate expiring soon!" for ${what}, whose expiringSoon is true`, got: warning ? show(warning) : `no such line in ${show(block)}` });
  if (report.expiringSoon !== true && warning !== undefined)
    fail({
      expected: `no "expiring soon" warning for ${what}, whose expiringSoon is ${show(report.expiringSoon)} (${days} days left)`,
      got: show(warning),
      mistake: "Print the warning only when report.expiringSoon is true.",
    });
}

export const grader: CodeGrader = {
  kind: "code",
  timeoutMs: 4000,
  childEnv: { TZ: CHILD_TZ },
  async checks(env: GraderEnv): Promise<Check[]> {
    const { lab, scope } = env;
    const soonDays = randomInt(2, 27);
    const laterDays = randomInt(45, 400);
    const cases = await Promise.all([
      serveCase(env, { key: "soon", title: "inspects a TLS 1.3 server at its own host name, under 30 days left", label: `a TLS 1.3 server at its own host name, ${soonDays} days left`, host: env.scope.hostName("shop"), days: soonDays, tlsVersion: "TLSv1.3" }),
      serveCase(env, { key: "thirty", title: "inspects a TLS 1.3 server whose certificate has exactly 30 days left", label: "a TLS 1.3 server whose certificate has exactly 30 days left", host: env.scope.hostName("mail"), days: 30, tlsVersion: "TLSv1.3" }),
      serveCase(env, { key: "later", title: "inspects a TLS 1.2 server on localhost, over 30 days left", label: `a TLS 1.2 server on localhost, ${laterDays} days left`, host: "localhost", days: laterDays, tlsVersion: "TLSv1.2" }),
    ]);
    const built = [builtReport(randomInt(0, 29)), builtReport(30), builtReport(randomInt(31, 900))];

    const inspect = (ctx: CheckContext, c: Case) =>
      ctx.shared(c.key, () => ctx.sandbox.call("inspectTls", [c.host, c.endpoint.port], { then: { fn: "formatReport", on: "resolve" } }));
    const BAD = ["expired", "self-signed", "wrong-host", "not-yet-valid", "incomplete-chain", "tls-v1-0", "tls-v1-1"] as const;
    const inspectBad = (ctx: CheckContext, name: (typeof BAD)[number]) => ctx.shared(name, () => ctx.sandbox.call("inspectTls", ["localhost", lab.endpoint(name).port]));
    const lookalikes = await scope.addLookalikes();
    const inspectLookalike = (ctx: CheckContext, i: number) => ctx.shared(`lookalike-${i}`, () => ctx.sandbox.call("inspectTls", [lookalikes.host, lookalikes.endpoints[i].endpoint.port]));

    /** The cases whose call resolved with an object, with their results. Fails when there are none. */
    const reports = async (ctx: CheckContext): Promise<{ c: Case; r: Resolved; report: Record<string, unknown> }[]> => {
      const results = await Promise.all(cases.map((c) => inspect(ctx, c)));
      const usable = cases.flatMap((c, i) => {
        const r = results[i];
        return r.status === "resolved" && isObject(r.value) ? [{ c, r: r as Resolved, report: r.value }] : [];
      });
      if (usable.length === 0) {
        for (const r of results) failIfUnwritten(r);
        fail({ expected: "inspectTls to resolve with a report on at least one valid server", got: "it did not on any (see the checks above)" });
      }
      return usable;
    };
    /** Values that did not come from a connection: said once, whatever the field. */
    const neverConnected = (r: CallResult) =>
      r.tls.length === 0 ? "Your function resolved without ever calling tls.connect: every value must come from the live certificate, not be written into the code." : undefined;

    /** One field, on every case that resolved; fails on the first case where it is wrong. */
    const field = (key: keyof CertReport, name: string, why: string, checkOne: (c: Case, got: unknown, r: CallResult, report: Record<string, unknown>) => void): Check => ({
      name,
      why,
      hint: FIELD_HINTS[key],
      async run(ctx) {
        for (const { c, r, report } of await reports(ctx)) checkOne(c, report[key], r, report);
      },
    });

    const connects = (c: Case): Check => ({
      name: c.title,
      why: "A certificate inspector has to talk to correctly configured servers, whatever their name or TLS version.",
      hint: "tls.connect({ host, port, servername: host }) with the host you are given (not a fixed name); resolve your report from 'secureConnect', reject from 'error'. The name resolves to 127.0.0.1 inside the grader.",
      async run(ctx) {
        const r = await inspect(ctx, c);
        if (r.status === "resolved") {
          if (!isObject(r.value)) fail({ expected: `${callText(c)} to resolve with a report object`, got: show(r.value) });
          return;
        }
        failIfUnwritten(r);
        if (r.status === "broken") fail({ expected: `${callText(c)} to resolve`, got: r.message, mistake: "Resolve once 'secureConnect' fires, and reject on 'error'." });
        const fixed = r.tls.find((u) => u.servername !== null && u.servername !== c.host);
        fail({
          expected: `${callText(c)} to resolve (${c.host === "localhost" ? "localhost" : "the name resolves to 127.0.0.1 inside the grader"}; the certificate is valid for it)`,
          got: `it rejected with ${describeError(r.error)}`,
          mistake: fixed ? `Your code checked the certificate against ${show(fixed.servername)}: use the host argument as servername, not a fixed name.` : undefined,
        });
      },
    });

    const rejects = (name: (typeof BAD)[number] | number, label: string, why: string): Check => ({
      name: `rejects ${label} (${typeof name === "number" ? `look-alike ${name + 1}` : name})`,
      why,
      hint: rejectHint(typeof name === "number" ? "look-alike" : name, "inspectTls"),
      async run(ctx) {
        const r = await (typeof name === "number" ? inspectLookalike(ctx, name) : inspectBad(ctx, name));
        if (r.status === "resolved")
          fail({
            expected: "inspectTls to reject",
            got: `it resolved with ${show(r.value)}`,
            mistake: typeof name === "number" ? lookalikeMistake(r, lookalikes.endpoints[name].certName, lookalikes.host) : acceptedBrokenMistake(r, name),
          });
        failIfUnwritten(r);
        if (r.status === "broken") fail({ expected: "inspectTls to reject promptly", got: r.message, mistake: "Listen for the socket's 'error' event and reject the promise from it." });
        await reports(ctx); // a rejection earns credit only from an inspector that also reports on valid servers
      },
    });

    return [
      ...cases.map(connects),
      field("host", "reports the host it was given (host)", "A report is read next to others; it must say which server it describes, by the name you asked for.", (c, got, r) => {
        if (got === c.host) return;
        const mistake = neverConnected(r) ?? (got === "localhost" ? "Use the host argument, not a fixed name." : got === c.issuedTo ? "That is the certificate's subject CN; host is the name you were given." : undefined);
        fail({ expected: `host ${show(c.host)} from ${callText(c)}`, got: show(got), mistake });
      }),
      field("tlsVersion", "reports the negotiated TLS version (tlsVersion: TLSv1.3 and TLSv1.2)", "The protocol version is the first thing an audit looks at; only the live connection (socket.getProtocol()) knows it.", (c, got, r) => {
        if (got !== c.tlsVersion) fail({ expected: `tlsVersion ${show(c.tlsVersion)} from ${c.label}`, got: show(got), mistake: neverConnected(r) });
      }),
      field("issuedTo", "reports who the certificate was issued to (issuedTo: the subject CN)", "The subject names who the certificate vouches for; an audit must read it from the certificate itself.", (c, got, r) => {
        if (got === c.issuedTo) return;
        const mistake =
          neverConnected(r) ??
          (got === c.issuerCN || got === c.issuerO
            ? "That is the issuer, the CA that signed the certificate: the name it was issued to is subject.CN."
            : got === c.host
              ? "That is the host you connected to. The certificate's subject CN is another of its names here: read subject.CN."
              : undefined);
        fail({ expected: `issuedTo ${show(c.issuedTo)} (random for each run) from ${c.label}`, got: show(got), mistake });
      }),
      field("issuedBy", "reports who issued it (issuedBy: the issuer's organization, O)", "The issuer is the CA you are trusting for this site; its organization is what you look for when a CA is distrusted or a certificate must be replaced.", (c, got, r) => {
        if (got === c.issuerO) return;
        const mistake =
          neverConnected(r) ??
          (got === c.issuerCN
            ? "That is the issuer's common name (CN). The lesson asks for its organization: getPeerCertificate().issuer.O."
            : got === c.issuedTo
              ? "That is the subject, the certificate's own name: the issuer is in getPeerCertificate().issuer."
              : got === "TLS Workbook Lab"
                ? "That is the root's organization. The certificate was issued by the intermediate right above it: read issuer.O of the server's own certificate."
                : undefined);
        fail({ expected: `issuedBy ${show(c.issuerO)} (random for each run) from ${c.label}`, got: show(got), mistake });
      }),
      field("expires", "reports when it expires (expires: the certificate's notAfter, as a Date)", "The expiry date is when the site stops working for every visitor; it must be the certificate's own notAfter, to the second.", (c, got, r) => {
        const want = `expires ${show(c.notAfter)} (the certificate's notAfter, valid_to) from ${c.label}`;
        if (!(got instanceof Date)) {
          const mistake = typeof got === "string" ? "That is a string: turn it into a Date, e.g. new Date(cert.valid_to)." : undefined;
          fail({ expected: want, got: show(got), mistake });
        }
        const diff = got.getTime() - c.notAfter.getTime();
        if (Math.abs(diff) < 1000) return;
        const mistake =
          neverConnected(r) ??
          (Math.abs(got.getTime() - c.notBefore.getTime()) < 1000
            ? "That is when the certificate became valid (valid_from, notBefore). It expires at valid_to."
            : Math.abs(diff + CHILD_TZ_OFFSET_MS) < 1000
              ? `Off by 14 hours: the date was read as local time (the grader runs your code with TZ=${CHILD_TZ}). Parse valid_to with its "GMT": new Date(cert.valid_to).`
              : Number.isNaN(got.getTime())
                ? "That Date is invalid: new Date(cert.valid_to) parses the certificate's date as it is."
                : undefined);
        fail({ expected: want, got: show(got), mistake });
      }),
      field("daysLeft", "counts whole days left, rounded down (daysLeft)", "Days left drives renewal; a count that rounds up promises a day that is not there.", (c, got, r, report) => {
        const now = Date.now();
        const want = Math.floor((c.notAfter.getTime() - now) / DAY_MS);
        if (got === want) return;
        const ownExpires = report.expires instanceof Date ? report.expires.getTime() : NaN;
        const wrongExpires = Math.abs(ownExpires - c.notAfter.getTime()) >= 1000;
        const mistake =
          neverConnected(r) ??
          (wrongExpires && typeof got === "number" && Math.abs(got - (ownExpires - now) / DAY_MS) <= 1
            ? "Your count runs to your expires, which is not the certificate's notAfter: see the expires check."
            : got === want + 1
            ? `The certificate expires in ${want} days and about ${Math.floor(c.hours)} hours: ${want + 1} is what Math.round or Math.ceil give. Whole days left means rounding down: Math.floor.`
            : typeof got === "number" && !Number.isInteger(got)
              ? "Count whole days: Math.floor((expires.getTime() - Date.now()) / 86_400_000)."
              : undefined);
        fail({ expected: `daysLeft ${want} from ${c.label} (it expires in ${want} days and about ${Math.floor(c.hours)} hours)`, got: show(got), mistake });
      }),
      field("expiringSoon", "flags expiring soon below 30 days, not at 30 (expiringSoon)", "A warning that fires too late causes an outage; one that fires for every certificate gets ignored. The rule is daysLeft < 30.", (c, got, r, report) => {
        const want = c.days < 30;
        if (got === want) return;
        const mistake =
          neverConnected(r) ??
          (typeof got !== "boolean"
            ? "expiringSoon is a boolean: daysLeft < 30."
            : report.daysLeft !== c.days
              ? `Your daysLeft is ${show(report.daysLeft)}, not ${c.days} (see the daysLeft check); expiringSoon follows from it: daysLeft < 30.`
              : c.days === 30
                ? "30 days left is not less than 30: use daysLeft < 30, not <= 30."
                : "expiringSoon is daysLeft < 30.");
        fail({ expected: `expiringSoon ${want} from ${c.label}`, got: show(got), mistake });
      }),
      {
        name: "formatReport prints your own reports, line by line",
        why: "The block is what a person reads; each line must show exactly the value in the report, and the date as a UTC date.",
        hint: 'Build the lines from the report you are given, in the README\'s order and spacing ("=== host ===", "TLS version: …", "issued to:   …"), and return them joined with "\n"; the date is report.expires.toISOString().slice(0, 10).',
        async run(ctx) {
          for (const { c, r, report } of await reports(ctx)) {
            if (!r.then) fail({ expected: "formatReport to be called with the report", got: "it was not" });
            failIfUnwritten(r.then);
            if (r.then.status !== "resolved")
              fail({ expected: `formatReport(the report of ${callText(c)}) to return the block`, got: `it threw ${describeError(r.then.error)}` });
            checkBlock(r.then.value, report, r.output, `the report of ${callText(c)}`);
          }
        },
      },
      {
        name: "formatReport prints a report it is given, line by line (UTC date, warning only when expiring soon)",
        why: "formatReport must print the report it is handed, whatever the server; a warning that always shows is a warning nobody reads.",
        hint: 'Use only the fields of the report argument (no second connection, nothing remembered); print the UTC date with toISOString().slice(0, 10), not getDate() or toLocaleDateString(); add "certificate expiring soon!" only when report.expiringSoon is true.',
        async run(ctx) {
          const results = await Promise.all(built.map((report) => ctx.call("formatReport", [report])));
          built.forEach((report, i) => {
            const r = results[i];
            const what = `a report for ${report.host}`;
            failIfUnwritten(r);
            if (r.status !== "resolved") fail({ expected: `formatReport(${what}) to return the block`, got: r.status === "rejected" ? `it threw ${describeError(r.error)}` : r.message });
            checkBlock(r.value, report as unknown as Record<string, unknown>, r.output, what);
          });
        },
      },
      rejects("expired", "an expired certificate", "An expired certificate is no longer vouched for; an inspector that reports on it as if it were fine hides the very problem it exists to find."),
      rejects("self-signed", "a self-signed certificate", "Anyone can sign their own certificate; reading fields from one you did not verify reports what an impostor chose to write."),
      rejects("wrong-host", "a certificate issued for another name", "A valid certificate for someone else's name is what an impostor would present; the hostname check is what stops it."),
      rejects("not-yet-valid", "a certificate that is not valid yet", "A certificate is vouched for only between its dates; one from the future is as unproven as an expired one."),
      rejects("incomplete-chain", "a chain without its intermediate", "Without the intermediate nothing links the leaf to a root you trust; reading its fields reports what nobody vouched for."),
      rejects("tls-v1-0", "a server that only speaks TLS 1.0", "TLS 1.0 and 1.1 have known weaknesses; an inspector that lowers its minimum to reach such a server reports on a connection no current client would make."),
      rejects("tls-v1-1", "a server that only speaks TLS 1.1", "TLS 1.1 was retired with 1.0; an inspector that still connects to it reports on a connection no current client would make."),
      ...lookalikes.endpoints.map((l, i) => rejects(i, l.label, "A hostname check compares the whole name; a certificate that merely shares a label, a suffix or the TLD with it belongs to someone else.")),
      {
        name: "keeps certificate verification switched on",
        why: "rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED=0 or a checkServerIdentity that accepts anything keep the encryption but drop the proof of who is on the other end.",
        hint: VERIFY_ON_HINT,
        async run(ctx) {
          const calls = await Promise.all([...cases.map((c) => inspect(ctx, c)), ...BAD.map((b) => inspectBad(ctx, b))]);
          const off = calls.map(verificationOffMistake).find(Boolean);
          if (off) fail({ expected: "tls.connect with its default, verifying options", got: "verification switched off", mistake: off });
          await reports(ctx); // and credit only for verification that lets valid servers through
          const wrongHost = calls[cases.length + BAD.indexOf("wrong-host")];
          if (wrongHost.status === "resolved" && wrongHost.tls.some((u) => u.customCheckServerIdentity))
            fail({ expected: "the hostname check left on", got: "a checkServerIdentity that accepted a certificate for another name", mistake: acceptedBrokenMistake(wrongHost, "wrong-host") });
        },
      },
    ];
  },
};
