// The blind corpora: correct solutions written by helper sessions that saw only the lesson's
// README and stub (never a grader, a test or a reference solution), in deliberately varied
// styles; each folder's INDEX.md says which. Every one must pass: a grader that fails honest
// work is the worst bug this workbook can ship. Files: test/catalog/NN-slug/blind/*.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Lab } from "../checker/lab/lab.ts";
import { makeSelfSigned, writeCertFiles } from "../checker/lab/self-signed.ts";
import { CATALOG, failureText, gradeFile } from "./helpers.ts";
import { gradeLesson } from "../checker/grading/grade.ts";
import { findLesson } from "../checker/manifest.ts";

const LESSONS = ["02-verified-client", "03-inspect-cert", "04-self-signed-echo", "05-reject-bad-certs", "06-tls-health", "08-chain-of-trust"];

let lab: Lab;
let certDir: string;
beforeAll(async () => {
  lab = await Lab.start();
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-workbook-blind-"));
  writeCertFiles(certDir, await makeSelfSigned({ keyType: "ec" })); // lesson 04's files, as npm run make-cert writes them

});
afterAll(async () => {
  await lab?.close();
  fs.rmSync(certDir, { recursive: true, force: true });
});

for (const id of LESSONS) {
  const dir = path.join(CATALOG, id, "blind");
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).sort();
  describe(`lesson ${id.slice(0, 2)}: solutions written blind pass`, () => {
    it("has at least 10 of them", () => expect(files.length).toBeGreaterThanOrEqual(10));
    it.each(files)("%s", async (f) => {
      const file = path.join(dir, f);
      const result = id === "04-self-signed-echo" ? await gradeLesson(findLesson("4")!, { file, lab, certDir }) : await gradeFile(id.slice(0, 2), file, lab);
      expect(result.status, `blind/${f} should pass; the grader said:\n${failureText(result)}`).toBe("pass");
    });
  });
}
