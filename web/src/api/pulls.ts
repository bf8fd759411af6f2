import { request } from './client.js';
import { compare, type Commit, type Diff } from './browse.js';
import type { Issue } from '../../../contract/issues.js';
import type { ChangesSinceReview, IssueComment, PullRequest, PullReview, ReviewComment, ReviewState } from '../../../contract/pulls.js';

export type { ChangesSinceReview, IssueComment, MergeReason, PullRequest, PullReview, ReviewComment } from '../../../contract/pulls.js';

const pullsApi = (owner: string, repo: string) => `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/pulls`;

export type PullState = 'open' | 'closed' | 'all';

/** `GET /repos/issues/search?type=pulls&review_requested=true`: open pull requests whose review is asked of the signed-in user, newest first. */
export function listReviewRequested(signal?: AbortSignal): Promise<Issue[]> {
  return request<Issue[]>('/api/v1/repos/issues/search?type=pulls&state=open&review_requested=true&sort=newest&limit=20', { signal });
}

/** `GET /repos/{owner}/{repo}/pulls?state=`: newest first. */
export function listPulls(owner: string, repo: string, state: PullState, page: number, signal?: AbortSignal): Promise<PullRequest[]> {
  return request<PullRequest[]>(`${pullsApi(owner, repo)}?state=${state}&page=${page}&limit=30`, { signal });
}

/** `GET /repos/{owner}/{repo}/pulls/{n}`. */
export function getPull(owner: string, repo: string, number: number, signal?: AbortSignal): Promise<PullRequest> {
  return request<PullRequest>(`${pullsApi(owner, repo)}/${number}`, { signal });
}

/** Gitea's CreatePullRequestOption: `head` is `branch` or `owner:branch` for a fork. */
export interface NewPull {
  head: string;
  base: string;
  title: string;
  body: string;
  /** Lets the base repository's writers push to a fork's head branch. */
  allow_maintainer_edit?: boolean;
}

/** `POST /repos/{owner}/{repo}/pulls`. */
export function createPull(owner: string, repo: string, input: NewPull): Promise<PullRequest> {
  return request<PullRequest>(pullsApi(owner, repo), { method: 'POST', body: input });
}

/** `PATCH /repos/{owner}/{repo}/pulls/{n}`: title, body, or closing and reopening. */
export function editPull(owner: string, repo: string, number: number, changes: { title?: string; body?: string; state?: 'open' | 'closed'; draft?: boolean }): Promise<PullRequest> {
  return request<PullRequest>(`${pullsApi(owner, repo)}/${number}`, { method: 'PATCH', body: changes });
}

/** `GET /repos/{owner}/{repo}/pulls/{n}/commits`: oldest first. */
export function listPullCommits(owner: string, repo: string, number: number, signal?: AbortSignal): Promise<Commit[]> {
  return request<Commit[]>(`${pullsApi(owner, repo)}/${number}/commits?limit=250`, { signal });
}

/**
 * The changes of a pull request, in the browse diff's shape: its head against the merge base, read
 * in the base repository (which keeps the head as refs/pull/{n}/head).
 */
export async function getPullDiff(owner: string, repo: string, pull: PullRequest, offset = 0, signal?: AbortSignal): Promise<Diff> {
  const from = pull.merge_base || pull.base.ref;
  return (await compare(owner, repo, from, pull.head.sha, offset, signal)).diff;
}

/** Gitea's MergePullRequestOption `Do` values, as Fabrique offers them. */
export const MERGE_STYLES = ['merge', 'squash', 'fast-forward-only', 'rebase'] as const;
export type MergeStyle = (typeof MERGE_STYLES)[number];

export interface MergeOptions {
  style: MergeStyle;
  title?: string;
  message?: string;
  deleteBranch: boolean;
  /** The head the merger saw: the server refuses the merge if it moved since. */
  headCommitId: string;
  /** Gitea's merge_when_checks_succeed: merged by the server once the head's checks are green. */
  whenChecksSucceed?: boolean;
}

/** `POST /repos/{owner}/{repo}/pulls/{n}/merge`. */
export async function mergePull(owner: string, repo: string, number: number, options: MergeOptions): Promise<void> {
  await request<null>(`${pullsApi(owner, repo)}/${number}/merge`, {
    method: 'POST',
    body: {
      Do: options.style,
      MergeTitleField: options.title || undefined,
      MergeMessageField: options.message || undefined,
      delete_branch_after_merge: options.deleteBranch,
      head_commit_id: options.headCommitId,
      merge_when_checks_succeed: options.whenChecksSucceed || undefined,
    },
  });
}

const commentsApi = (owner: string, repo: string, number: number) =>
  `/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues/${number}/comments`;

/** `GET /repos/{owner}/{repo}/issues/{n}/comments`: the conversation, oldest first. */
export function listIssueComments(owner: string, repo: string, number: number, signal?: AbortSignal): Promise<IssueComment[]> {
  return request<IssueComment[]>(commentsApi(owner, repo, number), { signal });
}

/** `POST /repos/{owner}/{repo}/issues/{n}/comments`. */
export function addIssueComment(owner: string, repo: string, number: number, body: string): Promise<IssueComment> {
  return request<IssueComment>(commentsApi(owner, repo, number), { method: 'POST', body: { body } });
}

/** A review's verdict when it is submitted. */
export type ReviewEvent = Exclude<ReviewState, 'PENDING'>;

/** Which lines a comment is about: `start_line`..`line` of the old (LEFT) or new (RIGHT) file. */
export interface LineRange {
  path: string;
  side: 'LEFT' | 'RIGHT';
  start_line: number;
  line: number;
}

