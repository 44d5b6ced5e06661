// Lesson 03 · What is in a real certificate
// Style: net.Socket connected first, then tls.connect({ socket }) for the verified handshake.
// valid_to is parsed by hand into Date.UTC(...) (it is always "Mon DD HH:MM:SS YYYY GMT");
// days are whole 86,400-second steps, floored.
import net from "node:net";
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

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function parseCertDate(s: string): Date {
  // e.g. "Mar 14 10:23:31 2027 GMT" (the day may be space-padded: "Mar  4 ...")
  const m = /^(\w{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})\s+GMT$/.exec(s.trim());
  const month = m ? MONTHS.indexOf(m[1] ?? "") : -1;
  if (!m || month < 0) {
    const fallback = new Date(s);
    if (Number.isNaN(fallback.getTime())) throw new Error(`cannot parse certificate date: ${s}`);
    return fallback;
  }
  return new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
}

function tcpConnect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const raw = new net.Socket();
    const timer = setTimeout(() => raw.destroy(new Error("timed out")), 10_000);
    raw.once("error", (err) => {
      clearTimeout(timer);
      raw.destroy();
      reject(err);
    });
    raw.connect(port, host, () => {
      clearTimeout(timer);
      raw.removeAllListeners("error");
      resolve(raw);
    });
  });
}

export async function inspectTls(host: string, port = 443): Promise<CertReport> {
  const raw = await tcpConnect(host, port);
  return new Promise<CertReport>((resolve, reject) => {
    const socket = tls.connect({ socket: raw, host, servername: host });
    let done = false;
    const timer = setTimeout(() => socket.destroy(new Error("timed out")), 10_000);
    const finish = (err: Error | null, report?: CertReport) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      raw.destroy();
      if (err) reject(err);
      else resolve(report!);
    };

    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      const expires = parseCertDate(cert.valid_to);
      const secondsLeft = Math.floor((expires.getTime() - Date.now()) / 1000);
      const daysLeft = Math.floor(secondsLeft / 86_400);
      const cn = cert.subject?.CN ?? "";
      const org = cert.issuer?.O ?? "";
      finish(null, {
        host,
        tlsVersion: socket.getProtocol() ?? "",
        issuedTo: Array.isArray(cn) ? cn.join(", ") : cn,
        issuedBy: Array.isArray(org) ? org.join(", ") : org,
        expires,
        daysLeft,
        expiringSoon: daysLeft < 30,
      });
    });
    socket.on("error", (err) => finish(err));
    raw.on("error", (err) => finish(err));
    socket.once("close", () => finish(new Error("connection closed before the TLS handshake finished")));
  });
}

export function formatReport(report: CertReport): string {
  let s = "=== " + report.host + " ===\n";
  s += "TLS version: " + report.tlsVersion + "\n";
  s += "issued to:   " + report.issuedTo + "\n";
  s += "issued by:   " + report.issuedBy + "\n";
  s += "expires:     " + report.expires.toISOString().slice(0, 10) + " (" + report.daysLeft + " days left)";
  if (report.expiringSoon) s += "\ncertificate expiring soon!";
  return s;
}
