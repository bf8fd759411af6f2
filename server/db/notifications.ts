import type { Db } from './index.js';
import { READABLE, viewerParams, type RepoViewer } from './repos.js';

export type NotificationStatus = 'unread' | 'read' | 'pinned';
export type NotificationReason = 'mention' | 'assigned' | 'review_requested' | 'comment' | 'subscribed';
export type ConversationKind = 'issue' | 'pull';
export type ConversationState = 'open' | 'closed' | 'merged';

/** One user's notification about one conversation, with the names of its repository. */
export interface NotificationRow {
  id: number;
  user_id: number;
  repo_id: number;
  number: number;
  kind: ConversationKind;
  reason: NotificationReason;
  status: NotificationStatus;
  title: string;
  state: ConversationState;
  latest_comment_id: number | null;
  created_at: string;
  updated_at: string;
  repo_name: string;
  owner_name: string;
}

/** What a new event tells one user about a conversation. */
export interface NotificationUpdate {
  userId: number;
  repoId: number;
  number: number;
  kind: ConversationKind;
  reason: NotificationReason;
  title: string;
  /** The conversation's state now, or null when the event did not change it. */
  state: ConversationState | null;
  /** The new comment, or null when the event added none (the last one stays). */
  latestCommentId: number | null;
}

/**
 * Creates the user's notification about a conversation, or brings the existing one up to date:
 * unread again (a pinned one stays pinned, as Gitea keeps it), with the new reason and title.
 */
export async function upsertNotification(db: Db, update: NotificationUpdate): Promise<void> {
  await db.prepare(
    `INSERT INTO notifications (user_id, repo_id, number, kind, reason, title, state, latest_comment_id)
     VALUES (@userId, @repoId, @number, @kind, @reason, @title, coalesce(@state, 'open'), @latestCommentId)
     ON CONFLICT (user_id, repo_id, number) DO UPDATE SET
       status = CASE WHEN notifications.status = 'pinned' THEN 'pinned' ELSE 'unread' END,
       reason = excluded.reason,
       title = excluded.title,
       state = coalesce(@state, notifications.state),
       latest_comment_id = coalesce(excluded.latest_comment_id, notifications.latest_comment_id),
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
  ).run(update);
}

/** Which of a user's notifications a list or a "mark as read" takes. */
export interface NotificationFilter {
  /** The owner of the inbox, as a reader of repositories: notifications of repositories they may no longer read are left out. */
  viewer: RepoViewer & { userId: number };
  repoId?: number;
  statuses: NotificationStatus[];
  kinds?: ConversationKind[];
  /** ISO times: updated after `since`, before `before`. */
  since?: string;
  before?: string;
}

const FROM = `FROM notifications n JOIN repositories r ON r.id = n.repo_id JOIN users u ON u.id = r.owner_id`;

/** The WHERE clause and parameters of a filter. */
function where(filter: NotificationFilter): { sql: string; params: Record<string, unknown> } {
  const parts = ['n.user_id = @viewerId', READABLE, 'n.status IN (SELECT value FROM json_each(@statuses))'];
  if (filter.repoId !== undefined) parts.push('n.repo_id = @repoId');
  if (filter.kinds !== undefined) parts.push('n.kind IN (SELECT value FROM json_each(@kinds))');
  if (filter.since !== undefined) parts.push('n.updated_at > @since');
  if (filter.before !== undefined) parts.push('n.updated_at < @before');
  return {
    sql: parts.join(' AND '),
    params: {
      ...viewerParams(filter.viewer),
      statuses: JSON.stringify(filter.statuses),
      repoId: filter.repoId ?? null,
      kinds: JSON.stringify(filter.kinds ?? []),
      since: filter.since ?? null,
      before: filter.before ?? null,
    },
  };
}

/** A page of a user's notifications, most recently updated first, with the total before paging. */
export async function listNotifications(db: Db, filter: NotificationFilter, paging: { limit: number; offset: number }): Promise<{ rows: NotificationRow[]; total: number }> {
  const { sql, params } = where(filter);
  const total = await db.prepare(`SELECT count(*) ${FROM} WHERE ${sql}`).pluck().get(params) as number;
  const rows = await db
    .prepare(`SELECT n.*, r.name AS repo_name, u.username AS owner_name ${FROM} WHERE ${sql} ORDER BY n.updated_at DESC, n.id DESC LIMIT @limit OFFSET @offset`)
    .all({ ...params, ...paging }) as NotificationRow[];
  return { rows, total };
}

/** How many of a user's notifications the filter takes. */
export async function countNotifications(db: Db, filter: NotificationFilter): Promise<number> {
  const { sql, params } = where(filter);
  return await db.prepare(`SELECT count(*) ${FROM} WHERE ${sql}`).pluck().get(params) as number;
}

/** One notification of the user's, of a repository they may still read. */
export async function findNotification(db: Db, viewer: RepoViewer & { userId: number }, id: number): Promise<NotificationRow | undefined> {
  return await db
    .prepare(`SELECT n.*, r.name AS repo_name, u.username AS owner_name ${FROM} WHERE n.id = @id AND n.user_id = @viewerId AND ${READABLE}`)
    .get({ ...viewerParams(viewer), id }) as NotificationRow | undefined;
}

/** Sets the status of the notifications the filter takes (their time stays: it is the conversation's); returns their ids. */
export async function setNotificationStatus(db: Db, filter: NotificationFilter, status: NotificationStatus): Promise<number[]> {
  const { sql, params } = where(filter);
  return await db
    .prepare(`UPDATE notifications SET status = @status WHERE id IN (SELECT n.id ${FROM} WHERE ${sql}) RETURNING id`)
    .pluck()
    .all({ ...params, status }) as number[];
}

/** Sets one notification's status. */
export async function setOneNotificationStatus(db: Db, id: number, status: NotificationStatus): Promise<void> {
  await db.prepare('UPDATE notifications SET status = ? WHERE id = ?').run(status, id);
}

/** Notifications by id, with the names of their repositories, most recently updated first. */
export async function notificationsByIds(db: Db, ids: number[]): Promise<NotificationRow[]> {
  return await db
    .prepare(`SELECT n.*, r.name AS repo_name, u.username AS owner_name ${FROM} WHERE n.id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) ORDER BY n.updated_at DESC, n.id DESC`)
    .all(JSON.stringify(ids)) as NotificationRow[];
}
