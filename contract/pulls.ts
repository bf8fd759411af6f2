import { Type, type Static } from '@sinclair/typebox';
import { Repository } from './repositories.js';
import { UserSummary } from './users.js';
import { Nullable } from './nullable.js';
import { Diff } from './browse.js';
import { PullChecks } from './statuses.js';
import { Label, Milestone } from './issues.js';
import { Team } from './organisations.js';
import { RemotePullSource } from './federation.js';

/** Whether the head merges cleanly, computed in the background: checking (not known yet), mergeable, conflict, empty (nothing to merge), or merged. */
export const MergeableState = Type.Union([
  Type.Literal('checking'),
  Type.Literal('mergeable'),
  Type.Literal('conflict'),
  Type.Literal('empty'),
  Type.Literal('merged'),
]);
export type MergeableState = Static<typeof MergeableState>;

/** A review's verdict; PENDING collects line comments until it is submitted. */
export const ReviewState = Type.Union([Type.Literal('APPROVED'), Type.Literal('REQUEST_CHANGES'), Type.Literal('COMMENT'), Type.Literal('PENDING')]);
export type ReviewState = Static<typeof ReviewState>;

/** Why a pull request cannot be merged now, or what a merger should know first. */
export const MERGE_REASON_CODES = ['closed', 'draft', 'conflict', 'empty', 'changes_requested', 'approvals', 'status_checks'] as const;
export type MergeReasonCode = (typeof MERGE_REASON_CODES)[number];
// An enum schema with its static type given (Type.Unsafe): a union of literals here makes the pull routes' inferred types too deep for tsc.
const MergeReasonCode = Type.Unsafe<MergeReasonCode>(Type.String({ enum: [...MERGE_REASON_CODES] }));

/** One reason, with the people (reviewers), files or check names it is about, and a message in English for API clients. */
export const MergeReason = Type.Object({
  code: MergeReasonCode,
  message: Type.String(),
  /** Reviewers who requested changes, conflicting files, or status check names, by code. */
  names: Type.Array(Type.String()),
  /** For `approvals`: how many the branch protection requires (0 without a rule) and how many count. */
  required: Type.Integer(),
  count: Type.Integer(),
});
export type MergeReason = Static<typeof MergeReason>;

/**
 * Fabrique: what the merge box shows, as the merge service enforces it. `blocked`: the server refuses
 * to merge for the `blockers` (a branch protection rule, a conflict); `advice`: the merge is allowed
 * but a writer should confirm past the `advice` (no rule requires it); `allowed`: nothing to say.
 */
export const MergeState = Type.Object({
  status: Type.Unsafe<'allowed' | 'advice' | 'blocked'>(Type.String({ enum: ['allowed', 'advice', 'blocked'] })),
  blockers: Type.Array(MergeReason),
  advice: Type.Array(MergeReason),
  /** The branch protection rule that applies to the base branch, or null. */
  protection: Nullable(Type.String()),
  /** Reviewers whose latest verdict approves (dismissed reviews left out). */
  approved_by: Type.Array(Type.String()),
  /** The head's commit statuses, the required ones, and a "merge when checks succeed" request. */
  checks: PullChecks,
});
export type MergeState = Static<typeof MergeState>;

/** Gitea's PRBranchInfo. */
export const PullBranch = Type.Object({
  label: Type.String(),
  ref: Type.String(),
  sha: Type.String(),
  repo_id: Type.Integer(),
  repo: Nullable(Repository),
});

/** Gitea's PullRequest, with Fabrique's `mergeable_state`, `merge_state`, `conflicted_files` and `body_html`. */
export const PullRequest = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  number: Type.Integer(),
  user: UserSummary,
  title: Type.String(),
  body: Type.String(),
  body_html: Type.String(),
  labels: Type.Array(Label),
  milestone: Nullable(Milestone),
  assignee: Nullable(UserSummary),
  assignees: Type.Array(UserSummary),
  requested_reviewers: Type.Array(UserSummary),
  requested_teams: Type.Array(Team),
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
  mergeable_state: MergeableState,
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
  /** Fabrique: what blocks merging and what is advice, as the merge service decides it. */
  merge_state: MergeState,
  /** Fabrique: for a pull request from another forge, where its head comes from; null otherwise. */
  remote_source: Nullable(RemotePullSource),
});
export type PullRequest = Static<typeof PullRequest>;

/** A list of pull requests; its static type given once, as inferring an array of this object in a route goes too deep for tsc. */
export const PullRequestList = Type.Unsafe<PullRequest[]>(Type.Array(PullRequest));

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

/** Gitea's PullReview. */
export const PullReview = Type.Object({
  id: Type.Integer(),
  user: UserSummary,
  state: ReviewState,
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

/** What changed since the viewer's last review; `since` is null when there was none. */
export const ChangesSinceReview = Type.Object({ since: Nullable(Type.String()), head: Type.String(), diff: Diff });
export type ChangesSinceReview = Static<typeof ChangesSinceReview>;
