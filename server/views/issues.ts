import {
  assigneesOf,
  commentSubject,
  countConversationComments,
  findIssue,
  listConversations,
  listContentHistory,
  listIssueComments,
  listReactions,
  type ConversationFilter,
  type ConversationRow,
  type IssueCommentRow,
  type IssueRow,
} from '../db/issues.js';
import { findLabel, labelsOf, listLabels, type LabelRow } from '../db/labels.js';
import { findMilestone, listMilestones, milestonesOf } from '../db/milestones.js';
import { findPull, findPullById, type PullRow } from '../db/pulls.js';
import { findRepoById, readableRepoIdsWithIssues, type RepoRow } from '../db/repos.js';
import { findUserById, findUserByName, type UserRow } from '../db/users.js';
import { listComments } from '../db/comments.js';
import { listCollaborators } from '../db/collaborators.js';
import { listTeamMembers, listTeams, teamRepoIds } from '../db/teams.js';
import { presentUser, type UserSummary } from '../presenters/user.js';
import { RepoReader, type GitEntry } from '../git/read.js';
import { repoPath } from '../git/store.js';
import type { Actor } from '../auth/policy.js';
import { notFound } from '../errors.js';
import {
  presentContentHistory,
  presentIssue,
  presentIssueComment,
  presentLabel,
  presentLabelIn,
  presentMilestone,
  presentReaction,
} from '../presenters/issue.js';
import type { ContentHistory, Issue, IssueTemplate, Label, Milestone, Reaction } from '../../contract/issues.js';
import type { IssueComment } from '../../contract/pulls.js';
import type { ReadContext } from './context.js';
import { pullMarkdown, UserCache } from './pull-request.js';
import { filterAsync } from '../lib/async.js';

export type { IssueRow, IssueCommentRow, UserRow };

/** An `/issues/{index}` of a repository: an issue, or a pull request (one numbering for both). */
export type ConversationOf = { kind: 'issue'; number: number; issue: IssueRow } | { kind: 'pull'; number: number; pull: PullRow };

/** The issue or pull request a repository numbers `index`, or a 404. */
export async function findConversation(ctx: ReadContext, repo: RepoRow, index: number): Promise<ConversationOf> {
  const issue = await findIssue(ctx.db, repo.id, index);
  if (issue) return { kind: 'issue', number: index, issue };
  const pull = await findPull(ctx.db, repo.id, index);
  if (pull) return { kind: 'pull', number: index, pull };
  throw notFound(`The issue #${index}`);
}

/** The issue a repository numbers `index` (a pull request's number is a 404 here), or a 404. */
export async function findIssueOnly(ctx: ReadContext, repo: RepoRow, index: number): Promise<IssueRow> {
  const issue = await findIssue(ctx.db, repo.id, index);
  if (!issue) throw notFound(`The issue #${index}`);
  return issue;
}

/** An account by login name (list filters), or undefined. */
export async function accountNamed(ctx: ReadContext, name: string): Promise<UserRow | undefined> {
  return await findUserByName(ctx.db, name);
}

function rowOf(conversation: ConversationOf): ConversationRow {
  if (conversation.kind === 'issue') return { kind: 'issue', ...conversation.issue };
  const pull = conversation.pull;
  return { ...pull, kind: 'pull', repo_id: pull.base_repo_id, is_locked: 0, pin_order: 0 };
}

