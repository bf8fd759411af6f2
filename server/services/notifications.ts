import type { Db } from '../db/index.js';
import { findRepoById, type RepoRow } from '../db/repos.js';
import { findUserById, findUserByName, type UserRow } from '../db/users.js';
import {
  findNotification,
  notificationsByIds,
  setNotificationStatus,
  setOneNotificationStatus,
  upsertNotification,
  type ConversationState,
  type NotificationFilter,
  type NotificationReason,
  type NotificationRow,
  type NotificationStatus,
} from '../db/notifications.js';
import { deleteWatch, insertWatch, setSubscription, subscribeParticipants, subscriberIds, watcherIds, findSubscription, type WatchRow } from '../db/subscriptions.js';
import type { Actor, Policy } from '../auth/policy.js';
import type { ConversationEvent, EventBus } from './events.js';
import { forbidden, notFound } from '../errors.js';
import { filterAsync } from '../lib/async.js';

/** What the notification use cases need: the database and the one policy. */
export interface NotificationContext {
  db: Db;
  policy: Policy;
}

/** The strongest reason wins when one event concerns a user several ways. */
const REASON_RANK: Record<NotificationReason, number> = { mention: 5, review_requested: 4, assigned: 3, comment: 2, subscribed: 1 };

/** What an event's action makes of the conversation's state; null when it leaves it. */
const STATE_AFTER: Partial<Record<ConversationEvent['action'], ConversationState>> = { opened: 'open', reopened: 'open', closed: 'closed', merged: 'merged' };

/**
 * The names `@name` mentions in a text, lower-cased and without duplicates. Code (fenced blocks
 * and inline spans) mentions nobody, and an email address is not a mention.
 */
