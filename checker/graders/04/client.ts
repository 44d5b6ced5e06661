// Lesson 04, part 3: the learner's client, sent to the grader's own TLS servers (a fresh
// self-signed certificate, an impostor, a wrong name, a given name) directly and through the relay.
import { acceptedBrokenMistake, type Check, type CheckContext, fail, failIfUnwritten, show, verificationOffMistake } from "../../checks/check.ts";
import type { Cert } from "../../lab/x509.ts";
import { type CallResult, describeError } from "../../sandbox/sandbox.ts";
import { HOST, message, NAME, PREFIX, token, WHY, HINT } from "./common.ts";
import { clientMistake, exposes, firstBytes, type GraderServer, graderServer, isTlsRecord, startRelay, wireTrace } from "./wire.ts";

/** The grader's certificates for the client checks (fresh for every grading) and the CA files it hands out. */
export interface ClientCerts {
  mine: Cert;
  impostor: Cert;
  wrongName: Cert;
  named: Cert;
  givenName: string;
  myCa: string;
  wrongNameCa: string;
  namedCa: string;
}

export function clientChecks({ mine, impostor, wrongName, named, givenName, myCa, wrongNameCa, namedCa }: ClientCerts): Check[] {
  const memo = new Map<string, Promise<{ r: CallResult; server: Omit<GraderServer, "close" | "settled"> }>>();
  /** One call of sendSecure against a fresh grader server, made once, by the first check that asks. */
  const callClient = (ctx: CheckContext, key: string, cert: Cert, msg: string, opts: Record<string, unknown>, reply?: (l: string) => string) => {
    let p = memo.get(key);
    if (!p) {
      p = (async () => {
        const server = await graderServer(cert, reply);
        try {
          const r = await ctx.call("sendSecure", [msg, { ...opts, port: server.port }]);
          await server.settled();
          return { r, server };
        } finally {
          await server.close();
        }
      })();
      memo.set(key, p);
    }
    return p;
  };
  const roundTripMsg = message("hello");
  const roundTrip = (ctx: CheckContext) => callClient(ctx, "round-trip", mine, roundTripMsg, { caFile: myCa, host: HOST, servername: NAME });
  const impostorMsg = message("secret");
  const impostorCall = (ctx: CheckContext) => callClient(ctx, "impostor", impostor, impostorMsg, { caFile: myCa, host: HOST, servername: NAME });
  const wrongNameMsg = message("secret");
  const wrongNameCall = (ctx: CheckContext) => callClient(ctx, "wrong-name", wrongName, wrongNameMsg, { caFile: wrongNameCa, host: HOST, servername: NAME });

  /** The reply sendSecure returned must be `want`, and `msg` must have reached the server. */
  const expectRoundTrip = (r: CallResult, server: Omit<GraderServer, "close" | "settled">, msg: string, want: string, what: string): void => {
    const unfinished = server.partial.find((p) => p.includes(msg));
    if (unfinished !== undefined && !server.lines.includes(msg))
      fail({ expected: `the line ${show(msg + "\n")} to reach the server`, got: `${show(unfinished)}, with no "\\n" at the end`, mistake: 'Send message + "\\n": the server reads until the end of the line.' });
    if (r.status !== "resolved") {
      failIfUnwritten(r);
      fail({ expected: what, got: r.status === "broken" ? r.message : `it rejected with ${describeError(r.error)}`, mistake: clientMistake(r) });
    }
    if (!server.lines.includes(msg)) {
      const partial = server.partial.find((p) => p.length);
      fail({
        expected: `the line ${show(msg + "\n")} to reach the server`,
        got: partial !== undefined ? `${show(partial)}, with no "\\n" at the end` : server.lines.length ? show(server.lines[0] + "\n") : "nothing arrived",
        mistake:
          partial !== undefined
            ? 'Send message + "\\n": the server reads until the end of the line.'
            : server.lines.includes(msg + "\r")
              ? 'End the message with "\\n" alone, not "\\r\\n": the server keeps everything before the "\\n".'
              : r.tls.length === 0
                ? "Your function never called tls.connect: connect, send the message, and return what the server replies."
                : undefined,
      });
    }
    if (r.value !== want) {
      const v = r.value;
      fail({
        expected: show(want),
        got: show(v),
        mistake:
          v === want + "\n"
            ? 'Return the line without its "\\n".'
            : typeof v === "string" && v.length && want.startsWith(v)
              ? 'The reply can arrive in several pieces: keep reading until "\\n" (or until the server closes).'
              : v === PREFIX + msg
                ? "Your function makes the reply up: return what the server sent."
                : undefined,
      });
    }
  };

  /** The learner's client must have refused this server, and sent it nothing. */
  const expectRefused = (r: CallResult, server: Omit<GraderServer, "close" | "settled">, msg: string, endpoint: string): void => {
    if (r.status === "resolved") fail({ expected: "sendSecure to reject", got: `it resolved with ${show(r.value)}`, mistake: acceptedBrokenMistake(r, endpoint) });
    failIfUnwritten(r);
    if (r.status === "broken") fail({ expected: "sendSecure to reject promptly", got: r.message, mistake: "Listen for the socket's 'error' event and reject the promise from it." });
    if (server.lines.includes(msg) || server.partial.some((p) => p.includes(msg)))
      fail({ expected: "no message sent to a server that failed verification", got: "your message reached it", mistake: "Write only after 'secureConnect', with verification on." });
  };

  return [
    {
      name: "sendSecure completes a round-trip with a self-signed server it trusts through caFile",
      why: WHY.roundTrip,
      hint: HINT.roundTrip,
      async run(ctx) {
        const { r, server } = await roundTrip(ctx);
        expectRoundTrip(r, server, roundTripMsg, PREFIX + roundTripMsg, `sendSecure to resolve with ${show(PREFIX + roundTripMsg)}`);
      },
    },
    {
      name: "returns the line the server sent back, not one of its own making",
      why: WHY.ownReply,
      hint: HINT.ownReply,
      async run(ctx) {
        const msg = message("ping");
        const answer = `the grader's own reply ${token()}`;
        const { r, server } = await callClient(ctx, "own-reply", mine, msg, { caFile: myCa, host: HOST, servername: NAME }, () => answer);
        expectRoundTrip(r, server, msg, answer, `sendSecure to resolve with the server's line, ${show(answer)}`);
      },
    },
    {
      name: "checks the certificate against the servername it is given",
      why: WHY.servername,
      hint: HINT.servername,
      async run(ctx) {
        const msg = message("named");
        const { r, server } = await callClient(ctx, "servername", named, msg, { caFile: namedCa, host: HOST, servername: givenName });
        if (r.status === "rejected" && r.tls.some((u) => u.servername !== null && u.servername !== givenName))
          fail({ expected: `the certificate checked against ${show(givenName)}`, got: `it was checked against ${show(r.tls.find((u) => u.servername !== givenName)!.servername)}`, mistake: "Use opts.servername, not a fixed name." });
        expectRoundTrip(r, server, msg, PREFIX + msg, `sendSecure(…, { servername: ${show(givenName)} }) to resolve`);
      },
    },
    {
      name: `uses host ${HOST} and servername ${NAME} when they are not given`,
      why: WHY.defaults,
      hint: HINT.defaults,
      async run(ctx) {
        const msg = message("defaults");
        const { r, server } = await callClient(ctx, "defaults", mine, msg, { caFile: myCa });
        expectRoundTrip(r, server, msg, PREFIX + msg, "sendSecure(message, { caFile, port }) to resolve");
      },
    },
    {
      name: "rejects a server whose self-signed certificate is not the one in caFile",
      why: WHY.impostor,
      hint: HINT.impostor,
      async run(ctx) {
        const { r, server } = await impostorCall(ctx);
        expectRefused(r, server, impostorMsg, "self-signed");
      },
    },
    {
      name: "rejects a server whose certificate is in caFile but issued for another name",
      why: WHY.wrongName,
      hint: HINT.wrongName,
      async run(ctx) {
        const { r, server } = await wrongNameCall(ctx);
        expectRefused(r, server, wrongNameMsg, "wrong-host");
      },
    },
    {
      name: "your client's side of the conversation is encrypted on the wire (seen from a relay)",
      why: WHY.clientWire,
      hint: HINT.clientWire,
      async run(ctx) {
        const msg = message("relayed");
        const server = await graderServer(mine);
        const relay = await startRelay(server.port);
        let r: CallResult;
        try {
          r = await ctx.call("sendSecure", [msg, { caFile: myCa, port: relay.port, host: HOST, servername: NAME }]);
        } finally {
          await relay.close();
          await server.close();
        }
        const up = relay.toServer();
        const down = relay.toClient();
        ctx.trace?.(wireTrace({ toServer: up, toClient: down, client: "your client (sendSecure)", server: "the grader's server", toServerText: `${msg}\n`, toClientText: `${PREFIX}${msg}\n` }));
        if (!up.length) {
          failIfUnwritten(r);
          fail({ expected: "your client's bytes to pass through the relay", got: "nothing arrived", mistake: r.tls.length === 0 ? "Your function never connected: use tls.connect to opts.host and opts.port." : "Connect to opts.host and opts.port, the ones you are given." });
        }
        if (!isTlsRecord(up))
          fail({ expected: "a TLS handshake record first (bytes 16 03 …)", got: firstBytes(up), mistake: "Your client writes in cleartext: use tls.connect, not net.connect, and write only after 'secureConnect'." });
        const seen = exposes(up, msg) ?? exposes(down, msg, PREFIX);
        if (seen) fail({ expected: "only ciphertext on the wire", got: `${show(seen)} readable in the relay's copy`, mistake: "Write the message on the TLS socket, never on the raw one underneath." });
        expectRoundTrip(r, server, msg, PREFIX + msg, "the round-trip to work through the relay too");
      },
    },
    {
      name: "keeps certificate verification switched on",
      why: WHY.verify,
      hint: HINT.verify,
      async run(ctx) {
        const calls = await Promise.all([roundTrip(ctx), impostorCall(ctx), wrongNameCall(ctx)]);
        const off = calls.map((c) => verificationOffMistake(c.r)).find(Boolean);
        if (off) fail({ expected: "tls.connect with verification on", got: "verification switched off", mistake: off });
      },
    },
  ];
}
