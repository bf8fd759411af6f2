import type { Db } from '../db/index.js';
import type { RepoRow } from '../db/repos.js';
import type { UserRow } from '../db/users.js';
import { findUserByName } from '../db/users.js';
import {
  addMentions,
  countIssuesOpenedSince,
  deleteIssueRow,
  deleteReaction,
  insertContentHistory,
  insertIssue,
  insertIssueComment,
  insertReaction,
  replaceAssignees,
  setIssueLocked,
  setIssuePinned,
  updateIssueRow,
  findIssueById,
  type IssueCommentRow,
  type IssueKey,
  type IssueRow,
  type ReactionContent,
  type ReactionRow,
} from '../db/issues.js';
import { findMilestone, setIssueMilestone } from '../db/milestones.js';
import { insertConversationEvent, type TimelineFields, type TimelineType } from '../db/timeline.js';
import type { Actor, Policy } from '../auth/policy.js';
import { forbidden, invalid, notFound, ForgeError } from '../errors.js';
import type { CreateIssueOption, EditIssueOption } from '../../contract/issues.js';
import type { ConversationEvent, EventBus } from './events.js';
import { applyIssueLabels } from './labels.js';
import { noteReferences } from './references.js';
import { addedMentions } from './notifications.js';

/** What the issue use cases need. */
export interface IssueContext {
  db: Db;
  policy: Policy;
  events: EventBus;
  baseUrl: string;
  /** How many issues an account younger than a day may open per hour. */
  newAccountIssuesPerHour: number;
}

/** An issue or a pull request, as the shared use cases (comments, reactions) name it. */
export type Conversation = { kind: 'issue'; repo: RepoRow; number: number; issue: IssueRow } | { kind: 'pull'; repo: RepoRow; number: number; pullId: number };

/** An account is "new" for the spam limit for this long after it was created. */
const NEW_ACCOUNT_MS = 24 * 3600 * 1000;

/**
 * Whether the actor may triage the repository's issues (label, assign, milestone, lock, pin, delete,
 * close anyone's): write access, as Gitea's issue writers. The route's `write:issue` scope already
 * checked the token, so the repository scope of `repo:write` is not asked for here.
 */
export async function mayTriage(policy: Policy, actor: Actor, repo: RepoRow): Promise<boolean> {
  const access = await policy.repoAccess(actor, repo);
  return (access === 'write' || access === 'admin') && !repo.is_archived && actor.kind === 'user' && actor.user.prohibit_login === 0;
}

/** A 404 when the repository's issue tracker is off (as Gitea answers for a disabled unit). */
export function requireTracker(repo: RepoRow): void {
  if (!repo.has_issues) throw notFound(`The issue tracker of ${repo.owner_name}/${repo.name}`);
}

/** A 403 for any write to an archived repository's conversations. */
function requireNotArchived(repo: RepoRow): void {
  if (repo.is_archived) throw forbidden(`${repo.owner_name}/${repo.name} is archived: its issues are read-only.`);
}

async function requireTriage(ctx: IssueContext, actor: Actor, repo: RepoRow, what: string): Promise<UserRow> {
  const user = ctx.policy.signedIn(actor);
  requireNotArchived(repo);
  if (!await mayTriage(ctx.policy, actor, repo)) throw forbidden(`You need write access to ${repo.owner_name}/${repo.name} to ${what}.`);
  return user;
}

/** The accounts a text mentions with `@name`, that exist. */
async function mentionedUsers(db: Db, text: string): Promise<UserRow[]> {
  const names = new Set([...text.matchAll(/(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9_.-]*)/g)].map((m) => m[1].replace(/\.+$/, '').toLowerCase()));
  return (await Promise.all([...names].map(async (name) => await findUserByName(db, name)))).filter((u): u is UserRow => u !== undefined && u.type === 'user');
}

const keyOf = (issue: Pick<IssueRow, 'repo_id' | 'number'>): IssueKey => ({ repoId: issue.repo_id, number: issue.number });

async function noteIssueEvent(db: Db, issue: IssueRow, type: TimelineType, actorId: number, fields: TimelineFields = {}): Promise<void> {
  await insertConversationEvent(db, { repoId: issue.repo_id, issueId: issue.id, pullId: null, type, actorId, ...fields });
}

