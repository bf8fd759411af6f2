import type { Db } from '../db/index.js';
import { findRepo, findRepoById, type RepoRow } from '../db/repos.js';
import { findIssue, updateIssueRow, type IssueRow } from '../db/issues.js';
import { findPull, type PullRow } from '../db/pulls.js';
import { insertConversationEvent, type TimelineType } from '../db/timeline.js';
import { git } from '../git/exec.js';
import { ZERO_OID } from '../git/write.js';
import type { Actor, Policy } from '../auth/policy.js';
import { pusherActor } from './ref-gate.js';
import type { EventBus, ConversationEvent } from './events.js';
import type { PushedEvent } from './push.js';

/** What the reference and closing use cases need. */
export interface ReferenceContext {
  db: Db;
  policy: Policy;
  events: EventBus;
  baseUrl: string;
}

/** An issue or pull request a text names: `#12`, `owner/repo#12`, or its full address on this forge. */
export interface IssueReference {
  owner: string;
  repo: string;
  number: number;
  /** Whether a closing keyword (fixes, closes, resolves, corrige, ferme, résout...) comes before it. */
  closes: boolean;
}

/** How many commits of one push are read for references at most (as Gitea, a long push is read by its newest commits). */
const MAX_PUSHED_COMMITS = 250;

const NAME = '[A-Za-z0-9_.-]+';
// The English and French closing keywords, accents already stripped from the text (résout → resout).
const KEYWORD = '(?:fix(?:e[sd])?|close[sd]?|resolve[sd]?|corrige[sz]?|ferme[sz]?|resou[dst]|resolu)';

/** The text with its accents removed, so that "Résout", "resout" and "RÉSOUT" read the same. */
const withoutAccents = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '');

/**
 * The issues and pull requests a text refers to, once each, in order. `#N` names one of `here`;
 * code spans and fenced blocks are skipped, as Gitea does.
 */
export function parseReferences(text: string, here: { owner: string; repo: string }, baseUrl: string): IssueReference[] {
  const plain = withoutAccents(text).replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ');
  const base = baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(
    `(?:\\b(${KEYWORD})\\s*:?\\s+)?(?:${base}/(${NAME})/(${NAME})/(?:issues|pulls)/(\\d+)|(?<![\\w/])(?:(${NAME})/(${NAME}))?#(\\d+))(?![\\w])`,
    'gi',
  );
  const found = new Map<string, IssueReference>();
  for (const m of plain.matchAll(pattern)) {
    const owner = m[2] ?? m[5] ?? here.owner;
    const repo = m[3] ?? m[6] ?? here.repo;
    const number = Number(m[4] ?? m[7]);
    if (!Number.isSafeInteger(number) || number < 1) continue;
    const key = `${owner.toLowerCase()}/${repo.toLowerCase()}#${number}`;
    const closes = m[1] !== undefined;
    const seen = found.get(key);
    if (seen) seen.closes ||= closes;
    else found.set(key, { owner, repo, number, closes });
  }
  return [...found.values()];
}

/** Where a reference comes from: an issue or pull request (with its text), or a commit. */
export type ReferenceSource = { repo: RepoRow; kind: 'issue' | 'pull'; number: number } | { repo: RepoRow; kind: 'commit'; sha: string };

/** The issue or pull request a reference names, if it exists and the actor may read it (nothing is said of the others). */
async function resolveTarget(ctx: ReferenceContext, actor: Actor, ref: IssueReference): Promise<{ repo: RepoRow; issue?: IssueRow; pull?: PullRow } | null> {
  const repo = await findRepo(ctx.db, ref.owner, ref.repo);
  if (!repo || !await ctx.policy.can(actor, 'repo:read', { type: 'repo', repo })) return null;
  const issue = await findIssue(ctx.db, repo.id, ref.number);
  if (issue) return { repo, issue };
  const pull = await findPull(ctx.db, repo.id, ref.number);
  return pull ? { repo, pull } : null;
}

/**
 * Notes on the other side's timeline each issue or pull request a text refers to: an issue_ref
 * (from an issue), pull_ref (from a pull request) or commit_ref (from a commit), once per source.
 * Targets the actor may not read are left alone; readers of a target who may not read the source
 * see nothing of it (the timeline view drops it).
 */
export async function noteReferences(ctx: ReferenceContext, actor: Actor, source: ReferenceSource, text: string): Promise<void> {
  const actorId = actor.kind === 'user' ? actor.user.id : null;
  const type: TimelineType = source.kind === 'issue' ? 'issue_ref' : source.kind === 'pull' ? 'pull_ref' : 'commit_ref';
  for (const ref of parseReferences(text, { owner: source.repo.owner_name, repo: source.repo.name }, ctx.baseUrl)) {
    const target = await resolveTarget(ctx, actor, ref);
    if (!target) continue;
    if (source.kind !== 'commit' && target.repo.id === source.repo.id && ref.number === source.number) continue;
    // A merge or squash commit names the pull request it merges: that is its merge, not a reference.
    if (source.kind === 'commit' && target.pull?.merge_commit_sha === source.sha) continue;
    await insertConversationEvent(ctx.db, {
      repoId: target.repo.id,
      issueId: target.issue?.id ?? null,
      pullId: target.pull?.id ?? null,
      type,
      actorId,
      ref_repo_id: source.repo.id,
      ref_number: source.kind === 'commit' ? null : source.number,
      commit_sha: source.kind === 'commit' ? source.sha : '',
      ignoreDuplicate: true,
    });
  }
}