export function mentionedNames(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?(```|$)/g, ' ').replace(/`[^`\n]*`/g, ' ');
  const names = new Set<string>();
  for (const match of prose.matchAll(/(?<![\w.@/-])@([A-Za-z0-9][A-Za-z0-9_.-]*)/g)) {
    // A sentence may end right after the name: "thanks @anna."
    names.add(match[1].replace(/[.-]+$/, '').toLowerCase());
  }
  return [...names];
}

/**
 * The mentions an edit adds, as text for an 'edited' event: `@name` for each name the new text
 * mentions and the old one did not, so that an edit tells only the people it newly mentions.
 */
export function addedMentions(before: string, after: string): string {
  const known = new Set(mentionedNames(before));
  return mentionedNames(after)
    .filter((name) => !known.has(name))
    .map((name) => `@${name}`)
    .join(' ');
}

/** The account acting for itself, whatever token it used: what it may read as a person. */
const asPerson = (user: UserRow): Actor => ({ kind: 'user', user, via: 'session', scopes: null });

/** Whether an account may receive news of a repository: active, and able to read it. */
async function mayHear(ctx: NotificationContext, user: UserRow | undefined, repo: RepoRow): Promise<boolean> {
  return user !== undefined && user.type === 'user' && user.prohibit_login === 0 && await ctx.policy.can(asPerson(user), 'repo:read', { type: 'repo', repo });
}

/**
 * Tells everyone concerned by an event of a conversation, as Gitea does: the people mentioned (if
 * they may read the repository), the people assigned or asked to review, the conversation's
 * subscribers and the repository's watchers; never the actor, never those who ignore the
 * conversation. The actor, the people mentioned and the assignees become subscribers.
 */
export async function notifyConversation(ctx: NotificationContext, event: ConversationEvent): Promise<void> {
  const { db } = ctx;
  const repo = await findRepoById(db, event.repoId);
  if (!repo) return;
  const named = await Promise.all(mentionedNames(event.text).map((name) => findUserByName(db, name)));
  const mentioned = (await filterAsync(named, (user) => mayHear(ctx, user, repo))).map((user) => (user as UserRow).id);
  const targets = await filterAsync(event.targetUserIds, async (id) => mayHear(ctx, await findUserById(db, id), repo));
  await db.transaction(async () => {
    await subscribeParticipants(db, event.repoId, event.index, [event.actorId, ...mentioned, ...(event.action === 'assigned' ? targets : [])]);
    const reasons = new Map<number, NotificationReason>();
    const add = (ids: number[], reason: NotificationReason) => {
      for (const id of ids) {
        const known = reasons.get(id);
        if (known === undefined || REASON_RANK[reason] > REASON_RANK[known]) reasons.set(id, reason);
      }
    };
    // An edit is news only to the people it newly mentions (its text holds just those), as in Gitea.
    if (event.action !== 'edited') {
      add(await watcherIds(db, event.repoId), 'subscribed');
      add(await subscriberIds(db, event.repoId, event.index, true), event.action === 'commented' ? 'comment' : 'subscribed');
    }
    if (event.action === 'assigned') add(targets, 'assigned');
    if (event.action === 'review_requested') add(targets, 'review_requested');
    add(mentioned, 'mention');
    const ignoring = new Set(await subscriberIds(db, event.repoId, event.index, false));
    for (const [userId, reason] of reasons) {
      if (userId === event.actorId || ignoring.has(userId)) continue;
      // Watchers and subscribers may have lost access since they chose to follow.
      if (!await mayHear(ctx, await findUserById(db, userId), repo)) continue;
      await upsertNotification(db, {
        userId,
        repoId: event.repoId,
        number: event.index,
        kind: event.kind,
        reason,
        title: event.title,
        state: STATE_AFTER[event.action] ?? null,
        latestCommentId: event.commentId,
      });
    }
  });
}

/** Makes the notification service follow the bus's conversations; returns the function that stops it. */
export function followConversations(events: EventBus, ctx: NotificationContext): () => void {
  return events.subscribe('conversation', async (event) => await notifyConversation(ctx, event));
}

/** The inbox owner's reading rights, for the notification queries: their own, whatever token they used. */
export function inboxViewer(user: UserRow): NotificationFilter['viewer'] {
  return { userId: user.id, isAdmin: user.is_admin === 1, privateAllowed: true };
}

/** Gives the notifications a filter takes a new status; returns them. */
export async function markNotifications(ctx: NotificationContext, actor: Actor, filter: Omit<NotificationFilter, 'viewer'>, status: NotificationStatus): Promise<NotificationRow[]> {
  const user = ctx.policy.signedIn(actor);
  return await notificationsByIds(ctx.db, await setNotificationStatus(ctx.db, { ...filter, viewer: inboxViewer(user) }, status));
}

/** Gives one of the actor's notifications a new status; a 404 for anyone else's. */
export async function markThread(ctx: NotificationContext, actor: Actor, id: number, status: NotificationStatus): Promise<NotificationRow> {
  const user = ctx.policy.signedIn(actor);
  const viewer = inboxViewer(user);
  if (!await findNotification(ctx.db, viewer, id)) throw notFound('The notification');
  await setOneNotificationStatus(ctx.db, id, status);
  return await findNotification(ctx.db, viewer, id) as NotificationRow;
}

/** The actor starts watching a repository they may read. */
export async function watchRepository(ctx: NotificationContext, actor: Actor, repo: RepoRow): Promise<WatchRow> {
  return await insertWatch(ctx.db, repo.id, ctx.policy.signedIn(actor).id);
}

/** The actor stops watching a repository. */
export async function unwatchRepository(ctx: NotificationContext, actor: Actor, repo: RepoRow): Promise<void> {
  await deleteWatch(ctx.db, repo.id, ctx.policy.signedIn(actor).id);
}

/**
 * Subscribes a user to a conversation (or makes them ignore it); returns whether that changed
 * anything. Only the user themselves or a site administrator may, as in Gitea.
 */
export async function subscribeUser(ctx: NotificationContext, actor: Actor, repo: RepoRow, number: number, user: UserRow, subscribed: boolean): Promise<boolean> {
  const me = ctx.policy.signedIn(actor);
  if (me.id !== user.id && me.is_admin !== 1) throw forbidden('Only the user themselves or a site administrator may change their subscription.');
  const name = user.username;
  if (!await mayHear(ctx, user, repo)) throw notFound(`The user "${name}"`);
  const before = await findSubscription(ctx.db, repo.id, number, user.id);
  if (before !== undefined && (before.subscribed === 1) === subscribed) return false;
  await setSubscription(ctx.db, repo.id, number, user.id, subscribed);
  return true;
}

/** Tells the bus that something happened in a pull request's conversation, for the notifications. */
export function publishPullConversation(
  events: EventBus,
  pull: { base_repo_id: number; number: number; title: string },
  action: ConversationEvent['action'],
  actorId: number,
  details: { text?: string; targetUserIds?: number[]; commentId?: number } = {},
): Promise<void> {
  return events.publish('conversation', {
    repoId: pull.base_repo_id,
    index: pull.number,
    kind: 'pull',
    title: pull.title,
    action,
    actorId,
    text: details.text ?? '',
    targetUserIds: details.targetUserIds ?? [],
    commentId: details.commentId ?? null,
  });
}
