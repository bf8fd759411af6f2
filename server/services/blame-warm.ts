import type { GitCache } from '../git/cache.js';
import { carryBlamesForward } from '../git/blame.js';
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

/**
 * After each push, in the background (a job per repository, never awaited by the push): the blames
 * someone already asked for at a branch's old tip are carried forward to its new tip, so that the
 * next visitor of a changed file reads a stored blame instead of waiting for `git blame`.
 * Returns the function that stops following pushes.
 */
export function followPushesForBlame(workers: BlameWarmWorkers): () => void {
  return workers.events.subscribe('pushed', ({ repoPath, updates }) => {
    const moves = updates.filter((u) => u.ref.startsWith('refs/heads/') && u.oldId !== ZERO_ID && u.newId !== ZERO_ID);
    if (moves.length === 0) return;
    const job = workers.jobs.run(`blame-warm:${repoPath}`, async () => {
      for (const move of moves) await carryBlamesForward(workers.gitCache, repoPath, move.oldId, move.newId);
    });
    job.catch((err: unknown) => {
      if (!(err instanceof JobLockClosedError)) workers.onError(repoPath, err);
    });
  });
}
