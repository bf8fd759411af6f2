import { randomUUID } from 'node:crypto';
import picomatch from 'picomatch';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { findRepoById, type RepoRow } from '../db/repos.js';
import { findUserById, type UserRow } from '../db/users.js';
import { findIssue, commentSubject, assigneesOf, type ConversationRow } from '../db/issues.js';
import { findPull, openPullsFromHead, type PullRow } from '../db/pulls.js';
import { countComments } from '../db/comments.js';
import {
  activeWebhooksFor,
  deleteWebhook,
  findDelivery,
  findWebhook,
  insertDeliveries,
  insertWebhook,
  requeueDelivery,
  updateWebhook,
  type NewDelivery,
  type WebhookChanges,
  type WebhookOwner,
  type WebhookRow,
} from '../db/webhooks.js';
import { git } from '../git/exec.js';
import { invalid, notFound } from '../errors.js';
import type { Actor } from '../auth/policy.js';
import { presentRepository, type Repository } from '../presenters/repository.js';
import { presentUser, type UserSummary } from '../presenters/user.js';
import { presentIssue, presentIssueComment } from '../presenters/issue.js';
import { presentPull, type PullRequest } from '../presenters/pull.js';
import { parseHookEvents, type HookEvents } from '../presenters/webhook.js';
import { WEBHOOK_EVENTS, type CreateHookOption, type EditHookOption, type WebhookEvent } from '../../contract/webhooks.js';
import { recordAudit } from './audit.js';
import type { CommitStatusEvent, ConversationEvent, EventBus, ForkEvent, ReleaseEvent, RepositoryEvent } from './events.js';
import { sealSecret } from './import.js';
import { ZERO_ID, type PushedEvent } from './push.js';
import { gitdirOf } from './pulls.js';
import { isPubliclyReadable } from './repos.js';

/** What the webhook services need: the database, the configuration (read when an event comes: tests set the base URL late) and the worker to wake. */
export interface WebhookContext {
  db: Db;
  config: Config;
  /** Wakes the delivery worker: new rows are due now. */
  wake: () => void;
}

/** The event families Gitea's API names by their head event: `issues` and `pull_request` choose every sub-event. */
const ISSUE_FAMILY: readonly WebhookEvent[] = ['issues', 'issue_assign', 'issue_comment'];
const PULL_FAMILY: readonly WebhookEvent[] = ['pull_request', 'pull_request_assign', 'pull_request_review_request', 'pull_request_sync', 'pull_request_comment'];

/** X-Gitea-Event of each event type: sub-events are sent under their family's name, as Gitea does. */
export function headerEvent(type: WebhookEvent): string {
  if (type === 'issue_assign') return 'issues';
  if (type === 'pull_request_comment') return 'issue_comment';
  if (PULL_FAMILY.includes(type)) return 'pull_request';
  return type;
}

function wants(events: HookEvents, type: WebhookEvent): boolean {
  if (events.mode === 'everything') return true;
  if (events.mode === 'push_only') return type === 'push';
  if (events.events.includes(type)) return true;
  return (ISSUE_FAMILY.includes(type) && events.events.includes('issues')) || (PULL_FAMILY.includes(type) && events.events.includes('pull_request'));
}

/** Whether a ref passes a hook's branch filter (a glob; empty or `*`: every ref). Branches are matched by name, tags by full ref. */
function passesFilter(hook: WebhookRow, ref: string): boolean {
  const filter = hook.branch_filter.trim();
  if (filter === '' || filter === '*') return true;
  const name = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
  return picomatch.isMatch(name, filter);
}

// ---- hooks, as their owners manage them ----

function checkUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid(`"${raw}" is not a URL: give the http:// or https:// address the forge should call.`, { field: 'config.url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`A webhook URL must start with http:// or https://, not ${url.protocol}//.`, { field: 'config.url' });
  }
  return url.toString();
}

