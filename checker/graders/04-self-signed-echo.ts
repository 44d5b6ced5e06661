// Lesson 04: your own certificate and an encrypted round-trip. Three groups of checks:
// - the learner's certificate files, read here with node:crypto (reading is not running);
// - the learner's echo server, started in the sandbox with those files and spoken to by
//   the grader's own verifying client (directly and through a recording TCP relay);
// - the learner's client, sent to the grader's own TLS servers (fresh self-signed
//   certificates, an impostor, a wrong name) directly and through the relay.
import fs from "node:fs";
import path from "node:path";
import type { Check, CodeGrader, GraderEnv } from "../checks/check.ts";
import { makeSelfSigned, writeCertFiles } from "../lab/self-signed.ts";
import type { Cert } from "../lab/x509.ts";
import { shown, token } from "./04/common.ts";
import { certificateChecks, judge, readCertFiles } from "./04/certificate.ts";
import { clientChecks } from "./04/client.ts";
import { serverChecks } from "./04/server.ts";

export { OPENSSL_COMMAND } from "./04/common.ts";

export const grader: CodeGrader = {
  kind: "code",
  timeoutMs: 6000,
  async checks(env: GraderEnv): Promise<Check[]> {
    // The reference solution brings no certificate: it gets a fresh one, as make-cert makes.
    let certDir = env.certDir;
    if (env.solution) {
      certDir = path.join(env.workDir, "certs");
      writeCertFiles(certDir, await makeSelfSigned());
    }
    const files = readCertFiles(certDir);
    const verdict = judge(files);
    const certPath = shown(files.certFile);
    const keyPath = shown(files.keyFile);

    // The grader's own certificates for the client checks: fresh for every grading.
    const mine = await makeSelfSigned({ keyType: "ec" });
    const impostor = await makeSelfSigned({ keyType: "ec" });
    const otherName = `other-${token().slice(0, 6)}.example`;
    const wrongName = await makeSelfSigned({ keyType: "ec", cn: otherName });
    const givenName = `echo-${token().slice(0, 6)}.test`;
    const named = await makeSelfSigned({ keyType: "ec", cn: givenName });
    const caFile = (label: string, c: Cert) => {
      const f = path.join(env.workDir, `${label}-${token().slice(0, 6)}.pem`);
      fs.writeFileSync(f, c.pem);
      return f;
    };
    const myCa = caFile("ca", mine);
    const wrongNameCa = caFile("other-name", wrongName);
    const namedCa = caFile("named", named);

    return [
      ...certificateChecks({ files, verdict, certPath, keyPath, certDir }),
      ...serverChecks({ files, verdict, certPath, keyPath }),
      ...clientChecks({ mine, impostor, wrongName, named, givenName, myCa, wrongNameCa, namedCa }),
    ];
  },
};
