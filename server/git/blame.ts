import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { memoise, type GitCache } from './cache.js';
import { git, gitCommand } from './exec.js';
import { hasStoredBlame, readStoredBlame, storeBlame, storedBlameCommits } from './blame-store.js';
import { RepoReader } from './read.js';

/** A commit as `git blame --incremental` describes it, the first time one of its ranges is listed. */
export interface BlameCommit {
  oid: string;
  authorName: string;
  authorEmail: string;
  /** Seconds since the epoch. */
  authorTime: number;
  /** `+0100` as git writes it. */
  authorTz: string;
  summary: string;
  /** The commit and path the lines came from before this commit, if any (for "blame before this change"). */
  previous: { oid: string; path: string } | null;
}

/** Consecutive lines of the file (1-based, in the blamed version) last changed by one commit. */
export interface BlameRange {
  commit: string;
  start: number;
  count: number;
  /** Where the range starts in that commit's version of the file. */
  origStart: number;
  /** The path of the file in that commit (it differs when the file was renamed since). */
  origPath: string;
}

/** Who last changed each line of a file at a commit: ranges in file order and the commits they name. */
export interface Blame {
  ranges: BlameRange[];
  commits: Map<string, BlameCommit>;
}

const ENV = { GIT_CONFIG_NOSYSTEM: '1' };
const HEADER = /^([0-9a-f]{40}) (\d+) (\d+) (\d+)$/;

/**
 * Reads git's incremental porcelain line by line as it streams, never holding its whole output:
 * a header `<sha> <orig> <final> <count>`, the commit's fields the first time it appears, and
 * `filename <path>` closing each range.
 */
