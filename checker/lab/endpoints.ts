// The lab's endpoint families, badssl.com style: one configuration each, and a table that
// says what is wrong with it and what a verifying client must do. Tests hold the lab to it.
/** Where every lab endpoint listens. */
export const LAB_HOST = "127.0.0.1";

export type EndpointKind = "tls" | "refused" | "plain-http" | "hang-up" | "silent";

export interface EndpointSpec {
  name: string;
  kind: EndpointKind;
  /** The port `npm run lab` uses; graders use free ports instead. */
  labPort: number;
  wrong: string;
  mustDo: string;
  /** "connect", or the err.code a default-verifying Node 20 client gets. */
  expect: string;
}

export const ENDPOINTS: readonly EndpointSpec[] = [
  { name: "good", kind: "tls", labPort: 8441, wrong: "nothing: TLS 1.3, leaf + intermediate, SAN localhost and 127.0.0.1", mustDo: "connect", expect: "connect" },
  { name: "tls-v1-2", kind: "tls", labPort: 8442, wrong: "nothing, but capped at TLS 1.2", mustDo: "connect with TLSv1.2", expect: "connect" },
  { name: "no-common-name", kind: "tls", labPort: 8443, wrong: "nothing: the subject has no CN, the name is only in the SAN", mustDo: "connect", expect: "connect" },
  { name: "expiring-soon", kind: "tls", labPort: 8444, wrong: "nothing yet: expires in 5 days", mustDo: "connect (and a monitor should warn)", expect: "connect" },
  { name: "expired", kind: "tls", labPort: 8445, wrong: "notAfter is 30 days in the past", mustDo: "reject", expect: "CERT_HAS_EXPIRED" },
  { name: "not-yet-valid", kind: "tls", labPort: 8446, wrong: "notBefore is 30 days in the future", mustDo: "reject", expect: "CERT_NOT_YET_VALID" },
  { name: "wrong-host", kind: "tls", labPort: 8447, wrong: "issued for wrong.host.badssl.test, not localhost", mustDo: "reject", expect: "ERR_TLS_CERT_ALTNAME_INVALID" },
  { name: "self-signed", kind: "tls", labPort: 8448, wrong: "the leaf signs itself", mustDo: "reject", expect: "DEPTH_ZERO_SELF_SIGNED_CERT" },
  { name: "untrusted-root", kind: "tls", labPort: 8449, wrong: "the chain ends in a root nobody trusts", mustDo: "reject", expect: "SELF_SIGNED_CERT_IN_CHAIN" },
  { name: "incomplete-chain", kind: "tls", labPort: 8450, wrong: "the intermediate is not sent", mustDo: "reject", expect: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
  { name: "tls-v1-0", kind: "tls", labPort: 8451, wrong: "speaks only TLS 1.0", mustDo: "reject", expect: "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION" },
  { name: "tls-v1-1", kind: "tls", labPort: 8452, wrong: "speaks only TLS 1.1", mustDo: "reject", expect: "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION" },
  { name: "refused", kind: "refused", labPort: 8453, wrong: "nothing listens on the port", mustDo: "reject", expect: "ECONNREFUSED" },
  { name: "plain-http", kind: "plain-http", labPort: 8454, wrong: "speaks plain HTTP, not TLS", mustDo: "reject", expect: "ERR_SSL_WRONG_VERSION_NUMBER" },
  { name: "hang-up", kind: "hang-up", labPort: 8455, wrong: "closes the connection at once", mustDo: "reject", expect: "ECONNRESET" },
  { name: "silent", kind: "silent", labPort: 8456, wrong: "accepts and never says a word", mustDo: "give up after a timeout of its own", expect: "timeout" },
  // Node checks no revocation unless given CRLs: a default client connects. With
  // crl: [root's CRL, intermediate's CRL] (the lab's crl.pem, one PEM each) it gets CERT_REVOKED.
  { name: "revoked", kind: "tls", labPort: 8457, wrong: "the leaf is listed in the lab's CRL (crl.pem)", mustDo: "connect; with the crl option: reject (CERT_REVOKED)", expect: "connect" },
];

export function endpointSpec(name: string): EndpointSpec {
  const spec = ENDPOINTS.find((e) => e.name === name);
  if (!spec) throw new Error(`no lab endpoint named ${name}`);
  return spec;
}
