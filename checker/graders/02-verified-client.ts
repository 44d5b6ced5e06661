// Lesson 02: a verified TLS client. The learner's tlsGet runs against the lab; the lab's
// logs show what actually reached the server (SNI, request line, headers).
import { acceptedBrokenMistake, expectResolved, lookalikeMistake, failIfUnwritten, fail, show, verificationOffMistake, type Check, type CheckContext, type CodeGrader, type GraderEnv } from "../checks/check.ts";
import { REFUSED_HINT, rejectHint, VERIFY_ON_HINT } from "../checks/hints.ts";
import type { SeenRequest } from "../lab/lab.ts";
import { randomLabel } from "../lab/pki.ts";
import { describeError, type CallResult } from "../sandbox/sandbox.ts";

interface TlsGetResult {
  tlsVersion: string;
  issuedTo: string;
  response: string;
}

const HOST = "localhost";

/** A path nobody could guess, so each request in the lab's log belongs to one check. */

function asResult(v: unknown): TlsGetResult {
  if (!v || typeof v !== "object") fail({ expected: "an object { tlsVersion, issuedTo, response }", got: show(v) });
  return v as TlsGetResult;
}

export const grader: CodeGrader = {
  kind: "code",
  timeoutMs: 4000,
  async checks({ lab, scope }: GraderEnv): Promise<Check[]> {
    // Random paths, so that no hard-coded reply passes; the lab keeps the requests for them.
    const freshPath = () => scope.watchPath("/lesson-02");
    const good = lab.endpoint("good");
    const goodPath = freshPath();
    // Private endpoints: nobody else's requests can land in their logs.
    const v12 = await scope.addTls("tls-v1-2", { chain: [lab.pki.issueLeaf({ cn: randomLabel("tls-v1-2") + ".lab.test" }), ...lab.pki.intermediate.chainAbove], maxVersion: "TLSv1.2" });
    const alias = scope.hostName("site");
    const aliased = await scope.addTls("alias", { chain: [lab.pki.issueLeaf({ cn: alias, altNames: [alias] }), ...lab.pki.intermediate.chainAbove] });
    const aliasPath = freshPath();

    const callGood = (ctx: CheckContext) => ctx.shared("good", () => ctx.sandbox.call("tlsGet", [HOST, good.port, goodPath]));
    const goodResult = async (ctx: CheckContext) => {
      const r = await callGood(ctx);
      if (r.status !== "resolved") {
        failIfUnwritten(r);
        fail({ expected: "tlsGet to succeed on the good server first", got: "it did not (see the first check)" });
      }
      return asResult(r.value);
    };
    const seenRequest = (ctx: CheckContext, reqPath: string): SeenRequest => {
      const seen = scope.requestsFor(reqPath)[0];
      if (!seen) fail({ expected: `a request for ${reqPath} to reach the server`, got: "no request with that path arrived", mistake: "Send the request line with the path you were given, after the handshake." });
      return seen;
    };

    const lookalikes = await scope.addLookalikes();
    /** A rejection earns credit only from a client that also connects to a valid server. */
    const connectsToGood = async (ctx: CheckContext, what: string) => {
      const g = await callGood(ctx);
      failIfUnwritten(g);
      if (g.status !== "resolved") fail({ expected: `${what}, from a client that also connects to a valid server`, got: "your tlsGet does not connect to the good server either (see the first check)", mistake: "A client that refuses everything refuses broken servers too: make the good server work first." });
    };
    const rejects = (name: string, label: string, why: string, target?: { host: string; port: number; name: string; certName: string }): Check => ({
      name: `rejects ${label} (${target?.name ?? name})`,
      why,
      hint: rejectHint(target ? "look-alike" : name, "tlsGet"),
      async run(ctx) {
        const reqPath = freshPath();
        const r = await ctx.call("tlsGet", [target?.host ?? HOST, target?.port ?? lab.endpoint(name).port, reqPath]);
        if (r.status === "resolved")
          fail({ expected: "tlsGet to reject", got: `it resolved with ${show(r.value)}`, mistake: target ? lookalikeMistake(r, target.certName, target.host) : acceptedBrokenMistake(r, name) });
        failIfUnwritten(r);
        if (r.status === "broken") fail({ expected: "tlsGet to reject promptly", got: r.message, mistake: "Listen for the socket's 'error' event and reject the promise from it." });
        if (scope.requestsFor(reqPath).length > 0)
          fail({ expected: "no data sent to a server that failed verification", got: "your request reached it", mistake: "Your code sent the request before (or without) verification: write only after 'secureConnect', with verification on." });
        await connectsToGood(ctx, "a rejection");
      },
    });

    return [
      {
        name: "connects to a valid server and returns a result (good)",
        why: "A client that cannot talk to a correctly configured server is of no use, however safe it is.",
        hint: "tls.connect({ host, port, servername: host }), write the request once 'secureConnect' fires, and resolve with { tlsVersion, issuedTo, response } on the socket's 'end'; reject on 'error'.",
        async run(ctx) {
          asResult(expectResolved(await callGood(ctx), `tlsGet("${HOST}", ${good.port}, "${goodPath}") to resolve`));
        },
      },
      {
        name: "reports the negotiated TLS version (TLSv1.3)",
        why: "The protocol version tells you how well the connection is protected; a monitor needs the real value from socket.getProtocol().",
        hint: "tlsVersion is socket.getProtocol(), read in the 'secureConnect' handler (after the socket closes it is null): not a string you write yourself.",
        async run(ctx) {
          const { tlsVersion } = await goodResult(ctx);
          if (tlsVersion !== "TLSv1.3") fail({ expected: '"TLSv1.3"', got: show(tlsVersion) });
        },
      },
      {
        name: "reports who the certificate was issued to (the subject CN)",
        why: "The certificate names the party you are talking to; reading it from the live certificate is how you know who answered.",
        hint: "issuedTo is socket.getPeerCertificate().subject.CN, read after 'secureConnect' (subject is who the certificate is for; issuer is who signed it).",
        async run(ctx) {
          const { issuedTo } = await goodResult(ctx);
          const cn = good.leaf!.subject.CN!;
          if (issuedTo === cn) return;
          const issuer = lab.pki.intermediate.cert.subject.CN;
          const mistake =
            issuedTo === issuer
              ? "That is the issuer, the CA that signed the certificate: the name it was issued to is in subject.CN."
              : typeof issuedTo === "string" && issuedTo.includes(".lab.test")
                ? "That is a name from another run: read it from socket.getPeerCertificate().subject.CN."
                : undefined;
          fail({ expected: show(cn) + " (random for each run)", got: show(issuedTo), mistake });
        },
      },
      {
        name: "returns everything the server sent back (at least the whole body)",
        why: "The response is the point of the request; it arrives in several chunks, so collect them all until the server closes.",
        hint: "Collect every 'data' chunk (socket.on(\"data\", c => chunks.push(c))) and resolve only on 'end', with Buffer.concat(chunks).toString(); with https.request, the same on the response object (res.on(\"data\") … res.on(\"end\")).",
        async run(ctx) {
          const { response } = await goodResult(ctx);
          // The raw reply (status line, headers, body) or, from https.request, the body alone:
          // either way the whole body, in whatever line endings the learner's reading kept.
          const body = lab.responseBody("good", goodPath);
          const lines = (s: string) => s.replace(/\r\n/g, "\n").trimEnd();
          if (typeof response !== "string" || !lines(response).includes(lines(body))) {
            const headOnly = typeof response === "string" && response.startsWith("HTTP/1.1 200") && !response.includes(lab.token);
            fail({
              expected: `the whole reply: its body is ${show(body)} (the status line and headers before it are welcome)`,
              got: show(response),
              mistake: headOnly
                ? 'The body comes in a later chunk than the status line and headers: keep collecting until the server closes (\'end\'), and do not half-close before the reply has arrived.'
                : undefined,
            });
          }
        },
      },
      {
        name: "sends SNI: the server name localhost",
        why: "SNI tells a shared server which certificate to present; without it many real servers answer with the wrong certificate or not at all.",
        hint: "Pass servername: host in tls.connect's options: that is the name sent as SNI, and the name the certificate is checked against.",
        async run(ctx) {
          await goodResult(ctx);
          const seen = seenRequest(ctx, goodPath);
          if (seen.servername !== HOST) fail({ expected: `SNI "${HOST}"`, got: seen.servername ? show(seen.servername) : "no SNI at all", mistake: "Pass servername: host to tls.connect." });
        },
      },
      {
        name: "sends the request line GET <path> HTTP/1.1",
        why: "The server can only answer the request it receives; the path you are given must reach it unchanged.",
        hint: "The first line you write is `GET ${path} HTTP/1.1`, with the path argument exactly as given: one space on each side of it, nothing added.",
        async run(ctx) {
          await goodResult(ctx);
          const seen = seenRequest(ctx, goodPath);
          if (seen.requestLine !== `GET ${goodPath} HTTP/1.1`) fail({ expected: show(`GET ${goodPath} HTTP/1.1`), got: show(seen.requestLine) });
        },
      },
      {
        name: "ends each line of the request with CRLF (\\r\\n)",
        why: "HTTP's grammar ends every line with CRLF; many servers forgive a bare \\n, but some (and some proxies in between) reject or misread the request.",
        hint: "End each request line with \"\\r\\n\", and the request with one empty line (\"\\r\\n\\r\\n\" after the last header); a template literal with \\n alone is not enough.",
        async run(ctx) {
          await goodResult(ctx);
          if (!seenRequest(ctx, goodPath).crlf)
            fail({ expected: 'request lines ending in "\\r\\n", and a blank line "\\r\\n" at the end', got: 'lines ending in a bare "\\n"', mistake: 'Write "\\r\\n" after each line, e.g. `GET ${path} HTTP/1.1\\r\\nHost: ${host}\\r\\nConnection: close\\r\\n\\r\\n`.' });
        },
      },
      {
        name: "sends a Host header naming the server",
        why: "HTTP/1.1 requires Host: one address can serve many sites, and the header says which one you mean.",
        hint: "Add a header line `Host: ${host}` after the request line, with the host argument.",
        async run(ctx) {
          await goodResult(ctx);
          const host = seenRequest(ctx, goodPath).headers.host;
          if (host !== HOST && host !== `${HOST}:${good.port}`) fail({ expected: `Host: ${HOST}`, got: host === undefined ? "no Host header" : `Host: ${host}` });
        },
      },
      {
        name: "asks the server to close the connection (Connection: close)",
        why: "An HTTP/1.1 server keeps the connection open by default; without Connection: close, code that reads until the end waits until the server gives up.",
        hint: "Add the header line `Connection: close`: the server then closes after its reply, and your 'end' handler runs.",
        async run(ctx) {
          await goodResult(ctx);
          const conn = seenRequest(ctx, goodPath).headers.connection;
          if (conn?.toLowerCase() !== "close") fail({ expected: "Connection: close", got: conn === undefined ? "no Connection header" : `Connection: ${conn}` });
        },
      },
      {
        name: "reports TLSv1.2 from a server that only speaks TLS 1.2 (tls-v1-2)",
        why: "A hard-coded version is wrong as soon as a server differs; the real value is what tells you an old server is still out there.",
        hint: "Report what socket.getProtocol() says for this connection; don't set minVersion or maxVersion: this server speaks TLS 1.2 only, and that is allowed.",
        async run(ctx) {
          const r = await ctx.shared("v12", () => ctx.sandbox.call("tlsGet", [HOST, v12.port]));
          const { tlsVersion } = asResult(expectResolved(r, `tlsGet("${HOST}", ${v12.port}) to resolve`));
          if (tlsVersion !== "TLSv1.2") fail({ expected: '"TLSv1.2"', got: show(tlsVersion) });
        },
      },
      {
        name: 'asks for "/" when no path is given',
        why: "Defaults are part of the contract: tlsGet(host, port) must fetch the site's root.",
        hint: "Give the parameter a default value: tlsGet(host: string, port = 443, path = \"/\").",
        async run(ctx) {
          const r = await ctx.shared("v12", () => ctx.sandbox.call("tlsGet", [HOST, v12.port]));
          expectResolved(r, `tlsGet("${HOST}", ${v12.port}) to resolve`);
          const seen = scope.requestsTo(v12);
          if (!seen.some((q) => q.requestLine === "GET / HTTP/1.1")) fail({ expected: show("GET / HTTP/1.1"), got: seen.length ? show(seen[0].requestLine) : "no request" });
        },
      },
      {
        name: "works for any host name, not only localhost (SNI, hostname check and Host header follow host)",
        why: "The host you are given is the name to check the certificate against and to ask for; a client that only works for one name will fail, or check the wrong name, everywhere else.",
        hint: "Use the host argument in all three places: tls.connect's host, its servername, and the Host header; \"localhost\" should appear nowhere in your code.",
        async run(ctx) {
          const r = await ctx.call("tlsGet", [alias, aliased.port, aliasPath]);
          const fixed = r.tls.find((u) => u.servername !== null && u.servername !== alias);
          if (r.status === "rejected" && fixed)
            fail({ expected: `tlsGet to check the certificate against ${show(alias)}`, got: `it checked it against ${show(fixed.servername)}`, mistake: "Use the host argument as servername, not a fixed name." });
          const { issuedTo } = asResult(expectResolved(r, `tlsGet("${alias}", ${aliased.port}, "${aliasPath}") to resolve (the name resolves to 127.0.0.1 inside the grader)`));
          const seen = seenRequest(ctx, aliasPath);
          if (seen.servername !== alias) fail({ expected: `SNI "${alias}"`, got: seen.servername ? show(seen.servername) : "no SNI at all", mistake: "Use the host argument as servername, not a fixed name." });
          if (seen.headers.host !== alias && seen.headers.host !== `${alias}:${aliased.port}`) fail({ expected: `Host: ${alias}`, got: `Host: ${seen.headers.host}`, mistake: "Use the host argument in the Host header, not a fixed name." });
          if (issuedTo !== alias) fail({ expected: `issuedTo ${show(alias)}`, got: show(issuedTo) });
        },
      },
      rejects("wrong-host", "a certificate issued for another name", "A valid certificate for someone else's name is exactly what an impostor would present; the hostname check is what stops it."),
      rejects("self-signed", "a self-signed certificate", "Anyone can sign their own certificate; accepting one means accepting whoever answers."),
      rejects("expired", "an expired certificate", "An expired certificate is no longer vouched for; its key may have leaked long ago."),
      rejects("untrusted-root", "a certificate from an untrusted root", "Trust comes from the roots you chose to trust; a chain to any other root proves nothing."),
      rejects("not-yet-valid", "a certificate that is not valid yet", "A certificate is vouched for only between its dates; one from the future is as unproven as an expired one."),
      rejects("incomplete-chain", "a chain without its intermediate", "Without the intermediate there is no path from the leaf to a root you trust, so nothing vouches for it."),
      rejects("tls-v1-0", "a server that only speaks TLS 1.0", "TLS 1.0 and 1.1 have known weaknesses and are switched off in every current client; a client that lowers its minimum to reach such a server gives them back."),
      rejects("tls-v1-1", "a server that only speaks TLS 1.1", "TLS 1.1 was retired with 1.0; a client that still accepts it can be talked down to it."),
      ...lookalikes.endpoints.map((l, i) =>
        rejects("wrong-host", l.label, "A hostname check compares the whole name; a certificate that merely shares a label, a suffix or the TLD with it belongs to someone else.", { host: lookalikes.host, port: l.endpoint.port, name: `look-alike ${i + 1}`, certName: l.certName }),
      ),
      {
        name: "rejects when nothing listens on the port (refused)",
        why: "Callers must learn that the connection failed; a promise that never settles or resolves empty hides an outage.",
        hint: REFUSED_HINT,
        async run(ctx) {
          const r = await ctx.call("tlsGet", [HOST, ctx.endpoint("refused").port]);
          if (r.status === "resolved") fail({ expected: "tlsGet to reject with ECONNREFUSED", got: `it resolved with ${show(r.value)}` });
          if (r.status === "broken") fail({ expected: "tlsGet to reject promptly", got: r.message, mistake: "Listen for the socket's 'error' event and reject the promise from it." });
          failIfUnwritten(r);
        },
      },
      {
        name: "keeps certificate verification switched on",
        why: "rejectUnauthorized: false or NODE_TLS_REJECT_UNAUTHORIZED=0 keep the encryption but drop the proof of who is on the other end.",
        hint: VERIFY_ON_HINT,
        async run(ctx) {
          const calls: CallResult[] = [await callGood(ctx)];
          const off = calls.map(verificationOffMistake).find(Boolean);
          if (off) fail({ expected: "tls.connect with its default, verifying options", got: "verification switched off", mistake: off });
          await connectsToGood(ctx, "verification that works");
        },
      },
    ];
  },
};

export { describeError };
