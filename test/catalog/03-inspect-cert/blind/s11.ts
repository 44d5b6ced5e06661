// Lesson 03 · What is in a real certificate
// Style: getPeerCertificate(true) (detailed, with the chain); issuedBy read from the issuing
// certificate's subject O, falling back to the leaf's issuer O; Date.parse for the expiry.
import tls from "node:tls";

export interface CertReport {
  host: string; // the host you were given
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the certificate's subject CN
  issuedBy: string; // the issuer's organization (O)
  expires: Date; // the certificate's notAfter (valid_to)
  daysLeft: number; // whole days until expiry, rounded down (negative once expired)
  expiringSoon: boolean; // daysLeft < 30
}

const oneString = (v?: string | string[]): string => (v === undefined ? "" : Array.isArray(v) ? v.join(", ") : v);

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  return new Promise<CertReport>((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: host });
    socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));

    socket.once("secureConnect", () => {
      const leaf = socket.getPeerCertificate(true);
      const expiresMs = Date.parse(leaf.valid_to);
      const daysLeft = Math.floor((expiresMs - Date.now()) / 864e5);
      // The leaf's issuer name is by definition the issuing CA's subject name.
      const issuerSubject = leaf.issuerCertificate && leaf.issuerCertificate !== leaf ? leaf.issuerCertificate.subject : undefined;
      const report: CertReport = {
        host,
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: oneString(leaf.subject?.CN),
        issuedBy: oneString(issuerSubject?.O ?? leaf.issuer?.O),
        expires: new Date(expiresMs),
        daysLeft,
        expiringSoon: daysLeft < 30,
      };
      socket.destroy();
      resolve(report);
    });

    socket.once("error", (error) => {
      socket.destroy();
      reject(error);
    });
    socket.once("close", (hadError) => {
      if (!hadError) reject(new Error("connection closed before the TLS handshake finished"));
    });
  });
}

export function formatReport(report: CertReport): string {
  const lines = new Array<string>();
  lines.push("=== " + report.host + " ===");
  lines.push("TLS version: " + report.tlsVersion);
  lines.push("issued to: " + report.issuedTo);
  lines.push("issued by: " + report.issuedBy);
  lines.push("expires: " + report.expires.toISOString().slice(0, 10) + " (" + report.daysLeft + " days left)");
  if (report.expiringSoon === true) lines.push("certificate expiring soon!");
  return lines.join("\n");
}
