// What one grading adds to a (possibly shared) lab: endpoints and host names of its own.
import crypto from "node:crypto";
import { LAB_HOST, type EndpointKind } from "./endpoints.ts";
import type { Endpoint, Lab, SeenRequest, TlsConfig } from "./lab.ts";

/**
 * What one grading adds to a (possibly shared) lab: its own endpoints, whose logs no other
 * grading can touch, and host names only its sandbox resolves. Closed when grading ends.
 */
export class LabScope {
  readonly id = crypto.randomBytes(3).toString("hex");
  /** Host name → address, for Sandbox.setHosts. */
  readonly hosts: Record<string, string> = {};
  private readonly names: string[] = [];

  readonly lab: Lab;
  constructor(lab: Lab) {
    this.lab = lab;
  }

  /** A fresh host name that resolves to the lab, for this grading's sandbox only. */
  hostName(label: string): string {
    const host = `${label}-${crypto.randomBytes(3).toString("hex")}.tls-workbook.test`;
    this.hosts[host] = LAB_HOST;
    return host;
  }

  async addTls(label: string, cfg: TlsConfig, expect?: string): Promise<Endpoint> {
    const name = `${label}@${this.id}`;
    this.names.push(name);
    return this.lab.addTls(name, cfg, { expect });
  }

  /**
   * Valid, trusted certificates for names that only look like `host` (a fresh name of this
   * scope): one shares its first label, one its parent domain (and so its TLD), one ends with
   * the whole host name, one is the parent domain itself (the host ends with it). A client that compares names loosely (the first label, a suffix,
   * endsWith) accepts one of them; a
   * verifying client refuses both with ERR_TLS_CERT_ALTNAME_INVALID.
   */
  async addLookalikes(): Promise<{ host: string; endpoints: { label: string; certName: string; endpoint: Endpoint }[] }> {
    const host = this.hostName("bank");
    const [first, ...parent] = host.split(".");
    const names = [
      { label: "a certificate for a name with the same first label", certName: `${first}.attacker-${crypto.randomBytes(2).toString("hex")}.test` },
      { label: "a certificate for another name in the same parent domain", certName: `evil-${crypto.randomBytes(2).toString("hex")}.${parent.join(".")}` },
      { label: "a certificate for a name that ends with the host's name", certName: `evil${host}` },
      { label: "a certificate for the parent domain, whose name the host ends with", certName: parent.join(".") },
    ];
    const endpoints = await Promise.all(
      names.map(async (n, i) => ({
        ...n,
        endpoint: await this.addTls(`lookalike-${i}`, { chain: [this.lab.pki.issueLeaf({ cn: n.certName, altNames: [n.certName] }), ...this.lab.pki.intermediate.chainAbove] }, "ERR_TLS_CERT_ALTNAME_INVALID"),
      })),
    );
    return { host, endpoints };
  }

  async addRaw(label: string, kind: Exclude<EndpointKind, "tls">, expect?: string): Promise<Endpoint> {
    const name = `${label}@${this.id}`;
    this.names.push(name);
    return this.lab.addRaw(name, kind, { expect });
  }

  private readonly own: Record<string, Endpoint> = {};

  /** Gives this scope a "refused" endpoint of its own, a port found closed now (see Lab.quietPort). */
  async ownClosedPort(): Promise<Endpoint> {
    this.own.refused ??= await this.addRaw("closed-port", "refused", "ECONNREFUSED");
    return this.own.refused;
  }

  /** A standard endpoint by name, or this scope's own stand-in for it. */
  endpoint(name: string): Endpoint {
    return this.own[name] ?? this.lab.endpoint(name);
  }

  /** The requests that reached one of this scope's endpoints. */
  requestsTo(endpoint: Endpoint): SeenRequest[] {
    return this.lab.requestsToEndpoint(endpoint.name);
  }

  /** A fresh request path whose requests to the shared endpoints this scope keeps (requestsFor). */
  watchPath(prefix: string): string {
    const p = `${prefix}/${crypto.randomBytes(6).toString("hex")}`;
    this.watched.push(p);
    this.lab.watchPath(p);
    return p;
  }
  private readonly watched: string[] = [];

  requestsFor(p: string): SeenRequest[] {
    return this.lab.requestsFor(p);
  }

  async close(): Promise<void> {
    for (const p of this.watched) this.lab.unwatchPath(p);
    await Promise.all(this.names.map((n) => this.lab.closeEndpoint(n)));
  }
}
