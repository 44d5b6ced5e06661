// Lesson 03 · What is in a real certificate
// Read README.md in this folder, then replace each TODO. Grade with: npm run lesson 3
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

// Connect to host:port with verification on (SNI and hostname check = host), read the
// server's certificate and return a report. Rejects when the certificate cannot be
// verified or the connection fails.
export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  // TODO: connect with tls.connect({ host, port, servername: host }); keep verification on.
  // TODO: on 'secureConnect', read socket.getProtocol() and socket.getPeerCertificate().
  // TODO: expires = new Date(cert.valid_to); daysLeft rounds down; expiringSoon = daysLeft < 30.
  // TODO: resolve with the report, then close the socket (socket.end()); reject on 'error'.
  void tls;
  void host;
  void port;
  throw new Error("not implemented: inspectTls");
}

// The block the lesson shows, one line each; the warning line only when expiringSoon:
//   === example.com ===
//   TLS version: TLSv1.3
//   issued to:   www.example.com
//   issued by:   Example CA Inc
//   expires:     2027-03-14 (107 days left)
//   certificate expiring soon!
export function formatReport(report: CertReport): string {
  // TODO: build the lines; the date is the UTC date, report.expires.toISOString().slice(0, 10).
  // TODO: add "certificate expiring soon!" only when report.expiringSoon; return the lines joined with "\n".
  void report;
  throw new Error("not implemented: formatReport");
}
