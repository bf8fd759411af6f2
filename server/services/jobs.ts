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

  /** See JobLock.run. */
  run<T>(name: string, job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new JobLockClosedError(name));
    const previous = this.tails.get(name) ?? Promise.resolve();
    const next = previous.then(
      () => job(),
      () => job(),
    );
    this.tails.set(name, next);
    const forget = () => {
      if (this.tails.get(name) === next) this.tails.delete(name);
    };
    next.then(forget, forget);
    return next;
  }

  /** See JobLock.close. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.tails.size > 0) await Promise.allSettled([...this.tails.values()]);
  }
}
