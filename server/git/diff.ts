import { isBinary, type RepoReader } from './read.js';

export type ChangeStatus = 'added' | 'deleted' | 'modified' | 'renamed';

/** One path that differs between two trees. */
export interface TreeChange {
  status: ChangeStatus;
  oldPath: string | null;
  newPath: string | null;
  oldOid: string | null;
  newOid: string | null;
  /** 0 to 100: how much of a renamed file's content stayed. */
  similarity?: number;
}

export interface DiffLine {
  type: 'add' | 'del' | 'ctx';
  old: number | null;
  new: number | null;
  content: string;
  /** The line as highlighted, escaped HTML; added by the render service where the file's language is known. */
  html?: string;
}

export interface Hunk {
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface FileDiff {
  filename: string;
  old_filename: string | null;
  status: ChangeStatus;
  similarity: number | null;
  binary: boolean;
  /** The file is too large to show line by line. */
  too_large: boolean;
  additions: number;
  deletions: number;
  hunks: Hunk[];
}

export interface Diff {
  files: FileDiff[];
  /** Changed files in the whole diff. */
  total_files: number;
  /** Index of the first file shown. */
  offset: number;
  /** More files follow: ask again with `?offset=next_offset`. */
  truncated: boolean;
  next_offset: number | null;
}

export interface DiffLimits {
  offset?: number;
  maxFiles?: number;
  maxLines?: number;
}

const CONTEXT = 3;
const CACHED_DIFF_LINES = 5000;
/** Larger blobs are named but not diffed line by line. */
const MAX_BLOB_BYTES = 1024 * 1024;
/** Beyond this many edits, Myers' algorithm costs too much: the middle is shown as replaced. */
const MAX_EDIT_DISTANCE = 4000;
const RENAME_THRESHOLD = 50;
/** Similarity is compared only among this many added × deleted candidates, as git's rename limit does. */
const RENAME_CANDIDATES = 200;

/** Paths that differ between two trees (either may be null for an empty tree), skipping identical subtrees. */
export async function diffTrees(reader: RepoReader, oldTree: string | null, newTree: string | null, prefix = ''): Promise<TreeChange[]> {
  if (oldTree === newTree) return [];
  const before = oldTree ? await reader.tree(oldTree) : [];
  const after = newTree ? await reader.tree(newTree) : [];
  const oldByName = new Map(before.map((e) => [e.path, e]));
  const newByName = new Map(after.map((e) => [e.path, e]));
  const names = [...new Set([...oldByName.keys(), ...newByName.keys()])].sort();
  const changes: TreeChange[] = [];
  for (const name of names) {
    const path = prefix ? `${prefix}/${name}` : name;
    const a = oldByName.get(name);
    const b = newByName.get(name);
    if (a && b && a.oid === b.oid && a.mode === b.mode) continue;
    const aTree = a?.type === 'tree' ? a.oid : null;
    const bTree = b?.type === 'tree' ? b.oid : null;
    if (aTree || bTree) changes.push(...(await diffTrees(reader, aTree, bTree, path)));
    const aFile = a && a.type !== 'tree' ? a : null;
    const bFile = b && b.type !== 'tree' ? b : null;
    if (aFile && bFile) changes.push({ status: 'modified', oldPath: path, newPath: path, oldOid: aFile.oid, newOid: bFile.oid });
    else if (aFile) changes.push({ status: 'deleted', oldPath: path, newPath: null, oldOid: aFile.oid, newOid: null });
    else if (bFile) changes.push({ status: 'added', oldPath: null, newPath: path, oldOid: null, newOid: bFile.oid });
  }
  return changes;
}

/** Lines of a text blob (a final newline does not start an empty line). */
function linesOf(bytes: Uint8Array): string[] {
  if (bytes.length === 0) return [];
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Share of lines two texts have in common, 0 to 100, as a multiset (order ignored). */
function similarity(a: string[], b: string[]): number {
  if (a.length + b.length === 0) return 100;
  const counts = new Map<string, number>();
  for (const line of a) counts.set(line, (counts.get(line) ?? 0) + 1);
  let common = 0;
  for (const line of b) {
    const n = counts.get(line) ?? 0;
    if (n > 0) {
      common++;
      counts.set(line, n - 1);
    }
  }
  return Math.floor((200 * common) / (a.length + b.length));
}

/** Pairs deleted and added paths into renames: identical content first, then similar text (≥ 50 %). */
export async function detectRenames(reader: RepoReader, changes: TreeChange[]): Promise<TreeChange[]> {
  const deleted = changes.filter((c) => c.status === 'deleted');
  const added = changes.filter((c) => c.status === 'added');
  if (deleted.length === 0 || added.length === 0) return changes;
  const renames = new Map<TreeChange, TreeChange>(); // added -> deleted
  const used = new Set<TreeChange>();
  for (const a of added) {
    const d = deleted.find((c) => !used.has(c) && c.oldOid === a.newOid);
    if (d) {
      renames.set(a, d);
      used.add(d);
    }
  }
  const restAdded = added.filter((a) => !renames.has(a));
  const restDeleted = deleted.filter((d) => !used.has(d));
  const scores = new Map<TreeChange, number>();
  if (restAdded.length * restDeleted.length <= RENAME_CANDIDATES * RENAME_CANDIDATES) {
    const text = async (oid: string) => {
      const bytes = await reader.blob(oid);
      return bytes.length > MAX_BLOB_BYTES || isBinary(bytes) ? null : linesOf(bytes);
    };
    const deletedLines = await Promise.all(restDeleted.map((d) => text(d.oldOid as string)));
    for (const a of restAdded) {
      const lines = await text(a.newOid as string);
      if (!lines) continue;
      let best = -1;
      let bestScore = RENAME_THRESHOLD - 1;
      restDeleted.forEach((d, i) => {
        const other = deletedLines[i];
        if (used.has(d) || !other) return;
        const score = similarity(other, lines);
        if (score > bestScore) {
          best = i;
          bestScore = score;
        }
      });
      if (best >= 0) {
        renames.set(a, restDeleted[best]);
        used.add(restDeleted[best]);
        scores.set(a, bestScore);
      }
    }
  }
  const result: TreeChange[] = [];
  for (const change of changes) {
    if (used.has(change)) continue;
    const from = renames.get(change);
    if (from) {
      result.push({
        status: 'renamed',
        oldPath: from.oldPath,
        newPath: change.newPath,
        oldOid: from.oldOid,
        newOid: change.newOid,
        similarity: scores.get(change) ?? 100,
      });
    } else result.push(change);
  }
  return result.sort((x, y) => {
    const a = (x.newPath ?? x.oldPath) as string;
    const b = (y.newPath ?? y.oldPath) as string;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

type Op = 0 | 1 | 2; // 0 equal, 1 delete (from a), 2 insert (from b)

/**
 * Myers' O(ND) shortest edit script between two line arrays, after trimming the common prefix and
 * suffix; past MAX_EDIT_DISTANCE the middle is reported as all deleted then all inserted.
 */
export function editScript(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB));
  const ops: Op[] = new Array<Op>(start).fill(0);
  for (const op of middle) ops.push(op);
  for (let i = endA; i < a.length; i++) ops.push(0);
  return ops;
}

function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return new Array<Op>(m).fill(2);
  if (m === 0) return new Array<Op>(n).fill(1);
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return [...new Array<Op>(n).fill(1), ...new Array<Op>(m).fill(2)];
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && prev[offset + k - 1] < prev[offset + k + 1]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push(0);
      x--;
      y--;
    }
    ops.push(down ? 2 : 1);
    if (down) y--;
    else x--;
  }
  while (x > 0 && y > 0) {
    ops.push(0);
    x--;
    y--;
  }
  return ops.reverse();
}

