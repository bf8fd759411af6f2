import type { PullRow } from '../db/pulls.js';
import type { CommentRow } from '../db/comments.js';
import type { ReviewCommentRow, ReviewRow } from '../db/reviews.js';
import type { RepoRow } from '../db/repos.js';
import type { Repository } from './repository.js';
import type { UserSummary } from './user.js';
import { IssueComment, PullRequest, PullRequestList, PullReview, ReviewComment, type MergeState } from '../../contract/pulls.js';

export { IssueComment, PullRequest, PullRequestList, PullReview, ReviewComment };
import { RepoUrls } from './browse.js';
import { isDraftTitle } from '../../contract/drafts.js';
import type { Label, Milestone } from '../../contract/issues.js';
import type { Team } from '../../contract/organisations.js';
import { Type, type Static } from '@sinclair/typebox';
import type { RemotePullSource } from '../../contract/federation.js';

/** Gitea's PullReview of state REQUEST_REVIEW: a request for review, not yet answered. */
export const RequestedReview = Type.Composite([Type.Omit(PullReview, ['state']), Type.Object({ state: Type.Literal('REQUEST_REVIEW') })]);
export type RequestedReview = Static<typeof RequestedReview>;



export interface PullParts {
  base: RepoRow;
  baseJson: Repository;
  head: RepoRow | null;
  headJson: Repository | null;
  poster: UserSummary;
  mergedBy: UserSummary | null;
  bodyHtml: string;
  comments: number;
  reviewComments: number;
  headUnavailableReason: 'head_repo_deleted' | 'head_repo_private' | null;
  mergeState: MergeState;
  requestedReviewers: UserSummary[];
  /** The teams asked to review it (none where a payload does not list them). */
  requestedTeams?: Team[];
  /** Its labels, milestone and assignees, shared with issues (one numbering). */
  labels: Label[];
  milestone: Milestone | null;
  assignees: UserSummary[];
  /** Where the head of a pull request from another forge comes from. */
  remote?: RemotePullSource | null;
}

/** A pull request as Gitea shows it. */
export function presentPull(baseUrl: string, pull: PullRow, parts: PullParts): PullRequest {
  const urls = new RepoUrls(baseUrl, parts.base);
  const html = `${urls.html}/pulls/${pull.number}`;
  const headLabel = parts.remote ? parts.remote.label : parts.head && parts.head.id !== parts.base.id ? `${parts.head.owner_name}:${pull.head_branch}` : pull.head_branch;
  return {
    id: pull.id,
    url: html,
    number: pull.number,
    user: parts.poster,
    title: pull.title,
    body: pull.body,
    body_html: parts.bodyHtml,
    labels: parts.labels,
    milestone: parts.milestone,
    assignee: parts.assignees[0] ?? null,
    assignees: parts.assignees,
    requested_reviewers: parts.requestedReviewers,
    requested_teams: parts.requestedTeams ?? [],
    state: pull.state,
    draft: isDraftTitle(pull.title),
    is_locked: false,
    comments: parts.comments,
    review_comments: parts.reviewComments,
    additions: pull.additions,
    deletions: pull.deletions,
    changed_files: pull.changed_files,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    mergeable: pull.state === 'open' && pull.mergeable_state === 'mergeable',
    mergeable_state: pull.merged ? 'merged' : pull.mergeable_state,
    conflicted_files: JSON.parse(pull.conflicted_files) as string[],
    merged: pull.merged === 1,
    merged_at: pull.merged_at,
    merge_commit_sha: pull.merge_commit_sha,
    merged_by: parts.mergedBy,
    allow_maintainer_edit: pull.allow_maintainer_edit === 1,
    base: {
      label: pull.base_branch,
      ref: pull.base_branch,
      sha: pull.checked_base_sha ?? '',
      repo_id: parts.base.id,
      repo: parts.baseJson,
    },
    head: {
      label: headLabel,
      ref: pull.head_branch,
      sha: pull.head_sha,
      repo_id: parts.head?.id ?? 0,
      repo: parts.headJson,
    },
    merge_base: pull.merge_base ?? '',
    due_date: null,
    created_at: pull.created_at,
    updated_at: pull.updated_at,
    closed_at: pull.closed_at,
    pin_order: 0,
    head_unavailable_reason: parts.headUnavailableReason,
    merge_state: parts.mergeState,
    remote_source: parts.remote ?? null,
  };
}