/** Issues and pull requests as Gitea's Issue, their labels, assignees and milestones read once per repository. */
export async function presentConversations(ctx: ReadContext, rows: ConversationRow[]): Promise<Issue[]> {
  const users = new UserCache(ctx);
  const comments = await countConversationComments(ctx.db, rows);
  const byRepo = new Map<number, { repo: RepoRow; labels: Map<number, LabelRow[]>; assignees: Map<number, number[]>; milestones: Awaited<ReturnType<typeof milestonesOf>> }>();
  for (const repoId of new Set(rows.map((r) => r.repo_id))) {
    const repo = await findRepoById(ctx.db, repoId) as RepoRow;
    const numbers = rows.filter((r) => r.repo_id === repoId).map((r) => r.number);
    byRepo.set(repoId, { repo, labels: await labelsOf(ctx.db, repoId, numbers), assignees: await assigneesOf(ctx.db, repoId, numbers), milestones: await milestonesOf(ctx.db, repoId, numbers) });
  }
  return await Promise.all(rows.map(async (row) => {
    const found = byRepo.get(row.repo_id);
    if (!found) throw notFound('The repository');
    const { repo } = found;
    const milestone = found.milestones.get(row.number);
    const pull = row.kind === 'pull' ? (await findPullById(ctx.db, row.id) ?? null) : null;
    const issue = row.kind === 'issue' ? await findIssue(ctx.db, repo.id, row.number) : undefined;
    return presentIssue(ctx.config.baseUrl, row, {
      repo,
      poster: await users.must(row.poster_id),
      bodyHtml: pullMarkdown(ctx.images, repo, repo.default_branch, row.body),
      labels: (found.labels.get(row.number) ?? []).map((l) => presentLabelOf(ctx, l, repo)),
      milestone: milestone ? presentMilestone(milestone) : null,
      assignees: (await Promise.all((found.assignees.get(row.number) ?? []).map(async (id) => await users.get(id)))).filter((u) => u !== null),
      comments: comments.get(`${row.kind}:${row.id}`) ?? 0,
      dueDate: issue?.due_date ?? null,
      pull,
    });
  }));
}

/** One issue or pull request as Gitea's Issue. */
export async function presentConversation(ctx: ReadContext, conversation: ConversationOf): Promise<Issue> {
  return (await presentConversations(ctx, [rowOf(conversation)]))[0];
}

/** A label shown from a repository: an organisation's label keeps the organisation's url. */
function presentLabelOf(ctx: ReadContext, label: LabelRow, repo: RepoRow): Label {
  return presentLabelIn(ctx.config.baseUrl, label, repo);
}

export type IssueListFilter = Omit<ConversationFilter, 'repoIds'>;

/** A page of a repository's issues and pull requests. */
export async function issuePage(ctx: ReadContext, repo: RepoRow, filter: IssueListFilter): Promise<{ items: Issue[]; total: number }> {
  const { rows, total } = await listConversations(ctx.db, { ...filter, repoIds: [repo.id] });
  return { items: await presentConversations(ctx, rows), total };
}

/** A page of the issues and pull requests of every repository the actor may read (private ones only to their readers). */
export async function issueSearchPage(ctx: ReadContext, actor: Actor, filter: IssueListFilter & { owner?: string }): Promise<{ items: Issue[]; total: number }> {
  let repoIds = await readableRepoIdsWithIssues(ctx.db, ctx.policy.listingViewer(actor));
  if (filter.owner !== undefined) {
    const owner = await findUserByName(ctx.db, filter.owner);
    repoIds = owner ? await filterAsync(repoIds, async (id) => (await findRepoById(ctx.db, id))?.owner_id === owner.id) : [];
  }
  const { rows, total } = await listConversations(ctx.db, { ...filter, repoIds });
  return { items: await presentConversations(ctx, rows), total };
}

/** The comments of an issue or pull request, oldest first, as Gitea's Comment. */
export async function conversationComments(ctx: ReadContext, repo: RepoRow, conversation: ConversationOf): Promise<IssueComment[]> {
  const rows: IssueCommentRow[] = conversation.kind === 'issue' ? await listIssueComments(ctx.db, conversation.issue.id) : await listComments(ctx.db, conversation.pull.id);
  return await presentConversationComments(ctx, repo, conversation, rows);
}

/** Comments of an issue or pull request as Gitea's Comment. */
export async function presentConversationComments(ctx: ReadContext, repo: RepoRow, subject: { kind: 'issue' | 'pull'; number: number }, rows: IssueCommentRow[]): Promise<IssueComment[]> {
  const users = new UserCache(ctx);
  return await Promise.all(rows.map(async (c) => presentIssueComment(ctx.config.baseUrl, repo, subject, c, await users.must(c.poster_id), pullMarkdown(ctx.images, repo, repo.default_branch, c.body))));
}

