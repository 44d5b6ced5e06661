// Lesson 04's kind of certificate, made without openssl: self-signed, CN=localhost (plus a
// SAN for localhost), valid for a year, RSA 2048 by default. `npm run make-cert` writes
// one for the learner; the lesson's grader makes them for the reference solution and for
// its own servers.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { DAY_MS } from "./pki.ts";
import { createCertificate, type Cert, type KeyPair, type KeyType } from "./x509.ts";

export interface SelfSignedOptions {
  /** The subject CN (default "localhost"). */
  cn?: string;
  /** DNS names for the subjectAltName (default [cn]). */
  altNames?: string[];
  /** Days of validity from now (default 365, as in the lesson's openssl command). */
  days?: number;
  /** "rsa" (2048 bits, the default) or "ec" (P-256, much faster to make). */
  keyType?: KeyType;
}

/** A key pair made without blocking the event loop (an RSA-2048 key takes ~0.1 s or more). */
export function generateKeyPairAsync(type: KeyType = "rsa"): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: crypto.KeyObject, privateKey: crypto.KeyObject) =>
      err ? reject(err) : resolve({ type, publicKey, privateKey });
    if (type === "rsa") crypto.generateKeyPair("rsa", { modulusLength: 2048 }, done);
    else crypto.generateKeyPair("ec", { namedCurve: "P-256" }, done);
  });
}

/** A self-signed certificate for `keys`, valid from a minute ago. */
export function selfSignedWith(keys: KeyPair, o: SelfSignedOptions = {}): Cert {
  const cn = o.cn ?? "localhost";
  const now = Date.now();
  return createCertificate({
    subject: { CN: cn },
    keys,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (o.days ?? 365) * DAY_MS),
    altNames: o.altNames ?? [cn],
  });
}

/** A fresh key pair and its self-signed certificate. */
export async function makeSelfSigned(o: SelfSignedOptions = {}): Promise<Cert> {
  return selfSignedWith(await generateKeyPairAsync(o.keyType ?? "rsa"), o);
}

export interface CertFiles {
  certFile: string;
  keyFile: string;
}

/** Writes cert.pem and key.pem into `dir` (made if needed); the key readable by its owner only. */
export function writeCertFiles(dir: string, cert: Cert): CertFiles {
  fs.mkdirSync(dir, { recursive: true });
  const certFile = path.join(dir, "cert.pem");
  const keyFile = path.join(dir, "key.pem");
  writeAtomically(keyFile, cert.keyPem, 0o600);
  writeAtomically(certFile, cert.pem, 0o644);
  return { certFile, keyFile };
}

/** Write to a temporary file beside it, then rename: a reader never sees half a file. */
function writeAtomically(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(3).toString("hex")}.tmp`;
  try {
    fs.writeFileSync(tmp, text, { mode });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
