// Lesson 04, part 1: the learner's certificate files, read here with node:crypto (reading is
// not running): they exist, belong together, name localhost, are valid now, are strong enough.
import crypto, { type KeyObject, X509Certificate } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type Check, fail } from "../../checks/check.ts";
import { HINT, MAKE_THEM, NAME, shown, WHY } from "./common.ts";

// ---- the learner's certificate files -------------------------------------------------

export interface CertReport {
  certFile: string;
  keyFile: string;
  missing: string[];
  cert?: X509Certificate;
  certError?: string;
  key?: KeyObject;
  keyError?: string;
}

export function readCertFiles(dir: string): CertReport {
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  const r: CertReport = { certFile, keyFile, missing: [certFile, keyFile].filter((f) => !fs.existsSync(f)) };
  if (fs.existsSync(certFile)) {
    try {
      const text = fs.readFileSync(certFile, "utf8");
      if (!text.includes("-----BEGIN CERTIFICATE-----"))
        r.certError = text.includes("PRIVATE KEY-----")
          ? `${shown(certFile)} holds a private key, not a certificate: were -keyout and -out swapped?`
          : `${shown(certFile)} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line)`;
      else r.cert = new X509Certificate(text);
    } catch (err) {
      r.certError = `${shown(certFile)} could not be read as a certificate: ${(err as Error).message}`;
    }
  }
  if (fs.existsSync(keyFile)) {
    try {
      const text = fs.readFileSync(keyFile, "utf8");
      if (text.includes("ENCRYPTED PRIVATE KEY") || /Proc-Type: 4,ENCRYPTED/.test(text))
        r.keyError = `${shown(keyFile)} is encrypted with a passphrase (the command ran without -nodes), so a server cannot load it unattended`;
      else if (!text.includes("PRIVATE KEY-----"))
        r.keyError = text.includes("-----BEGIN CERTIFICATE-----")
          ? `${shown(keyFile)} holds a certificate, not a private key: were -keyout and -out swapped?`
          : `${shown(keyFile)} is not a PEM private key (no "-----BEGIN PRIVATE KEY-----" line)`;
      else r.key = crypto.createPrivateKey(text);
    } catch (err) {
      r.keyError = `${shown(keyFile)} could not be read as a private key: ${(err as Error).message}`;
    }
  }
  return r;
}

export interface CertVerdicts {
  /** The files' first problem that keeps the learner's server from being tested, if any. */
  blocker?: string;
  matches: boolean;
  selfSigned: boolean;
  validNow: boolean;
  namesLocalhost: boolean;
}

export function judge(r: CertReport): CertVerdicts {
  const c = r.cert;
  const matches = Boolean(c && r.key && safe(() => c.checkPrivateKey(r.key!)));
  const selfSigned = Boolean(c && c.issuer === c.subject && safe(() => c.verify(c.publicKey)));
  const now = Date.now();
  const validNow = Boolean(c && new Date(c.validFrom).getTime() <= now && now <= new Date(c.validTo).getTime());
  const namesLocalhost = Boolean(c && safe(() => c.checkHost(NAME)));
  let blocker: string | undefined;
  if (r.missing.length) blocker = `${r.missing.map(shown).join(" and ")} ${r.missing.length > 1 ? "do" : "does"} not exist`;
  else if (r.certError || r.keyError) blocker = "the certificate files could not be read";
  else if (!matches) blocker = "key.pem is not the key of cert.pem";
  else if (!selfSigned) blocker = "the certificate is not self-signed";
  else if (!validNow) blocker = "the certificate is not valid today";
  else if (!namesLocalhost) blocker = `the certificate does not name ${NAME}`;
  return { blocker, matches, selfSigned, validNow, namesLocalhost };
}

function safe(f: () => unknown): unknown {
  try {
    return f();
  } catch {
    return false;
  }
}

function names(c: X509Certificate): string {
  const cn = c.subject.replace(/\n/g, ", ") || "an empty subject";
  return c.subjectAltName ? `${cn}; subjectAltName ${c.subjectAltName}` : `${cn}; no subjectAltName`;
}

