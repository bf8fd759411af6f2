import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { InProcessJobLock, JobLockClosedError, type JobLock, type JobRun } from './jobs.js';
import { KEEPALIVE_MS, type BusLog } from './pg-events.js';

export interface PgJobLockOptions {
  /** The PostgreSQL URL every replica shares (FORGE_DATABASE_URL). */
  url: string;
  log: BusLog;
  /** Waits between two tries of a lock another replica holds: from `minMs`, doubled, up to `maxMs`. */
  poll?: { minMs: number; maxMs: number };
}

/** Advisory locks are one number: a job's name is hashed into it, under a prefix of Fabrique's own. */
const KEY_SQL = "hashtextextended('fabrique-job:' || $1, 0)";

/**
 * The job lock of a forge running as several processes on one PostgreSQL database: a run of a name
 * holds a session-level advisory lock on that name, so no two replicas run it at once. In this
 * process, runs of one name are first chained by an InProcessJobLock (advisory locks are re-entrant
 * within a session, so they cannot keep apart two runs of the same process), which also times the
 * runs for /metrics. One dedicated connection holds the locks; a run waits for a lock another
 * replica holds by trying again (pg_try_advisory_lock, never a blocking call that would hold up
 * every other lock on the connection). If that connection drops, PostgreSQL releases its locks:
 * runs under way go on unprotected (git's own lock files still keep refs safe) and the next run
 * opens a new connection. A lock says nothing of whether the job is still due once it is taken:
 * jobs that run on a schedule decide that from the database after taking it (see MirrorService).
 */
export class PgJobLock implements JobLock {
  private readonly local = new InProcessJobLock();
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private closed = false;

  constructor(private readonly options: PgJobLockOptions) {}

  /** See JobLock.run. */
  run<T>(name: string, job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new JobLockClosedError(name));
    return this.local.run(name, () => this.held(name, job));
  }

  /** See JobLock.watch. */
  watch(listener: (run: JobRun) => void): void {
    this.local.watch(listener);
  }

  /** See JobLock.pending: runs of this process (those waiting for another replica included). */
  pending(): number {
    return this.local.pending();
  }

  /** See JobLock.close: runs waiting for another replica's lock give up; those under way end first. */
  async close(): Promise<void> {
    this.closed = true;
    await this.local.close();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async held<T>(name: string, job: () => Promise<T>): Promise<T> {
    const client = await this.acquire(name);
    try {
      return await job();
    } finally {
      // A lost connection already released the lock, and a new one does not hold it.
      if (this.client === client) {
        await client.query(`SELECT pg_advisory_unlock(${KEY_SQL})`, [name]).catch((err: unknown) => this.options.log.warn({ err, job: name }, 'a job lock could not be released'));
      }
    }
  }

  /** Takes the advisory lock of `name`, trying again while another replica holds it; answers the connection holding it. */
  private async acquire(name: string): Promise<pg.Client> {
    const { minMs, maxMs } = this.options.poll ?? { minMs: 50, maxMs: 1_000 };
    let wait = minMs;
    for (;;) {
      if (this.closed) throw new JobLockClosedError(name);
      const client = await this.connection();
      const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${KEY_SQL}) AS locked`, [name]);
      if (rows[0]?.locked) return client;
      await delay(wait);
      wait = Math.min(maxMs, wait * 2);
    }
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.options.url, keepAlive: true, keepAliveInitialDelayMillis: KEEPALIVE_MS, application_name: 'fabrique-jobs' });
      const forget = () => {
        if (this.client === client) this.client = null;
      };
      client.on('error', (err) => {
        this.options.log.warn({ err }, 'the job lock lost its PostgreSQL connection: the locks it held are released');
        forget();
      });
      client.on('end', forget);
      await client.connect();
      this.client = client;
      return client;
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }
}
