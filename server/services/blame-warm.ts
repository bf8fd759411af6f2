import type { GitCache } from '../git/cache.js';
import { blame, carryBlamesForward, hasLongHistory, mostChangedFiles } from '../git/blame.js';
import { git } from '../git/exec.js';
import { repoPath as repositoryPath } from '../git/store.js';
import { isBinary, RepoReader } from '../git/read.js';
import { CACHE_ENTRY_MAX, highlightLines } from './render.js';
import type { EventBus } from './events.js';
import { JobLockClosedError, type JobLock } from './jobs.js';

const ZERO_ID = '0000000000000000000000000000000000000000';
/**
 * A file changed by at least this many commits has a long history: git blame reads every version
 * (about 0.4 s for a 1,000-line file and 1,000 commits on a quiet machine), so a push blames it
 * ahead, even when nobody asked for its blame yet.
 */
const LONG_HISTORY = 100;
/** Long histories blamed from scratch after one push, at most: each is a whole git blame. */
const MAX_LONG_PER_PUSH = 3;

/** What carrying blames forward runs on: the app instance's bus, job lock and git cache, and where repositories live. */
export interface BlameWarmWorkers {
  events: EventBus;
  reposDir: string;
  jobs: JobLock;
  gitCache: GitCache;
  onError: (repoPath: string, err: unknown) => void;
}

/** Highlights a file at a commit as the blame view will (same cache, keyed by blob id); false when it is not a text file of a size the cache keeps. */
async function highlightVersion(gitCache: GitCache, repoPath: string, commit: string, path: string): Promise<boolean> {
  const reader = new RepoReader(repoPath, gitCache);
  const entry = await reader.entryAt(commit, path);
  if (!entry || entry.type !== 'blob') return false;
  const bytes = await reader.blob(entry.oid);
  // A larger file's highlighting is not kept: doing it now would be lost work.
  if (isBinary(bytes) || bytes.length > CACHE_ENTRY_MAX) return false;
  highlightLines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), entry.oid, entry.name);
  return true;
}

/**
 * After each push, in the background (a job per repository, never awaited by the push): the blames
 * someone already asked for at a branch's old tip are carried forward to its new tip, so that the
 * next visitor of a changed file reads a stored blame instead of waiting for `git blame`, beside
 * its new version already highlighted (highlighting a long file costs as much as the blame). A
 * changed text file with a long history (LONG_HISTORY commits) whose blame nobody asked for yet is
 * blamed from scratch, MAX_LONG_PER_PUSH at most. A default branch that arrives whole (the first
 * push of a repository, an import or a mirror's first sync) has no old tip to compare with: its
 * files with the longest histories are blamed, as many. Returns the function that stops following.
 */
export function followPushesForBlame(workers: BlameWarmWorkers): () => void {
  const offPush = workers.events.subscribe('pushed', ({ repo, repoPath, updates }) => {
    const moves = updates.filter((u) => u.ref.startsWith('refs/heads/') && u.oldId !== ZERO_ID && u.newId !== ZERO_ID);
    const created = updates.find((u) => u.ref === `refs/heads/${repo.default_branch}` && u.oldId === ZERO_ID && u.newId !== ZERO_ID);
    if (moves.length === 0 && !created) return;
    inBackground(workers, repoPath, async () => {
      let long = 0;
      for (const move of moves) {
        const { carried, others } = await carryBlamesForward(workers.gitCache, repoPath, move.oldId, move.newId);
        for (const path of carried) await highlightVersion(workers.gitCache, repoPath, move.newId, path);
        for (const path of others) {
          if (long >= MAX_LONG_PER_PUSH) break;
          if (!(await hasLongHistory(repoPath, move.newId, path, LONG_HISTORY))) continue;
          if (await blameAhead(workers.gitCache, repoPath, move.newId, path)) long += 1;
        }
      }
      if (created) await blameLongestHistories(workers.gitCache, repoPath, created.newId);
    });
  });
  const offCreated = workers.events.subscribe('repository', ({ repo, action }) => {
    if (action !== 'created' || repo.is_empty) return;
    const path = repositoryPath(workers.reposDir, repo.owner_name, repo.name);
    inBackground(workers, path, async () => {
      const tip = await defaultTip(path, repo.default_branch);
      if (tip) await blameLongestHistories(workers.gitCache, path, tip);
    });
  });
  return () => {
    offPush();
    offCreated();
  };
}

/** Runs blame work for a repository as its job (one at a time per repository, once across replicas); a failure is reported, never thrown. */
function inBackground(workers: BlameWarmWorkers, repoPath: string, work: () => Promise<void>): void {
  workers.jobs.run(`blame-warm:${repoPath}`, work).catch((err: unknown) => {
    if (!(err instanceof JobLockClosedError)) workers.onError(repoPath, err);
  });
}

/** Highlights and blames one text file at a commit; false when it is not a text file the caches keep. */
async function blameAhead(gitCache: GitCache, repoPath: string, commit: string, path: string): Promise<boolean> {
  if (!(await highlightVersion(gitCache, repoPath, commit, path))) return false;
  await blame(gitCache, repoPath, commit, path);
  return true;
}

/** Blames the files with the longest histories at a commit (LONG_HISTORY commits at least, MAX_LONG_PER_PUSH of them). */
async function blameLongestHistories(gitCache: GitCache, repoPath: string, commit: string): Promise<void> {
  let long = 0;
  // A few more candidates than needed: some are gone at this commit, or binary.
  for (const path of await mostChangedFiles(repoPath, commit, LONG_HISTORY, MAX_LONG_PER_PUSH * 3)) {
    if (long >= MAX_LONG_PER_PUSH) break;
    if (await blameAhead(gitCache, repoPath, commit, path)) long += 1;
  }
}

/** The commit the default branch points at, or null when it does not exist. */
async function defaultTip(repoPath: string, branch: string): Promise<string | null> {
  try {
    return (await git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: repoPath })).stdout.trim() || null;
  } catch {
    return null;
  }
}
