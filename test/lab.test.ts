// Lab fidelity: every endpoint gives a verifying Node client the outcome its table row says.
import { execFile } from "node:child_process";
import net from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENDPOINTS } from "../checker/lab/endpoints.ts";
import { Lab } from "../checker/lab/lab.ts";

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start();
});
afterAll(async () => {
  await lab.close();
});

/** A default-verifying client that trusts only the lab root; "connect" or the error code. */
function outcome(port: number, extra: tls.ConnectionOptions = {}): Promise<{ result: string; protocol?: string | null }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: "localhost", port, servername: "localhost", ca: lab.pki.root.pem, ...extra });
    socket.setTimeout(1000, () => socket.destroy(Object.assign(new Error("timed out"), { code: "timeout" })));
    socket.once("secureConnect", () => {
      const protocol = socket.getProtocol();
      socket.end();
      resolve({ result: "connect", protocol });
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve({ result: err.code ?? err.message }));
  });
}

describe("every endpoint behaves as its table row says", () => {
  it.each(ENDPOINTS.map((e) => [e.name, e.expect]))("%s → %s", async (name, expected) => {
    expect((await outcome(lab.endpoint(name).port)).result).toBe(expected);
  });
});

it("good negotiates TLS 1.3 and tls-v1-2 is capped at TLS 1.2", async () => {
  expect((await outcome(lab.endpoint("good").port)).protocol).toBe("TLSv1.3");
  expect((await outcome(lab.endpoint("tls-v1-2").port)).protocol).toBe("TLSv1.2");
});

it("the legacy endpoints really speak TLS 1.0 and 1.1 to a client that allows them", async () => {
  const legacy = { minVersion: "TLSv1" as const, ciphers: "DEFAULT@SECLEVEL=0" };
  expect(await outcome(lab.endpoint("tls-v1-0").port, legacy)).toEqual({ result: "connect", protocol: "TLSv1" });
  expect(await outcome(lab.endpoint("tls-v1-1").port, legacy)).toEqual({ result: "connect", protocol: "TLSv1.1" });
});

it("the good certificate has a random CN and names localhost and 127.0.0.1", () => {
  const cert = lab.endpoint("good").leaf!;
  expect(cert.subject.CN).toMatch(/^good-[0-9a-f]{6}\.lab\.test$/);
});

it("no-common-name has no CN in its subject", async () => {
  const subject = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const s = tls.connect({ host: "localhost", port: lab.endpoint("no-common-name").port, servername: "localhost", ca: lab.pki.root.pem }, () => {
      resolve({ ...s.getPeerCertificate().subject });
      s.end();
    });
    s.once("error", reject);
  });
  expect(subject.CN).toBeUndefined();
  expect(subject.O).toBe("TLS Workbook Lab");
});

it("answers HTTP with the run's token and logs SNI, request line and headers", async () => {
  lab.watchPath("/fidelity");
  const text = await new Promise<string>((resolve, reject) => {
    const s = tls.connect({ host: "localhost", port: lab.endpoint("good").port, servername: "localhost", ca: lab.pki.root.pem }, () => {
      s.write("GET /fidelity HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    });
    let body = "";
    s.setEncoding("utf8");
    s.on("data", (d: string) => (body += d));
    s.once("end", () => resolve(body));
    s.once("error", reject);
  });
  expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(text).toContain(`token: ${lab.token}`);
  const seen = lab.requestsFor("/fidelity")[0];
  expect(seen).toMatchObject({ endpoint: "good", servername: "localhost", requestLine: "GET /fidelity HTTP/1.1", headers: { host: "localhost", connection: "close" } });
});

it("keeps no log of requests nobody watches, and at most a few per watched path: a flood cannot grow it", async () => {
  lab.watchPath("/watched");
  const send = (reqPath: string, n: number) =>
    new Promise<void>((resolve, reject) => {
      const s = tls.connect({ host: "localhost", port: lab.endpoint("good").port, servername: "localhost", ca: lab.pki.root.pem }, () => {
        s.write(Array.from({ length: n }, () => `GET ${reqPath} HTTP/1.1\r\nHost: localhost\r\n\r\n`).join("") + `GET ${reqPath} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      });
      s.on("data", () => {}).once("close", () => resolve()).once("error", reject);
    });
  await send("/unwatched", 200);
  await send("/watched", 200);
  expect(lab.requestsFor("/unwatched")).toEqual([]);
  const kept = lab.requestsFor("/watched").length;
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThanOrEqual(50);
  lab.unwatchPath("/watched");
  expect(lab.requestsFor("/watched")).toEqual([]);
});

it("a child process trusts the lab through the trust bundle in NODE_EXTRA_CA_CERTS", async () => {
  const port = lab.endpoint("good").port;
  const script = `require("tls").connect({host:"localhost",port:${port},servername:"localhost"},function(){console.log(this.getProtocol());this.end()}).on("error",e=>console.log(e.code))`;
  const out = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ["-e", script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: lab.trustBundleFile } }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
  );
  expect(out).toBe("TLSv1.3");
});

it("close() frees every port", async () => {
  const own = await Lab.start({ only: ["good", "silent", "hang-up"] });
  const ports = Object.values(own.endpoints).map((e) => e.port);
  // A client parked on the silent endpoint must not keep the lab from closing.
  const parked = net.connect(own.endpoint("silent").port, "127.0.0.1");
  parked.on("error", () => {});
  await new Promise((r) => parked.once("connect", r));
  await own.close();
  for (const port of ports) {
    const code = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve("open");
      });
      s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code));
    });
    expect(code).toBe("ECONNREFUSED");
  }
});

it("the refused endpoint stays refused: its port is outside the range later servers are given", async () => {
  const l = await Lab.start({ only: ["refused"] });
  try {
    const port = l.endpoint("refused").port;
    expect(port).toBeGreaterThanOrEqual(20000);
    expect(port).toBeLessThan(32768);
    const servers = await Promise.all(
      Array.from({ length: 100 }, () => new Promise<net.Server>((resolve) => { const s = net.createServer().listen(0, "127.0.0.1", () => resolve(s)); })),
    );
    try {
      expect(servers.map((s) => (s.address() as net.AddressInfo).port)).not.toContain(port);
      const code = await new Promise<string | undefined>((resolve) => net.connect(port, "127.0.0.1").once("error", (e: NodeJS.ErrnoException) => resolve(e.code)).once("connect", () => resolve("connected")));
      expect(code).toBe("ECONNREFUSED");
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    }
  } finally {
    await l.close();
  }
});

describe("the revoked endpoint and the lab's CRLs", () => {
  it("crl.pem holds the root's CRL and the intermediate's, in that order", async () => {
    const fs = await import("node:fs");
    const text = fs.readFileSync(lab.crlFile, "utf8");
    expect(text).toBe(lab.crls.root.pem + lab.crls.intermediate.pem);
    expect(text.match(/-----BEGIN X509 CRL-----/g)).toHaveLength(2);
  });
  it("with both CRLs, one PEM each, a verifying client refuses the revoked leaf and still connects to good", async () => {
    const crl = [lab.crls.root.pem, lab.crls.intermediate.pem];
    expect((await outcome(lab.endpoint("revoked").port, { crl })).result).toBe("CERT_REVOKED");
    expect((await outcome(lab.endpoint("good").port, { crl })).result).toBe("connect");
  });
  it("with the intermediate's CRL alone, Node cannot check the intermediate itself: UNABLE_TO_GET_CRL", async () => {
    expect((await outcome(lab.endpoint("good").port, { crl: [lab.crls.intermediate.pem] })).result).toBe("UNABLE_TO_GET_CRL");
  });
});
