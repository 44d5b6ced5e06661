// The real internet, as the live checks (--live) see it: badssl.com's broken and good
// endpoints and two well-known sites, and what a verifying Node 20 client must do with
// each. Live certificates change and lapse, so every row accepts a small set of outcomes
// rather than one exact value; what cannot be known in advance (days left, issuer, CN) is
// checked for shape and consistency by the checks themselves (checks.ts).

export type LiveKey =
  | "expired"
  | "wrong-host"
  | "self-signed"
  | "untrusted-root"
  | "incomplete-chain"
  | "revoked"
  | "tls-v1-0"
  | "tls-v1-1"
  | "tls-v1-2"
  | "sha256"
  | "example.com"
  | "wikipedia.org";

export interface LiveTarget {
  key: LiveKey;
  host: string;
  port: number;
}

/** Where each live target is on the real internet. */
export const LIVE_TARGETS: Record<LiveKey, { host: string; port: number }> = {
  expired: { host: "expired.badssl.com", port: 443 },
  "wrong-host": { host: "wrong.host.badssl.com", port: 443 },
  "self-signed": { host: "self-signed.badssl.com", port: 443 },
  "untrusted-root": { host: "untrusted-root.badssl.com", port: 443 },
  "incomplete-chain": { host: "incomplete-chain.badssl.com", port: 443 },
  revoked: { host: "revoked.badssl.com", port: 443 },
  "tls-v1-0": { host: "tls-v1-0.badssl.com", port: 1010 },
  "tls-v1-1": { host: "tls-v1-1.badssl.com", port: 1011 },
  "tls-v1-2": { host: "tls-v1-2.badssl.com", port: 1012 },
  sha256: { host: "sha256.badssl.com", port: 443 },
  "example.com": { host: "example.com", port: 443 },
  "wikipedia.org": { host: "wikipedia.org", port: 443 },
};

export type Grade = "PASS" | "WARN" | "FAIL";

/** One row of the table: a live endpoint and what a verifying client must do with it. */
export interface Expectation {
  key: LiveKey;
  /** What is wrong with it, for check names and messages ("an expired certificate"). */
  label: string;
  must: "connect" | "reject";
  /** must "reject": the err.code values a verifying client may get (lesson 05 classifies each, see CLASSIFY). */
  codes: readonly string[];
  /** must "connect": the protocol versions it may negotiate. */
  versions: readonly string[];
  /** What lesson 06's tlsHealth may grade it. */
  grades: readonly Grade[];
  why: string;
}

const MODERN = ["TLSv1.2", "TLSv1.3"] as const;
const OLD_PROTOCOL = ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_UNSUPPORTED_PROTOCOL", "ERR_SSL_NO_PROTOCOLS_AVAILABLE"] as const;

/**
 * badssl style: one row per endpoint. Why each set holds more than one code:
 * - CERT_HAS_EXPIRED everywhere a certificate is checked: Node reports the last error
 *   OpenSSL found, and the date check comes last, so a badssl certificate that has also
 *   lapsed (self-signed, untrusted-root, the *.badssl.com wildcard behind wrong.host) says
 *   CERT_HAS_EXPIRED instead of its own fault.
 * - untrusted-root: UNABLE_TO_GET_ISSUER_CERT_LOCALLY if the server stops sending its root.
 * - incomplete-chain: UNABLE_TO_GET_ISSUER_CERT_LOCALLY when the server sends more than the
 *   leaf but still not the intermediate that signed it.
 * - TLS 1.0 / 1.1: a server that knows TLS 1.2 exists answers with a protocol_version
 *   alert (ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION); an older one answers in its own version,
 *   which the client refuses (ERR_SSL_UNSUPPORTED_PROTOCOL).
 */
