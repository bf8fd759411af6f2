import type { Db } from './index.js';

/** Where an imported repository came from; for a mirror, its schedule and last outcome. */
export interface RepoSourceRow {
  repo_id: number;
  /** The source URL, without credentials. */
  clone_addr: string;
  auth_username: string;
  /** The sealed secret (token or password) a mirror fetches with; null when none is kept. */
  auth_secret: string | null;
  /** Seconds between syncs; 0 for a one-shot import. */
  interval_s: number;
  last_sync_at: string | null;
  last_error: string;
  /** When the scheduler syncs it next; null for a one-shot import. */
  next_sync_at: string | null;
  created_at: string;
}

export interface NewRepoSource {
  repoId: number;
  cloneAddr: string;
  authUsername: string;
  authSecret: string | null;
  intervalS: number;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
}

export async function insertRepoSource(db: Db, source: NewRepoSource): Promise<void> {
  await db.prepare(
    `INSERT INTO repository_sources (repo_id, clone_addr, auth_username, auth_secret, interval_s, last_sync_at, next_sync_at)
     VALUES (@repoId, @cloneAddr, @authUsername, @authSecret, @intervalS, @lastSyncAt, @nextSyncAt)`,
  ).run(source);
}

export async function findRepoSource(db: Db, repoId: number): Promise<RepoSourceRow | undefined> {
  return await db.prepare('SELECT * FROM repository_sources WHERE repo_id = ?').get(repoId) as RepoSourceRow | undefined;
}

/** Mirrors whose next sync time has come, oldest first. */
export async function dueMirrorIds(db: Db, now: string, limit: number): Promise<number[]> {
  return await db
    .prepare(
      `SELECT s.repo_id FROM repository_sources s JOIN repositories r ON r.id = s.repo_id
        WHERE r.is_mirror = 1 AND s.next_sync_at IS NOT NULL AND s.next_sync_at <= ?
        ORDER BY s.next_sync_at LIMIT ?`,
    )
    .pluck()
    .all(now, limit) as number[];
}

/** Records the outcome of a sync attempt and when to try next. */
export async function recordMirrorSync(db: Db, repoId: number, outcome: { at: string; error: string; nextAt: string | null; succeeded: boolean }): Promise<void> {
  await db.prepare(
    `UPDATE repository_sources SET
       last_sync_at = CASE WHEN @succeeded = 1 THEN @at ELSE last_sync_at END,
       last_error = @error,
       next_sync_at = @nextAt
     WHERE repo_id = @repoId`,
  ).run({ repoId, at: outcome.at, error: outcome.error, nextAt: outcome.nextAt, succeeded: outcome.succeeded ? 1 : 0 });
}

/** A mirror becomes a writable repository that keeps its source (a working fork): no more scheduled syncs. */
export async function stopMirroring(db: Db, repoId: number): Promise<void> {
  await db.transaction(async () => {
    await db.prepare("UPDATE repositories SET is_mirror = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").run(repoId);
    await db.prepare('UPDATE repository_sources SET interval_s = 0, next_sync_at = NULL WHERE repo_id = ?').run(repoId);
  });
}
