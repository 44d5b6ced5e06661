// Wrong: replaces Node's hostname check, for every connection of the process, with one that
// compares only the first label: a valid certificate for www.attacker.test passes for www.bank.test.
import tls from "node:tls";

const firstLabel = (name: string) => name.split(".")[0].toLowerCase();
tls.checkServerIdentity = (host: string, cert: tls.PeerCertificate) => {
  const names = [cert.subject?.CN, ...(cert.subjectaltname ?? "").split(", ").map((s) => s.replace(/^DNS:/, ""))].filter(Boolean) as string[];
  return names.some((n) => firstLabel(n) === firstLabel(host)) ? undefined : new Error(`${host} is not in the certificate`);
};

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    // Verification is on by default: the chain must reach a trusted root and the
    // certificate must name `servername`, which is also sent as SNI.
    const socket = tls.connect({ host, port, servername: host });
    const chunks: Buffer[] = [];
    let tlsVersion = "";
    let issuedTo = "";

    socket.once("secureConnect", () => {
      tlsVersion = socket.getProtocol() ?? "";
      const cn = socket.getPeerCertificate().subject?.CN;
      issuedTo = Array.isArray(cn) ? cn.join(", ") : (cn ?? "");
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.once("end", () => resolve({ tlsVersion, issuedTo, response: Buffer.concat(chunks).toString("utf8") }));
    socket.once("error", reject);
  });
}
