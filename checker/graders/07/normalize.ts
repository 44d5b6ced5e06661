// What the reader of an answer sees, as plain letters: the first step of every match and
// fingerprint in lesson 07, so invisible characters and look-alike letters change nothing.
/** Characters that show as nothing: zero-width spaces and joiners, word joiners, soft hyphens, bidi controls, BOMs. */
export const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/g;

/** Cyrillic and Greek letters that look like Latin ones, folded to them (a "сору" in Cyrillic is a "copy"). */
export const LOOKALIKES: Record<string, string> = Object.fromEntries(
  [..."аеорсухіјѕԁԛԝАВЕКМНОРСТХІЈЅԌαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"].map((c, i) => [c, "aeopcyxijsdqwABEKMHOPCTXIJSGabeiknoptuxABEZHIKMNOPTYX"[i]]),
);

/**
 * What the reader sees, as plain letters: compatibility forms folded (NFKC: full-width
 * letters, ligatures), invisible characters removed, look-alike letters from other scripts
 * made Latin. Everything the grader matches or fingerprints goes through this first.
 */
export function normalizeText(text: string): string {
  const plain = text.normalize("NFKC").replace(INVISIBLE, "");
  // Only in a text written in Latin letters: an answer really written in Cyrillic stays as it is.
  const latin = plain.match(/[A-Za-z]/g)?.length ?? 0;
  const other = plain.match(/[\u0370-\u03FF\u0400-\u052F]/g)?.length ?? 0;
  return other && latin > other ? plain.replace(/[\u0370-\u03FF\u0400-\u052F]/g, (c) => LOOKALIKES[c] ?? c) : plain;
}

/** Lower case, apostrophes dropped ("don't" → "dont"), every run of letters or digits one word. */
export function normalizeWords(text: string): string[] {
  return normalizeText(text).toLowerCase().replace(/['’‘`´]/g, "").match(/[\p{L}\p{N}]+/gu) ?? [];
}

