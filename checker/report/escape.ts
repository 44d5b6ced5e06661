// Escaping for the class reports. Everything a student controls (folder names, what their
// code printed, their written answers) is untrusted text: it goes through one of these.
//
// What no report shows raw (each becomes a visible \uXXXX, the code point in 4 or more
// lower-case hex digits): C0 controls (tab, newline and return aside where a format allows
// them), DEL, C1 controls, lone surrogates, U+FFFE and U+FFFF, and every format character
// (Unicode category Cf: the bidirectional overrides and isolates U+202A..U+202E and
// U+2066..U+2069, U+200B..U+200F, U+2060..U+2064, U+FEFF, U+061C, U+00AD, U+180E, tags …),
// which would otherwise hide text, reorder it ("\u202Eecila" showing as "alice") or make two
// names look the same. A student's name is stricter still (visibleName).

/** Always shown as \uXXXX: C0 but tab, LF and CR; DEL and C1; U+FFFE, U+FFFF; lone surrogates (the u flag matches only unpaired ones); Cf. */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF\uD800-\uDFFF]|\p{Cf}/gu;
/** Line breaks and tabs, for text that has to stay on one line (a CSV field, a terminal line). */
const BREAKS = /[\t\n\r\u2028\u2029]/g;
/**
 * In a name, also: characters that render as nothing or as a blank (default-ignorable code
 * points such as U+115F, U+3164, U+FFA0, variation selectors), every space but U+0020, and
 * U+0020 itself at either end, so "alice " or "alice\u3164" never passes for "alice".
 */
const NAME_ONLY = /\p{Default_Ignorable_Code_Point}|(?! )\p{White_Space}|^ | $/gu;

const codePoint = (c: string) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`;

/**
 * Text (a message, what a program printed, a written answer) with every invisible character
 * above as a visible \uXXXX; tab, newline and return are kept (the formats that cannot keep
 * them escape them themselves: XML as character references, a line of text by visibleLine).
 */
export function visibleText(s: string): string {
  return s.replace(INVISIBLE, codePoint);
}

/** @deprecated the former name of visibleText (which now also shows format characters). */
export const visibleControls = visibleText;

/** One line of text: visibleText, and tab, CR, LF, U+2028 and U+2029 as \uXXXX too. */
export function visibleLine(s: string): string {
  return visibleText(s).replace(BREAKS, codePoint);
}

/**
 * A student's (folder) name as every report shows it: one line (visibleLine), blank-looking
 * characters and edge spaces as \uXXXX, and a backslash doubled, so that the shown form is
 * unambiguous: a folder literally named "\u202eecila" shows as "\\u202eecila", not as the
 * one whose name holds U+202E.
 */
export function visibleName(s: string): string {
  return visibleLine(s.replace(/\\/g, "\\\\")).replace(NAME_ONLY, codePoint);
}

/** Text content of an XML element; a return is kept as &#13; (a parser would turn a raw CR LF into LF). */
export function xmlText(s: string): string {
  return visibleText(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

/** An XML attribute value, for double quotes; line breaks and tabs kept as character references. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
}

/** HTML text or a double- or single-quoted attribute value (a name goes through visibleName first). */
export function html(s: string): string {
  return visibleText(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * One CSV field (RFC 4180): the text on one line (visibleLine: no control or format
 * character, no line break or tab stays raw; a name goes through visibleName first), then
 * quoted when it holds a comma or a quote, quotes doubled. A text that, so escaped, starts
 * with = + - @ gets a leading apostrophe, so a spreadsheet shows it instead of evaluating it
 * as a formula (a folder named =HYPERLINK(...) must stay a name). (A leading tab or return,
 * the other two of OWASP's list, can no longer occur: they are \u0009 and \u000d by then.)
 */
export function csvField(v: string | number): string {
  if (typeof v === "number") return String(v);
  let s = visibleLine(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** An integrity flag with the other student's name as visibleName shows it (for describeFlag and flagSummary). */
export function visibleFlag<F extends { other?: string }>(f: F): F {
  return f.other === undefined ? f : { ...f, other: visibleName(f.other) };
}
