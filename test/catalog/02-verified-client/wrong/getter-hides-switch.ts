// Wrong: switches verification off through a getter (so nothing in the options object says
// false) and refuses only the four errors it has heard of: a certificate that is not valid yet,
// or a chain without its intermediate, gets through.
import tls from "node:tls";

const KNOWN_BAD = new Set(["CERT_HAS_EXPIRED", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "ERR_TLS_CERT_ALTNAME_INVALID"]);
const lenient = Object.defineProperty({}, "rejectUnauthorized", { get: () => false, enumerable: true });

export interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  return new Promise((resolve, reject) => {
    // Verification is on by default: the chain must reach a trusted root and the
    // certificate must name `servername`, which is also sent as SNI.
    const socket = tls.connect({ host, port, servername: host, ...lenient } as tls.ConnectionOptions);
    const chunks: Buffer[] = [];
    let tlsVersion = "";
    let issuedTo = "";

    socket.once("secureConnect", () => {
      const why = socket.authorizationError as (Error & { code?: string }) | null;
      const code = why ? ((why as { code?: string }).code ?? String(why)) : "";
      if (!socket.authorized && (KNOWN_BAD.has(code) || (socket.getPeerCertificate().subjectaltname ?? "").indexOf(host) < 0)) {
        socket.destroy();
        return reject(Object.assign(new Error(code || "not authorized"), { code }));
      }
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