function runBlame(gitdir: string, commit: string, path: string): Promise<Blame> {
  const command = gitCommand(['blame', '--incremental', commit, '--', path]);
  const child = spawn(command.file, command.args, { cwd: gitdir, env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ranges: BlameRange[] = [];
  const commits = new Map<string, BlameCommit>();
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  let range: BlameRange | null = null;
  let current: BlameCommit | null = null;
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (range === null) {
      const match = HEADER.exec(line);
      if (!match) return;
      const [, oid, orig, final, count] = match;
      range = { commit: oid, start: Number(final), count: Number(count), origStart: Number(orig), origPath: path };
      current = commits.has(oid) ? null : { oid, authorName: '', authorEmail: '', authorTime: 0, authorTz: '+0000', summary: '', previous: null };
      return;
    }
    const space = line.indexOf(' ');
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? '' : line.slice(space + 1);
    if (key === 'filename') {
      range.origPath = value;
      ranges.push(range);
      if (current) commits.set(current.oid, current);
      range = null;
      current = null;
      return;
    }
    if (!current) return;
    if (key === 'author') current.authorName = value;
    else if (key === 'author-mail') current.authorEmail = value.replace(/^<|>$/g, '');
    else if (key === 'author-time') current.authorTime = Number(value);
    else if (key === 'author-tz') current.authorTz = value;
    else if (key === 'summary') current.summary = value;
    else if (key === 'previous') {
      const cut = value.indexOf(' ');
      current.previous = { oid: value.slice(0, cut), path: value.slice(cut + 1) };
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git blame failed (${code}): ${stderr.trim()}`));
      ranges.sort((a, b) => a.start - b.start);
      resolve({ ranges, commits });
    });
  });
}

/** One commit of a linear history that changed the file: who made it, and the hunks of its change (`git log -p -U0`). */
interface BlameStep {
  commit: BlameCommit;
  /** [old start, old count, new start, new count] as in `@@ -a,b +c,d @@`. */
  hunks: Array<[number, number, number, number]>;
}

/** How far back a blame looks for a stored blame of an ancestor before it runs `git blame` from scratch. */
const MAX_CHAIN = 100;
const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
/** `:<old mode> <new mode> <old blob> <new blob> M\t<path>`: a plain file changed in place. */
const RAW = /^:(?:100644|100755) (?:100644|100755) [0-9a-f]{40} [0-9a-f]{40} M\t(.*)$/;
const COLON = ':'.charCodeAt(0);
const AT = '@'.charCodeAt(0);

/**
 * The commits between `from` (excluded) and `to` that changed `path`, oldest first, each with its
 * hunks; null when one of them created, deleted or renamed the file, changed its type, names
 * another path (the path was a folder once), or when the output does not read as expected: then
 * git blames. Author fields come through the mailmap, as git blame's do.
 */
async function stepsBetween(gitdir: string, from: string, to: string, path: string): Promise<BlameStep[] | null> {
  const args = ['--literal-pathspecs', 'log', '--reverse', '--no-renames', '--no-color', '--no-ext-diff', '--no-textconv', '--text', '--raw', '--no-abbrev', '-p', '-U0', '--date=raw'];
  const format = '--format=%x00%H%x00%P%x00%aN%x00%aE%x00%ad%x00%B%x00';
  // A history too long for the output buffer is git blame's to read.
  const log = await git([...args, format, `${from}..${to}`, '--', path], { cwd: gitdir, env: ENV }).catch(() => null);
  if (!log) return null;
  const steps: BlameStep[] = [];
  const records = log.stdout.split('\0');
  // [before, oid, parent, name, email, date, message, raw and patch, oid, ...]: seven fields a commit.
  if ((records.length - 1) % 7 !== 0) return null;
  for (let i = 1; i < records.length; i += 7) {
    const [oid, parent, authorName, authorEmail, date, message, patch] = records.slice(i, i + 7);
    const [time, tz] = date.split(' ');
    if (!/^[0-9a-f]{40}$/.test(oid) || !/^[0-9a-f]{40}$/.test(parent) || !tz) return null;
    // git blame's summary: the message's first line (not %s, which joins the first paragraph).
    const summary = message.replace(/^\n+/, '').split('\n', 1)[0];
    const hunks: BlameStep['hunks'] = [];
    let changed = false;
    // Line by line without splitting: only the raw line and the hunk headers are read, not the added text.
    for (let at = 0; at < patch.length; ) {
      const newline = patch.indexOf('\n', at);
      const end = newline < 0 ? patch.length : newline;
      const first = patch.charCodeAt(at);
      if (first === COLON) {
        if (changed || RAW.exec(patch.slice(at, end))?.[1] !== path) return null;
        changed = true;
      } else if (first === AT) {
        const match = HUNK.exec(patch.slice(at, end));
        if (!match) return null;
        hunks.push([Number(match[1]), Number(match[2] ?? 1), Number(match[3]), Number(match[4] ?? 1)]);
      } else if (patch.startsWith('Binary files ', at)) return null;
      at = end + 1;
    }
    if (!changed) return null;
    steps.push({ commit: { oid, authorName, authorEmail, authorTime: Number(time), authorTz: tz, summary, previous: { oid: parent, path } }, hunks });
  }
  return steps;
}

/**
 * A blame as one entry per line, in typed arrays (a long history rewrites the array once per
 * commit, so copies must be memory copies): the line's origin, an index into `origins` (a commit
 * and the path there), and its line number in that commit's version.
 */
interface LineOrigins {
  origins: Array<{ commit: string; path: string }>;
  origin: Int32Array;
  line: Int32Array;
}

function originsOf(blame: Blame): LineOrigins | null {
  const origins: LineOrigins['origins'] = [];
  const index = new Map<string, number>();
  const length = blame.ranges.reduce((n, r) => n + r.count, 0);
  const lines: LineOrigins = { origins, origin: new Int32Array(length), line: new Int32Array(length) };
  let at = 0;
  for (const r of blame.ranges) {
    // Ranges are in file order, one after the other: anything else is not a blame to build on.
    if (r.start !== at + 1) return null;
    const key = `${r.commit}\0${r.origPath}`;
    let i = index.get(key);
    if (i === undefined) {
      i = origins.push({ commit: r.commit, path: r.origPath }) - 1;
      index.set(key, i);
    }
    for (let k = 0; k < r.count; k++, at++) {
      lines.origin[at] = i;
      lines.line[at] = r.origStart + k;
    }
  }
  return lines;
}

/** Lines back into ranges: consecutive lines of one origin that were consecutive there too. */
function rangesOf(lines: LineOrigins): BlameRange[] {
  const ranges: BlameRange[] = [];
  let last: BlameRange | null = null;
  let lastOrigin = -1;
  for (let i = 0; i < lines.origin.length; i++) {
    const origin = lines.origin[i];
    const line = lines.line[i];
    if (last && lastOrigin === origin && last.origStart + last.count === line) last.count += 1;
    else {
      const { commit, path } = lines.origins[origin];
      last = { commit, start: i + 1, count: 1, origStart: line, origPath: path };
      lastOrigin = origin;
      ranges.push(last);
    }
  }
  return ranges;
}

/**
 * git blame's own rule, one commit at a time: a line the commit's diff leaves unchanged keeps the
 * blame it had in the parent, a line the diff adds is the commit's. Null when a hunk does not fit
 * the file (then git blames).
 */
function applySteps(base: Blame, steps: BlameStep[], path: string): Blame | null {
  let lines = originsOf(base);
  if (!lines) return null;
  const commits = new Map(base.commits);
  for (const step of steps) {
    if (step.hunks.length === 0) continue;
    const length: number = step.hunks.reduce((n, [, oldCount, , newCount]) => n + newCount - oldCount, lines.origin.length);
    if (length < 0) return null;
    const origin: Int32Array = new Int32Array(length);
    const line = new Int32Array(length);
    const mine = lines.origins.push({ commit: step.commit.oid, path }) - 1;
    let old = 0; // lines of the parent's version consumed, 0-based
    let at = 0; // lines of this version written
    for (const [oldStart, oldCount, newStart, newCount] of step.hunks) {
      // With a count of 0, a start names the line before the hunk, not its first line.
      const before = oldCount === 0 ? oldStart : oldStart - 1;
      if (before < old || before + oldCount > lines.origin.length) return null;
      origin.set(lines.origin.subarray(old, before), at);
      line.set(lines.line.subarray(old, before), at);
      at += before - old;
      if (at !== (newCount === 0 ? newStart : newStart - 1) || at + newCount > length) return null;
      for (let i = 0; i < newCount; i++, at++) {
        origin[at] = mine;
        line[at] = at + 1;
      }
      old = before + oldCount;
    }
    if (at + lines.origin.length - old !== length) return null;
    origin.set(lines.origin.subarray(old), at);
    line.set(lines.line.subarray(old), at);
    lines = { origins: lines.origins, origin, line };
    commits.set(step.commit.oid, step.commit);
  }
  const used = new Set<string>();
  for (const i of new Set(lines.origin)) used.add(lines.origins[i].commit);
  for (const oid of commits.keys()) if (!used.has(oid)) commits.delete(oid);
  return { ranges: rangesOf(lines), commits };
}

/**
 * The blame from the nearest ancestor on the commit's linear history whose blame is stored, carried
 * forward commit by commit; null when there is none within MAX_CHAIN commits or the way there
 * creates, deletes or renames the file.
 */
async function incrementalBlame(objects: GitCache, gitdir: string, commit: string, path: string): Promise<Blame | null> {
  // One listing of the store first: with no stored blame of the path, there is no parent to walk.
  const stored = await storedBlameCommits(gitdir, path);
  stored.delete(commit);
  if (stored.size === 0) return null;
  // Up the first parents, read in-process through the repository's cache (no subprocess), and
  // never across a merge: a merge's blame weighs several parents, so only git blames across it.
  const reader = new RepoReader(gitdir, objects);
  let oid = commit;
  for (let step = 0; step < MAX_CHAIN; step++) {
    const { parents } = await reader.commit(oid);
    if (parents.length !== 1) return null;
    oid = parents[0];
    if (!stored.has(oid)) continue;
    const base = await readStoredBlame(gitdir, oid, path);
    if (!base) continue;
    const steps = await stepsBetween(gitdir, oid, commit, path);
    return steps && applySteps(base, steps, path);
  }
  return null;
}

/**
 * Who last changed each line of `path` as of `commit` (a full id): memoised in the repository's
 * cache, else stored on disk in the repository (`blame-store.ts`), else carried forward from the
 * stored blame of an ancestor, else from `git blame --incremental`; what is computed is stored.
 * A blame at a commit never changes, so neither a push nor a restart makes an entry false.
 */
export function blame(objects: GitCache, gitdir: string, commit: string, path: string): Promise<Blame> {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error('blame: expected a full commit id');
  return memoise(objects.repo(gitdir), `blame:${commit}:${path}`, async () => {
    const stored = await readStoredBlame(gitdir, commit, path);
    if (stored) return stored;
    const computed = (await incrementalBlame(objects, gitdir, commit, path)) ?? (await runBlame(gitdir, commit, path));
    // A cache that cannot be written (a full disk, a repository deleted meanwhile) costs only speed.
    await storeBlame(gitdir, commit, path, computed).catch(() => undefined);
    return computed;
  });
}

/** Files a push may change whose blame is carried forward at once; beyond, they wait for a visitor. */
const MAX_WARM_FILES = 50;

/**
 * After `from` moved to `to` on a branch: for each file the move changed whose blame at `from` is
 * stored, stores (and memoises) its blame at `to`, carried forward through the new commits. A
 * file the move created, deleted or renamed, or a history with a merge, is left for git to blame
 * when someone asks. Returns the paths whose blame was stored, and the other changed paths (within
 * the bound) whose blame at `to` is not stored.
 */
export async function carryBlamesForward(objects: GitCache, gitdir: string, from: string, to: string): Promise<{ carried: string[]; others: string[] }> {
  const { stdout } = await git(['diff', '--name-only', '-z', '--no-renames', from, to], { cwd: gitdir, env: ENV });
  const paths = stdout.split('\0').filter(Boolean).slice(0, MAX_WARM_FILES);
  const carried: string[] = [];
  const others: string[] = [];
  for (const path of paths) {
    if (await hasStoredBlame(gitdir, to, path)) continue;
    const forward = (await hasStoredBlame(gitdir, from, path)) ? await incrementalBlame(objects, gitdir, to, path) : null;
    if (!forward) {
      others.push(path);
      continue;
    }
    await storeBlame(gitdir, to, path, forward);
    objects.repo(gitdir).memo.set(`blame:${to}:${path}`, forward);
    carried.push(path);
  }
  return { carried, others };
}

/** Whether at least `threshold` commits up to `commit` changed `path`: the count stops there, and Bloom filters skip the other commits. */
export async function hasLongHistory(gitdir: string, commit: string, path: string, threshold: number): Promise<boolean> {
  const { stdout } = await git(['--literal-pathspecs', 'rev-list', '--count', `--max-count=${threshold}`, commit, '--', path], { cwd: gitdir, env: ENV });
  return Number(stdout.trim()) >= threshold;
}

/**
 * The files changed by the most commits up to `commit`, at least `threshold` each, most changed
 * first, `limit` at most: one pass over the paths every commit changed (`git log --name-only`),
 * for a branch that arrives whole (a first push, an import), where no old tip says what changed.
 */
export async function mostChangedFiles(gitdir: string, commit: string, threshold: number, limit: number): Promise<string[]> {
  const { stdout } = await git(['log', '--format=', '--name-only', '--no-renames', '-z', commit, '--'], { cwd: gitdir, env: ENV });
  const counts = new Map<string, number>();
  for (const path of stdout.split('\0')) {
    const name = path.replace(/^\n+/, '');
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n >= threshold).sort((a, b) => b[1] - a[1]).slice(0, limit).map(([path]) => path);
}
