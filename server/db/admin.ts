import type { Db } from './index.js';

/** A row of cron_tasks: the last run of one of the site's background tasks. */
export interface CronTaskRow {
  name: string;
  prev_at: string | null;
  exec_times: number;
  last_duration_ms: number | null;
  last_error: string;
}

/** The recorded runs of the site's background tasks. */
export async function listCronTasks(db: Db): Promise<CronTaskRow[]> {
  return await db.prepare('SELECT * FROM cron_tasks').all() as CronTaskRow[];
}

/** Records that a background task ran: when it started, how long it took and its error ('' when it succeeded). */
export async function recordCronRun(db: Db, name: string, run: { at: string; durationMs: number; error: string }): Promise<void> {
  await db.prepare(
    `INSERT INTO cron_tasks (name, prev_at, exec_times, last_duration_ms, last_error) VALUES (@name, @at, 1, @durationMs, @error)
     ON CONFLICT (name) DO UPDATE SET prev_at = @at, exec_times = cron_tasks.exec_times + 1, last_duration_ms = @durationMs, last_error = @error`,
  ).run({ name, ...run });
}

/** Deletes finished webhook deliveries (delivered or failed) created before `before`; pending ones stay. Returns how many went. */
export async function deleteFinishedDeliveries(db: Db, before: string): Promise<number> {
  return (await db.prepare("DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'failed') AND created_at < ?").run(before)).changes;
}

/** The lengths of the site's queues and what failed last, for the system page. */
export interface QueueFacts {
  pending_deliveries: number;
  failed_deliveries: number;
  failing_mirrors: number;
}

/** Counts pending and failed webhook deliveries and mirrors whose last sync failed. */
export async function queueFacts(db: Db): Promise<QueueFacts> {
  return await db
    .prepare(
      `SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending') AS pending_deliveries,
         (SELECT count(*) FROM webhook_deliveries WHERE status = 'failed') AS failed_deliveries,
         (SELECT count(*) FROM repository_sources WHERE last_error != '') AS failing_mirrors`,
    )
    .get() as QueueFacts;
}

/** A failed webhook delivery, with the hook's address and where the hook belongs. */
export interface FailedDeliveryRow {
  uuid: string;
  hook_id: number;
  url: string;
  event: string;
  error: string;
  response_status: number | null;
  attempted_at: string | null;
  repo_full_name: string | null;
}

/** The latest failed webhook deliveries, newest first. */
export async function latestFailedDeliveries(db: Db, limit: number): Promise<FailedDeliveryRow[]> {
  return await db
    .prepare(
      `SELECT d.uuid, d.hook_id, h.url, d.event, d.error, d.response_status, d.attempted_at,
         (SELECT u.username || '/' || r.name FROM repositories r JOIN users u ON u.id = r.owner_id WHERE r.id = h.repo_id) AS repo_full_name
       FROM webhook_deliveries d JOIN webhooks h ON h.id = d.hook_id WHERE d.status = 'failed' ORDER BY d.id DESC LIMIT ?`,
    )
    .all(limit) as FailedDeliveryRow[];
}

/** A mirror whose last sync failed. */
export interface FailedMirrorRow {
  full_name: string;
  last_error: string;
  last_sync_at: string | null;
  next_sync_at: string | null;
}

/** Mirrors whose last sync failed, by full name. */
export async function failingMirrors(db: Db, limit: number): Promise<FailedMirrorRow[]> {
  return await db
    .prepare(
      `SELECT u.username || '/' || r.name AS full_name, s.last_error, s.last_sync_at, s.next_sync_at
       FROM repository_sources s JOIN repositories r ON r.id = s.repo_id JOIN users u ON u.id = r.owner_id
       WHERE s.last_error != '' ORDER BY u.lower_name, r.lower_name LIMIT ?`,
    )
    .all(limit) as FailedMirrorRow[];
}

/** The lower-cased full names (`owner/name`) of every repository row, to compare with the folders on disk. */
export async function repositoryFullNames(db: Db): Promise<Set<string>> {
  const names = await db.prepare("SELECT u.lower_name || '/' || r.lower_name FROM repositories r JOIN users u ON u.id = r.owner_id").pluck().all() as string[];
  return new Set(names);
}

/** The organisations whose only owner is this account: deleting it would leave them without one. */
export async function orgsOwnedOnlyBy(db: Db, userId: number): Promise<string[]> {
  return await db
    .prepare(
      `SELECT o.username FROM users o WHERE o.type = 'org' AND EXISTS (
         SELECT 1 FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.org_id = o.id AND t.permission = 'owner' AND m.user_id = @id)
       AND (SELECT count(DISTINCT m.user_id) FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.org_id = o.id AND t.permission = 'owner') = 1
       ORDER BY o.lower_name`,
    )
    .pluck()
    .all({ id: userId }) as string[];
}

/** When mirrors last synced and when the next one is due, as the mirror scheduler sees them. */
export async function mirrorSchedule(db: Db): Promise<{ last: string | null; next: string | null }> {
  return await db.prepare('SELECT max(last_sync_at) AS last, min(next_sync_at) AS next FROM repository_sources').get() as { last: string | null; next: string | null };
}

/** How many accounts, organisations and repositories the site has. */
export async function siteCounts(db: Db): Promise<{ users: number; organizations: number; repositories: number }> {
  return await db
    .prepare(
      `SELECT (SELECT count(*) FROM users WHERE type = 'user') AS users, (SELECT count(*) FROM users WHERE type = 'org') AS organizations,
         (SELECT count(*) FROM repositories) AS repositories`,
    )
    .get() as { users: number; organizations: number; repositories: number };
}
