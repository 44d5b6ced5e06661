// How an integrity flag reads in the reports: a signal for the instructor, not a verdict.
//
// "matches-student" flags come in pairs (alice's file is bob's, bob's is alice's): N students
// handing in one file make N×(N−1) of them. The reports show them as clusters instead, one
// per lesson and shared file ("05-reject-bad-certs: alice, bob, carol have the same file"),
// built with union-find over the pairs. "matches-solution" stays per student.
import type { IntegrityFlag, StudentResult } from "../batch/types.ts";

export function describeFlag(f: IntegrityFlag): string {
  return f.kind === "matches-solution" ? "identical to the reference solution" : `identical to ${f.other ?? "another student"}'s file`;
}

/** "02-verified-client: identical to the reference solution; 05-…: identical to Bob's file" */
export function flagSummary(flags: IntegrityFlag[]): string {
  return flags.map((f) => `${f.lesson}: ${describeFlag(f)}`).join("; ");
}

/** Students (raw folder names) whose file for `lesson` is the same, once normalised. */
export interface FlagCluster {
  lesson: string;
  /** In the batch's order; a name flagged as "other" that is not in the batch comes last. */
  students: string[];
}

/**
 * The "matches-student" flags as clusters: one per lesson and group of students connected by
 * a flag (either way), at least two students each. Ordered by lesson (the batch's lesson
 * order first, then any other lesson by id), then by the first member's place in the batch.
 */
export function flagClusters(students: StudentResult[], lessons: string[] = []): FlagCluster[] {
  const order = new Map<string, number>();
  students.forEach((s, i) => order.set(s.student, order.get(s.student) ?? i));
  const rank = (name: string) => order.get(name) ?? Number.MAX_SAFE_INTEGER;
  // Union-find per lesson, over names.
  const parents = new Map<string, Map<string, string>>();
  const find = (p: Map<string, string>, x: string): string => {
    let root = x;
    while (p.get(root) !== root) root = p.get(root)!;
    for (let y = x; y !== root; ) {
      const next = p.get(y)!;
      p.set(y, root);
      y = next;
    }
    return root;
  };
  for (const s of students)
    for (const f of s.flags) {
      if (f.kind !== "matches-student" || f.other === undefined || f.other === s.student) continue;
      let p = parents.get(f.lesson);
      if (!p) parents.set(f.lesson, (p = new Map()));
      for (const n of [s.student, f.other]) if (!p.has(n)) p.set(n, n);
      const a = find(p, s.student);
      const b = find(p, f.other);
      if (a !== b) {
        // The earlier student becomes the root: deterministic, whatever the flags' order.
        const [root, child] = rank(a) < rank(b) || (rank(a) === rank(b) && a < b) ? [a, b] : [b, a];
        p.set(child, root);
      }
    }
  const lessonRank = (id: string) => {
    const i = lessons.indexOf(id);
    return i < 0 ? lessons.length : i;
  };
  const clusters: FlagCluster[] = [];
  for (const lesson of [...parents.keys()].sort((a, b) => lessonRank(a) - lessonRank(b) || (a < b ? -1 : a > b ? 1 : 0))) {
    const p = parents.get(lesson)!;
    const groups = new Map<string, string[]>();
    for (const n of p.keys()) {
      const root = find(p, n);
      groups.set(root, [...(groups.get(root) ?? []), n]);
    }
    const byBatch = (a: string, b: string) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
    const list = [...groups.values()].map((g) => g.sort(byBatch)).filter((g) => g.length >= 2);
    list.sort((a, b) => byBatch(a[0], b[0]));
    for (const g of list) clusters.push({ lesson, students: g });
  }
  return clusters;
}

/** "a", "a and b", "a, b and c". */
export function listNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** "05-reject-bad-certs: alice, bob and carol have the same file" (names shown as given: pass them through visibleName first). */
export function describeCluster(lesson: string, names: string[]): string {
  return `${lesson}: ${listNames(names)} have the same file`;
}

/** What one student's file shares with the others of its cluster: "identical to bob's file", "identical to the files of bob and carol". */
export function describeShared(others: string[]): string {
  return others.length === 1 ? `identical to ${others[0]}'s file` : `identical to the files of ${listNames(others)}`;
}

/**
 * One student's integrity signals, one line each, in the order of the student's own flags
 * (a lesson where only others flagged this student comes last): the "matches-solution"
 * flags as they are, and per lesson one line naming every other student of its cluster (a
 * pair reads as describeFlag reads it). `show` turns a raw name into what the
 * report shows (visibleName).
 */
export function studentSignals(s: StudentResult, clusters: FlagCluster[], show: (name: string) => string = (n) => n): { lesson: string; text: string }[] {
  const lines: { lesson: string; text: string }[] = [];
  for (const f of s.flags) if (f.kind === "matches-solution") lines.push({ lesson: f.lesson, text: describeFlag(f) });
  for (const c of clusters) {
    if (!c.students.includes(s.student)) continue;
    lines.push({ lesson: c.lesson, text: describeShared(c.students.filter((n) => n !== s.student).map(show)) });
  }
  const at = new Map(clusters.map((c, i) => [c.lesson, i] as const));
  const firstSeen = new Map<string, number>();
  s.flags.forEach((f, i) => firstSeen.set(f.lesson, firstSeen.get(f.lesson) ?? i));
  // Keep the student's own flag order for lessons, clusters after solutions within a lesson.
  const lessonKey = (l: string) => firstSeen.get(l) ?? s.flags.length + (at.get(l) ?? 0);
  return lines.map((l, i) => ({ l, i })).sort((a, b) => lessonKey(a.l.lesson) - lessonKey(b.l.lesson) || a.i - b.i).map((x) => x.l);
}
