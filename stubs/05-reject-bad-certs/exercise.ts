// Lesson 05 · Rejecting bad certificates
// Read README.md in this folder, then replace each TODO. Grade with: npm run lesson 5
import tls from "node:tls";

export type Rejection =
  | "expired"
  | "not-yet-valid"
  | "wrong-host"
  | "self-signed"
  | "untrusted-root"
  | "incomplete-chain"
  | "old-protocol"
  | "unreachable"
  | "other";

// Connect with full verification; resolve once the handshake succeeds (then close),
// reject with the original error otherwise.
export async function connectStrict(host: string, port = 443): Promise<{ tlsVersion: string; authorized: true }> {
  // TODO: tls.connect({ host, port, servername: host }), verification on.
  // TODO: on 'secureConnect', note socket.getProtocol(), close the socket, resolve.
  // TODO: on 'error', reject with that same error object.
  void tls;
  void host;
  void port;
  throw new Error("not implemented: connectStrict");
}

// Say what went wrong, from an error that connectStrict rejected with.
export function classifyTlsError(err: unknown): Rejection {
  // TODO: read (err as NodeJS.ErrnoException)?.code and map each code to a Rejection.
  // TODO: anything you do not recognise (or that is not an error at all) is "other".
  void err;
  throw new Error("not implemented: classifyTlsError");
}
