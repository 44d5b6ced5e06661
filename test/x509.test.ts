// The hand-written certificate builder, read back by two independent parsers:
// OpenSSL (node:crypto X509Certificate) and @peculiar/x509.
import crypto from "node:crypto";
import * as px from "@peculiar/x509";
import { expect, it } from "vitest";
import { createCertificate, generateKeyPair } from "../checker/lab/x509.ts";

const now = Date.now();
const DAY = 86_400_000;
const rootKeys = generateKeyPair();
const root = createCertificate({ subject: { CN: "Test Root", O: "Test Org" }, keys: rootKeys, notBefore: new Date(now - DAY), notAfter: new Date(now + 10 * DAY), isCA: true });

it("a leaf signed by a root verifies, names its hosts and carries its dates", () => {
  const notAfter = new Date(Math.floor((now + 42 * DAY) / 1000) * 1000);
  const leaf = createCertificate({
    subject: { CN: "leaf.test" },
    keys: generateKeyPair(),
    issuer: root,
    notBefore: new Date(now - DAY),
    notAfter,
    altNames: ["localhost", "127.0.0.1"],
  });
  const x = new crypto.X509Certificate(leaf.pem);
  expect(x.subject).toBe("CN=leaf.test");
  expect(x.issuer).toBe("CN=Test Root\nO=Test Org");
  expect(x.checkIssued(new crypto.X509Certificate(root.pem))).toBe(true);
  expect(x.verify(rootKeys.publicKey)).toBe(true);
  expect(x.checkHost("localhost")).toBe("localhost");
  expect(x.checkIP("127.0.0.1")).toBe("127.0.0.1");
  expect(x.checkHost("example.com")).toBeUndefined();
  expect(new Date(x.validTo).getTime()).toBe(notAfter.getTime());
  expect(x.ca).toBe(false);
  expect(x.checkPrivateKey(crypto.createPrivateKey(leaf.keyPem))).toBe(true);

  const p = new px.X509Certificate(leaf.pem);
  const san = p.getExtension(px.SubjectAlternativeNameExtension)!;
  expect(san.names.items.map((n) => n.value)).toEqual(["localhost", "127.0.0.1"]);
  expect(p.getExtension(px.BasicConstraintsExtension)!.ca).toBe(false);
});

it("a CA certificate says CA:TRUE and may sign", () => {
  const x = new crypto.X509Certificate(root.pem);
  expect(x.ca).toBe(true);
  const p = new px.X509Certificate(root.pem);
  expect(p.getExtension(px.BasicConstraintsExtension)!.ca).toBe(true);
  expect(p.getExtension(px.KeyUsagesExtension)!.usages & px.KeyUsageFlags.keyCertSign).toBeTruthy();
});

it("an RSA-2048 self-signed certificate (what the openssl one-liner makes) round-trips", () => {
  const keys = generateKeyPair("rsa");
  const cert = createCertificate({ subject: { CN: "localhost" }, keys, notBefore: new Date(now), notAfter: new Date(now + 365 * DAY), isCA: true });
  const x = new crypto.X509Certificate(cert.pem);
  expect(x.verify(keys.publicKey)).toBe(true);
  expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  expect(x.checkIssued(x)).toBe(true);
});

it("dates after 2049 use GeneralizedTime, and an empty subject is allowed", () => {
  const cert = createCertificate({ subject: {}, keys: generateKeyPair(), issuer: root, notBefore: new Date(now), notAfter: new Date("2051-06-01T00:00:00Z"), altNames: ["localhost"] });
  const x = new crypto.X509Certificate(cert.pem);
  expect(new Date(x.validTo).toISOString()).toBe("2051-06-01T00:00:00.000Z");
  expect(x.subject ?? "").toBe(""); // Node reports an empty subject as undefined
});

it("a CRL (v2) names its issuer, dates and revoked serials, and its signature verifies", async () => {
  const { createCrl } = await import("../checker/lab/x509.ts");
  const leaf = createCertificate({ subject: { CN: "revoked.test" }, keys: generateKeyPair(), issuer: root, notBefore: new Date(now - DAY), notAfter: new Date(now + DAY) });
  const thisUpdate = new Date(Math.floor((now - 3600_000) / 1000) * 1000);
  const nextUpdate = new Date(Math.floor((now + 7 * DAY) / 1000) * 1000);
  const crl = createCrl({ issuer: root, revoked: [{ serial: leaf.serial }], thisUpdate, nextUpdate });
  const p = new px.X509Crl(crl.pem);
  expect(p.issuer).toBe("CN=Test Root, O=Test Org");
  expect(p.thisUpdate.getTime()).toBe(thisUpdate.getTime());
  expect(p.nextUpdate!.getTime()).toBe(nextUpdate.getTime());
  expect(p.entries.map((e) => e.serialNumber)).toEqual([leaf.serial.toString("hex").replace(/^(00)+(?=[0-9a-f]{2})/, "")]);
  expect(await p.verify({ publicKey: await new px.X509Certificate(root.pem).publicKey.export() })).toBe(true);
  // An empty list leaves the revokedCertificates field out, as RFC 5280 asks.
  expect(new px.X509Crl(createCrl({ issuer: root, revoked: [], thisUpdate, nextUpdate }).pem).entries).toEqual([]);
});