/** The stored events of what the API was given: none or just `push` is push only, `*` everything (Fabrique's), else the chosen types. */
function eventsOf(given: string[] | undefined): HookEvents {
  const list = [...new Set(given ?? ['push'])];
  if (list.includes('*')) return { mode: 'everything', events: [] };
  const unknown = list.find((event) => !(WEBHOOK_EVENTS as readonly string[]).includes(event));
  if (unknown !== undefined) {
    throw invalid(`"${unknown}" is not a webhook event; choose among ${WEBHOOK_EVENTS.join(', ')} (or * for every event).`, { field: 'events' });
  }
  if (list.length === 0 || (list.length === 1 && list[0] === 'push')) return { mode: 'push_only', events: [] };
  return { mode: 'chosen', events: list };
}

function checkFilter(filter: string | undefined): string | undefined {
  if (filter === undefined) return undefined;
  try {
    picomatch.makeRe(filter.trim());
  } catch {
    throw invalid(`The branch filter "${filter}" is not a valid glob pattern (e.g. main, release/*, {main,develop}).`, { field: 'branch_filter' });
  }
  return filter.trim();
}

/** Who did it, for the audit trail. */
export interface AuditBy {
  actor: Actor;
  ip: string | null;
}

function target(owner: WebhookOwner): string {
  if (owner === 'site') return 'site';
  return 'repoId' in owner ? `repo:${owner.repoId}` : `org:${owner.orgId}`;
}

/** Adds a hook to a repository, an organisation or the site. */
export async function createHook(ctx: WebhookContext, owner: WebhookOwner, option: CreateHookOption, by: AuditBy): Promise<WebhookRow> {
  const url = checkUrl(option.config.url);
  const events = eventsOf(option.events);
  const secret = option.config.secret ?? '';
  const hook = await insertWebhook(ctx.db, owner, {
    type: option.type,
    url,
    secret: secret === '' ? '' : sealSecret(ctx.config.secret, secret),
    contentType: option.config.content_type ?? 'json',
    events: JSON.stringify(events),
    branchFilter: checkFilter(option.branch_filter) ?? '',
    active: option.active ?? false,
  });
  await recordAudit(ctx.db, { actor: by.actor, action: 'webhook.create', target: target(owner), ip: by.ip, data: { hook: hook.id, url } });
  return hook;
}

/** The hook of an owner, or a 404. */
export async function requireHook(db: Db, owner: WebhookOwner, id: number): Promise<WebhookRow> {
  const hook = await findWebhook(db, owner, id);
  if (!hook) throw notFound('The webhook');
  return hook;
}

/** Changes what is given of a hook; an absent secret is kept, an empty one removed. */
export async function editHook(ctx: WebhookContext, owner: WebhookOwner, id: number, option: EditHookOption, by: AuditBy): Promise<WebhookRow> {
  const hook = await requireHook(ctx.db, owner, id);
  const changes: WebhookChanges = {};
  if (option.config?.url !== undefined) changes.url = checkUrl(option.config.url);
  if (option.config?.content_type !== undefined) changes.contentType = option.config.content_type;
  if (option.config?.secret !== undefined) changes.secret = option.config.secret === '' ? '' : sealSecret(ctx.config.secret, option.config.secret);
  if (option.events !== undefined) changes.events = JSON.stringify(eventsOf(option.events));
  if (option.branch_filter !== undefined) changes.branchFilter = checkFilter(option.branch_filter);
  if (option.active !== undefined) changes.active = option.active;
  const updated = await updateWebhook(ctx.db, hook.id, changes);
  await recordAudit(ctx.db, { actor: by.actor, action: 'webhook.edit', target: target(owner), ip: by.ip, data: { hook: hook.id } });
  return updated;
}

/** Removes a hook and its deliveries. */
export async function removeHook(ctx: WebhookContext, owner: WebhookOwner, id: number, by: AuditBy): Promise<void> {
  const hook = await requireHook(ctx.db, owner, id);
  await deleteWebhook(ctx.db, hook.id);
  await recordAudit(ctx.db, { actor: by.actor, action: 'webhook.delete', target: target(owner), ip: by.ip, data: { hook: hook.id, url: hook.url } });
}

/** Sends a delivery again, now; answers the delivery's uuid. */
export async function redeliver(ctx: WebhookContext, hook: WebhookRow, uuid: string): Promise<void> {
  const delivery = await findDelivery(ctx.db, hook.id, uuid);
  if (!delivery) throw notFound('The delivery');
  await requeueDelivery(ctx.db, delivery.id);
  ctx.wake();
}

