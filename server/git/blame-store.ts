import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Blame, BlameCommit, BlameRange } from './blame.js';

/**
 * Blames kept on disk inside the repository, `<repo>/fabrique/blame-cache/`, so that a restart or a
 * push (which drops the in-memory caches) keeps them: a blame at (commit, path) never changes, so
 * an entry is never invalidated, only evicted. git ignores the folder; backups copy only refs,
 * objects and settings (`snapshot.ts`), so it is not backed up, and a restored repository starts
 * without it.
 */
const DIR = join('fabrique', 'blame-cache');
/** Entries kept per repository; beyond, the oldest written go first. */
const MAX_ENTRIES = 512;
/** A blame larger than this (a huge file with a scattered history) is not stored: 512 entries stay under 128 MiB. */
const MAX_ENTRY_BYTES = 256 * 1024;
const FORMAT = 1;

/** One stored blame: commits as arrays, ranges as arrays of indexes into them, to keep files small. */
interface Stored {
  v: number;
  commit: string;
  path: string;
  /** [oid, author name, author email, author time, author tz, summary, previous oid, previous path]. */
  c: Array<[string, string, string, number, string, string, string | null, string | null]>;
  /** [commit index, start, count, orig start, orig path]. */
  r: Array<[number, number, number, number, string]>;
}

/** The path's hash leads the entry's name, so that one listing of the folder tells at which commits a path's blame is stored. */
function pathKey(path: string): string {
  return createHash('sha256').update(path).digest('hex').slice(0, 24);
}

const NAME = /^([0-9a-f]{24})-([0-9a-f]{40})\.json$/;

function entryPath(gitdir: string, commit: string, path: string): string {
  return join(gitdir, DIR, `${pathKey(path)}-${commit}.json`);
}

function encode(commit: string, path: string, blame: Blame): string {
  const oids = [...blame.commits.keys()];
  const index = new Map(oids.map((oid, i) => [oid, i]));
  const stored: Stored = {
    v: FORMAT,
    commit,
    path,
    c: [...blame.commits.values()].map((c) => [c.oid, c.authorName, c.authorEmail, c.authorTime, c.authorTz, c.summary, c.previous?.oid ?? null, c.previous?.path ?? null]),
    r: blame.ranges.map((r) => [index.get(r.commit) ?? -1, r.start, r.count, r.origStart, r.origPath]),
  };
  return JSON.stringify(stored);
}

function decode(text: string, commit: string, path: string): Blame | null {
  const stored = JSON.parse(text) as Stored;
  // A name is a hash prefix: the entry says which blame it holds, and an older format is recomputed.
  if (stored.v !== FORMAT || stored.commit !== commit || stored.path !== path) return null;
  const commits = new Map<string, BlameCommit>();
  for (const [oid, authorName, authorEmail, authorTime, authorTz, summary, prevOid, prevPath] of stored.c) {
    commits.set(oid, { oid, authorName, authorEmail, authorTime, authorTz, summary, previous: prevOid && prevPath !== null ? { oid: prevOid, path: prevPath } : null });
  }
  const ranges: BlameRange[] = [];
  for (const [i, start, count, origStart, origPath] of stored.r) {
    const oid = stored.c[i]?.[0];
    if (oid === undefined) return null;
    ranges.push({ commit: oid, start, count, origStart, origPath });
  }
  return { ranges, commits };
}

/** The blame of `path` at `commit` stored in the repository, or null when there is none (or it cannot be read). */
export async function readStoredBlame(gitdir: string, commit: string, path: string): Promise<Blame | null> {
  let text: string;
  try {
    text = await readFile(entryPath(gitdir, commit, path), 'utf8');
  } catch {
    return null;
  }
  try {
    return decode(text, commit, path);
  } catch {
    // A torn or foreign file is a miss: the blame is recomputed and the file rewritten.
    return null;
  }
}

/** The commits at which the blame of `path` is stored: one listing of the folder, no file read. */
export async function storedBlameCommits(gitdir: string, path: string): Promise<Set<string>> {
  const key = pathKey(path);
  const commits = new Set<string>();
  let names: string[];
  try {
    names = await readdir(join(gitdir, DIR));
  } catch {
    return commits;
  }
  for (const name of names) {
    const match = NAME.exec(name);
    if (match && match[1] === key) commits.add(match[2]);
  }
  return commits;
}

/** Whether the repository holds the blame of `path` at `commit`, without reading it. */
export async function hasStoredBlame(gitdir: string, commit: string, path: string): Promise<boolean> {
  try {
    await stat(entryPath(gitdir, commit, path));
    return true;
  } catch {
    return false;
  }
}

/**
 * Stores a blame: written under a temporary name then renamed, so that a reader or a crash never
 * sees half a file; then, past MAX_ENTRIES, the oldest entries (and temporary files a crash left)
 * are removed.
 */
export async function storeBlame(gitdir: string, commit: string, path: string, blame: Blame): Promise<void> {
  const text = encode(commit, path, blame);
  if (Buffer.byteLength(text) > MAX_ENTRY_BYTES) return;
  const target = entryPath(gitdir, commit, path);
  const dir = join(gitdir, DIR);
  // Not recursive: a repository deleted meanwhile must not come back as a folder holding a cache.
  await mkdirIfMissing(join(gitdir, 'fabrique'));
  await mkdirIfMissing(dir);
  const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, target);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
  await evict(dir);
}

async function mkdirIfMissing(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

async function evict(dir: string): Promise<void> {
  const names = await readdir(dir);
  if (names.length <= MAX_ENTRIES) return;
  const entries = await Promise.all(
    names.map(async (name) => {
      try {
        return { name, mtime: (await stat(join(dir, name))).mtimeMs };
      } catch {
        return null;
      }
    }),
  );
  const present = entries.filter((e): e is { name: string; mtime: number } => e !== null).sort((a, b) => a.mtime - b.mtime);
  // Down to three quarters, so that the next writes do not each pay for a pass.
  const excess = present.length - Math.floor((MAX_ENTRIES * 3) / 4);
  await Promise.all(present.slice(0, excess).map((e) => rm(join(dir, e.name), { force: true })));
}
