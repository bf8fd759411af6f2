import { isAncestor } from '../git/write.js';
import { maintainRepository, type MaintenanceOptions } from '../git/maintenance.js';
import type { RefUpdate } from '../db/ref-updates.js';
import type { EventBus } from './events.js';
import type { JobLock } from './jobs.js';

/** What maintenance runs on: the app instance's job lock and event bus. */
export interface MaintenanceWorkers {
  jobs: JobLock;
  events: EventBus;
}

const ZERO_ID = '0000000000000000000000000000000000000000';

/**
 * Repacks a repository with a reachability bitmap and writes its commit-graph, now. Runs after any
 * maintenance already under way on the same repository, never alongside it (the job lock holds
 * the repository's name), then tells every process to drop what it cached of the old packs.
 */
export function runMaintenanceNow(workers: MaintenanceWorkers, repoPath: string, options: MaintenanceOptions = {}): Promise<void> {
  return workers.jobs.run(`maintenance:${repoPath}`, async () => {
    try {
      await maintainRepository(repoPath, options);
    } finally {
      // The packs the object caches indexed may be gone, even when a later step failed.
      await workers.events.publish('repo-cache-drop', { repoPath });
    }
  });
}

/** Whether ref updates took commits away from a branch or tag (a deletion or a forced update): then maintenance prunes. */
export async function removesHistory(repoPath: string, updates: RefUpdate[]): Promise<boolean> {
  for (const u of updates) {
    if (!u.ref.startsWith('refs/heads/') && !u.ref.startsWith('refs/tags/')) continue;
    if (u.newId === ZERO_ID) return true;
    if (u.oldId !== ZERO_ID && !(await isAncestor(repoPath, u.oldId, u.newId))) return true;
  }
  return false;
}

/** Debounced background maintenance: a burst of pushes to one repository leads to one repack. */
export class MaintenanceScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Repositories whose next run prunes, with the time of the latest push that removed history. */
  private readonly prunes = new Map<string, Date>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly options: MaintenanceWorkers & { delayMs: number; onError: (repoPath: string, err: unknown) => void },
  ) {}

  /**
   * Plans maintenance of a repository after the delay, restarting the delay if already planned. With
   * `prune`, the run deletes what no ref reaches any more and was written before now (git's times
   * have whole seconds: up to the next one).
   */
  schedule(repoPath: string, options: { prune?: boolean } = {}): void {
    if (this.closed) return;
    if (options.prune) this.prunes.set(repoPath, new Date(Date.now() + 1000));
    clearTimeout(this.timers.get(repoPath));
    const timer = setTimeout(() => {
      this.timers.delete(repoPath);
      const pruneBefore = this.prunes.get(repoPath);
      this.prunes.delete(repoPath);
      const run = runMaintenanceNow(this.options, repoPath, { pruneBefore }).catch((err) => this.options.onError(repoPath, err));
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }, this.options.delayMs);
    timer.unref();
    this.timers.set(repoPath, timer);
  }

  /** Cancels what is planned and waits for what is running. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }
}
