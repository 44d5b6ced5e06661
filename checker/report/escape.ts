// Escaping for the class reports. Everything a student controls (folder names, what their
// code printed, their written answers) is untrusted text: it goes through one of these.

/**
 * Characters XML 1.0 does not allow, even escaped (C0 controls but tab, newline and return;
 * lone surrogates; U+FFFE, U+FFFF). Also ugly in HTML, so both reports show them visibly.
 */
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** C1 controls and DEL: allowed by XML 1.0 but invisible; shown the same way. */
const INVISIBLE = /[\u007F-\u009F]/g;

const codePoint = (c: string) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`;

/** Replaces control characters (ESC of colour codes, NUL, lone surrogates …) by a visible \uXXXX. */
export function visibleControls(s: string): string {
  return s.replace(FORBIDDEN, codePoint).replace(INVISIBLE, codePoint);
}

/** Text content of an XML element; a return is kept as &#13; (a parser would turn a raw CR LF into LF). */
export function xmlText(s: string): string {
  return visibleControls(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

/** An XML attribute value, for double quotes; line breaks and tabs kept as character references. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
}

/** HTML text or a double- or single-quoted attribute value. */
export function html(s: string): string {
  return visibleControls(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes
 * doubled. A text starting with = + - @ (or a tab or return) gets a leading apostrophe, so
 * a spreadsheet shows it instead of evaluating it as a formula (a folder named
 * =HYPERLINK(...) must stay a name).
 */
export function csvField(v: string | number): string {
  if (typeof v === "number") return String(v);
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
