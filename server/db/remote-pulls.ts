import type { Db } from './index.js';
import type { PullRow } from './pulls.js';

/** Where a pull request from another forge takes its head. */
export interface RemotePullSourceRow {
  pull_id: number;
  source_url: string;
  source_key: string;
  source_branch: string;
  allow_force_push: 0 | 1;
  last_fetch_at: string | null;
  last_error: string;
}

/** Records where a new pull request from another forge comes from. */
export async function insertRemotePullSource(db: Db, source: { pullId: number; url: string; key: string; branch: string; allowForcePush: boolean }): Promise<void> {
  await db.prepare(
    `INSERT INTO remote_pull_sources (pull_id, source_url, source_key, source_branch, allow_force_push, last_fetch_at)
     VALUES (@pullId, @url, @key, @branch, @force, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
  ).run({ ...source, force: source.allowForcePush ? 1 : 0 });
}

/** The remote source of a pull request, or undefined for a pull request of this forge. */
export async function findRemotePullSource(db: Db, pullId: number): Promise<RemotePullSourceRow | undefined> {
  return await db.prepare('SELECT * FROM remote_pull_sources WHERE pull_id = ?').get(pullId) as RemotePullSourceRow | undefined;
}

/** The remote sources of several pull requests, by pull request id. */
export async function remotePullSourcesOf(db: Db, pullIds: number[]): Promise<Map<number, RemotePullSourceRow>> {
  if (pullIds.length === 0) return new Map();
  const rows = await db.prepare(`SELECT * FROM remote_pull_sources WHERE pull_id IN (${pullIds.map(() => '?').join(',')})`).all(...pullIds) as RemotePullSourceRow[];
  return new Map(rows.map((row) => [row.pull_id, row]));
}

/** Open pull requests from this source (and branch, when given). */
export async function openRemotePulls(db: Db, key: string, branch: string | null): Promise<PullRow[]> {
  return await db
    .prepare(
      `SELECT p.* FROM pull_requests p JOIN remote_pull_sources s ON s.pull_id = p.id
        WHERE p.state = 'open' AND s.source_key = @key AND (CAST(@branch AS TEXT) IS NULL OR s.source_branch = @branch)
        ORDER BY p.id`,
    )
    .all({ key, branch }) as PullRow[];
}

/** The open pull request from this source branch into this base branch, if any. */
export async function findOpenRemotePull(db: Db, baseRepoId: number, baseBranch: string, key: string, branch: string): Promise<PullRow | undefined> {
  return await db
    .prepare(
      `SELECT p.* FROM pull_requests p JOIN remote_pull_sources s ON s.pull_id = p.id
        WHERE p.state = 'open' AND p.base_repo_id = ? AND p.base_branch = ? AND s.source_key = ? AND s.source_branch = ?`,
    )
    .get(baseRepoId, baseBranch, key, branch) as PullRow | undefined;
}

/** Records the outcome of a fetch from the source: '' when the head followed (or had not moved). */
export async function recordRemoteFetch(db: Db, pullId: number, error: string): Promise<void> {
  await db.prepare("UPDATE remote_pull_sources SET last_fetch_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), last_error = ? WHERE pull_id = ?").run(error, pullId);
}
