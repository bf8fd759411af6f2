import { Type, type Static } from '@sinclair/typebox';
import type { PullRow } from '../db/pulls.js';
import type { CommentRow } from '../db/comments.js';
import type { ReviewCommentRow, ReviewRow } from '../db/reviews.js';
import type { RepoRow } from '../db/repos.js';
import { Repository } from './repository.js';
import { UserSummary } from './user.js';
import { RepoUrls } from './browse.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** Gitea's PRBranchInfo. */
export const PullBranch = Type.Object({
  label: Type.String(),
  ref: Type.String(),
  sha: Type.String(),
  repo_id: Type.Integer(),
  repo: Nullable(Repository),
});

/** Gitea's PullRequest, with Fabrique's `mergeable_state`, `conflicted_files` and `body_html`. */
export const PullRequest = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  number: Type.Integer(),
  user: UserSummary,
  title: Type.String(),
  body: Type.String(),
  body_html: Type.String(),
  labels: Type.Array(Type.Unknown()),
  milestone: Type.Null(),
  assignee: Type.Null(),
  assignees: Type.Array(UserSummary),
  requested_reviewers: Type.Array(UserSummary),
  state: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  draft: Type.Boolean(),
  is_locked: Type.Boolean(),
  comments: Type.Integer(),
  review_comments: Type.Integer(),
  additions: Type.Integer(),
  deletions: Type.Integer(),
  changed_files: Type.Integer(),
  html_url: Type.String(),
  diff_url: Type.String(),
  patch_url: Type.String(),
  mergeable: Type.Boolean(),
  /** checking (not known yet), mergeable, conflict, or empty (nothing to merge). */
  mergeable_state: Type.String(),
  conflicted_files: Type.Array(Type.String()),
  merged: Type.Boolean(),
  merged_at: Nullable(Type.String()),
  merge_commit_sha: Nullable(Type.String()),
  merged_by: Nullable(UserSummary),
  allow_maintainer_edit: Type.Boolean(),
  base: PullBranch,
  head: PullBranch,
  merge_base: Type.String(),
  due_date: Type.Null(),
  created_at: Type.String(),
  updated_at: Type.String(),
  closed_at: Nullable(Type.String()),
  pin_order: Type.Integer(),
  /**
   * Fabrique: why the head no longer follows its branch, keeping its last commit: its repository was
   * deleted, or made private (fewer may read it than the base). Null while it follows.
   */
  head_unavailable_reason: Nullable(Type.Union([Type.Literal('head_repo_deleted'), Type.Literal('head_repo_private')])),
});
export type PullRequest = Static<typeof PullRequest>;

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
}

/** A pull request as Gitea shows it. */
export function presentPull(baseUrl: string, pull: PullRow, parts: PullParts): PullRequest {
  const urls = new RepoUrls(baseUrl, parts.base);
  const html = `${urls.html}/pulls/${pull.number}`;
  const headLabel = parts.head && parts.head.id !== parts.base.id ? `${parts.head.owner_name}:${pull.head_branch}` : pull.head_branch;
  return {
    id: pull.id,
    url: html,
    number: pull.number,
    user: parts.poster,
    title: pull.title,
    body: pull.body,
    body_html: parts.bodyHtml,
    labels: [],
    milestone: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    state: pull.state,
    draft: false,
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
    allow_maintainer_edit: false,
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
  };
}

/** Gitea's Comment (of the conversation). */
export const IssueComment = Type.Object({
  id: Type.Integer(),
  html_url: Type.String(),
  pull_request_url: Type.String(),
  issue_url: Type.String(),
  user: UserSummary,
  original_author: Type.String(),
  original_author_id: Type.Integer(),
  body: Type.String(),
  body_html: Type.String(),
  assets: Type.Array(Type.Unknown()),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type IssueComment = Static<typeof IssueComment>;

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

/** Gitea's PullReview. */
export const PullReview = Type.Object({
  id: Type.Integer(),
  user: UserSummary,
  state: Type.String(),
  body: Type.String(),
  body_html: Type.String(),
  commit_id: Type.String(),
  stale: Type.Boolean(),
  official: Type.Boolean(),
  dismissed: Type.Boolean(),
  comments_count: Type.Integer(),
  submitted_at: Nullable(Type.String()),
  updated_at: Type.String(),
  html_url: Type.String(),
  pull_request_url: Type.String(),
});
export type PullReview = Static<typeof PullReview>;

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

/**
 * Gitea's PullReviewComment, with Fabrique's range (`start_line`..`line` on `side`), thread
 * (`thread_id`, `resolved`), `outdated`, and the suggestion the comment carries.
 */
export const ReviewComment = Type.Object({
  id: Type.Integer(),
  pull_request_review_id: Nullable(Type.Integer()),
  thread_id: Type.Integer(),
  in_reply_to: Nullable(Type.Integer()),
  user: UserSummary,
  resolver: Nullable(UserSummary),
  body: Type.String(),
  body_html: Type.String(),
  path: Type.String(),
  side: Type.Union([Type.Literal('LEFT'), Type.Literal('RIGHT')]),
  start_line: Type.Integer(),
  line: Type.Integer(),
  /** Gitea: the line on the new side (0 when on the old side). */
  position: Type.Integer(),
  /** Gitea: the line on the old side (0 when on the new side). */
  original_position: Type.Integer(),
  commit_id: Type.String(),
  original_commit_id: Type.String(),
  /** The commented lines as they were when the comment was written. */
  original_lines: Type.Array(Type.String()),
  outdated: Type.Boolean(),
  suggestion: Nullable(Type.Array(Type.String())),
  suggestion_applied_sha: Nullable(Type.String()),
  html_url: Type.String(),
  pull_request_url: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type ReviewComment = Static<typeof ReviewComment>;

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