// ---- payloads, in Gitea's shapes ----

async function repositoryJson(ctx: WebhookContext, repo: RepoRow): Promise<Repository | null> {
  const owner = await findUserById(ctx.db, repo.owner_id);
  return owner ? presentRepository(repo, owner, { admin: false, push: false, pull: true }, ctx.config.baseUrl) : null;
}

function userJson(ctx: WebhookContext, user: UserRow | undefined): UserSummary | null {
  return user ? presentUser(user, ctx.config.baseUrl) : null;
}

const htmlUrl = (ctx: WebhookContext, repo: Pick<RepoRow, 'owner_name' | 'name'>) => `${ctx.config.baseUrl}/${repo.owner_name}/${repo.name}`;

/** Gitea's PayloadCommit. */
interface PayloadCommit {
  id: string;
  message: string;
  url: string;
  author: { name: string; email: string; username: string };
  committer: { name: string; email: string; username: string };
  verification: null;
  timestamp: string;
  added: string[];
  removed: string[];
  modified: string[];
}

/** The commits a push brought (newest first, 20 at most, as Gitea's payload) with the files each added, removed or modified, read with git log. */
async function pushedCommits(ctx: WebhookContext, repo: RepoRow, gitdir: string, before: string, after: string): Promise<PayloadCommit[]> {
  const range = before === ZERO_ID || before === after ? ['-n', '1', after] : ['-n', '20', `${before}..${after}`];
  // Each commit: \x1e, its fields split by \x1f, \x1d, then git's name-status lines (renames as a removal and an addition, as Gitea).
  const { stdout } = await git(
    ['-c', 'core.quotePath=false', 'log', '--no-renames', '--name-status', '--format=%x1e%H%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%cI%x1f%B%x1d', ...range, '--'],
    { cwd: gitdir },
  );
  return stdout
    .split('\x1e')
    .filter((record) => record !== '')
    .map((record) => {
      const [header = '', changes = ''] = record.split('\x1d');
      const [id = '', authorName = '', authorEmail = '', committerName = '', committerEmail = '', date = '', message = ''] = header.split('\x1f');
      const files = { A: [] as string[], D: [] as string[], M: [] as string[] };
      for (const line of changes.split('\n')) {
        const [status = '', path] = line.split('\t');
        if (path === undefined) continue;
        // T (type change) is a modification to a receiver; A, D and M are what they say.
        const kind = status === 'A' || status === 'D' ? status : 'M';
        files[kind].push(path);
      }
      return {
        id,
        message,
        url: `${htmlUrl(ctx, repo)}/commit/${id}`,
        author: { name: authorName, email: authorEmail, username: '' },
        committer: { name: committerName, email: committerEmail, username: '' },
        verification: null,
        timestamp: date,
        added: files.A,
        removed: files.D,
        modified: files.M,
      };
    });
}

/** A push payload (Gitea's PushPayload). */
async function pushPayload(ctx: WebhookContext, repo: RepoRow, gitdir: string, ref: string, before: string, after: string, pusher: UserSummary | null): Promise<Record<string, unknown>> {
  const commits = await pushedCommits(ctx, repo, gitdir, before, after);
  return {
    ref,
    before,
    after,
    compare_url: before === ZERO_ID ? '' : `${htmlUrl(ctx, repo)}/compare/${before}...${after}`,
    commits,
    total_commits: commits.length,
    head_commit: commits.find((commit) => commit.id === after) ?? null,
    repository: await repositoryJson(ctx, repo),
    pusher,
    sender: pusher,
  };
}

