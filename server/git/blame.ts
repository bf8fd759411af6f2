import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { memoise, type GitCache } from './cache.js';
import { gitCommand } from './exec.js';

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

/**
 * Who last changed each line of `path` as of `commit` (a full id), from `git blame --incremental`;
 * memoised in the repository's cache by (commit, path), which a push never makes false.
 */
export function blame(objects: GitCache, gitdir: string, commit: string, path: string): Promise<Blame> {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error('blame: expected a full commit id');
  return memoise(objects.repo(gitdir), `blame:${commit}:${path}`, () => runBlame(gitdir, commit, path));
}