/** Unified-diff hunks with three lines of context. */
export function hunksOf(a: string[], b: string[]): Hunk[] {
  const ops = editScript(a, b);
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  for (const op of ops) {
    if (op === 0) lines.push({ type: 'ctx', old: ++i, new: ++j, content: a[i - 1] });
    else if (op === 1) lines.push({ type: 'del', old: ++i, new: null, content: a[i - 1] });
    else lines.push({ type: 'add', old: null, new: ++j, content: b[j - 1] });
  }
  const changed: number[] = [];
  lines.forEach((line, at) => {
    if (line.type !== 'ctx') changed.push(at);
  });
  const hunks: Hunk[] = [];
  let g = 0;
  while (g < changed.length) {
    // Changes closer than twice the context share one hunk, as in `git diff`.
    let last = g;
    while (last + 1 < changed.length && changed[last + 1] - changed[last] <= 2 * CONTEXT + 1) last++;
    const from = Math.max(0, changed[g] - CONTEXT);
    const to = Math.min(lines.length, changed[last] + CONTEXT + 1);
    const slice = lines.slice(from, to);
    const oldLines = slice.filter((l) => l.type !== 'add').length;
    const newLines = slice.filter((l) => l.type !== 'del').length;
    // An empty side starts at the line before the hunk, as in unified diffs (`@@ -0,0 +1,3 @@`).
    const oldStart = oldLines === 0 ? lastNumber(lines, from, 'old') : (slice.find((l) => l.old !== null)?.old as number);
    const newStart = newLines === 0 ? lastNumber(lines, from, 'new') : (slice.find((l) => l.new !== null)?.new as number);
    hunks.push({ header: `@@ -${oldStart},${oldLines} +${newStart},${newLines} @@`, oldStart, oldLines, newStart, newLines, lines: slice });
    g = last + 1;
  }
  return hunks;
}

