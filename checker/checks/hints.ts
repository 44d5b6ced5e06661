// Hints shared by several graders' checks: what to do when a check of the same kind fails
// (a broken server accepted, verification switched off, something left running).

/** What to do about a broken server that a client function accepted. */
export function rejectHint(endpoint: string, fn: string): string {
  const reject = `reject ${fn}'s promise from the socket's 'error' event (socket.once("error", reject))`;
  if (endpoint === "look-alike" || endpoint === "wrong-host")
    return `Leave Node's hostname check alone: pass servername: host, no checkServerIdentity of your own, no rejectUnauthorized: false; then ${reject}.`;
  if (endpoint.startsWith("tls-v1-")) return `Leave tls.connect's minVersion at its default (TLS 1.2): do not lower it; the handshake then fails, so ${reject}.`;
  return `Keep tls.connect's default verification (no rejectUnauthorized: false): Node refuses this certificate by itself, with an 'error' event; ${reject}, and read nothing before 'secureConnect'.`;
}

export const VERIFY_ON_HINT =
  "Remove rejectUnauthorized: false, any NODE_TLS_REJECT_UNAUTHORIZED setting and any checkServerIdentity: tls.connect verifies by default, and the lab's CA is already trusted (no ca option needed).";

export const CLEANUP_HINT =
  "Close what you open: socket.end() (or destroy()) once you have what you need, server.close() for every server; give every promise a .catch or await, and every socket an 'error' listener.";

export const TYPE_CHECK_HINT =
  "Your editor underlines each type error (npx tsc -p tsconfig.learner.json lists them all); fix them at the lines shown, with real types rather than any or @ts-ignore.";

export const REFUSED_HINT = "A refused connection (ECONNREFUSED) is an 'error' event on the socket like any other: reject the promise from it, so the caller learns the server is down.";