function keyStrength(c: X509Certificate): { ok: boolean; what: string } {
  const k = c.publicKey;
  const d = k.asymmetricKeyDetails ?? {};
  switch (k.asymmetricKeyType) {
    case "rsa":
    case "rsa-pss":
      return { ok: (d.modulusLength ?? 0) >= 2048, what: `RSA ${d.modulusLength} bits` };
    case "ec": {
      const curve = d.namedCurve ?? "an unknown curve";
      return { ok: ["prime256v1", "secp384r1", "secp521r1"].includes(curve), what: `EC on ${curve}` };
    }
    case "ed25519":
    case "ed448":
      return { ok: true, what: k.asymmetricKeyType };
    default:
      return { ok: false, what: `a ${k.asymmetricKeyType ?? "unknown"} key` };
  }
}


/** What the grader read of the learner's files, and how it shows their paths. */
export interface CertFiles {
  files: CertReport;
  verdict: CertVerdicts;
  certPath: string;
  keyPath: string;
  certDir: string;
}

export function certificateChecks({ files, verdict, certPath, keyPath, certDir }: CertFiles): Check[] {
  const needCert = (): X509Certificate => {
    if (files.missing.includes(files.certFile)) fail({ expected: `a certificate in ${certPath}`, got: "no such file (see the first check)" });
    if (!files.cert) fail({ expected: `a certificate in ${certPath}`, got: files.certError ?? "unreadable" });
    return files.cert;
  };

  return [
    {
      name: "your certificate files exist: cert.pem and key.pem",
      why: WHY.files,
      hint: HINT.files,
      async run() {
        if (files.missing.length)
          fail({ expected: `${certPath} and ${keyPath}`, got: `${files.missing.map(shown).join(" and ")} ${files.missing.length > 1 ? "do" : "does"} not exist (looked in ${certDir})`, mistake: MAKE_THEM });
      },
    },
    {
      name: "cert.pem holds a certificate and key.pem its private key: they belong together",
      why: WHY.match,
      hint: HINT.match,
      async run() {
        if (files.missing.length) fail({ expected: "both files", got: "could not check: see the first check" });
        if (files.certError || files.keyError) fail({ expected: "a PEM certificate and its PEM private key", got: [files.certError, files.keyError].filter(Boolean).join("; "), mistake: MAKE_THEM.replace("Make them", "Make both again") });
        if (!verdict.matches)
          fail({ expected: "the private key of the certificate", got: "a key that does not match the certificate", mistake: "The two files come from different runs. Make both again with one command, so the key and the certificate are a pair." });
      },
    },
    {
      name: "the certificate is self-signed (it is its own issuer)",
      why: WHY.selfSigned,
      hint: HINT.selfSigned,
      async run() {
        const c = needCert();
        if (!verdict.selfSigned)
          fail({
            expected: "a certificate signed by its own key (issuer = subject)",
            got: `issued to ${c.subject.replace(/\n/g, ", ")}, by ${c.issuer.replace(/\n/g, ", ") || "nobody named"}`,
            mistake: "This certificate was signed by a CA. For this lesson make your own: openssl req -x509 makes the certificate sign itself.",
          });
      },
    },
    {
      name: "the certificate is valid today",
      why: WHY.valid,
      hint: HINT.valid,
      async run() {
        const c = needCert();
        if (verdict.validNow) return;
        const expired = new Date(c.validTo).getTime() < Date.now();
        fail({
          expected: `valid from before now until after now`,
          got: expired ? `it expired on ${c.validTo}` : `it is valid only from ${c.validFrom}`,
          mistake: expired ? `Make a new one (the command's -days 365 sets a year).` : "Its start date is in the future: check your computer's clock, then make it again.",
        });
      },
    },
    {
      name: `the certificate names ${NAME} (in its CN or subjectAltName)`,
      why: WHY.name,
      hint: HINT.name,
      async run() {
        const c = needCert();
        if (verdict.namesLocalhost) return;
        const sanWithout = c.subjectAltName && /DNS:/.test(c.subjectAltName);
        fail({
          expected: `a certificate for ${NAME}`,
          got: names(c),
          mistake: sanWithout
            ? `It has a subjectAltName list without ${NAME}: clients then ignore the CN. Make it again for ${NAME}.`
            : `Make it again with -subj "/CN=${NAME}".`,
        });
      },
    },
    {
      name: "the key is strong enough (RSA 2048 bits or more, or EC P-256)",
      why: WHY.strength,
      hint: HINT.strength,
      async run() {
        const c = needCert();
        const k = keyStrength(c);
        if (!k.ok) fail({ expected: "RSA with 2048 bits or more, or EC P-256 (or stronger)", got: k.what, mistake: "Make it again with -newkey rsa:2048." });
      },
    },
  ];
}
