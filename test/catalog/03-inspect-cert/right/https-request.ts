// Right: makes an https.request (agent: false, verification on) and reads the certificate from res.socket.
import https from "node:https";
import type { TLSSocket } from "node:tls";

export interface CertReport {
  host: string;
  tlsVersion: string;
  issuedTo: string;
  issuedBy: string;
  expires: Date;
  daysLeft: number;
  expiringSoon: boolean;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

export function inspectTls(host: string, port = 443): Promise<CertReport> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host, port, method: "HEAD", path: "/", agent: false }, (res) => {
      const socket = res.socket as TLSSocket;
      const cert = socket.getPeerCertificate();
      const expires = new Date(cert.valid_to);
      const daysLeft = Math.floor((+expires - Date.now()) / 86_400_000);
      resolve({
        host,
        tlsVersion: socket.getProtocol() ?? "unknown",
        issuedTo: first(cert.subject.CN),
        issuedBy: first(cert.issuer.O),
        expires,
        daysLeft,
        expiringSoon: daysLeft < 30,
      });
      res.resume();
      socket.destroy();
    });
    req.on("error", reject);
    req.end();
  });
}

export function formatReport(report: CertReport): string {
  return [
    `=== ${report.host} ===`,
    `TLS version: ${report.tlsVersion}`,
    `issued to:   ${report.issuedTo}`,
    `issued by:   ${report.issuedBy}`,
    `expires:     ${report.expires.toISOString().split("T")[0]} (${report.daysLeft} days left)`,
    ...(report.expiringSoon ? ["certificate expiring soon!"] : []),
  ].join("\n");
}
