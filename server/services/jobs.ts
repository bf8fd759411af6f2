/**
 * Runs named background jobs (a repository's maintenance, a mirror's sync, a pull request's
 * mergeability check) once at a time. The in-process lock below is the one implementation today;
 * one on PostgreSQL advisory locks will hold the name across processes too.
 */
export interface JobLock {
  /** Runs `job` once no other run of `name` is under way, and resolves or rejects as it does. */
  run<T>(name: string, job: () => Promise<T>): Promise<T>;
  /** Refuses new runs and waits for those under way (and queued) to end. */
  close(): Promise<void>;
  /** Calls `listener` as each run ends (for /metrics); a lock that cannot tell leaves it out. */
  watch?(listener: (run: JobRun) => void): void;
  /** Runs under way or waiting in this process (for /metrics). */
  pending?(): number;
}

/** How one run of a background job ended: its kind (the name before the first `:`, not the repository or pull request). */
export interface JobRun {
  kind: string;
  ok: boolean;
  seconds: number;
}

/** Thrown by `run` once the app is closing: no background job starts then. */
export class JobLockClosedError extends Error {
  constructor(name: string) {
    super(`The background job "${name}" was not run: the server is shutting down.`);
  }
}

/** The job lock of a single process: runs of one name are chained, runs of different names go side by side. */
export class InProcessJobLock implements JobLock {
  /** The last run of each name; a new run starts after it settles. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private closed = false;
  private readonly listeners: Array<(run: JobRun) => void> = [];
  private waiting = 0;

  /** See JobLock.run. */
  run<T>(name: string, job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new JobLockClosedError(name));
    const previous = this.tails.get(name) ?? Promise.resolve();
    const timed = () => this.timed(name, job);
    const next = previous.then(timed, timed);
    this.tails.set(name, next);
    this.waiting += 1;
    const forget = () => {
      this.waiting -= 1;
      if (this.tails.get(name) === next) this.tails.delete(name);
    };
    next.then(forget, forget);
    return next;
  }

  /** See JobLock.watch. */
  watch(listener: (run: JobRun) => void): void {
    this.listeners.push(listener);
  }

  /** See JobLock.pending. */
  pending(): number {
    return this.waiting;
  }

  private async timed<T>(name: string, job: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let ok = false;
    try {
      const value = await job();
      ok = true;
      return value;
    } finally {
      const run: JobRun = { kind: name.split(':', 1)[0] ?? name, ok, seconds: (performance.now() - started) / 1000 };
      for (const listener of this.listeners) listener(run);
    }
  }

  /** See JobLock.close. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.tails.size > 0) await Promise.allSettled([...this.tails.values()]);
  }
}
