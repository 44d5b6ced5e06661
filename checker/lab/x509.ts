// A small X.509 certificate builder on node:crypto alone (no openssl CLI, nothing to load).
// It writes DER by hand: only the handful of ASN.1 types and extensions the lab needs.
// We measured @peculiar/x509 at ~105 ms just to import, a sixth of the grader's time budget;
// this module costs nothing to load and signs a certificate in about a millisecond.
import crypto, { type KeyObject } from "node:crypto";
import net from "node:net";

// ---- DER encoding ----------------------------------------------------------------------

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);
const octets = (b: Buffer) => tlv(0x04, b);
const bitString = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, "utf8"));
const NULL = Buffer.from([0x05, 0x00]);

/** A non-negative INTEGER from big-endian bytes (a leading 0 keeps it positive). */
function unsignedInt(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && b[1] < 0x80) b = b.subarray(1);
  if (b[0] >= 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}
const smallInt = (n: number) => unsignedInt(Buffer.from([n]));

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime up to 2049, GeneralizedTime after, as RFC 5280 requires. */
function time(d: Date): Buffer {
  const iso = d.toISOString(); // 2026-11-27T10:00:00.000Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, ""); // 20261127100000
  const year = d.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(digits.slice(2) + "Z"));
  return tlv(0x18, Buffer.from(digits + "Z"));
}

// ---- names, keys, extensions ------------------------------------------------------------

const ATTR: Record<string, string> = { CN: "2.5.4.3", O: "2.5.4.10", OU: "2.5.4.11", C: "2.5.4.6" };

/** A distinguished name, in the order given; an empty object is the empty name. */
export type Name = Partial<Record<keyof typeof ATTR, string>>;

function encodeName(name: Name): Buffer {
  const rdns = Object.entries(name)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => set(seq(oid(ATTR[k]), k === "C" ? tlv(0x13, Buffer.from(v!)) : utf8(v!))));
  return seq(...rdns);
}

export type KeyType = "ec" | "rsa";