function conversationEvent(issue: IssueRow, action: ConversationEvent['action'], actorId: number, extra: Partial<ConversationEvent> = {}): ConversationEvent {
  return { repoId: issue.repo_id, index: issue.number, kind: 'issue', title: issue.title, action, actorId, text: '', targetUserIds: [], commentId: null, ...extra };
}

/** Accounts by login name, for assignees: each must exist and be able to read the repository. */
async function assigneeIds(ctx: IssueContext, repo: RepoRow, names: string[]): Promise<number[]> {
  return await Promise.all([...new Set(names.filter((n) => n !== ''))].map(async (name) => {
    const user = await findUserByName(ctx.db, name);
    const actor: Actor | null = user ? { kind: 'user', user, via: 'session', scopes: null } : null;
    const access = actor ? await ctx.policy.repoAccess(actor, repo) : 'none';
    if (!user || user.type !== 'user' || (access !== 'write' && access !== 'admin')) {
      throw invalid(`${name} cannot be assigned: only accounts with write access to ${repo.owner_name}/${repo.name} can.`, { field: 'assignees' });
    }
    return user.id;
  }));
}

/** Applies assignee changes and notes them on the timeline; returns those added. */
async function assign(ctx: IssueContext, issue: IssueRow, actorId: number, userIds: number[]): Promise<number[]> {
  const { added, removed } = await replaceAssignees(ctx.db, keyOf(issue), userIds);
  for (const id of added) await noteIssueEvent(ctx.db, issue, 'assignees', actorId, { target_user_id: id, body: '1' });
  for (const id of removed) await noteIssueEvent(ctx.db, issue, 'assignees', actorId, { target_user_id: id, body: '' });
  return added;
}

/** Sets or clears (null) the milestone, noting it; a milestone of another repository is a 422. */
async function setMilestone(ctx: IssueContext, repo: RepoRow, issue: IssueRow, actorId: number, milestoneId: number | null): Promise<void> {
  if (milestoneId !== null && !await findMilestone(ctx.db, repo.id, milestoneId)) throw invalid(`The milestone ${milestoneId} does not exist in ${repo.owner_name}/${repo.name}.`, { field: 'milestone' });
  const before = await setIssueMilestone(ctx.db, keyOf(issue), milestoneId);
  if (before === milestoneId) return;
  if (before !== null) await noteIssueEvent(ctx.db, issue, 'milestone', actorId, { milestone_id: before, body: '' });
  if (milestoneId !== null) await noteIssueEvent(ctx.db, issue, 'milestone', actorId, { milestone_id: milestoneId, body: '1' });
}

/** Refuses a new account's issue beyond the hourly limit (spam control); writers of the repository are never limited. */
async function checkRateLimit(ctx: IssueContext, actor: Actor, user: UserRow, repo: RepoRow): Promise<void> {
  if (await mayTriage(ctx.policy, actor, repo) || Date.now() - Date.parse(user.created_at) > NEW_ACCOUNT_MS) return;
  const since = new Date(Date.now() - 3600 * 1000).toISOString();
  if (await countIssuesOpenedSince(ctx.db, user.id, since) >= ctx.newAccountIssuesPerHour) {
    throw new ForgeError('too_many_requests', `A new account may open ${ctx.newAccountIssuesPerHour} issues an hour at most: try again later.`);
  }
}

/** Text and mentions of an issue's title and body, recorded after a write. */
async function recordText(ctx: IssueContext, actor: Actor, repo: RepoRow, issue: IssueRow, text: string): Promise<void> {
  await addMentions(ctx.db, keyOf(issue), (await mentionedUsers(ctx.db, text)).map((u) => u.id));
  await noteReferences(ctx, actor, { repo, kind: 'issue', number: issue.number }, text);
}

/**
 * Opens an issue (any signed-in account that reads a repository with its tracker on). Labels,
 * assignees, milestone and `closed` are taken from writers only and ignored for others, as Gitea.
 */
