// Lesson 07's reading of a Markdown answer: prose and list items without Markdown syntax,
// comments, headings or code blocks; sentences; and what counts as a real sentence.

/** A real sentence has at least this many words, a function word, and is not a comma-separated list. */
export const SENTENCE_MIN_WORDS = 4;

export interface Segment {
  text: string;
  /** A list item or a table row rather than running prose. */
  list: boolean;
}

export interface Parsed {
  /** Running prose and list items, Markdown syntax removed; no comments, headings or code blocks. */
  prose: string;
  /** Everything the learner wrote (prose and code), for matching Node terms and fingerprints. */
  all: string;
  segments: Segment[];
  /** Words inside HTML comments other than the stub's own TODO marker. */
  commentWords: number;
  /** Words inside comments that hold a TODO marker (the stub's own has about 70). */
  todoWords: number;
  hasTodo: boolean;
}

export const countWords = (s: string) => (s.match(/[\p{L}\p{N}]+(?:['’_-][\p{L}\p{N}]+)*/gu) ?? []).length;

/** Removes inline Markdown: links, images, emphasis, HTML tags; keeps the text of code spans. */
export function inline(line: string): string {
  const parts = line.split(/(`+[^`]*`+)/);
  return parts
    .map((p, i) => {
      if (i % 2 === 1) return p.replace(/^`+|`+$/g, "");
      return p
        .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/\[([^\]]*)\]\[[^\]]*\]/g, "$1")
        .replace(/<https?:\/\/[^>]*>/g, " ")
        .replace(/<\/?[a-z][^>]*>/gi, " ")
        .replace(/[*~]+/g, "")
        .replace(/(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, "")
        .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, "$1");
    })
    .join("");
}

export function parse(raw: string): Parsed {
  let commentWords = 0;
  let todoWords = 0;
  let hasTodo = false;
  const text = raw.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n").replace(/<!--([\s\S]*?)(?:-->|$)/g, (_m, body: string) => {
    if (/\bTODO\b/.test(body)) {
      hasTodo = true;
      todoWords += countWords(body);
    } else commentWords += countWords(body);
    return " ";
  });
  const segments: Segment[] = [];
  const code: string[] = [];
  let fence: string | undefined;
  let para: string[] = [];
  const endPara = () => {
    if (para.length) segments.push({ text: para.join(" "), list: false });
    para = [];
  };
  for (const rawLine of text.split("\n")) {
    const fenceMark = /^\s{0,3}(`{3,}|~{3,})/.exec(rawLine);
    if (fence) {
      if (fenceMark && fenceMark[1][0] === fence[0] && fenceMark[1].length >= fence.length) fence = undefined;
      else code.push(rawLine);
      continue;
    }
    if (fenceMark) {
      endPara();
      fence = fenceMark[1];
      continue;
    }
    let line = rawLine.replace(/^\s{0,3}(>\s?)+/, "");
    if (/^\s*$/.test(line)) {
      endPara();
      continue;
    }
    if (/^\s{0,3}#{1,6}(\s|$)/.test(line) || /^\s{0,3}(=+|-{3,}|\*{3,}|_{3,})\s*$/.test(line)) {
      // A heading is a title, not part of the answer; so are rules and setext underlines.
      endPara();
      continue;
    }
    const item = /^\s*([-*+]|\d{1,3}[.)])\s+(.*)$/.exec(line);
    if (item || /^\s*\|/.test(line)) {
      endPara();
      line = item ? item[2] : line.replace(/\|/g, " ").replace(/\s:?-{3,}:?\s/g, " ");
      segments.push({ text: inline(line).trim(), list: true });
      continue;
    }
    para.push(inline(line).trim());
  }
  endPara();
  const prose = segments.map((s) => s.text).join("\n");
  return { prose, all: `${prose}\n${code.join("\n")}`, segments: segments.filter((s) => s.text), commentWords, todoWords, hasTodo };
}

/** Splits prose into sentences without breaking "e.g.", "fs.readFileSync" or "Node.js". */
export function sentences(segment: string): string[] {
  const protectedText = segment.replace(/\b(e\.g|i\.e|etc|vs|cf|approx|mr|mrs|dr)\./gi, (m) => m.replace(/\./g, "\u2024"));
  return protectedText
    .split(/(?<=[.!?]["')\]]?)\s+(?=\S)/)
    .map((s) => s.replace(/\u2024/g, ".").trim())
    .filter(Boolean);
}

export const FUNCTION_WORDS = new Set(
  "a an the is are was were be been being it its it's you your you're they them their we our he she his her i me my to of in on at for from with by and but or so if then than that this these those who whom what which when where why how can could will would should must may might not no do does did don't doesn't isn't aren't has have had just still only also".split(" "),
);

/** A sentence with several words, at least one little word that glues a sentence together, and not a comma list. */
export function isRealSentence(s: string): boolean {
  const words = s.toLowerCase().replace(/’/g, "'").match(/[\p{L}\p{N}]+(?:['_-][\p{L}\p{N}]+)*/gu) ?? [];
  if (words.length < SENTENCE_MIN_WORDS) return false;
  if (!words.some((w) => FUNCTION_WORDS.has(w))) return false;
  const pieces = s.split(/[,;/·|]+/).map((p) => countWords(p)).filter((n) => n > 0);
  if (pieces.length >= 4 && pieces.reduce((a, b) => a + b, 0) / pieces.length < 3) return false;
  return true;
}
