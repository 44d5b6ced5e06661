// Lesson 02 · A verified TLS client
// Read README.md in this folder, then replace each TODO. Grade with: npm run lesson 2
import tls from "node:tls";

export interface TlsGetResult {
  tlsVersion: string; // socket.getProtocol(), e.g. "TLSv1.3"
  issuedTo: string; // the server certificate's subject CN ("" when it has none)
  response: string; // everything the server sent back, as text
}

// Connect to host:port, wrap the socket in TLS with verification on (default trust store,
// SNI and hostname check = host), send "GET <path> HTTP/1.1" with Host and
// "Connection: close", and return what came back. Rejects when the certificate cannot
// be verified or the connection fails.
export async function tlsGet(host: string, port = 443, path = "/"): Promise<TlsGetResult> {
  // TODO: connect with tls.connect({ host, port, servername: host }) and keep verification on.
  // TODO: once 'secureConnect' fires, write the request: GET line, Host, Connection: close.
  // TODO: collect every 'data' chunk; on 'end', resolve with the version, the CN and the text.
  // TODO: reject on 'error'.
  void tls;
  void host;
  void port;
  void path;
  throw new Error("not implemented: tlsGet");
}