async function pullJson(ctx: WebhookContext, pull: PullRow, base: RepoRow): Promise<PullRequest> {
  const baseJson = await repositoryJson(ctx, base);
  const head = pull.head_repo_id === null ? undefined : await findRepoById(ctx.db, pull.head_repo_id);
  const poster = userJson(ctx, await findUserById(ctx.db, pull.poster_id));
  const mergedBy = pull.merged_by_id === null ? null : userJson(ctx, await findUserById(ctx.db, pull.merged_by_id));
  if (!baseJson || !poster) throw notFound('The pull request');
  return presentPull(ctx.config.baseUrl, pull, {
    base,
    baseJson,
    head: head ?? null,
    // A head in another repository is named only when it is as visible as the base: anyone's when
    // the base is public, and of the same kind of owner otherwise (a fork in a private organisation
    // is not named to the hooks of a public repository, though its own flag says public).
    headJson: head && (head.id === base.id || isPubliclyReadable(head) || (!isPubliclyReadable(base) && head.is_private === base.is_private && head.owner_visibility === base.owner_visibility))
      ? await repositoryJson(ctx, head)
      : null,
    poster,
    mergedBy,
    bodyHtml: '',
    comments: await countComments(ctx.db, pull.id),
    reviewComments: 0,
    headUnavailableReason: null,
    mergeState: { status: 'allowed', blockers: [], advice: [], protection: null, approved_by: [], checks: { state: null, required: [], required_passed: true, auto_merge: null } },
    requestedReviewers: [],
    labels: [],
    milestone: null,
    assignees: [],
  });
}

async function conversationJson(ctx: WebhookContext, repo: RepoRow, row: ConversationRow) {
  const poster = userJson(ctx, await findUserById(ctx.db, row.poster_id));
  if (!poster) throw notFound('The issue');
  const assignees = (await Promise.all(((await assigneesOf(ctx.db, repo.id, [row.number])).get(row.number) ?? [])
    .map(async (id) => userJson(ctx, await findUserById(ctx.db, id)))))
    .filter((user): user is UserSummary => user !== null);
  const pull = row.kind === 'pull' ? (await findPull(ctx.db, repo.id, row.number) ?? null) : null;
  return presentIssue(ctx.config.baseUrl, row, {
    repo,
    poster,
    bodyHtml: '',
    labels: [],
    milestone: null,
    assignees,
    comments: 0,
    dueDate: null,
    pull,
  });
}

function pullAsConversation(pull: PullRow): ConversationRow {
  return {
    kind: 'pull',
    id: pull.id,
    repo_id: pull.base_repo_id,
    number: pull.number,
    poster_id: pull.poster_id,
    title: pull.title,
    body: pull.body,
    state: pull.state,
    is_locked: 0,
    pin_order: 0,
    created_at: pull.created_at,
    updated_at: pull.updated_at,
    closed_at: pull.closed_at,
  };
}

async function conversationRow(ctx: WebhookContext, repo: RepoRow, kind: 'issue' | 'pull', number: number): Promise<ConversationRow | null> {
  if (kind === 'issue') {
    const issue = await findIssue(ctx.db, repo.id, number);
    return issue ? { ...issue, kind: 'issue' } : null;
  }
  const pull = await findPull(ctx.db, repo.id, number);
  return pull ? pullAsConversation(pull) : null;
}

// ---- from events to delivery rows ----

/** Writes one delivery row per active hook of the repository (its own, its organisation's, the site's) that wants this event. */
async function enqueue(ctx: WebhookContext, repo: RepoRow, type: WebhookEvent, payload: Record<string, unknown>, ref: string | null = null): Promise<void> {
  const hooks = (await activeWebhooksFor(ctx.db, repo)).filter((hook) => wants(parseHookEvents(hook.events), type) && (ref === null || passesFilter(hook, ref)));
  if (hooks.length === 0) return;
  const body = JSON.stringify(payload);
  const rows: NewDelivery[] = hooks.map((hook) => ({ uuid: randomUUID(), hookId: hook.id, event: headerEvent(type), eventType: type, payload: body, isTest: false }));
  await insertDeliveries(ctx.db, rows);
  ctx.wake();
}