/** The conversation event of an issue closed by a keyword, for the notification service. */
function closedEvent(issue: IssueRow, actorId: number): ConversationEvent {
  return { repoId: issue.repo_id, index: issue.number, kind: 'issue', title: issue.title, action: 'closed', actorId, text: '', targetUserIds: [], commentId: null };
}

/**
 * Closes the open issues a text closes with a keyword (`fixes #1`, `Corrige #2`), in repositories
 * the actor may write to, noting on each what closed it: a commit or a merged pull request.
 */
export async function closeByKeywords(
  ctx: ReferenceContext,
  actor: Actor,
  source: { repo: RepoRow; text: string } & ({ commitSha: string } | { pullId: number; pullNumber: number }),
): Promise<void> {
  if (actor.kind !== 'user') return;
  const closed: IssueRow[] = [];
  for (const ref of parseReferences(source.text, { owner: source.repo.owner_name, repo: source.repo.name }, ctx.baseUrl)) {
    if (!ref.closes) continue;
    const target = await resolveTarget(ctx, actor, ref);
    if (!target?.issue || target.issue.state !== 'open' || target.repo.is_archived) continue;
    const access = await ctx.policy.repoAccess(actor, target.repo);
    if (access !== 'write' && access !== 'admin') continue;
    const issue = target.issue;
    await ctx.db.transaction(async () => {
      if ('commitSha' in source) {
        await updateIssueRow(ctx.db, issue.id, { state: 'closed', closedByCommit: source.commitSha });
        await insertConversationEvent(ctx.db, { repoId: issue.repo_id, issueId: issue.id, pullId: null, type: 'close', actorId: actor.user.id, commit_sha: source.commitSha, ref_repo_id: source.repo.id });
      } else {
        await updateIssueRow(ctx.db, issue.id, { state: 'closed', closedByPullId: source.pullId });
        await insertConversationEvent(ctx.db, { repoId: issue.repo_id, issueId: issue.id, pullId: null, type: 'close', actorId: actor.user.id, ref_repo_id: source.repo.id, ref_number: source.pullNumber });
      }
    });
    closed.push(issue);
  }
  for (const issue of closed) await ctx.events.publish('conversation', closedEvent(issue, actor.user.id));
}

/**
 * After a push: the commits new on the default branch refer to issues (commit_ref) and close those
 * they name with a keyword, as the pusher.
 */
export async function issuesAfterPush(ctx: ReferenceContext, event: PushedEvent): Promise<void> {
  const repo = await findRepoById(ctx.db, event.repo.id);
  if (!repo) return;
  const update = event.updates.find((u) => u.ref === `refs/heads/${repo.default_branch}` && u.newId !== ZERO_OID);
  if (!update) return;
  const range = update.oldId === ZERO_OID ? [update.newId] : [update.newId, `^${update.oldId}`];
  const { stdout } = await git(['log', `--max-count=${MAX_PUSHED_COMMITS}`, '--format=%H%x00%B%x00', ...range], { cwd: event.repoPath });
  const parts = stdout.split('\0');
  const actor = await pusherActor(ctx.db, event.pusher);
  // Oldest first, so that the timeline reads in the order the commits were made.
  const commits: Array<{ sha: string; message: string }> = [];
  for (let i = 0; i + 1 < parts.length; i += 2) commits.unshift({ sha: parts[i].trim(), message: parts[i + 1] });
  for (const { sha, message } of commits) {
    await noteReferences(ctx, actor, { repo, kind: 'commit', sha }, message);
    await closeByKeywords(ctx, actor, { repo, text: message, commitSha: sha });
  }
}

/** After a pull request was merged into the default branch: the issues its title or body closes with a keyword are closed. */
export async function issuesAfterMerge(ctx: ReferenceContext, event: ConversationEvent): Promise<void> {
  if (event.kind !== 'pull' || event.action !== 'merged') return;
  const repo = await findRepoById(ctx.db, event.repoId);
  const pull = repo ? await findPull(ctx.db, repo.id, event.index) : undefined;
  if (!repo || !pull || !pull.merged || pull.base_branch !== repo.default_branch) return;
  const merger = await pusherActor(ctx.db, { id: pull.merged_by_id ?? event.actorId });
  await closeByKeywords(ctx, merger, { repo, text: `${pull.title}\n\n${pull.body}`, pullId: pull.id, pullNumber: pull.number });
}