export const EXPECTATIONS: Record<LiveKey, Expectation> = {
  expired: {
    key: "expired",
    label: "an expired certificate",
    must: "reject",
    codes: ["CERT_HAS_EXPIRED"],
    versions: [],
    grades: ["FAIL"],
    why: "An expired certificate is no longer vouched for; its key may have leaked long ago. The real internet has them too.",
  },
  "wrong-host": {
    key: "wrong-host",
    label: "a certificate for another name",
    must: "reject",
    codes: ["ERR_TLS_CERT_ALTNAME_INVALID", "CERT_HAS_EXPIRED"],
    versions: [],
    grades: ["FAIL"],
    why: "*.badssl.com covers one level of names only: a valid certificate for another name is exactly what an impostor would present.",
  },
  "self-signed": {
    key: "self-signed",
    label: "a self-signed certificate",
    must: "reject",
    codes: ["DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_HAS_EXPIRED"],
    versions: [],
    grades: ["FAIL"],
    why: "Anyone can sign their own certificate; accepting one means accepting whoever answers.",
  },
  "untrusted-root": {
    key: "untrusted-root",
    label: "a chain to an untrusted root",
    must: "reject",
    codes: ["SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_HAS_EXPIRED"],
    versions: [],
    grades: ["FAIL"],
    why: "Trust comes from the roots you chose to trust; a chain to any other root proves nothing.",
  },
  "incomplete-chain": {
    key: "incomplete-chain",
    label: "a chain without its intermediate",
    must: "reject",
    codes: ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_HAS_EXPIRED"],
    versions: [],
    grades: ["FAIL"],
    why: "Browsers may fetch a missing intermediate for you; Node never does, so a server that forgets it is broken for every Node client.",
  },
  // Revoked by its CA, but a default Node client checks no revocation: it connects (or, once the
  // certificate has lapsed as well, says CERT_HAS_EXPIRED). Lesson 08 walks its chain only.
  revoked: {
    key: "revoked",
    label: "a revoked certificate",
    must: "connect",
    codes: [],
    versions: MODERN,
    grades: ["PASS", "WARN"],
    why: "A revoked certificate still verifies: without the CA's revocation list a client cannot tell, and Node checks none unless given CRLs.",
  },
  "tls-v1-0": {
    key: "tls-v1-0",
    label: "a TLS 1.0 server",
    must: "reject",
    codes: OLD_PROTOCOL,
    versions: [],
    grades: ["FAIL"],
    why: "TLS 1.0 has known weaknesses and was retired in 2021; servers like this one are still out there.",
  },
  "tls-v1-1": {
    key: "tls-v1-1",
    label: "a TLS 1.1 server",
    must: "reject",
    codes: OLD_PROTOCOL,
    versions: [],
    grades: ["FAIL"],
    why: "TLS 1.1 was retired with 1.0; a modern client refuses it.",
  },
  "tls-v1-2": {
    key: "tls-v1-2",
    label: "a server capped at TLS 1.2",
    must: "connect",
    codes: [],
    versions: ["TLSv1.2"],
    grades: ["PASS", "WARN"],
    why: "TLS 1.2 is still safe and common; the version must come from the real connection, not be assumed.",
  },
  sha256: {
    key: "sha256",
    label: "a valid certificate",
    must: "connect",
    codes: [],
    versions: MODERN,
    grades: ["PASS", "WARN"],
    why: "A strict client is of no use if it also refuses good servers.",
  },
  "example.com": {
    key: "example.com",
    label: "a well-known site",
    must: "connect",
    codes: [],
    versions: MODERN,
    grades: ["PASS", "WARN"],
    why: "Real sites are the point: what works against the lab must work against them too.",
  },
  "wikipedia.org": {
    key: "wikipedia.org",
    label: "a well-known site",
    must: "connect",
    codes: [],
    versions: MODERN,
    grades: ["PASS", "WARN"],
    why: "Real sites are the point: what works against the lab must work against them too.",
  },
};

/**
 * What lesson 05's classifyTlsError may call each accepted code. A classification depends
 * only on the error, so this is by code, not by endpoint. UNABLE_TO_GET_ISSUER_CERT_LOCALLY
 * is not in the lesson's table: the issuer is simply unknown, which fits an incomplete
 * chain or an untrusted root, and an honest "other" is not wrong either.
 */
