import { request } from './client.js';
import type {
  ContentHistory,
  CreateIssueOption,
  CreateLabelOption,
  CreateMilestoneOption,
  EditIssueOption,
  EditLabelOption,
  EditMilestoneOption,
  Issue,
  IssueTemplate,
  Label,
  Milestone,
  Reaction,
  ReactionContent,
} from '../../../contract/issues.js';

export type { ContentHistory, Issue, IssueTemplate, Label, Milestone, Reaction, ReactionContent } from '../../../contract/issues.js';

const repoApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
const issueApi = (owner: string, repo: string, number: number) => `${repoApi(owner, repo)}/issues/${number}`;

/** The issue list's page size. */
export const ISSUES_PAGE_SIZE = 20;

export type IssueState = 'open' | 'closed';
/** Gitea's web sorts for issue lists. */
export const ISSUE_SORTS = ['newest', 'oldest', 'recentupdate', 'mostcomment'] as const;
export type IssueSort = (typeof ISSUE_SORTS)[number];

/** What an issue list is filtered by, as the page's address keeps it (`?state=&labels=&q=...`). */
export interface IssueFilter {
  state: IssueState;
  /** Label names, all required. */
  labels: string[];
  /** A milestone's title, or empty. */
  milestone: string;
  /** Logins, or empty. */
  assignee: string;
  author: string;
  q: string;
  sort: IssueSort;
}

/** The query Gitea's `GET /repos/{o}/{r}/issues` reads for a filter (issues only, not pull requests). */
function issueQuery(filter: IssueFilter, state: IssueState, page: number, limit: number): string {
  const query = new URLSearchParams({ type: 'issues', state, page: String(page), limit: String(limit) });
  if (filter.labels.length > 0) query.set('labels', filter.labels.join(','));
  if (filter.milestone) query.set('milestones', filter.milestone);
  if (filter.assignee) query.set('assigned_by', filter.assignee);
  if (filter.author) query.set('created_by', filter.author);
  if (filter.q) query.set('q', filter.q);
  query.set('sort', filter.sort);
  return query.toString();
}

/** One page of issues matching `filter`, with how many match in all (Gitea's `X-Total-Count`). */
export async function listIssues(owner: string, repo: string, filter: IssueFilter, page: number, signal?: AbortSignal): Promise<{ issues: Issue[]; total: number }> {
  let total = Number.NaN;
  const issues = await request<Issue[]>(`${repoApi(owner, repo)}/issues?${issueQuery(filter, filter.state, page, ISSUES_PAGE_SIZE)}`, {
    signal,
    onHeaders: (headers) => {
      total = Number(headers.get('x-total-count'));
    },
  });
  return { issues, total: Number.isFinite(total) ? total : issues.length };
}

/** How many issues match `filter` in `state`: one issue asked for, the total read from its header. */
export async function countIssues(owner: string, repo: string, filter: IssueFilter, state: IssueState, signal?: AbortSignal): Promise<number> {
  let total = 0;
  await request<Issue[]>(`${repoApi(owner, repo)}/issues?${issueQuery(filter, state, 1, 1)}`, {
    signal,
    onHeaders: (headers) => {
      total = Number(headers.get('x-total-count')) || 0;
    },
  });
  return total;
}

/** `GET /repos/{o}/{r}/issues/{n}`. */
export function getIssue(owner: string, repo: string, number: number, signal?: AbortSignal): Promise<Issue> {
  return request<Issue>(issueApi(owner, repo, number), { signal });
}

/** `POST /repos/{o}/{r}/issues`. */
export function createIssue(owner: string, repo: string, input: CreateIssueOption): Promise<Issue> {
  return request<Issue>(`${repoApi(owner, repo)}/issues`, { method: 'POST', body: input });
}

/** `PATCH /repos/{o}/{r}/issues/{n}`: title, body, state, milestone, assignees. */
export function editIssue(owner: string, repo: string, number: number, changes: EditIssueOption): Promise<Issue> {
  return request<Issue>(issueApi(owner, repo, number), { method: 'PATCH', body: changes });
}

/** `PATCH /repos/{o}/{r}/issues/comments/{id}`: a comment's new text. */
export async function editComment(owner: string, repo: string, id: number, body: string): Promise<void> {
  await request<unknown>(`${repoApi(owner, repo)}/issues/comments/${id}`, { method: 'PATCH', body: { body } });
}

/** `PUT /repos/{o}/{r}/issues/{n}/labels`: replaces the issue's labels with these ids. */
export function replaceIssueLabels(owner: string, repo: string, number: number, ids: number[]): Promise<Label[]> {
  return request<Label[]>(`${issueApi(owner, repo, number)}/labels`, { method: 'PUT', body: { labels: ids } });
}

/** Locks (`PUT`) or unlocks (`DELETE`) `/repos/{o}/{r}/issues/{n}/lock`. */
export async function setIssueLocked(owner: string, repo: string, number: number, locked: boolean): Promise<void> {
  await request<unknown>(`${issueApi(owner, repo, number)}/lock`, locked ? { method: 'PUT', body: { lock_reason: '' } } : { method: 'DELETE' });
}

/** Pins (`POST`) or unpins (`DELETE`) `/repos/{o}/{r}/issues/{n}/pin`. */
export async function setIssuePinned(owner: string, repo: string, number: number, pinned: boolean): Promise<void> {
  await request<unknown>(`${issueApi(owner, repo, number)}/pin`, { method: pinned ? 'POST' : 'DELETE' });
}

