import { findIssue } from '../db/issues.js';
import {
  countNotifications,
  findNotification,
  listNotifications,
  type ConversationKind,
  type NotificationFilter,
  type NotificationRow,
  type NotificationStatus,
} from '../db/notifications.js';
import { findRepoById, type RepoRow } from '../db/repos.js';
import type { UserRow } from '../db/users.js';
import { findSubscription, findWatch, listSubscribers, listWatchers, watchedRepoIds } from '../db/subscriptions.js';
import { findPull } from '../db/pulls.js';
import type { Actor } from '../auth/policy.js';
import { presentNotification, presentWatchInfo, type NotificationCount, type NotificationThread, type WatchInfo } from '../presenters/notification.js';
import { presentUser, type UserSummary } from '../presenters/user.js';
import type { Repository } from '../presenters/repository.js';
import { inboxViewer } from '../services/notifications.js';
import { invalid, notFound } from '../errors.js';
import { presentRepos } from './repository.js';
import type { ReadContext } from './context.js';

/** Which notifications a list takes, in Gitea's terms (`all`, `status-types`, `subject-type`, `since`, `before`). */
export interface NotificationQuery {
  all?: boolean;
  statusTypes?: NotificationStatus[];
  subjectTypes?: Array<'issue' | 'pull' | 'commit' | 'repository'>;
  since?: string;
  before?: string;
}

/** An ISO time from a client's RFC 3339 value; a 422 naming the parameter when it is not a time. */
export function isoTime(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalid(`"${name}" must be a date and time such as 2024-05-01T12:00:00Z.`, { field: name });
  return new Date(time).toISOString();
}

/**
 * The filter of a Gitea notification query: `defaults` when it names no status (unread and pinned
 * for a list), every status with `all`. Commits and repositories have no notifications here, so
 * asking only for them finds nothing.
 */
export function notificationFilter(query: NotificationQuery, defaults: NotificationStatus[] = ['unread', 'pinned']): Omit<NotificationFilter, 'viewer'> {
  const statuses: NotificationStatus[] = query.all ? ['unread', 'read', 'pinned'] : query.statusTypes?.length ? query.statusTypes : defaults;
  const kinds = query.subjectTypes?.length ? query.subjectTypes.filter((t): t is ConversationKind => t === 'issue' || t === 'pull') : undefined;
  return { statuses, kinds, since: isoTime(query.since, 'since'), before: isoTime(query.before, 'before') };
}

/** A page of the signed-in actor's notifications (of repositories they may still read), with the total. */
export async function notificationPage(
  ctx: ReadContext,
  actor: Actor,
  query: NotificationQuery & { repo?: RepoRow; page: number; limit: number },
): Promise<{ items: NotificationThread[]; total: number }> {
  const user = ctx.policy.signedIn(actor);
  const filter = { ...notificationFilter(query), repoId: query.repo?.id, viewer: inboxViewer(user) };
  const { rows, total } = await listNotifications(ctx.db, filter, { limit: query.limit, offset: (query.page - 1) * query.limit });
  return { items: rows.map((row) => presentNotification(row, ctx.config.baseUrl)), total };
}

/** How many unread notifications the actor has, of repositories they may still read. */
export async function unreadCount(ctx: ReadContext, actor: Actor): Promise<NotificationCount> {
  const user = ctx.policy.signedIn(actor);
  return { new: await countNotifications(ctx.db, { viewer: inboxViewer(user), statuses: ['unread'] }) };
}

/** One of the actor's notifications; a 404 for anyone else's, or one of a repository they may no longer read. */
export async function notificationThread(ctx: ReadContext, actor: Actor, id: number): Promise<NotificationThread> {
  const user = ctx.policy.signedIn(actor);
  const row = await findNotification(ctx.db, inboxViewer(user), id);
  if (!row) throw notFound('The notification');
  return presentNotification(row, ctx.config.baseUrl);
}

/** Notifications as the API shows them. */
export function presentNotifications(ctx: ReadContext, rows: NotificationRow[]): NotificationThread[] {
  return rows.map((row) => presentNotification(row, ctx.config.baseUrl));
}