export const CLASSIFY: Record<string, readonly string[]> = {
  CERT_HAS_EXPIRED: ["expired"],
  ERR_TLS_CERT_ALTNAME_INVALID: ["wrong-host"],
  DEPTH_ZERO_SELF_SIGNED_CERT: ["self-signed"],
  SELF_SIGNED_CERT_IN_CHAIN: ["untrusted-root"],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ["incomplete-chain"],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ["incomplete-chain", "untrusted-root", "other"],
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: ["old-protocol"],
  ERR_SSL_UNSUPPORTED_PROTOCOL: ["old-protocol"],
  // A client's own OpenSSL refusing old versions; lesson 05's README calls it worth adding, not required.
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: ["old-protocol", "other"],
};

/** Which live targets each lesson uses, in the order its checks are reported; the first is probed. */
export const LESSON_TARGETS: Record<string, readonly LiveKey[]> = {
  "02-verified-client": ["expired", "wrong-host", "self-signed", "untrusted-root", "incomplete-chain", "tls-v1-2", "sha256", "example.com", "wikipedia.org"],
  "03-inspect-cert": ["example.com", "wikipedia.org"],
  "05-reject-bad-certs": ["expired", "wrong-host", "self-signed", "untrusted-root", "incomplete-chain", "tls-v1-0", "tls-v1-1", "tls-v1-2", "sha256"],
  "06-tls-health": ["expired", "wrong-host", "self-signed", "untrusted-root", "incomplete-chain", "tls-v1-0", "tls-v1-1", "tls-v1-2", "sha256", "example.com", "wikipedia.org"],
  "08-chain-of-trust": ["incomplete-chain", "untrusted-root", "revoked"],
};

export function hasLiveChecks(lessonId: string): boolean {
  return lessonId in LESSON_TARGETS;
}

/** "host" for port 443, "host:port" otherwise: how targets are shown and passed to tlsHealth. */
export function targetText(t: { host: string; port: number }): string {
  const host = t.host.includes(":") ? `[${t.host}]` : t.host;
  return t.port === 443 ? host : `${host}:${t.port}`;
}

// ---- standing in for the real internet (tests only) -----------------------------------------

/** Replacement "host:port" per key. Tests only: the product never sets it. */
export type LiveOverrides = Partial<Record<LiveKey, string>>;

/** Tests point the live targets elsewhere with this variable: a JSON object { key: "host:port" }. */
export const LIVE_HOSTS_ENV = "TLS_WORKBOOK_LIVE_HOSTS";

export function parseOverrides(json: string | undefined): LiveOverrides {
  if (json === undefined || json.trim() === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new Error(`${LIVE_HOSTS_ENV} is not valid JSON: give an object such as {"expired":"localhost:8445"}`);
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error(`${LIVE_HOSTS_ENV} must be a JSON object of live target → "host:port"`);
  for (const [k, x] of Object.entries(v)) {
    if (!(k in LIVE_TARGETS)) throw new Error(`${LIVE_HOSTS_ENV}: unknown live target "${k}"; the targets are ${Object.keys(LIVE_TARGETS).join(", ")}`);
    if (typeof x !== "string" || !splitHostPort(x)) throw new Error(`${LIVE_HOSTS_ENV}: "${k}" must be "host" or "host:port", got ${JSON.stringify(x)}`);
  }
  return v as LiveOverrides;
}

function splitHostPort(s: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]\s]+)\]|([^:\s[\]]+))(?::(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  const port = m[3] === undefined ? 443 : Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1] ?? m[2], port };
}

/** The lesson's live targets, in order, with any overrides applied. */
export function lessonTargets(lessonId: string, overrides: LiveOverrides = {}): LiveTarget[] {
  return (LESSON_TARGETS[lessonId] ?? []).map((key) => {
    const o = overrides[key];
    return { key, ...(o ? splitHostPort(o)! : LIVE_TARGETS[key]) };
  });
}
