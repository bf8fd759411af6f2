import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { EventBus } from './events.js';
import type { JobLock } from './jobs.js';

const run = promisify(execFile);

/** Runs git at the lowest CPU priority: maintenance must not slow the clones and pushes being served. */
function backgroundGit(args: string[], cwd: string) {
  return run('nice', ['-n', '19', 'git', ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
}

/** What maintenance runs on: the app instance's job lock and event bus. */
export interface MaintenanceWorkers {
  jobs: JobLock;
  events: EventBus;
}

async function maintain(repoPath: string): Promise<void> {
  // -A keeps unreachable objects loose instead of dropping them: a push running right now may need them.
  await backgroundGit(['repack', '-A', '-d', '-q', '--write-bitmap-index'], repoPath);
  await backgroundGit(['commit-graph', 'write', '--reachable', '--no-progress'], repoPath);
}

/**
 * Repacks a repository with a reachability bitmap and writes its commit-graph, now. Runs after any
 * maintenance already under way on the same repository, never alongside it (the job lock holds
 * the repository's name), then tells every process to drop what it cached of the old packs.
 */
export function runMaintenanceNow(workers: MaintenanceWorkers, repoPath: string): Promise<void> {
  return workers.jobs.run(`maintenance:${repoPath}`, async () => {
    try {
      await maintain(repoPath);
    } finally {
      // The packs the object caches indexed may be gone, even when a later step failed.
      await workers.events.publish('repo-cache-drop', { repoPath });
    }
  });
}

/** Debounced background maintenance: a burst of pushes to one repository leads to one repack. */
export class MaintenanceScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly options: MaintenanceWorkers & { delayMs: number; onError: (repoPath: string, err: unknown) => void },
  ) {}

  /** Plans maintenance of a repository after the delay, restarting the delay if already planned. */
  schedule(repoPath: string): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(repoPath));
    const timer = setTimeout(() => {
      this.timers.delete(repoPath);
      const run = runMaintenanceNow(this.options, repoPath).catch((err) => this.options.onError(repoPath, err));
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
