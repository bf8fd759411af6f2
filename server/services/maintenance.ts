import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dropRepoCache } from '../git/cache.js';

const run = promisify(execFile);

/** Runs git at the lowest CPU priority: maintenance must not slow the clones and pushes being served. */
function backgroundGit(args: string[], cwd: string) {
  return run('nice', ['-n', '19', 'git', ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
}

const running = new Map<string, Promise<void>>();

async function maintain(repoPath: string): Promise<void> {
  // -A keeps unreachable objects loose instead of dropping them: a push running right now may need them.
  await backgroundGit(['repack', '-A', '-d', '-q', '--write-bitmap-index'], repoPath);
  await backgroundGit(['commit-graph', 'write', '--reachable', '--no-progress'], repoPath);
  // The packs the in-process object cache indexed are gone.
  dropRepoCache(repoPath);
}

/**
 * Repacks a repository with a reachability bitmap and writes its commit-graph, now. Runs after any
 * maintenance already under way on the same repository, never alongside it.
 */
export function runMaintenanceNow(repoPath: string): Promise<void> {
  const previous = running.get(repoPath) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => maintain(repoPath));
  running.set(repoPath, next);
  const forget = () => {
    if (running.get(repoPath) === next) running.delete(repoPath);
  };
  next.then(forget, forget);
  return next;
}

/** Debounced background maintenance: a burst of pushes to one repository leads to one repack. */
export class MaintenanceScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly options: { delayMs: number; onError: (repoPath: string, err: unknown) => void },
  ) {}

  /** Plans maintenance of a repository after the delay, restarting the delay if already planned. */
  schedule(repoPath: string): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(repoPath));
    const timer = setTimeout(() => {
      this.timers.delete(repoPath);
      const run = runMaintenanceNow(repoPath).catch((err) => this.options.onError(repoPath, err));
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