export async function createIssue(ctx: IssueContext, actor: Actor, repo: RepoRow, option: CreateIssueOption): Promise<IssueRow> {
  const user = ctx.policy.signedIn(actor);
  requireTracker(repo);
  requireNotArchived(repo);
  const title = option.title.trim();
  if (!title) throw invalid('An issue needs a title.', { field: 'title' });
  await checkRateLimit(ctx, actor, user, repo);
  const triage = await mayTriage(ctx.policy, actor, repo);
  const names = [...(option.assignees ?? []), ...(option.assignee ? [option.assignee] : [])];
  const assignees = triage ? await assigneeIds(ctx, repo, names) : [];
  if (triage && option.milestone && !await findMilestone(ctx.db, repo.id, option.milestone)) {
    throw invalid(`The milestone ${option.milestone} does not exist in ${repo.owner_name}/${repo.name}.`, { field: 'milestone' });
  }
  const body = option.body ?? '';
  const issue = await ctx.db.transaction(async () => {
    const created = await insertIssue(ctx.db, { repoId: repo.id, posterId: user.id, title, body, dueDate: option.due_date ?? null });
    if (triage) {
      await assign(ctx, created, user.id, assignees);
      if (option.milestone) await setMilestone(ctx, repo, created, user.id, option.milestone);
      if (option.labels?.length) await applyIssueLabels(ctx.db, repo, created, user.id, option.labels, 'add');
      if (option.closed) {
        await updateIssueRow(ctx.db, created.id, { state: 'closed' });
        await noteIssueEvent(ctx.db, created, 'close', user.id);
      }
    }
    await recordText(ctx, actor, repo, created, `${title}\n${body}`);
    return await findIssueById(ctx.db, created.id) as IssueRow;
  });
  await ctx.events.publish('conversation', conversationEvent(issue, 'opened', user.id, { text: `${title}\n${body}` }));
  if (assignees.length > 0) await ctx.events.publish('conversation', conversationEvent(issue, 'assigned', user.id, { targetUserIds: assignees }));
  return issue;
}

/**
 * Edits an issue: its author and writers change the title, the text and the state; writers only
 * the assignees, milestone and due date. The replaced text goes to the content history.
 */
export async function editIssue(ctx: IssueContext, actor: Actor, repo: RepoRow, issue: IssueRow, option: EditIssueOption): Promise<IssueRow> {
  const user = ctx.policy.signedIn(actor);
  requireTracker(repo);
  requireNotArchived(repo);
  const triage = await mayTriage(ctx.policy, actor, repo);
  if (!triage && user.id !== issue.poster_id) throw forbidden('Only the author of the issue or a maintainer may change it.');
  const triageOnly = option.assignee !== undefined || option.assignees !== undefined || option.milestone !== undefined || option.due_date !== undefined || option.unset_due_date;
  if (triageOnly && !triage) throw forbidden(`You need write access to ${repo.owner_name}/${repo.name} to change assignees, milestone or due date.`);
  const title = option.title?.trim();
  if (title === '') throw invalid('An issue needs a title.', { field: 'title' });
  const names = option.assignees ?? (option.assignee !== undefined ? [option.assignee] : undefined);
  const assigneeList = names === undefined ? undefined : await assigneeIds(ctx, repo, names);
  let added: number[] = [];
  const updated = await ctx.db.transaction(async () => {
    const bodyChanged = option.body !== undefined && option.body !== issue.body;
    if (bodyChanged) await insertContentHistory(ctx.db, keyOf(issue), null, user.id, issue.body);
    await updateIssueRow(ctx.db, issue.id, {
      title,
      body: option.body,
      state: option.state,
      dueDate: option.unset_due_date ? null : option.due_date,
    });
    if (title !== undefined && title !== issue.title) await noteIssueEvent(ctx.db, issue, 'change_title', user.id, { old_title: issue.title, new_title: title });
    if (option.state !== undefined && option.state !== issue.state) await noteIssueEvent(ctx.db, issue, option.state === 'open' ? 'reopen' : 'close', user.id);
    if (assigneeList !== undefined) added = await assign(ctx, issue, user.id, assigneeList);
    if (option.milestone !== undefined) await setMilestone(ctx, repo, issue, user.id, option.milestone || null);
    const now = await findIssueById(ctx.db, issue.id) as IssueRow;
    if (bodyChanged || (title !== undefined && title !== issue.title)) await recordText(ctx, actor, repo, now, `${now.title}\n${now.body}`);
    return now;
  });
  if (option.body !== undefined && option.body !== issue.body) {
    await ctx.events.publish('conversation', conversationEvent(updated, 'edited', user.id, { text: addedMentions(issue.body, updated.body) }));
  }
  if (option.state !== undefined && option.state !== issue.state) {
    await ctx.events.publish('conversation', conversationEvent(updated, option.state === 'open' ? 'reopened' : 'closed', user.id));
  }
  if (added.length > 0) await ctx.events.publish('conversation', conversationEvent(updated, 'assigned', user.id, { targetUserIds: added }));
  return updated;
}

