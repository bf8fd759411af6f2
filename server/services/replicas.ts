import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/index.js';
import { processAlive } from '../lib/processes.js';
import { beatReplica, joinReplicas, leaveReplicas, liveReplicas, type ReplicaRow } from '../db/replicas.js';

/** How often a process says it is alive, and after how long without a word it counts as dead. */
export const HEARTBEAT_MS = 5_000;
export const PRESUMED_DEAD_MS = 20_000;

/**
 * This process among the forge's replicas: its id, written with the pushes it begins, and a
 * heartbeat in the `replicas` table, so that a replica starting up can tell which other ones are
 * serving now (their work in progress is not a crash's leftover) and which died.
 */
export class ReplicaPresence {
  readonly id = randomUUID();
  private readonly startedAt = new Date().toISOString();
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Db,
    private readonly onError: (err: unknown) => void,
  ) {}

  static async start(db: Db, onError: (err: unknown) => void, everyMs = HEARTBEAT_MS): Promise<ReplicaPresence> {
    const presence = new ReplicaPresence(db, onError);
    await joinReplicas(db, presence.row(), aDayAgo());
    presence.timer = setInterval(() => {
      presence.beating = presence.beat().catch(onError);
    }, everyMs);
    presence.timer.unref();
    return presence;
  }

  private row(): ReplicaRow {
    return { id: this.id, host: hostname(), pid: process.pid, started_at: this.startedAt, seen_at: new Date().toISOString() };
  }

  private async beat(): Promise<void> {
    const now = new Date().toISOString();
    if (!(await beatReplica(this.db, this.id, now))) await joinReplicas(this.db, this.row(), aDayAgo());
  }

  /**
   * The other replicas alive now: heard from within PRESUMED_DEAD_MS, except those of this machine
   * whose process is gone (a replica killed and started again at once is not its own neighbour;
   * a row with this very pid on this host is an earlier life of this process, as in a container).
   */
  async others(): Promise<ReplicaRow[]> {
    const rows = await liveReplicas(this.db, new Date(Date.now() - PRESUMED_DEAD_MS).toISOString(), this.id);
    const here = hostname();
    return rows.filter((row) => row.host !== here || (row.pid !== process.pid && processAlive(row.pid)));
  }

  /** Stops the heartbeat and removes this process's row: it no longer serves. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    await leaveReplicas(this.db, this.id).catch(this.onError);
  }
}

/** Rows older than this are forgotten when a process joins: no process is silent for a day and alive. */
const aDayAgo = (): string => new Date(Date.now() - 24 * 3600_000).toISOString();