export interface KeyPair {
  type: KeyType;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** EC P-256 keys are made in well under a millisecond; RSA-2048 takes ~0.1 s. */
export function generateKeyPair(type: KeyType = "ec"): KeyPair {
  const pair =
    type === "ec"
      ? crypto.generateKeyPairSync("ec", { namedCurve: "P-256" })
      : crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { type, ...pair };
}

function signatureAlgorithm(type: KeyType): Buffer {
  return type === "ec"
    ? seq(oid("1.2.840.10045.4.3.2")) // ecdsa-with-SHA256
    : seq(oid("1.2.840.113549.1.1.11"), NULL); // sha256WithRSAEncryption
}

function keyId(publicKey: KeyObject): Buffer {
  return crypto.createHash("sha1").update(publicKey.export({ type: "spki", format: "der" })).digest();
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

function subjectAltName(names: string[]): Buffer {
  const general = names.map((n) => {
    if (net.isIPv4(n)) return tlv(0x87, Buffer.from(n.split(".").map(Number)));
    return tlv(0x82, Buffer.from(n, "ascii")); // dNSName
  });
  return seq(...general);
}

// ---- certificates --------------------------------------------------------------------

export interface CertOptions {
  subject: Name;
  /** The key pair the certificate is for. */
  keys: KeyPair;
  /** Who signs: omit for a self-signed certificate. */
  issuer?: { subject: Name; keys: KeyPair };
  notBefore: Date;
  notAfter: Date;
  /** DNS names and IPv4 addresses for the subjectAltName extension. */
  altNames?: string[];
  /** A CA certificate (basicConstraints CA:TRUE, may sign certificates). */
  isCA?: boolean;
  serial?: Buffer;
  /** keyUsage bits (first byte) instead of the default (CA: keyCertSign + cRLSign; leaf: digitalSignature). */
  keyUsage?: number;
  /** The subjectKeyIdentifier to write instead of the key's own (lesson 08's forged intermediate). */
  subjectKeyId?: Buffer;
}

export interface Cert {
  pem: string;
  der: Buffer;
  /** The serial number's bytes, as encoded (what a CRL lists). */
  serial: Buffer;
  subject: Name;
  keys: KeyPair;
  /** The private key as PKCS#8 PEM, for tls.createServer({ key }). */
  keyPem: string;
}

export function createCertificate(o: CertOptions): Cert {
  const signer = o.issuer ?? { subject: o.subject, keys: o.keys };
  const serial = Buffer.from(o.serial ?? crypto.randomBytes(16));
  serial[0] &= 0x7f;
  const exts: Buffer[] = [
    extension("2.5.29.19", true, o.isCA ? seq(bool(true)) : seq()),
    extension("2.5.29.15", true, bitString(Buffer.from([o.keyUsage ?? (o.isCA ? 0x06 : 0x80)]))),
    extension("2.5.29.14", false, octets(o.subjectKeyId ?? keyId(o.keys.publicKey))),
    extension("2.5.29.35", false, seq(tlv(0x80, keyId(signer.keys.publicKey)))),
  ];
  if (!o.isCA) exts.push(extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"), oid("1.3.6.1.5.5.7.3.2"))));
  if (o.altNames?.length) exts.push(extension("2.5.29.17", false, subjectAltName(o.altNames)));

  const sigAlg = signatureAlgorithm(signer.keys.type);
  const tbs = seq(
    explicit(0, smallInt(2)), // v3
    unsignedInt(serial),
    sigAlg,
    encodeName(signer.subject),
    seq(time(o.notBefore), time(o.notAfter)),
    encodeName(o.subject),
    o.keys.publicKey.export({ type: "spki", format: "der" }),
    explicit(3, seq(...exts)),
  );
  const signature = crypto.sign("sha256", tbs, signer.keys.privateKey); // DER for ECDSA, PKCS#1 v1.5 for RSA
  const der = seq(tbs, sigAlg, bitString(signature));
  const b64 = der.toString("base64").replace(/(.{64})/g, "$1\n").trimEnd();
  return {
    der,
    pem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    serial,
    subject: o.subject,
    keys: o.keys,
    keyPem: o.keys.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  };
}

// ---- certificate revocation lists ------------------------------------------------------

export interface CrlOptions {
  /** The CA that signs the list: the issuer of the certificates it revokes. */
  issuer: { subject: Name; keys: KeyPair };
  /** The serial numbers revoked (Cert.serial), each with its revocation date (default: thisUpdate). */
  revoked: { serial: Buffer; date?: Date }[];
  thisUpdate: Date;
  nextUpdate: Date;
  /** The cRLNumber extension, growing with each list the CA publishes (default 1). */
  number?: number;
}

export interface Crl {
  pem: string;
  der: Buffer;
}

/**
 * An X.509 v2 CRL (RFC 5280 section 5): the issuer's name, thisUpdate, nextUpdate, the
 * revoked serials (the field is left out when there are none, as the RFC asks), and the
 * authorityKeyIdentifier and cRLNumber extensions, signed by the issuer's key.
 */
export function createCrl(o: CrlOptions): Crl {
  const sigAlg = signatureAlgorithm(o.issuer.keys.type);
  const entries = o.revoked.map((r) => seq(unsignedInt(r.serial), time(r.date ?? o.thisUpdate)));
  const number = o.number ?? 1;
  const numberBytes: number[] = [];
  for (let n = number; n > 0 || numberBytes.length === 0; n = Math.floor(n / 256)) numberBytes.unshift(n % 256);
  const exts = seq(
    extension("2.5.29.35", false, seq(tlv(0x80, keyId(o.issuer.keys.publicKey)))),
    extension("2.5.29.20", false, unsignedInt(Buffer.from(numberBytes))),
  );
  const tbs = seq(
    smallInt(1), // v2
    sigAlg,
    encodeName(o.issuer.subject),
    time(o.thisUpdate),
    time(o.nextUpdate),
    ...(entries.length ? [seq(...entries)] : []),
    explicit(0, exts),
  );
  const signature = crypto.sign("sha256", tbs, o.issuer.keys.privateKey);
  const der = seq(tbs, sigAlg, bitString(signature));
  const b64 = der.toString("base64").replace(/(.{64})/g, "$1\n").trimEnd();
  return { der, pem: `-----BEGIN X509 CRL-----\n${b64}\n-----END X509 CRL-----\n` };
}