const refType = (ref: string) => (ref.startsWith('refs/tags/') ? 'tag' : 'branch');
const shortRef = (ref: string) => ref.replace(/^refs\/(heads|tags)\//, '');

async function afterPush(ctx: WebhookContext, event: PushedEvent): Promise<void> {
  const repo = event.repo;
  const pusher = userJson(ctx, await findUserById(ctx.db, event.pusher.id));
  const repository = await repositoryJson(ctx, repo);
  for (const update of event.updates) {
    if (!update.ref.startsWith('refs/heads/') && !update.ref.startsWith('refs/tags/')) continue;
    if (update.oldId === ZERO_ID) {
      await enqueue(ctx, repo, 'create', { sha: update.newId, ref: shortRef(update.ref), ref_type: refType(update.ref), repository, sender: pusher }, update.ref);
    }
    if (update.newId === ZERO_ID) {
      await enqueue(ctx, repo, 'delete', { ref: shortRef(update.ref), ref_type: refType(update.ref), pusher_type: 'user', repository, sender: pusher }, update.ref);
      continue;
    }
    await enqueue(ctx, repo, 'push', await pushPayload(ctx, repo, event.repoPath, update.ref, update.oldId, update.newId, pusher), update.ref);
    if (update.oldId !== ZERO_ID && update.ref.startsWith('refs/heads/')) await pullsSynchronized(ctx, repo, shortRef(update.ref), update.newId, pusher);
  }
}

/** A push to a pull request's head branch: `synchronized` to the base repository's hooks (the pull request listener may not have moved its head yet). */
async function pullsSynchronized(ctx: WebhookContext, headRepo: RepoRow, branch: string, newSha: string, sender: UserSummary | null): Promise<void> {
  for (const pull of await openPullsFromHead(ctx.db, headRepo.id, branch)) {
    const base = await findRepoById(ctx.db, pull.base_repo_id);
    if (!base) continue;
    const json = await pullJson(ctx, pull, base);
    json.head.sha = newSha;
    await enqueue(ctx, base, 'pull_request_sync', { action: 'synchronized', number: pull.number, pull_request: json, repository: await repositoryJson(ctx, base), sender, review: null });
  }
}

async function afterConversation(ctx: WebhookContext, event: ConversationEvent): Promise<void> {
  const repo = await findRepoById(ctx.db, event.repoId);
  if (!repo) return;
  const sender = userJson(ctx, await findUserById(ctx.db, event.actorId));
  const repository = await repositoryJson(ctx, repo);
  const target = event.targetUserIds[0] === undefined ? null : userJson(ctx, await findUserById(ctx.db, event.targetUserIds[0]));
  if (event.action === 'commented') {
    // Review verdicts publish `commented` without a comment: Gitea sends those as review events, which Fabrique does not send yet.
    const subject = event.commentId === null ? undefined : await commentSubject(ctx.db, event.commentId);
    if (!subject) return;
    const conversation = await conversationRow(ctx, repo, event.kind, event.index);
    if (!conversation) return;
    const issue = await conversationJson(ctx, repo, conversation);
    const commenter = userJson(ctx, await findUserById(ctx.db, subject.comment.poster_id));
    if (!commenter) return;
    const comment = presentIssueComment(ctx.config.baseUrl, repo, { kind: event.kind, number: event.index }, subject.comment, commenter, '');
    await enqueue(ctx, repo, event.kind === 'issue' ? 'issue_comment' : 'pull_request_comment', { action: 'created', issue, comment, repository, sender, is_pull: event.kind === 'pull' });
    return;
  }
  if (event.kind === 'issue') {
    const issue = await findIssue(ctx.db, repo.id, event.index);
    if (!issue || event.action === 'review_requested' || event.action === 'merged') return;
    const payload = { action: event.action, number: issue.number, issue: await conversationJson(ctx, repo, { ...issue, kind: 'issue' }), repository, sender, commit_id: '' };
    await enqueue(ctx, repo, event.action === 'assigned' ? 'issue_assign' : 'issues', event.action === 'assigned' ? { ...payload, assignee: target } : payload);
    return;
  }
  const pull = await findPull(ctx.db, repo.id, event.index);
  if (!pull) return;
  // A merge is Gitea's `closed` with `merged: true`.
  const action = event.action === 'merged' ? 'closed' : event.action;
  const payload: Record<string, unknown> = { action, number: pull.number, pull_request: await pullJson(ctx, pull, repo), repository, sender, review: null };
  if (event.action === 'assigned') await enqueue(ctx, repo, 'pull_request_assign', { ...payload, assignee: target });
  else if (event.action === 'review_requested') await enqueue(ctx, repo, 'pull_request_review_request', { ...payload, requested_reviewer: target });
  else await enqueue(ctx, repo, 'pull_request', payload);
}

async function afterStatus(ctx: WebhookContext, event: CommitStatusEvent): Promise<void> {
  const repo = await findRepoById(ctx.db, event.repoId);
  if (!repo) return;
  const sender = userJson(ctx, await findUserById(ctx.db, event.actorId));
  await enqueue(ctx, repo, 'status', { ...event.status, sha: event.sha, state: event.state, repository: await repositoryJson(ctx, repo), sender });
}

async function afterRelease(ctx: WebhookContext, event: ReleaseEvent): Promise<void> {
  const repo = await findRepoById(ctx.db, event.repoId);
  if (!repo) return;
  const sender = userJson(ctx, await findUserById(ctx.db, event.actorId));
  await enqueue(ctx, repo, 'release', { action: event.action, release: event.release, repository: await repositoryJson(ctx, repo), sender });
}

/** Gitea's RepositoryPayload: a deleted repository's own hooks went with it, so its organisation's and the site's hear of it. */
async function afterRepository(ctx: WebhookContext, event: RepositoryEvent): Promise<void> {
  const sender = userJson(ctx, event.actorId === null ? undefined : await findUserById(ctx.db, event.actorId));
  const owner = await findUserById(ctx.db, event.repo.owner_id);
  const organization = owner && owner.type === 'org' ? userJson(ctx, owner) : null;
  await enqueue(ctx, event.repo, 'repository', { action: event.action, repository: await repositoryJson(ctx, event.repo), organization, sender });
}

/**
 * Gitea's ForkPayload, to the parent's hooks: `forkee` is the parent, `repo` the new fork. Not
 * for a fork whose owner hides it (an organisation that is private or for members only): the
 * parent's hooks, whoever set them up, would name it to the outside.
 */
async function afterFork(ctx: WebhookContext, event: ForkEvent): Promise<void> {
  if (event.fork.owner_visibility !== 'public') return;
  const sender = userJson(ctx, event.actorId === null ? undefined : await findUserById(ctx.db, event.actorId));
  await enqueue(ctx, event.parent, 'fork', { forkee: await repositoryJson(ctx, event.parent), repo: await repositoryJson(ctx, event.fork), sender });
}

/** Turns the bus's events into delivery rows, written before the publisher goes on (durable: the worker sends them, even after a restart). */
export function followEventsForWebhooks(events: EventBus, ctx: WebhookContext): void {
  events.subscribe('pushed', (event) => afterPush(ctx, event));
  events.subscribe('conversation', (event) => afterConversation(ctx, event));
  events.subscribe('status', async (event) => await afterStatus(ctx, event));
  events.subscribe('release', async (event) => await afterRelease(ctx, event));
  events.subscribe('repository', async (event) => await afterRepository(ctx, event));
  events.subscribe('fork', async (event) => await afterFork(ctx, event));
}

/**
 * A test delivery (Gitea's "Test delivery"): a push of the default branch's last commit, sent to
 * this hook alone, active or not. Hooks of an organisation or of the site get it without a repository.
 */
export async function testHook(ctx: WebhookContext, hook: WebhookRow, repo: RepoRow | null, actor: UserRow): Promise<string> {
  const sender = userJson(ctx, actor);
  const ref = `refs/heads/${repo?.default_branch ?? 'main'}`;
  const gitdir = repo ? gitdirOf(ctx.config.reposDir, repo) : null;
  const head = repo && gitdir && repo.is_empty === 0 ? await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: gitdir }).then((r) => r.stdout.trim(), () => '') : '';
  const payload =
    repo && gitdir && head !== ''
      ? await pushPayload(ctx, repo, gitdir, ref, head, head, sender)
      : { ref, before: ZERO_ID, after: ZERO_ID, compare_url: '', commits: [], total_commits: 0, head_commit: null, repository: repo ? await repositoryJson(ctx, repo) : null, pusher: sender, sender };
  const uuid = randomUUID();
  await insertDeliveries(ctx.db, [{ uuid, hookId: hook.id, event: 'push', eventType: 'push', payload: JSON.stringify(payload), isTest: true }]);
  ctx.wake();
  return uuid;
}
