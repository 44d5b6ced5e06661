// The lab's public-key infrastructure: a root CA the learner's code is told to trust, an
// intermediate that signs the leaves, and a second root that nobody trusts. Everything is
// made fresh for each lab, with dates relative to now and random names.
import crypto from "node:crypto";
import { createCertificate, createCrl, generateKeyPair, type Cert, type Crl, type KeyPair, type Name } from "./x509.ts";

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
  /** keyUsage bits (x509.ts CertOptions.keyUsage): lesson 08's self-signed leaf may also sign certificates. */
  keyUsage?: number;
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

  /** A fresh self-signed root CA (trusted by nobody until someone chooses to). */
  issueRoot(subject: Name): Cert {
    return this.makeCA(subject);
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

  /**
   * An intermediate CA, under the lab root unless another issuer is given (lesson 03 wants
   * one whose O is random; lesson 08 one under an untrusted root, and one that has expired).
   * Dates are offsets from now in milliseconds.
   */
  issueIntermediate(subject: Name, o: { issuer?: Cert; notBefore?: number; notAfter?: number } = {}): Issuer {
    const now = Date.now();
    const cert = createCertificate({
      subject,
      keys: generateKeyPair(),
      issuer: o.issuer ?? this.root,
      notBefore: new Date(now + (o.notBefore ?? -DAY_MS)),
      notAfter: new Date(now + (o.notAfter ?? 1825 * DAY_MS)),
      isCA: true,
    });
    return { cert, chainAbove: [cert] };
  }

  /**
   * A CRL signed by `issuer`, listing `revoked` (certificates it issued), issued an hour ago
   * and due again in 7 days. Node's `crl` option checks every certificate of the chain, so a
   * client needs the list of each CA in it: the root's own (revoking nothing) as well.
   */
  issueCrl(issuer: Issuer | Cert, revoked: Cert[] = []): Crl {
    const now = Date.now();
    const signer = "chainAbove" in issuer ? issuer.cert : issuer;
    return createCrl({
      issuer: signer,
      revoked: revoked.map((c) => ({ serial: c.serial, date: new Date(now - 2 * 60 * 60 * 1000) })),
      thisUpdate: new Date(now - 60 * 60 * 1000),
      nextUpdate: new Date(now + 7 * DAY_MS),
    });
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
      keyUsage: o.keyUsage,
    });
  }
}
