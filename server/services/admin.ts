import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { findRepo, listAllRepos, transferRepoRow, type RepoRow } from '../db/repos.js';
import { findUserByEmail, findUserById, updateAccountProfile, type UserRow } from '../db/users.js';
import { deleteFinishedDeliveries, listCronTasks, mirrorSchedule, recordCronRun } from '../db/admin.js';
import { repoPath } from '../git/store.js';
import { conflict, invalid, notFound } from '../errors.js';
import { recordAudit } from './audit.js';
import type { AuditContext } from './repos.js';
import { runMaintenanceNow, type MaintenanceWorkers } from './maintenance.js';
import type { MirrorService } from './mirrors.js';
import type { EventBus } from './events.js';

const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const HOUR_MS = 3_600_000;

/** Changes an account's full name and email (Gitea's EditUserOption); a taken email is a conflict. */
export async function editAccountProfile(db: Db, context: AuditContext, user: UserRow, changes: { fullName?: string; email?: string }): Promise<UserRow> {
  const email = changes.email?.trim();
  if (email !== undefined && (!EMAIL.test(email) || email.length > 254)) throw invalid('The email address is not valid.', { field: 'email' });
  const holder = email === undefined ? undefined : await findUserByEmail(db, email);
  if (holder && holder.id !== user.id) throw conflict('Another account already uses this email address.', { field: 'email' });
  const fullName = changes.fullName?.trim();
  const changed = (fullName !== undefined && fullName !== user.full_name) || (email !== undefined && email !== user.email);
  if (!changed) return user;
  await db.transaction(async () => {
    await updateAccountProfile(db, user.id, { fullName, email });
    await recordAudit(db, { ...context, action: 'user.edit', target: `user:${user.username}`, data: { full_name: fullName, email } });
  });
  return await findUserById(db, user.id) ?? user;
}

/**
 * Gives a repository to another account or organisation (Gitea's transfer, done at once by an
 * administrator): the folder moves inside the transaction, the old full name redirects to the new one.
 */
export async function transferRepository(db: Db, reposDir: string, context: AuditContext, repo: RepoRow, newOwner: UserRow, events: EventBus): Promise<RepoRow> {
  if (newOwner.id === repo.owner_id) throw invalid(`${repo.owner_name}/${repo.name} already belongs to ${newOwner.username}.`, { field: 'new_owner' });
  if (await findRepo(db, newOwner.username, repo.name)) throw conflict(`${newOwner.username} already has a repository named ${repo.name}.`, { field: 'new_owner' });
  const path = repoPath(reposDir, repo.owner_name, repo.name);
  const newPath = repoPath(reposDir, newOwner.username, repo.name);
  if (existsSync(newPath)) throw conflict(`A repository folder for ${newOwner.username}/${repo.name} already exists on disk.`);
  mkdirSync(dirname(newPath), { recursive: true });
  await db.transaction(async () => {
    await transferRepoRow(db, repo, newOwner);
    await recordAudit(db, { ...context, action: 'repo.transfer', target: `repo:${repo.owner_name}/${repo.name}`, data: { to: newOwner.username } });
    renameSync(path, newPath);
  });
  await events.publish('repo-cache-drop', { repoPath: path });
  const moved = await findRepo(db, newOwner.username, repo.name);
  if (!moved) throw notFound('The repository');
  return moved;
}

/** Repacks one repository now (the admin's "run maintenance"), recorded in the audit trail. */
export async function maintainRepositoryNow(db: Db, reposDir: string, workers: MaintenanceWorkers, context: AuditContext, repo: RepoRow): Promise<void> {
  await runMaintenanceNow(workers, repoPath(reposDir, repo.owner_name, repo.name));
  await recordAudit(db, { ...context, action: 'repo.maintenance', target: `repo:${repo.owner_name}/${repo.name}` });
}

/** One of the site's background tasks as Gitea's `GET /admin/cron` lists it. */
export interface CronTask {
  name: string;
  schedule: string;
  next: string;
  prev: string;
  exec_times: number;
  last_duration_ms: number | null;
  last_error: string;
}

interface TaskDefinition {
  name: string;
  /** Gitea's schedule notation, shown as is. */
  schedule: string;
  /** How often this table runs it; null when another part of the forge schedules it (the mirror scheduler). */
  everyMs: number | null;
  run: () => Promise<void>;
}

export interface SiteCronOptions {
  db: Db;
  config: Config;
  workers: MaintenanceWorkers;
  /** The mirror service whose due mirrors `update_mirrors` syncs. */
  mirrors: MirrorService;
  /** Finished webhook deliveries older than this go (Gitea's cleanup_hook_task_table keeps 7 days). */
  deliveryRetentionMs: number;
  onError: (name: string, err: unknown) => void;
}