/** One line comment as a review carries it, in Gitea's positions plus Fabrique's `start_line`. */
function lineComment(range: LineRange, body: string) {
  return {
    path: range.path,
    body,
    new_position: range.side === 'RIGHT' ? range.line : undefined,
    old_position: range.side === 'LEFT' ? range.line : undefined,
    start_line: range.start_line,
  };
}

/** `GET /repos/{owner}/{repo}/pulls/{n}/reviews`. */
export function listReviews(owner: string, repo: string, number: number, signal?: AbortSignal): Promise<PullReview[]> {
  return request<PullReview[]>(`${pullsApi(owner, repo)}/${number}/reviews`, { signal });
}

/** `POST /repos/{owner}/{repo}/pulls/{n}/reviews`: a submitted review, or with PENDING a line comment added to one's pending review. */
export function createReview(
  owner: string,
  repo: string,
  number: number,
  input: { event: ReviewState; body: string; comments: { range: LineRange; body: string }[] },
): Promise<PullReview> {
  return request<PullReview>(`${pullsApi(owner, repo)}/${number}/reviews`, {
    method: 'POST',
    body: { event: input.event, body: input.body, comments: input.comments.map((c) => lineComment(c.range, c.body)) },
  });
}

/** `POST /repos/{owner}/{repo}/pulls/{n}/reviews/{id}`: submits a pending review with a verdict. */
export function submitReview(owner: string, repo: string, number: number, reviewId: number, input: { event: ReviewEvent; body: string }): Promise<PullReview> {
  return request<PullReview>(`${pullsApi(owner, repo)}/${number}/reviews/${reviewId}`, { method: 'POST', body: input });
}

/** `POST /repos/{owner}/{repo}/pulls/{n}/reviews/{id}/dismissals` (with a reason) or `/undismissals`: a writer sets a verdict aside, or counts it again. */
export function setReviewDismissed(owner: string, repo: string, number: number, reviewId: number, dismissed: boolean, message = ''): Promise<PullReview> {
  const path = `${pullsApi(owner, repo)}/${number}/reviews/${reviewId}/${dismissed ? 'dismissals' : 'undismissals'}`;
  return request<PullReview>(path, { method: 'POST', body: dismissed ? { message } : undefined });
}

/** `DELETE /repos/{owner}/{repo}/pulls/{n}/reviews/{id}`: drops a pending review and its comments. */
export async function deleteReview(owner: string, repo: string, number: number, reviewId: number): Promise<void> {
  await request<null>(`${pullsApi(owner, repo)}/${number}/reviews/${reviewId}`, { method: 'DELETE' });
}

/** `GET /repos/{owner}/{repo}/pulls/{n}/comments`: every line comment the viewer may see, threads and pending ones of the viewer included. */
export function listReviewComments(owner: string, repo: string, number: number, signal?: AbortSignal): Promise<ReviewComment[]> {
  return request<ReviewComment[]>(`${pullsApi(owner, repo)}/${number}/comments`, { signal });
}

/** `POST /repos/{owner}/{repo}/pulls/{n}/comments`: a thread outside any review. */
export function createThread(owner: string, repo: string, number: number, range: LineRange, body: string): Promise<ReviewComment> {
  return request<ReviewComment>(`${pullsApi(owner, repo)}/${number}/comments`, { method: 'POST', body: lineComment(range, body) });
}

/** `POST /repos/{owner}/{repo}/pulls/{n}/comments/{id}/replies`. */
export function replyToThread(owner: string, repo: string, number: number, threadId: number, body: string): Promise<ReviewComment> {
  return request<ReviewComment>(`${pullsApi(owner, repo)}/${number}/comments/${threadId}/replies`, { method: 'POST', body: { body } });
}

/** Resolves (`PUT`) or reopens (`DELETE`) `/repos/{owner}/{repo}/pulls/{n}/comments/{id}/resolution`. */
export async function setThreadResolved(owner: string, repo: string, number: number, threadId: number, resolved: boolean): Promise<void> {
  await request<unknown>(`${pullsApi(owner, repo)}/${number}/comments/${threadId}/resolution`, { method: resolved ? 'PUT' : 'DELETE' });
}

/** `POST /repos/{owner}/{repo}/pulls/{n}/comments/{id}/suggestion`: commits the suggested change on the head branch. */
export function applySuggestion(owner: string, repo: string, number: number, commentId: number): Promise<{ sha: string }> {
  return request<{ sha: string }>(`${pullsApi(owner, repo)}/${number}/comments/${commentId}/suggestion`, { method: 'POST' });
}

/** `GET /repos/{owner}/{repo}/pulls/{n}/viewed`: the paths the viewer marked as viewed, still unchanged since. */
export function listViewedFiles(owner: string, repo: string, number: number, signal?: AbortSignal): Promise<string[]> {
  return request<string[]>(`${pullsApi(owner, repo)}/${number}/viewed`, { signal });
}

/** Marks (`PUT`) or unmarks (`DELETE`) one file as viewed: `/repos/{owner}/{repo}/pulls/{n}/viewed/{path}`. */
export async function setFileViewed(owner: string, repo: string, number: number, path: string, viewed: boolean): Promise<void> {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  await request<unknown>(`${pullsApi(owner, repo)}/${number}/viewed/${encoded}`, { method: viewed ? 'PUT' : 'DELETE' });
}

/** `GET /repos/{owner}/{repo}/pulls/{n}/changes-since-review?offset=`. */
export function getChangesSinceReview(owner: string, repo: string, number: number, offset = 0, signal?: AbortSignal): Promise<ChangesSinceReview> {
  return request<ChangesSinceReview>(`${pullsApi(owner, repo)}/${number}/changes-since-review${offset ? `?offset=${offset}` : ''}`, { signal });
}
