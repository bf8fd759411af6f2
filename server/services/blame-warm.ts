import type { GitCache } from '../git/cache.js';
import { carryBlamesForward } from '../git/blame.js';
import { isBinary, RepoReader } from '../git/read.js';
import { CACHE_ENTRY_MAX, highlightLines } from './render.js';
import type { EventBus } from './events.js';
import { JobLockClosedError, type JobLock } from './jobs.js';

const ZERO_ID = '0000000000000000000000000000000000000000';

/** What carrying blames forward runs on: the app instance's bus, job lock and git cache. */
export interface BlameWarmWorkers {
  events: EventBus;
  jobs: JobLock;
  gitCache: GitCache;
  onError: (repoPath: string, err: unknown) => void;
}

/** Highlights a file at a commit as the blame view will (same cache, keyed by blob id). */
async function highlightVersion(gitCache: GitCache, repoPath: string, commit: string, path: string): Promise<void> {
  const reader = new RepoReader(repoPath, gitCache);
  const entry = await reader.entryAt(commit, path);
  if (!entry || entry.type !== 'blob') return;
  const bytes = await reader.blob(entry.oid);
  // A larger file's highlighting is not kept: doing it now would be lost work.
  if (isBinary(bytes) || bytes.length > CACHE_ENTRY_MAX) return;
  highlightLines(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), entry.oid, entry.name);
}

/**
 * After each push, in the background (a job per repository, never awaited by the push): the blames
 * someone already asked for at a branch's old tip are carried forward to its new tip, so that the
 * next visitor of a changed file reads a stored blame instead of waiting for `git blame`, beside
 * its new version already highlighted (highlighting a long file costs as much as the blame).
 * Returns the function that stops following pushes.
 */
export function followPushesForBlame(workers: BlameWarmWorkers): () => void {
  return workers.events.subscribe('pushed', ({ repoPath, updates }) => {
    const moves = updates.filter((u) => u.ref.startsWith('refs/heads/') && u.oldId !== ZERO_ID && u.newId !== ZERO_ID);
    if (moves.length === 0) return;
    const job = workers.jobs.run(`blame-warm:${repoPath}`, async () => {
      for (const move of moves) {
        const paths = await carryBlamesForward(workers.gitCache, repoPath, move.oldId, move.newId);
        for (const path of paths) await highlightVersion(workers.gitCache, repoPath, move.newId, path);
      }
    });
    job.catch((err: unknown) => {
      if (!(err instanceof JobLockClosedError)) workers.onError(repoPath, err);
    });
  });
}
