// The lab's public-key infrastructure: a root CA the learner's code is told to trust, an
// intermediate that signs the leaves, and a second root that nobody trusts. Everything is
// made fresh for each lab, with dates relative to now and random names.
import crypto from "node:crypto";
import { createCertificate, generateKeyPair, type Cert, type KeyPair, type Name } from "./x509.ts";

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface Issuer {
  cert: Cert;
  /** The chain a server sends above its leaf (the issuer's own chain, root excluded). */
  chainAbove: Cert[];
}

export interface LeafOptions {
  cn?: string;
  subject?: Name;
  altNames?: string[];
  /** Offsets from now, in milliseconds. */
  notBefore?: number;
  notAfter?: number;
  keyType?: "ec" | "rsa";
}

export function randomLabel(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(3).toString("hex")}`;
}

export class Pki {
  readonly runId = crypto.randomBytes(3).toString("hex");
  readonly root: Cert;
  readonly intermediate: Issuer;
  /** A root that is not in anybody's trust store. */
  readonly untrustedRoot: Cert;

  constructor() {
    this.root = this.makeCA({ CN: `TLS Workbook Lab Root ${this.runId}`, O: "TLS Workbook Lab" });
    this.intermediate = this.issueIntermediate({ CN: `TLS Workbook Lab Intermediate ${this.runId}`, O: "TLS Workbook Lab" });
    this.untrustedRoot = this.makeCA({ CN: `Untrusted Root ${this.runId}`, O: "Nobody Trusts Me Ltd" });
  }

  private makeCA(subject: Name): Cert {
    const now = Date.now();
    return createCertificate({
      subject,
      keys: generateKeyPair(),
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 3650 * DAY_MS),
      isCA: true,
    });
  }

  /** An intermediate CA under the lab root (lesson 03 wants one whose O is random). */
  issueIntermediate(subject: Name): Issuer {
    const now = Date.now();
    const cert = createCertificate({
      subject,
      keys: generateKeyPair(),
      issuer: this.root,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 1825 * DAY_MS),
      isCA: true,
    });
    return { cert, chainAbove: [cert] };
  }

  /** A leaf certificate; by default for localhost and 127.0.0.1, valid from a day ago for 90 days. */
  issueLeaf(o: LeafOptions = {}, issuer: Issuer | Cert | "self" = this.intermediate): Cert {
    const now = Date.now();
    const keys: KeyPair = generateKeyPair(o.keyType ?? "ec");
    const subject = o.subject ?? { CN: o.cn ?? "localhost" };
    const signer = issuer === "self" ? undefined : "chainAbove" in issuer ? issuer.cert : issuer;
    return createCertificate({
      subject,
      keys,
      issuer: signer,
      notBefore: new Date(now + (o.notBefore ?? -DAY_MS)),
      notAfter: new Date(now + (o.notAfter ?? 90 * DAY_MS)),
      altNames: o.altNames ?? ["localhost", "127.0.0.1"],
    });
  }
}