const repoApiUrl = (ctx: ReadContext, repo: RepoRow) => `${ctx.config.baseUrl}/api/v1/repos/${repo.owner_name}/${repo.name}`;

/** Whether the actor watches a repository, as a WatchInfo (Fabrique's own check: subscribed false rather than a 404). */
export async function repositoryWatchInfo(ctx: ReadContext, actor: Actor, repo: RepoRow): Promise<WatchInfo> {
  const user = ctx.policy.signedIn(actor);
  const watch = await findWatch(ctx.db, repo.id, user.id);
  const url = repoApiUrl(ctx, repo);
  return presentWatchInfo(
    { subscribed: watch !== undefined, ignored: false, createdAt: watch?.created_at ?? new Date().toISOString() },
    { url: `${url}/subscription`, repositoryUrl: url },
  );
}

/** The actor's watch of a repository as Gitea's WatchInfo; a 404 when they do not watch it, as Gitea answers. */
export async function repositoryWatch(ctx: ReadContext, actor: Actor, repo: RepoRow): Promise<WatchInfo> {
  const info = await repositoryWatchInfo(ctx, actor, repo);
  if (!info.subscribed) throw notFound(`A watch of ${repo.owner_name}/${repo.name} by you`);
  return info;
}

/** A page of a repository's watchers, with their total. */
export async function repositoryWatchers(ctx: ReadContext, repo: RepoRow, paging: { page: number; limit: number }): Promise<{ items: UserSummary[]; total: number }> {
  const { rows, total } = await listWatchers(ctx.db, repo.id, { limit: paging.limit, offset: (paging.page - 1) * paging.limit });
  return { items: rows.map((user) => presentUser(user, ctx.config.baseUrl)), total };
}

/** A page of the repositories the actor watches and may still read (with the token used), with their total. */
export async function watchedRepositories(ctx: ReadContext, actor: Actor, paging: { page: number; limit: number }): Promise<{ items: Repository[]; total: number }> {
  const user = ctx.policy.signedIn(actor);
  // A list of repositories, so the token's repository scope decides whether private ones are in it.
  const { ids, total } = await watchedRepoIds(ctx.db, { ...ctx.policy.listingViewer(actor), userId: user.id }, { limit: paging.limit, offset: (paging.page - 1) * paging.limit });
  const rows = await Promise.all(ids.map(async (id) => await findRepoById(ctx.db, id) as RepoRow));
  return { items: await presentRepos(ctx, actor, rows), total };
}

/** The issue or pull request a number names in a repository (one numbering for both); a 404 otherwise. */
export async function requireConversation(ctx: ReadContext, repo: RepoRow, number: number): Promise<{ number: number }> {
  if (!await findPull(ctx.db, repo.id, number) && !await findIssue(ctx.db, repo.id, number)) throw notFound(`The issue #${number}`);
  return { number };
}

/**
 * A user's subscription to a conversation as Gitea's WatchInfo: their own choice when they made
 * one, else whether they watch the repository.
 */
export async function conversationSubscription(ctx: ReadContext, repo: RepoRow, number: number, user: UserRow): Promise<WatchInfo> {
  const choice = await findSubscription(ctx.db, repo.id, number, user.id);
  const watch = choice ? undefined : await findWatch(ctx.db, repo.id, user.id);
  const url = repoApiUrl(ctx, repo);
  return presentWatchInfo(
    {
      subscribed: choice ? choice.subscribed === 1 : watch !== undefined,
      ignored: choice?.subscribed === 0,
      createdAt: choice?.created_at ?? watch?.created_at ?? new Date().toISOString(),
    },
    { url: `${url}/issues/${number}/subscriptions`, repositoryUrl: url },
  );
}

/** A page of a conversation's subscribers, with their total. */
export async function conversationSubscribers(ctx: ReadContext, repo: RepoRow, number: number, paging: { page: number; limit: number }): Promise<{ items: UserSummary[]; total: number }> {
  const { rows, total } = await listSubscribers(ctx.db, repo.id, number, { limit: paging.limit, offset: (paging.page - 1) * paging.limit });
  return { items: rows.map((user) => presentUser(user, ctx.config.baseUrl)), total };
}