export function presentComment(baseUrl: string, base: RepoRow, pullNumber: number, comment: CommentRow, user: UserSummary, bodyHtml: string): IssueComment {
  const html = `${new RepoUrls(baseUrl, base).html}/pulls/${pullNumber}`;
  return {
    id: comment.id,
    html_url: `${html}#issuecomment-${comment.id}`,
    pull_request_url: html,
    issue_url: '',
    user,
    original_author: '',
    original_author_id: 0,
    body: comment.body,
    body_html: bodyHtml,
    assets: [],
    created_at: comment.created_at,
    updated_at: comment.updated_at,
  };
}


export function presentReview(
  baseUrl: string,
  base: RepoRow,
  pullNumber: number,
  review: ReviewRow,
  details: { user: UserSummary; bodyHtml: string; headSha: string; official: boolean; commentsCount: number },
): PullReview {
  const html = `${new RepoUrls(baseUrl, base).html}/pulls/${pullNumber}`;
  return {
    id: review.id,
    user: details.user,
    state: review.state,
    body: review.body,
    body_html: details.bodyHtml,
    commit_id: review.commit_id,
    stale: review.commit_id !== details.headSha,
    official: details.official,
    dismissed: review.dismissed === 1,
    comments_count: details.commentsCount,
    submitted_at: review.submitted_at,
    updated_at: review.updated_at,
    html_url: `${html}#pullrequestreview-${review.id}`,
    pull_request_url: html,
  };
}


export function presentReviewComment(
  baseUrl: string,
  base: RepoRow,
  pullNumber: number,
  comment: ReviewCommentRow,
  details: { user: UserSummary; resolver: UserSummary | null; bodyHtml: string; outdated: boolean; suggestion: string[] | null },
): ReviewComment {
  const html = `${new RepoUrls(baseUrl, base).html}/pulls/${pullNumber}`;
  return {
    id: comment.id,
    pull_request_review_id: comment.review_id,
    thread_id: comment.thread_id ?? comment.id,
    in_reply_to: comment.thread_id,
    user: details.user,
    resolver: details.resolver,
    body: comment.body,
    body_html: details.bodyHtml,
    path: comment.path,
    side: comment.side,
    start_line: comment.start_line,
    line: comment.line,
    position: comment.side === 'RIGHT' ? comment.line : 0,
    original_position: comment.side === 'LEFT' ? comment.line : 0,
    commit_id: comment.commit_id,
    original_commit_id: comment.commit_id,
    original_lines: JSON.parse(comment.original_lines) as string[],
    outdated: details.outdated,
    suggestion: details.suggestion,
    suggestion_applied_sha: comment.suggestion_applied_sha,
    html_url: `${html}/files#issuecomment-${comment.id}`,
    pull_request_url: html,
    created_at: comment.created_at,
    updated_at: comment.updated_at,
  };
}


/** A review request as Gitea's PullReview: it has no review of its own yet, so its id is 0. */
export function presentReviewRequest(baseUrl: string, base: RepoRow, pullNumber: number, request: { user: UserSummary; createdAt: string; headSha: string }): RequestedReview {
  const html = `${new RepoUrls(baseUrl, base).html}/pulls/${pullNumber}`;
  return {
    id: 0,
    user: request.user,
    state: 'REQUEST_REVIEW',
    body: '',
    body_html: '',
    commit_id: request.headSha,
    stale: false,
    official: false,
    dismissed: false,
    comments_count: 0,
    submitted_at: null,
    updated_at: request.createdAt,
    html_url: html,
    pull_request_url: html,
  };
}