/** The last old or new line number before index `at`, 0 if none. */
function lastNumber(lines: DiffLine[], at: number, side: 'old' | 'new'): number {
  for (let i = at - 1; i >= 0; i--) {
    const n = lines[i][side];
    if (n !== null) return n;
  }
  return 0;
}

/** The line diff of one changed path. */
async function fileDiff(reader: RepoReader, change: TreeChange): Promise<FileDiff> {
  const [before, after] = await Promise.all([
    change.oldOid ? reader.blob(change.oldOid).catch(() => new Uint8Array()) : new Uint8Array(),
    change.newOid ? reader.blob(change.newOid).catch(() => new Uint8Array()) : new Uint8Array(),
  ]);
  const result: FileDiff = {
    filename: (change.newPath ?? change.oldPath) as string,
    old_filename: change.status === 'renamed' ? change.oldPath : null,
    status: change.status,
    similarity: change.similarity ?? null,
    binary: isBinary(before) || isBinary(after),
    too_large: before.length > MAX_BLOB_BYTES || after.length > MAX_BLOB_BYTES,
    additions: 0,
    deletions: 0,
    hunks: [],
  };
  if (result.binary || result.too_large || change.oldOid === change.newOid) return result;
  result.hunks = hunksOf(linesOf(before), linesOf(after));
  for (const hunk of result.hunks) {
    for (const line of hunk.lines) {
      if (line.type === 'add') result.additions++;
      else if (line.type === 'del') result.deletions++;
    }
  }
  return result;
}

/**
 * The diff between two commits' trees (a null base is the empty tree), renames detected, files in
 * path order from `offset`, up to maxFiles files or maxLines diff lines (at least one file).
 */
export async function diffCommits(reader: RepoReader, base: string | null, head: string, limits: DiffLimits = {}): Promise<Diff> {
  const offset = Math.max(0, limits.offset ?? 0);
  const maxFiles = limits.maxFiles ?? 200;
  const maxLines = limits.maxLines ?? 20_000;
  const key = `diff:${base}:${head}:${offset}:${maxFiles}:${maxLines}`;
  const known = reader.remembered<Diff>(key);
  if (known) return known;
  const oldTree = base ? (await reader.commit(base)).tree : null;
  const newTree = (await reader.commit(head)).tree;
  const changes = await detectRenames(reader, await diffTrees(reader, oldTree, newTree));
  const files: FileDiff[] = [];
  let lines = 0;
  let next = offset;
  while (next < changes.length && files.length < maxFiles) {
    const file = await fileDiff(reader, changes[next]);
    const count = file.hunks.reduce((sum, h) => sum + h.lines.length, 0);
    if (files.length > 0 && lines + count > maxLines) break;
    files.push(file);
    lines += count;
    next++;
  }
  const truncated = next < changes.length;
  const diff = { files, total_files: changes.length, offset, truncated, next_offset: truncated ? next : null };
  // Kept when small: a diff is derived from two commit ids only, but a huge one would crowd the cache.
  if (lines <= CACHED_DIFF_LINES) reader.remember(key, diff);
  return diff;
}
