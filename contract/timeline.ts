import { Type, type Static } from '@sinclair/typebox';
import { UserSummary } from './users.js';
import { Team } from './organisations.js';

/** A commit a push event lists: its id and subject (Fabrique's addition, so that the page needs no second call). */
export const TimelineCommit = Type.Object({ sha: Type.String(), subject: Type.String() });
export type TimelineCommit = Static<typeof TimelineCommit>;

/**
 * Gitea's TimelineComment (`/repos/{o}/{r}/issues/{index}/timeline`): comments and events in the
 * order they happened. `type` is Gitea's name: comment, pull_push, review, review_request,
 * merge_pull, delete_branch, change_title, close, reopen, pull_ref, dismiss_review; for issues also
 * label, assignees, milestone, issue_ref, commit_ref, lock, unlock, pin, unpin.
 */
export const TimelineComment = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  user: Type.Union([UserSummary, Type.Null()]),
  body: Type.String(),
  /** Fabrique: a comment's body rendered and sanitised; empty for events. */
  body_html: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  html_url: Type.String(),
  pull_request_url: Type.String(),
  issue_url: Type.String(),
  old_title: Type.String(),
  new_title: Type.String(),
  old_ref: Type.String(),
  new_ref: Type.String(),
  ref_commit_sha: Type.String(),
  review_id: Type.Integer(),
  /** Fabrique: a review event's verdict (APPROVED, REQUEST_CHANGES, COMMENT). */
  review_state: Type.String(),
  assignee: Type.Union([UserSummary, Type.Null()]),
  /** Gitea's: a review_request event's team, when a team was asked. */
  assignee_team: Type.Union([Team, Type.Null()]),
  /** Fabrique: a pull_push's commits, oldest first; for a force push, the old and the new head. */
  commits: Type.Array(TimelineCommit),
  is_force_push: Type.Boolean(),
  /** Fabrique: the issue or pull request a pull_ref/issue_ref comes from, or the pull request that closed an issue. */
  ref_issue_number: Type.Integer(),
  /** Fabrique: the repository (owner/name) a reference or a closing comes from. */
  ref_repository: Type.String(),
  /** Fabrique: a label event's label (body "1" added, "" removed), or empty. */
  label_name: Type.String(),
  label_color: Type.String(),
  /** Fabrique: a milestone event's milestone title (body "1" set, "" removed), or empty. */
  milestone_title: Type.String(),
});
export type TimelineComment = Static<typeof TimelineComment>;
