import type { Db } from './index.js';
import type { UserRow } from './users.js';
import { READABLE, viewerParams, type RepoViewer } from './repos.js';

/** A user's explicit choice about one conversation (issue or pull request) of a repository. */
export interface SubscriptionRow {
  repo_id: number;
  number: number;
  user_id: number;
  subscribed: 0 | 1;
  created_at: string;
  updated_at: string;
}

/** A user's watch of a repository. */
export interface WatchRow {
  repo_id: number;
  user_id: number;
  created_at: string;
}

/** The user's subscription row for a conversation, if they have one. */
export async function findSubscription(db: Db, repoId: number, number: number, userId: number): Promise<SubscriptionRow | undefined> {
  return await db.prepare('SELECT * FROM conversation_subscriptions WHERE repo_id = ? AND number = ? AND user_id = ?').get(repoId, number, userId) as
    | SubscriptionRow
    | undefined;
}

/** Subscribes (true) or ignores (false) a conversation for a user, replacing any earlier choice. */
export async function setSubscription(db: Db, repoId: number, number: number, userId: number, subscribed: boolean): Promise<SubscriptionRow> {
  return await db
    .prepare(
      `INSERT INTO conversation_subscriptions (repo_id, number, user_id, subscribed) VALUES (?, ?, ?, ?)
       ON CONFLICT (repo_id, number, user_id) DO UPDATE SET subscribed = excluded.subscribed, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
       RETURNING *`,
    )
    .get(repoId, number, userId, subscribed ? 1 : 0) as SubscriptionRow;
}

/** Subscribes participants who made no choice yet: someone who ignored the conversation stays out. */
export async function subscribeParticipants(db: Db, repoId: number, number: number, userIds: number[]): Promise<void> {
  const insert = db.prepare('INSERT INTO conversation_subscriptions (repo_id, number, user_id, subscribed) VALUES (?, ?, ?, 1) ON CONFLICT DO NOTHING');
  for (const id of userIds) await insert.run(repoId, number, id);
}

/** The ids of the users subscribed to (true) or ignoring (false) a conversation. */
export async function subscriberIds(db: Db, repoId: number, number: number, subscribed: boolean): Promise<number[]> {
  return await db
    .prepare('SELECT user_id FROM conversation_subscriptions WHERE repo_id = ? AND number = ? AND subscribed = ? ORDER BY created_at, user_id')
    .pluck()
    .all(repoId, number, subscribed ? 1 : 0) as number[];
}

/** The accounts subscribed to a conversation, paged, with their total. */
export async function listSubscribers(db: Db, repoId: number, number: number, paging: { limit: number; offset: number }): Promise<{ rows: UserRow[]; total: number }> {
  const total = await db.prepare('SELECT count(*) FROM conversation_subscriptions WHERE repo_id = ? AND number = ? AND subscribed = 1').pluck().get(repoId, number) as number;
  const rows = await db
    .prepare(
      `SELECT u.* FROM conversation_subscriptions s JOIN users u ON u.id = s.user_id
       WHERE s.repo_id = ? AND s.number = ? AND s.subscribed = 1 ORDER BY s.created_at, u.id LIMIT ? OFFSET ?`,
    )
    .all(repoId, number, paging.limit, paging.offset) as UserRow[];
  return { rows, total };
}

/** The user's watch of a repository, if they watch it. */
export async function findWatch(db: Db, repoId: number, userId: number): Promise<WatchRow | undefined> {
  return await db.prepare('SELECT * FROM repository_watches WHERE repo_id = ? AND user_id = ?').get(repoId, userId) as WatchRow | undefined;
}

/** Starts watching a repository (watching it again keeps the first date). */
export async function insertWatch(db: Db, repoId: number, userId: number): Promise<WatchRow> {
  await db.prepare('INSERT INTO repository_watches (repo_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(repoId, userId);
  return await findWatch(db, repoId, userId) as WatchRow;
}

/** Stops watching a repository. */
export async function deleteWatch(db: Db, repoId: number, userId: number): Promise<boolean> {
  return (await db.prepare('DELETE FROM repository_watches WHERE repo_id = ? AND user_id = ?').run(repoId, userId)).changes > 0;
}

/** The ids of a repository's watchers. */
export async function watcherIds(db: Db, repoId: number): Promise<number[]> {
  return await db.prepare('SELECT user_id FROM repository_watches WHERE repo_id = ? ORDER BY created_at, user_id').pluck().all(repoId) as number[];
}

/** A repository's watchers, paged, with their total. */
export async function listWatchers(db: Db, repoId: number, paging: { limit: number; offset: number }): Promise<{ rows: UserRow[]; total: number }> {
  const total = await db.prepare('SELECT count(*) FROM repository_watches WHERE repo_id = ?').pluck().get(repoId) as number;
  const rows = await db
    .prepare('SELECT u.* FROM repository_watches w JOIN users u ON u.id = w.user_id WHERE w.repo_id = ? ORDER BY w.created_at, u.id LIMIT ? OFFSET ?')
    .all(repoId, paging.limit, paging.offset) as UserRow[];
  return { rows, total };
}

/** The ids of the repositories a user watches and may still read, newest watch first, paged, with their total. */
export async function watchedRepoIds(db: Db, viewer: RepoViewer & { userId: number }, paging: { limit: number; offset: number }): Promise<{ ids: number[]; total: number }> {
  const from = `FROM repository_watches w JOIN repositories r ON r.id = w.repo_id JOIN users u ON u.id = r.owner_id
    WHERE w.user_id = @viewerId AND ${READABLE}`;
  const params = viewerParams(viewer);
  const total = await db.prepare(`SELECT count(*) ${from}`).pluck().get(params) as number;
  const ids = await db
    .prepare(`SELECT w.repo_id ${from} ORDER BY w.created_at DESC, w.repo_id DESC LIMIT @limit OFFSET @offset`)
    .pluck()
    .all({ ...params, ...paging }) as number[];
  return { ids, total };
}
