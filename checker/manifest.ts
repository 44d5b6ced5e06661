// The one list of lessons. Numbers and slugs are fixed: progress files, reports and other
// tools refer to them.
import { hasGrader } from "./graders/index.ts";

export type LessonKind = "quiz" | "code" | "text";

export interface Lesson {
  number: number;
  slug: string;
  /** "02-verified-client": the folder under lessons/ and solutions/. */
  id: string;
  title: string;
  kind: LessonKind;
  /** The files the learner edits, relative to the lesson folder. */
  files: string[];
  /** Shown one at a time, in order. */
  hints: string[];
  /** False until the lesson's grader exists: running it says "not available yet". */
  available: boolean;
}

type Entry = Omit<Lesson, "id" | "available">;

const entries: Entry[] = [
  {
    number: 1,
    slug: "what-tls-gives",
    title: "What TLS gives you",
    kind: "quiz",
    files: ["answers.json"],
    hints: [
      "Match each property to what provides it: encryption hides, certificates identify, message authentication detects tampering.",
      "A client checks three things in a server certificate: who signed it (a chain to a trusted root), which name it is for, and its dates.",
      "Verification comes before any data: ClientHello, ServerHello with the certificate, the client's checks, the keys, then your request (in Node, only after 'secureConnect').",
      "Switching verification off keeps encryption and drops authentication; for a self-signed server, pass its certificate as `ca` and keep verification on.",
    ],
  },
  {
    number: 2,
    slug: "verified-client",
    title: "A verified TLS client",
    kind: "code",
    files: ["exercise.ts"],
    hints: [
      "tls.connect({ host, port, servername: host }) verifies the chain and the hostname by default; wait for 'secureConnect' before you write anything.",
      "Write `GET ${path} HTTP/1.1\\r\\nHost: ${host}\\r\\nConnection: close\\r\\n\\r\\n`, collect every 'data' chunk, and resolve on 'end' with socket.getProtocol() and socket.getPeerCertificate().subject?.CN ?? \"\".",
      "Reject on the socket's 'error' event: that is where an expired, self-signed or wrong-host certificate shows up. Never set rejectUnauthorized: false.",
    ],
  },
  {
    number: 3,
    slug: "inspect-cert",
    title: "What is in a real certificate",
    kind: "code",
    files: ["exercise.ts"],
    hints: [
      "tls.connect({ host, port, servername: host }); in 'secureConnect' read socket.getProtocol() and socket.getPeerCertificate(): subject.CN, issuer.O and valid_to (new Date(valid_to) parses it). Reject on 'error', and never turn verification off.",
      "daysLeft = Math.floor((expires.getTime() - Date.now()) / 86_400_000): rounded down, not Math.round or Math.ceil. expiringSoon = daysLeft < 30 (exactly 30 is not soon).",
      'formatReport returns the lines joined with "\n"; the date is expires.toISOString().slice(0, 10), the UTC date (getDate() and toLocaleDateString() use the local zone); add "certificate expiring soon!" only when report.expiringSoon.',
    ],
  },
  {
    number: 4,
    slug: "self-signed-echo",
    title: "Your own certificate and an encrypted round-trip",
    kind: "code",
    files: ["exercise.ts"],
    hints: [
      "Make certs/cert.pem and certs/key.pem first, from the workbook folder: the README's openssl command, or npm run make-cert. Your server loads them with fs.readFileSync.",
      'Server: tls.createServer({ key, cert }, socket => …); collect data until "\n", then socket.end(`securely received: ${line}\n`). Listen on opts.port ?? 9443 (not ||: 0 means any free port); resolve with (server.address() as AddressInfo).port and a close() that wraps server.close(cb) in a Promise.',
      'Client: tls.connect({ host, port, servername, ca: fs.readFileSync(opts.caFile) }); write message + "\n" on \'secureConnect\'; resolve with the text before "\n"; reject on \'error\'. Trusting exactly your certificate means passing it as `ca` with verification on: no rejectUnauthorized: false, no checkServerIdentity.',
    ],
  },
  {
    number: 5,
    slug: "reject-bad-certs",
    title: "Rejecting bad certificates",
    kind: "code",
    files: ["exercise.ts"],
    hints: [
      "connectStrict: tls.connect({ host, port, servername: host }); resolve on 'secureConnect' (then socket.end()), reject on 'error' with the error itself.",
      "classifyTlsError: look at err.code, not the message. CERT_HAS_EXPIRED, CERT_NOT_YET_VALID, ERR_TLS_CERT_ALTNAME_INVALID, DEPTH_ZERO_SELF_SIGNED_CERT ...",
      "SELF_SIGNED_CERT_IN_CHAIN is an untrusted root (its message says 'self-signed' too: a trap for message matching); UNABLE_TO_VERIFY_LEAF_SIGNATURE is a missing intermediate; ECONNREFUSED is unreachable.",
    ],
  },
  {
    number: 6,
    slug: "tls-health",
    title: "A TLS health checker",
    kind: "code",
    files: ["exercise.ts"],
    hints: [
      "Write checkOne(target) that always resolves with a HealthResult: tls.connect({ host, port, servername: host }) with verification on, a setTimeout that destroys the socket after timeoutMs, 'secureConnect' for the result, 'error' for a FAIL with a short reason.",
      "Grades: FAIL on any error or when getProtocol() is below TLSv1.2; daysLeft = Math.floor((new Date(cert.valid_to).getTime() - Date.now()) / 86_400_000); WARN when daysLeft < warnDays, else PASS.",
      "All at once and in order: return Promise.all(targets.map(checkOne)). A target you cannot split into host and port is a FAIL result, not a throw; opts is optional (opts?.warnDays ?? 30).",
    ],
  },
  {
    number: 7,
    slug: "why-not-verify-false",
    title: "Why not rejectUnauthorized: false?",
    kind: "text",
    files: ["answer.md"],
    hints: [
      "Say what TLS still does without verification (the bytes stay encrypted), and what it no longer proves (who is on the other end).",
      "Make it concrete: who profits (someone in the middle, posing as the server), where they sit (public wifi, a tampered DNS answer, a hacked router), and what they can then do with your traffic.",
      "End with the way out in Node for a self-signed server: trust that certificate (the `ca` option, or NODE_EXTRA_CA_CERTS) and keep verification on. Name the switch (`rejectUnauthorized: false` / NODE_TLS_REJECT_UNAUTHORIZED=0) only as what not to do.",
    ],
  },
  {
    number: 8,
    slug: "chain-of-trust",
    title: "The chain of trust, hands-on",
    kind: "code",
    files: ["exercise.ts"],
    hints: [
      "inspectChain: tls.connect({ host, port, servername: host, ca: [...roots], rejectUnauthorized: false }) (inspecting only: write nothing); in 'secureConnect' read socket.authorized, socket.authorizationError and getPeerCertificate(true), then socket.destroy(). Follow .issuerCertificate until it points to itself or is missing, making new crypto.X509Certificate(c.raw) of each.",
      "signedBy: \"self\" when x.verify(x.publicKey) (its own key signed it); the next index when x.checkIssued(next) && x.verify(next.publicKey); otherwise \"missing\". checkIssued alone only compares names and key identifiers. ends: follow signedBy from the leaf; \"missing\" is a missing intermediate, a \"self\" certificate whose fingerprint256 is among the roots' is a trusted root, any other an unknown root.",
      "firstBrokenLink: from link 0 up, the dates first (validTo < now: expired; validFrom > now: not-yet-valid), then signedBy (\"missing\": missing-intermediate; \"self\" at an untrusted end: self-signed at link 0, unknown-root above). checkRevocation: split crlPem into its PEM blocks and connect with ca: [...roots], crl: blocks and verification on; CERT_REVOKED is \"revoked\", 'secureConnect' is \"good\", anything else rejects.",
    ],
  },
];

export const LESSONS: readonly Lesson[] = entries.map((e) => {
  const id = `${String(e.number).padStart(2, "0")}-${e.slug}`;
  return { ...e, id, available: hasGrader(id) };
});

/** "2", "02", "verified-client" or "02-verified-client" → the lesson; undefined otherwise. */
export function findLesson(key: string): Lesson | undefined {
  const k = key.trim().toLowerCase();
  if (/^\d+$/.test(k)) return LESSONS.find((l) => l.number === Number(k));
  return LESSONS.find((l) => l.slug === k || l.id === k);
}

export function lessonList(): string {
  return LESSONS.map((l) => `  ${String(l.number).padStart(2)}  ${l.slug.padEnd(22)} ${l.title}${l.available ? "" : " (not available yet)"}`).join("\n");
}