/** What reactions hang on: the issue's own text, or one comment. */
export type ReactionTarget = { kind: 'issue'; number: number } | { kind: 'comment'; id: number };

const reactionsApi = (owner: string, repo: string, target: ReactionTarget) =>
  target.kind === 'issue' ? `${issueApi(owner, repo, target.number)}/reactions` : `${repoApi(owner, repo)}/issues/comments/${target.id}/reactions`;

/** Gitea's `GET .../reactions`. */
export async function listReactions(owner: string, repo: string, target: ReactionTarget, signal?: AbortSignal): Promise<Reaction[]> {
  // Gitea answers an empty list with no body at all.
  return (await request<Reaction[] | null>(reactionsApi(owner, repo, target), { signal })) ?? [];
}

/** Adds (`POST`) or takes back (`DELETE`) the viewer's reaction. */
export async function setReaction(owner: string, repo: string, target: ReactionTarget, content: ReactionContent, on: boolean): Promise<void> {
  await request<unknown>(reactionsApi(owner, repo, target), { method: on ? 'POST' : 'DELETE', body: { content } });
}

/** What an edit history belongs to: the issue's description, or one comment. */
export type HistoryTarget = { kind: 'issue'; number: number } | { kind: 'comment'; id: number };

/** Fabrique's `GET .../content_history`: the earlier versions of a text, newest first. */
export function listContentHistory(owner: string, repo: string, target: HistoryTarget, signal?: AbortSignal): Promise<ContentHistory[]> {
  const base = target.kind === 'issue' ? issueApi(owner, repo, target.number) : `${repoApi(owner, repo)}/issues/comments/${target.id}`;
  return request<ContentHistory[]>(`${base}/content_history`, { signal });
}

/** `GET /repos/{o}/{r}/issue_templates`. */
export function listIssueTemplates(owner: string, repo: string, signal?: AbortSignal): Promise<IssueTemplate[]> {
  return request<IssueTemplate[]>(`${repoApi(owner, repo)}/issue_templates`, { signal });
}

/** `GET /repos/{o}/{r}/labels`: every label of the repository (and of its organisation). */
export function listLabels(owner: string, repo: string, signal?: AbortSignal): Promise<Label[]> {
  return request<Label[]>(`${repoApi(owner, repo)}/labels?limit=100`, { signal });
}

/** `POST /repos/{o}/{r}/labels`. */
export function createLabel(owner: string, repo: string, input: CreateLabelOption): Promise<Label> {
  return request<Label>(`${repoApi(owner, repo)}/labels`, { method: 'POST', body: input });
}

/** `PATCH /repos/{o}/{r}/labels/{id}`. */
export function editLabel(owner: string, repo: string, id: number, changes: EditLabelOption): Promise<Label> {
  return request<Label>(`${repoApi(owner, repo)}/labels/${id}`, { method: 'PATCH', body: changes });
}

/** `DELETE /repos/{o}/{r}/labels/{id}`. */
export async function deleteLabel(owner: string, repo: string, id: number): Promise<void> {
  await request<unknown>(`${repoApi(owner, repo)}/labels/${id}`, { method: 'DELETE' });
}

/** `GET /repos/{o}/{r}/milestones?state=all`. */
export function listMilestones(owner: string, repo: string, signal?: AbortSignal): Promise<Milestone[]> {
  return request<Milestone[]>(`${repoApi(owner, repo)}/milestones?state=all&limit=100`, { signal });
}

/** `POST /repos/{o}/{r}/milestones`. */
export function createMilestone(owner: string, repo: string, input: CreateMilestoneOption): Promise<Milestone> {
  return request<Milestone>(`${repoApi(owner, repo)}/milestones`, { method: 'POST', body: input });
}

/** `PATCH /repos/{o}/{r}/milestones/{id}`. */
export function editMilestone(owner: string, repo: string, id: number, changes: EditMilestoneOption): Promise<Milestone> {
  return request<Milestone>(`${repoApi(owner, repo)}/milestones/${id}`, { method: 'PATCH', body: changes });
}

/** `DELETE /repos/{o}/{r}/milestones/{id}`. */
export async function deleteMilestone(owner: string, repo: string, id: number): Promise<void> {
  await request<unknown>(`${repoApi(owner, repo)}/milestones/${id}`, { method: 'DELETE' });
}

/** Gitea's `POST /markdown`: the server's sanitised HTML for a text being written, links resolved in this repository. */
export function previewMarkdown(owner: string, repo: string, text: string, signal?: AbortSignal): Promise<string> {
  return request<string>('/api/v1/markdown', { method: 'POST', body: { Text: text, Mode: 'gfm', Context: `${owner}/${repo}` }, text: true, signal });
}

/** Gitea's `GET /repos/{o}/{r}/assignees`: who may be assigned (write access). */
export function listAssignees(owner: string, repo: string, signal?: AbortSignal): Promise<Issue['assignees']> {
  return request<Issue['assignees']>(`${repoApi(owner, repo)}/assignees`, { signal });
}

/** `DELETE /repos/{o}/{r}/issues/{n}`: writers remove an issue (spam control). */
export async function deleteIssue(owner: string, repo: string, number: number): Promise<void> {
  await request<unknown>(issueApi(owner, repo, number), { method: 'DELETE' });
}

/** Gitea's `PATCH /admin/users/{username}` with `prohibit_login`: a site administrator suspends an account. */
export async function suspendUser(username: string): Promise<void> {
  await request<unknown>(`/api/v1/admin/users/${encodeURIComponent(username)}`, { method: 'PATCH', body: { prohibit_login: true } });
}
