// Lesson 04, part 2: the learner's echo server, started in the sandbox with their files and
// spoken to by the grader's own verifying client, directly and through a recording relay.
import fs from "node:fs";
import { asHandle, type Check, type CheckContext, expectResolved, fail, failIfUnwritten, show } from "../../checks/check.ts";
import type { CallResult, Handle } from "../../sandbox/sandbox.ts";
import { CLOSE_MS, DEFAULT_PORT, HOST, message, PREFIX, WHY, HINT } from "./common.ts";
import type { CertFiles } from "./certificate.ts";
import { describeExchange, type Exchange, exchange, expectReply, exposes, firstBytes, isTlsRecord, probePort, serverMistake, startRelay, wireTrace } from "./wire.ts";

interface Session {
  start?: CallResult;
  port?: number;
  handle?: Handle;
  lines: string[];
  first?: Exchange;
  second?: Exchange;
  /** The line sent in two pieces. */
  split?: Exchange;
  relayed?: Exchange;
  wire?: { toServer: Buffer; toClient: Buffer; upstreamError?: string };
  closeCall?: CallResult;
  afterClose?: string;
  serversOpen?: number;
}

export function serverChecks({ files, verdict, certPath, keyPath }: Omit<CertFiles, "certDir">): Check[] {
  let session: Promise<Session> | undefined;
  const runSession = async (ctx: CheckContext): Promise<Session> => {
    const s: Session = { lines: [message("first"), message("second"), message("relayed"), message("in two pieces")] };
    s.start = await ctx.call("startEchoServer", [{ certFile: files.certFile, keyFile: files.keyFile, port: 0, host: HOST }]);
    if (s.start.status !== "resolved") return s;
    s.handle = asHandle(s.start.value);
    const data = (s.handle?.data ?? s.start.value) as { port?: unknown } | null;
    const port = data && typeof data === "object" ? data.port : undefined;
    if (typeof port !== "number" || !Number.isInteger(port) || port <= 0 || port > 65535) {
      // Still stop it, so the report is about the port, not about a server left behind.
      if (s.handle) s.closeCall = await ctx.call("close", [], { handle: s.handle });
      return s;
    }
    s.port = port;
    const ca = fs.readFileSync(files.certFile, "utf8");
    s.first = await exchange(port, s.lines[0], ca);
    if (s.first.secure) s.second = await exchange(port, s.lines[1], ca, 1000);
    if (s.first.secure) s.split = await exchange(port, s.lines[3], ca, 1000, true);
    const relay = await startRelay(port);
    try {
      s.relayed = await exchange(relay.port, s.lines[2], ca, 1000);
    } finally {
      s.wire = { toServer: relay.toServer(), toClient: relay.toClient(), upstreamError: relay.upstreamError() };
      await relay.close();
    }
    if (s.handle) {
      s.closeCall = await ctx.call("close", [], { handle: s.handle });
      if (s.closeCall.status === "resolved") {
        s.afterClose = await probePort(port);
        const open = await ctx.sandbox.openHandles(500);
        s.serversOpen = open?.filter((h) => h === "TCPServerWrap").length;
      }
    }
    return s;
  };
  /** The session, once started: fails the check when the server could not be started or tested at all. */
  const started = async (ctx: CheckContext): Promise<Session & { port: number }> => {
    if (verdict.blocker)
      fail({
        expected: `to start your server with ${certPath} and ${keyPath}`,
        got: `could not run: ${verdict.blocker}`,
        mistake: files.missing.length ? "Make the files first: the first check shows the command." : "Fix the certificate checks above first.",
      });
    const s = await (session ??= runSession(ctx));
    const r = s.start!;
    failIfUnwritten(r);
    if (r.status !== "resolved") fail({ expected: "startEchoServer to start a server", got: "it did not (see the startEchoServer check)" });
    if (s.port === undefined) fail({ expected: "a server to talk to", got: "could not find it: startEchoServer reported no usable port (see its check)" });
    return s as Session & { port: number };
  };

  return [
    {
      name: "startEchoServer({ certFile, keyFile, port: 0, host }) resolves once listening, with the port it got",
      why: WHY.start,
      hint: HINT.start,
      async run(ctx) {
        if (verdict.blocker) await started(ctx);
        const s = await (session ??= runSession(ctx));
        const value = expectResolved(s.start!, "startEchoServer to resolve with { port, close() }");
        const data = (s.handle?.data ?? value) as Record<string, unknown> | null;
        if (s.port === undefined) {
          const p = data && typeof data === "object" ? data.port : undefined;
          fail({
            expected: "{ port: the port your server listens on, close() }",
            got: show(data),
            mistake:
              p === 0
                ? "Port 0 asks the system for any free port: report the one it chose, (server.address() as AddressInfo).port, once the server listens."
                : p === undefined
                  ? "Return an object whose port property holds the number, e.g. { port: (server.address() as AddressInfo).port, close }."
                  : undefined,
          });
        }
        if (s.port === DEFAULT_PORT)
          fail({
            expected: "a free port picked by the system (you were given port: 0)",
            got: `port ${DEFAULT_PORT}`,
            mistake: `Your server ignores opts.port. Use it, with ${DEFAULT_PORT} only when it is not given: \`opts.port ?? ${DEFAULT_PORT}\` (not \`||\`, which turns 0 into ${DEFAULT_PORT}).`,
          });
        if (!s.handle) fail({ expected: "an object with a close() method", got: show(value), mistake: "Return { port, close } where close() stops the server and resolves once it has." });
      },
    },
    {
      name: `answers a client that trusts exactly your certificate: "${PREFIX}<line>\\n"`,
      why: WHY.reply,
      hint: HINT.reply,
      async run(ctx) {
        const s = await started(ctx);
        expectReply(s.first!, s.lines[0], files.certFile);
      },
    },
    {
      name: "closes each connection after its reply",
      why: WHY.closes,
      hint: HINT.closes,
      async run(ctx) {
        const s = await started(ctx);
        const e = s.first!;
        if (!e.data.includes("\n")) fail({ expected: "a reply line, then the connection closed", got: `could not check: ${describeExchange(e)} (see the check above)` });
        if (!e.closed)
          fail({ expected: `the server to close the connection after its reply`, got: `it was still open ${CLOSE_MS / 1000} s later`, mistake: "After writing the reply, end the socket: socket.end(reply) writes it and closes." });
      },
    },
    {
      name: "serves a second connection after the first",
      why: WHY.second,
      hint: HINT.second,
      async run(ctx) {
        const s = await started(ctx);
        if (!s.second) fail({ expected: "two connections in a row", got: `could not try: the first one failed (${describeExchange(s.first!)})` });
        if (s.second.error?.code === "ECONNREFUSED")
          fail({ expected: "the server to accept a second connection", got: "connection refused", mistake: "Your server stopped after its first client: keep it listening until close() is called." });
        expectReply(s.second, s.lines[1], files.certFile);
      },
    },
    {
      name: 'reads the whole line, up to its "\\n", when it arrives in two pieces',
      why: WHY.pieces,
      hint: HINT.pieces,
      async run(ctx) {
        const s = await started(ctx);
        if (!s.split) fail({ expected: "a connection that sends its line in two pieces", got: `could not try: the first connection failed (${describeExchange(s.first!)})` });
        const line = s.lines[3];
        const firstPiece = line.slice(0, Math.ceil(line.length / 2));
        if (s.split.data.startsWith(`${PREFIX}${firstPiece}`) && !s.split.data.startsWith(`${PREFIX}${line}`))
          fail({
            expected: show(`${PREFIX}${line}\n`),
            got: describeExchange(s.split),
            mistake: 'Your server answered the first piece that arrived. TCP and TLS deliver data in chunks of their own choosing: collect the chunks until one holds "\\n", then answer the whole line.',
          });
        expectReply(s.split, line, files.certFile);
      },
    },
    {
      name: "your server's side of the conversation is encrypted on the wire (seen from a relay)",
      why: WHY.serverWire,
      hint: HINT.serverWire,
      async run(ctx) {
        const s = await started(ctx);
        const { toServer, toClient } = s.wire!;
        const line = s.lines[2];
        ctx.trace?.(wireTrace({ toServer, toClient, client: "the grader's client", server: "your server (startEchoServer)", toServerText: `${line}\n`, toClientText: s.relayed?.data || undefined }));
        if (toClient.length && !isTlsRecord(toClient))
          fail({ expected: "a TLS record (bytes 16 03 …) from your server", got: firstBytes(toClient), mistake: "Your server writes in cleartext: make it with tls.createServer({ key, cert }, ...), not net.createServer." });
        const seen = exposes(toClient, line, PREFIX) ?? exposes(toServer, line);
        if (seen) fail({ expected: "only ciphertext on the wire", got: `${show(seen)} readable in the relay's copy`, mistake: "Send the reply over the TLS socket you were handed, not over another connection." });
        if (s.wire!.upstreamError)
          fail({
            expected: "your server to accept the relayed connection",
            got: `the relay could not connect to it (${s.wire!.upstreamError})`,
            mistake: s.wire!.upstreamError === "ECONNREFUSED" && s.first?.data ? "Your server stopped after its first client: keep it listening until close() is called." : undefined,
          });
        if (!toClient.length) fail({ expected: "a TLS handshake and an encrypted reply through the relay", got: `nothing came back from your server (${describeExchange(s.relayed!)})`, mistake: serverMistake(s.relayed!, files.certFile) });
        if (s.relayed!.data !== `${PREFIX}${line}\n`) fail({ expected: `the round-trip to work through the relay too`, got: describeExchange(s.relayed!) });
      },
    },
    {
      name: "close() stops the server: new connections are refused and no server is left open",
      why: WHY.close,
      hint: HINT.close,
      async run(ctx) {
        const s = await started(ctx);
        if (!s.handle) fail({ expected: "an object with a close() method", got: "startEchoServer returned none (see its check)" });
        const r = s.closeCall!;
        expectResolved(r, "close() to resolve once the server is closed");
        if (s.afterClose !== "refused")
          fail({
            expected: `a connection to port ${s.port} to be refused once close() resolved`,
            got: s.afterClose === "accepted" ? "it was accepted: the server is still listening" : s.afterClose!,
            mistake: "close() must stop the server itself: return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))).",
          });
        if (s.serversOpen)
          fail({ expected: "no server left open after close()", got: `${s.serversOpen} server(s) still open in your process`, mistake: "Close every server you started." });
      },
    },
  ];
}