/** A repository's own labels, by name. */
export async function repositoryLabels(ctx: ReadContext, repo: RepoRow, paging: { limit: number; offset: number }): Promise<{ items: Label[]; total: number }> {
  const { rows, total } = await listLabels(ctx.db, { repoId: repo.id }, paging.limit, paging.offset);
  return { items: rows.map((l) => presentLabelOf(ctx, l, repo)), total };
}

/** An organisation's labels, by name. */
export async function organisationLabels(ctx: ReadContext, org: UserRow, paging: { limit: number; offset: number }): Promise<{ items: Label[]; total: number }> {
  const { rows, total } = await listLabels(ctx.db, { orgId: org.id }, paging.limit, paging.offset);
  return { items: rows.map((l) => presentLabel(ctx.config.baseUrl, l, { org: org.username })), total };
}

/** One label of a repository or organisation, or a 404. */
export async function oneLabel(ctx: ReadContext, owner: { repo: RepoRow } | { org: UserRow }, id: number): Promise<Label> {
  const label = await findLabel(ctx.db, 'repo' in owner ? { repoId: owner.repo.id } : { orgId: owner.org.id }, id);
  if (!label) throw notFound('The label');
  return 'repo' in owner ? presentLabelOf(ctx, label, owner.repo) : presentLabel(ctx.config.baseUrl, label, { org: owner.org.username });
}

/** The labels of an issue or pull request. */
export async function conversationLabels(ctx: ReadContext, repo: RepoRow, number: number): Promise<Label[]> {
  return ((await labelsOf(ctx.db, repo.id, [number])).get(number) ?? []).map((l) => presentLabelOf(ctx, l, repo));
}

/** A repository's milestones. */
export async function milestonePage(ctx: ReadContext, repo: RepoRow, state: 'open' | 'closed' | 'all', paging: { limit: number; offset: number }): Promise<{ items: Milestone[]; total: number }> {
  const { rows, total } = await listMilestones(ctx.db, repo.id, state, paging.limit, paging.offset);
  return { items: rows.map(presentMilestone), total };
}

/** One milestone, or a 404. */
export async function oneMilestone(ctx: ReadContext, repo: RepoRow, id: number): Promise<Milestone> {
  const milestone = await findMilestone(ctx.db, repo.id, id);
  if (!milestone) throw notFound('The milestone');
  return presentMilestone(milestone);
}

/** The reactions to an issue's or pull request's text (commentId null) or to a comment. */
export async function reactionsOf(ctx: ReadContext, repo: RepoRow, number: number, commentId: number | null): Promise<Reaction[]> {
  const users = new UserCache(ctx);
  return await Promise.all((await listReactions(ctx.db, { repoId: repo.id, number }, commentId)).map(async (r) => presentReaction(r, await users.must(r.user_id))));
}

/** The earlier versions of an issue's or pull request's text, or of one of its comments, newest first. */
export async function contentHistoryOf(ctx: ReadContext, repo: RepoRow, number: number, commentId: number | null): Promise<ContentHistory[]> {
  const users = new UserCache(ctx);
  return await Promise.all((await listContentHistory(ctx.db, { repoId: repo.id, number }, commentId)).map(async (h) => presentContentHistory(h, await users.get(h.editor_id))));
}

/** The account of an id, for the views that present one. */
export async function accountById(ctx: ReadContext, id: number): Promise<UserRow | undefined> {
  return await findUserById(ctx.db, id);
}

const TEMPLATE_FOLDERS = ['.gitea/ISSUE_TEMPLATE', '.gitea/issue_template', '.github/ISSUE_TEMPLATE', '.github/issue_template'];