/** Deletes an issue (writers: spam control); its number is not given again. */
export async function deleteIssue(ctx: IssueContext, actor: Actor, repo: RepoRow, issue: IssueRow): Promise<void> {
  await requireTriage(ctx, actor, repo, 'delete an issue');
  await deleteIssueRow(ctx.db, issue);
}

/** Locks (with Gitea's optional reason) or unlocks an issue's conversation: writers only. */
export async function setLocked(ctx: IssueContext, actor: Actor, repo: RepoRow, issue: IssueRow, locked: boolean, reason = ''): Promise<void> {
  const user = await requireTriage(ctx, actor, repo, 'lock a conversation');
  if ((issue.is_locked === 1) === locked) return;
  await ctx.db.transaction(async () => {
    await setIssueLocked(ctx.db, issue.id, locked);
    await noteIssueEvent(ctx.db, issue, locked ? 'lock' : 'unlock', user.id, { body: locked ? reason : '' });
  });
}

/** Pins an issue to the top of the repository's list, or unpins it: writers only. */
export async function setPinned(ctx: IssueContext, actor: Actor, repo: RepoRow, issue: IssueRow, pinned: boolean): Promise<void> {
  const user = await requireTriage(ctx, actor, repo, 'pin an issue');
  if ((issue.pin_order > 0) === pinned) return;
  await ctx.db.transaction(async () => {
    await setIssuePinned(ctx.db, issue, pinned);
    await noteIssueEvent(ctx.db, issue, pinned ? 'pin' : 'unpin', user.id);
  });
}

/** A 403 when the actor may not take part in a conversation: an archived repository, a locked conversation (writers only). */
async function requireMayTalk(ctx: IssueContext, actor: Actor, conversation: Conversation): Promise<UserRow> {
  const user = ctx.policy.signedIn(actor);
  requireNotArchived(conversation.repo);
  if (conversation.kind === 'issue' && conversation.issue.is_locked && !await mayTriage(ctx.policy, actor, conversation.repo)) {
    throw forbidden('This conversation is locked: only maintainers may comment or react.');
  }
  return user;
}

/** Comments on an issue (any signed-in reader; writers only once it is locked). */
export async function commentOnIssue(ctx: IssueContext, actor: Actor, repo: RepoRow, issue: IssueRow, body: string): Promise<IssueCommentRow> {
  requireTracker(repo);
  const user = await requireMayTalk(ctx, actor, { kind: 'issue', repo, number: issue.number, issue });
  const comment = await ctx.db.transaction(async () => {
    const created = await insertIssueComment(ctx.db, issue.id, user.id, body);
    await addMentions(ctx.db, keyOf(issue), (await mentionedUsers(ctx.db, body)).map((u) => u.id));
    await noteReferences(ctx, actor, { repo, kind: 'issue', number: issue.number }, body);
    await updateIssueRow(ctx.db, issue.id, {});
    return created;
  });
  await ctx.events.publish('conversation', conversationEvent(issue, 'commented', user.id, { text: body, commentId: comment.id }));
  return comment;
}

/** Adds a reaction to an issue's or pull request's text (commentId null) or to a comment; reacting twice the same way keeps one. */
export async function react(ctx: IssueContext, actor: Actor, conversation: Conversation, commentId: number | null, content: ReactionContent): Promise<{ row: ReactionRow | undefined; user: UserRow }> {
  const user = await requireMayTalk(ctx, actor, conversation);
  return { row: await insertReaction(ctx.db, { repoId: conversation.repo.id, number: conversation.number }, commentId, user.id, content), user };
}

/** Removes the actor's reaction. */
export async function unreact(ctx: IssueContext, actor: Actor, conversation: Conversation, commentId: number | null, content: ReactionContent): Promise<void> {
  const user = await requireMayTalk(ctx, actor, conversation);
  await deleteReaction(ctx.db, { repoId: conversation.repo.id, number: conversation.number }, commentId, user.id, content);
}
