import type { Db } from '../db/index.js';
import type { JobLock } from './jobs.js';
import { findPullById, recordMergeCheck, type MergeCheck } from '../db/pulls.js';
import { findRepoById } from '../db/repos.js';
import { repoPath } from '../git/store.js';
import { diffStat, mergeBase, mergeTree } from '../git/merge.js';
import { isAncestor, readRef } from '../git/write.js';

/**
 * Whether a pull request's head merges cleanly into its base branch as they are now: a clean merge,
 * the conflicting files, or nothing to merge (the head is already in the base). Computed in the
 * base repository, where refs/pull/<n>/head keeps the head's objects.
 */
export async function computeMergeability(gitdir: string, baseSha: string, headSha: string): Promise<Omit<MergeCheck, 'baseSha' | 'headSha'>> {
  const base = await mergeBase(gitdir, baseSha, headSha);
  const stats = base ? await diffStat(gitdir, base, headSha) : { additions: 0, deletions: 0, changedFiles: 0 };
  const common = { mergeBase: base, ...stats };
  if (!base) return { ...common, state: 'conflict', conflictedFiles: [] };
  if (await isAncestor(gitdir, headSha, baseSha)) return { ...common, state: 'empty', conflictedFiles: [] };
  const merged = await mergeTree(gitdir, baseSha, headSha);
  return merged.clean ? { ...common, state: 'mergeable', conflictedFiles: [] } : { ...common, state: 'conflict', conflictedFiles: merged.conflicts };
}

/** Checks one pull request now and stores the result, unless its head moved meanwhile. */
export async function checkPull(db: Db, reposDir: string, pullId: number): Promise<void> {
  const pull = await findPullById(db, pullId);
  if (!pull || pull.state !== 'open') return;
  const base = await findRepoById(db, pull.base_repo_id);
  if (!base) return;
  const gitdir = repoPath(reposDir, base.owner_name, base.name);
  const baseSha = await readRef(gitdir, `refs/heads/${pull.base_branch}`);
  if (!baseSha) return;
  const result = await computeMergeability(gitdir, baseSha, pull.head_sha);
  await recordMergeCheck(db, pull.id, { ...result, baseSha, headSha: pull.head_sha });
}

/**
 * Mergeability in the background, one checker per app instance: a check is planned after a push to
 * the base or the head, a burst of pushes leads to one check per pull request, and checks of one
 * pull request never overlap (the job lock holds its name). Requests never wait for it; they read
 * what the last check stored.
 */
export class MergeabilityChecker {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly running = new Map<number, Promise<void>>();
  private closed = false;

  constructor(private readonly options: { db: Db; reposDir: string; jobs: JobLock; delayMs: number; onError: (err: unknown) => void }) {}

  /** Plans a check of the pull request after the delay, restarting the delay if one is planned. */
  schedule(pullId: number): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(pullId));
    const timer = setTimeout(() => {
      this.timers.delete(pullId);
      const { db, reposDir, jobs } = this.options;
      const run = jobs.run(`mergeability:${pullId}`, () => checkPull(db, reposDir, pullId)).catch((err) => this.options.onError(err));
      this.running.set(pullId, run);
      void run.finally(() => {
        if (this.running.get(pullId) === run) this.running.delete(pullId);
      });
    }, this.options.delayMs);
    timer.unref();
    this.timers.set(pullId, timer);
  }

  /** Resolves once nothing is planned or running (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.timers.size > 0 || this.running.size > 0) {
      await Promise.allSettled([...this.running.values()]);
      if (this.timers.size > 0) await new Promise((r) => setTimeout(r, this.options.delayMs + 5));
    }
  }

  /** Cancels what is planned and waits for what is running. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }
}