/**
 * The site's background tasks with Gitea's names: `git_gc_repos` (maintenance of every repository,
 * daily), `update_mirrors` (the mirrors that are due; the mirror scheduler also runs it every minute)
 * and `cleanup_hook_task_table` (finished webhook deliveries past their retention, daily). Each run is
 * recorded in cron_tasks; a run asked while one is under way waits for it (the job lock holds the name).
 */
export class SiteCron {
  private readonly tasks: TaskDefinition[];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly started = new Date();
  private closed = false;

  constructor(private readonly options: SiteCronOptions) {
    const { db, config, workers, mirrors } = options;
    this.tasks = [
      {
        name: 'git_gc_repos',
        schedule: '@every 24h',
        everyMs: 24 * HOUR_MS,
        run: async () => {
          const failed: string[] = [];
          for (const repo of await listAllRepos(db)) {
            // Closing: the rest waits for the next run.
            if (this.closed) break;
            await runMaintenanceNow(workers, repoPath(config.reposDir, repo.owner_name, repo.name)).catch(() => failed.push(`${repo.owner_name}/${repo.name}`));
          }
          if (failed.length > 0) throw new Error(`Maintenance failed for ${failed.join(', ')}.`);
        },
      },
      { name: 'update_mirrors', schedule: '@every 1m', everyMs: null, run: () => mirrors.syncDue() },
      {
        name: 'cleanup_hook_task_table',
        schedule: '@every 24h',
        everyMs: 24 * HOUR_MS,
        run: async () => {
          await deleteFinishedDeliveries(db, new Date(Date.now() - options.deliveryRetentionMs).toISOString());
        },
      },
    ];
  }

  /** Starts the timers of the tasks this table schedules. */
  start(): void {
    for (const task of this.tasks) {
      if (task.everyMs === null) continue;
      const timer = setInterval(() => void this.runNow(task.name, { scheduled: true }).catch((err) => this.options.onError(task.name, err)), task.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Whether a task's last run, as recorded, is a period old (less a little: timers drift, and replicas start at different times). */
  private async due(name: string, everyMs: number): Promise<boolean> {
    const row = (await listCronTasks(this.options.db)).find((r) => r.name === name);
    if (!row?.prev_at) return true;
    return Date.now() - new Date(row.prev_at).getTime() >= everyMs - Math.min(everyMs / 10, 60_000);
  }

  /** Whether a task of this name exists. */
  has(name: string): boolean {
    return this.tasks.some((t) => t.name === name);
  }

  /**
   * Runs a task now and records the run; resolves when it ended (a failure is recorded, then rethrown).
   * A `scheduled` run (a timer's) is skipped when the database says the task ran less than its
   * period ago: every replica has the timer, and the one that takes the lock after another's run
   * finds it done.
   */
  runNow(name: string, options: { scheduled?: boolean } = {}): Promise<void> {
    const task = this.tasks.find((t) => t.name === name);
    if (!task) return Promise.reject(notFound(`The cron task "${name}"`));
    const run = this.options.workers.jobs.run(`cron:${name}`, async () => {
      if (options.scheduled && task.everyMs !== null && !(await this.due(name, task.everyMs))) return;
      const at = new Date();
      let error = '';
      try {
        await task.run();
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        throw err;
      } finally {
        await recordCronRun(this.options.db, name, { at: at.toISOString(), durationMs: Date.now() - at.getTime(), error });
      }
    });
    this.inFlight.add(run);
    void run.catch(() => undefined).finally(() => this.inFlight.delete(run));
    return run;
  }

  /** The tasks with their schedule and their last run, as Gitea's Cron shape. */
  async list(): Promise<CronTask[]> {
    const rows = new Map((await listCronTasks(this.options.db)).map((row) => [row.name, row]));
    const mirrorTimes = await mirrorSchedule(this.options.db);
    return this.tasks.map((task) => {
      const row = rows.get(task.name);
      let prev = row?.prev_at ?? null;
      let next: string | null;
      if (task.everyMs === null) {
        // The mirror scheduler syncs each mirror when it is due: its last and next syncs are the task's.
        if (mirrorTimes.last && (!prev || mirrorTimes.last > prev)) prev = mirrorTimes.last;
        next = mirrorTimes.next;
      } else {
        const base = prev ? Math.max(new Date(prev).getTime(), this.started.getTime()) : this.started.getTime();
        next = new Date(base + task.everyMs).toISOString();
      }
      return {
        name: task.name,
        schedule: task.schedule,
        // Gitea answers the zero time for a task that never ran.
        prev: prev ?? '0001-01-01T00:00:00Z',
        next: next ?? '0001-01-01T00:00:00Z',
        exec_times: row?.exec_times ?? 0,
        last_duration_ms: row?.last_duration_ms ?? null,
        last_error: row?.last_error ?? '',
      };
    });
  }

  /** Stops the timers and waits for the runs under way. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.allSettled([...this.inFlight]);
  }
}