/** The front matter and text of a Markdown issue template (`---` name, about, title, labels `---`). */
export function parseIssueTemplate(source: string, fileName: string): IssueTemplate | null {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(source);
  if (!match) return null;
  const fields = new Map<string, string>();
  for (const line of match[1].split(/\r?\n/)) {
    const field = /^([A-Za-z_]+)\s*:\s*(.*)$/.exec(line);
    if (field) fields.set(field[1].toLowerCase(), field[2].trim());
  }
  const unquote = (value: string) => value.replace(/^(["'])(.*)\1$/, '$2');
  const name = unquote(fields.get('name') ?? '');
  if (!name) return null;
  const rawLabels = fields.get('labels') ?? '';
  const labels = rawLabels.startsWith('[') ? rawLabels.slice(1, -1).split(',') : rawLabels.split(',');
  return {
    name,
    title: unquote(fields.get('title') ?? ''),
    about: unquote(fields.get('about') ?? ''),
    labels: labels.map((l) => unquote(l.trim())).filter(Boolean),
    ref: unquote(fields.get('ref') ?? ''),
    content: match[2],
    file_name: fileName,
  };
}

/** The issue templates of the default branch, from `.gitea/ISSUE_TEMPLATE/*.md` or else `.github/ISSUE_TEMPLATE/*.md`. */
export async function issueTemplates(ctx: ReadContext, repo: RepoRow): Promise<IssueTemplate[]> {
  if (repo.is_empty) return [];
  const reader = new RepoReader(repoPath(ctx.config.reposDir, repo.owner_name, repo.name), ctx.gitCache);
  const head = await reader.resolve(repo.default_branch);
  if (!head) return [];
  for (const folder of TEMPLATE_FOLDERS) {
    const entry = await reader.entryAt(head.oid, folder);
    if (!entry || entry.type !== 'tree') continue;
    const files = (await reader.listFolder(entry)).filter((f: GitEntry) => f.type === 'blob' && /\.(md|markdown)$/i.test(f.name));
    const templates: IssueTemplate[] = [];
    for (const file of files) {
      const parsed = parseIssueTemplate(Buffer.from(await reader.blob(file.oid)).toString('utf8'), file.name);
      if (parsed) templates.push(parsed);
    }
    if (templates.length > 0) return templates;
  }
  return [];
}

/** A comment of an issue or pull request of this repository, with that issue's or pull request's number; a 404 otherwise. */
export async function commentOf(ctx: ReadContext, repo: RepoRow, id: number): Promise<{ number: number; comment: IssueCommentRow }> {
  const subject = await commentSubject(ctx.db, id);
  if (!subject || subject.repoId !== repo.id) throw notFound('The comment');
  return { number: subject.number, comment: subject.comment };
}

/** Beyond this many collaborators, the assignee list stops: a forge's repository has far fewer writers. */
const MAX_COLLABORATORS = 1000;

/**
 * Gitea's `/assignees`: the accounts that may be assigned to the repository's issues (the owner,
 * collaborators and team members with write access), active, sorted by name.
 */
export async function assignableUsers(ctx: ReadContext, repo: RepoRow): Promise<UserSummary[]> {
  const candidates: UserRow[] = (await listCollaborators(ctx.db, repo.id, MAX_COLLABORATORS, 0)).rows;
  const owner = await findUserById(ctx.db, repo.owner_id);
  if (owner?.type === 'user') candidates.push(owner);
  if (repo.owner_type === 'org') {
    for (const team of await listTeams(ctx.db, repo.owner_id)) {
      if (team.permission !== 'read' && (await teamRepoIds(ctx.db, team)).includes(repo.id)) candidates.push(...await listTeamMembers(ctx.db, team.id));
    }
  }
  const byId = new Map<number, UserRow>();
  for (const user of candidates) {
    if (byId.has(user.id) || user.type !== 'user' || user.prohibit_login !== 0) continue;
    // The one policy decides, as when assigning: the same accounts are listed and accepted.
    const access = await ctx.policy.repoAccess({ kind: 'user', user, via: 'session', scopes: null }, repo);
    if (access === 'write' || access === 'admin') byId.set(user.id, user);
  }
  return [...byId.values()].sort((a, b) => a.lower_name.localeCompare(b.lower_name)).map((user) => presentUser(user, ctx.config.baseUrl));
}
