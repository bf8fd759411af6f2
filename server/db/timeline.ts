import type { Db } from './index.js';

/** Gitea's TimelineComment types that Fabrique stores (comments live in issue_comments). */
export type TimelineType =
  | 'pull_push'
  | 'review'
  | 'review_request'
  | 'merge_pull'
  | 'delete_branch'
  | 'change_title'
  | 'close'
  | 'reopen'
  | 'pull_ref'
  | 'dismiss_review'
  | 'label'
  | 'assignees'
  | 'milestone'
  | 'issue_ref'
  | 'commit_ref'
  | 'lock'
  | 'unlock'
  | 'pin'
  | 'unpin'
  | 'pull_scheduled_merge'
  | 'pull_cancel_scheduled_merge';

/** One event of a conversation's timeline. */
export interface TimelineRow {
  id: number;
  repo_id: number;
  pull_id: number | null;
  issue_id: number | null;
  type: TimelineType;
  actor_id: number | null;
  body: string;
  old_title: string;
  new_title: string;
  old_ref: string;
  new_ref: string;
  commit_sha: string;
  review_id: number | null;
  target_user_id: number | null;
  /** A review_request event's team, when a team was asked instead of a person. */
  target_team_id: number | null;
  ref_pull_id: number | null;
  /** A reference's source (or what closed an issue): its repository and number (null for a commit). */
  ref_repo_id: number | null;
  ref_number: number | null;
  label_id: number | null;
  milestone_id: number | null;
  created_at: string;
}

/** What an event says besides its subject, type and actor; absent fields stay empty. */
export type TimelineFields = Partial<
  Pick<TimelineRow, 'body' | 'old_title' | 'new_title' | 'old_ref' | 'new_ref' | 'commit_sha' | 'review_id' | 'target_user_id' | 'target_team_id' | 'ref_pull_id' | 'ref_repo_id' | 'ref_number' | 'label_id' | 'milestone_id'>
>;

/** Appends an event to a pull request's timeline. */
export async function insertPullEvent(db: Db, event: { repoId: number; pullId: number; type: TimelineType; actorId: number | null } & TimelineFields): Promise<TimelineRow> {
  return await insertConversationEvent(db, { ...event, issueId: null }) as TimelineRow;
}

/**
 * Appends an event to an issue's (issueId) or a pull request's (pullId) timeline. With
 * `ignoreDuplicate`, a reference already noted is not noted twice (undefined is returned).
 */
export async function insertConversationEvent(
  db: Db,
  event: { repoId: number; pullId: number | null; issueId: number | null; type: TimelineType; actorId: number | null; ignoreDuplicate?: boolean } & TimelineFields,
): Promise<TimelineRow | undefined> {
  const { ignoreDuplicate, ...fields } = event;
  return await db
    .prepare(
      `INSERT INTO timeline_events (repo_id, pull_id, issue_id, type, actor_id, body, old_title, new_title, old_ref, new_ref,
         commit_sha, review_id, target_user_id, target_team_id, ref_pull_id, ref_repo_id, ref_number, label_id, milestone_id)
       VALUES (@repoId, @pullId, @issueId, @type, @actorId, @body, @old_title, @new_title, @old_ref, @new_ref,
         @commit_sha, @review_id, @target_user_id, @target_team_id, @ref_pull_id, @ref_repo_id, @ref_number, @label_id, @milestone_id)
       ${ignoreDuplicate ? 'ON CONFLICT DO NOTHING ' : ''}RETURNING *`,
    )
    .get({
      body: '',
      old_title: '',
      new_title: '',
      old_ref: '',
      new_ref: '',
      commit_sha: '',
      review_id: null,
      target_user_id: null,
      target_team_id: null,
      ref_pull_id: null,
      ref_repo_id: null,
      ref_number: null,
      label_id: null,
      milestone_id: null,
      ...fields,
    }) as TimelineRow | undefined;
}

/** An event with what it points to: a review's verdict and text, a referencing pull request's number, a label, a milestone. */
export interface TimelineEventRow extends TimelineRow {
  review_state: string | null;
  review_body: string | null;
  ref_pull_number: number | null;
  label_name: string | null;
  label_color: string | null;
  milestone_title: string | null;
}

const EVENT_SELECT = `SELECT e.*, r.state AS review_state, r.body AS review_body, p.number AS ref_pull_number,
    l.name AS label_name, l.color AS label_color, m.title AS milestone_title
  FROM timeline_events e
  LEFT JOIN reviews r ON r.id = e.review_id
  LEFT JOIN pull_requests p ON p.id = e.ref_pull_id
  LEFT JOIN labels l ON l.id = e.label_id
  LEFT JOIN milestones m ON m.id = e.milestone_id`;

/** A pull request's events, oldest first. */
export async function listPullEvents(db: Db, pullId: number): Promise<TimelineEventRow[]> {
  return await db.prepare(`${EVENT_SELECT} WHERE e.pull_id = ? ORDER BY e.id`).all(pullId) as TimelineEventRow[];
}

/** An issue's events, oldest first. */
export async function listIssueEvents(db: Db, issueId: number): Promise<TimelineEventRow[]> {
  return await db.prepare(`${EVENT_SELECT} WHERE e.issue_id = ? ORDER BY e.id`).all(issueId) as TimelineEventRow[];
}

/** The pull requests (open, or merged and not yet told) whose head is this branch: a deleted head branch is noted on them. */
export async function pullsWithHeadBranch(db: Db, headRepoId: number, headBranch: string): Promise<Array<{ id: number; base_repo_id: number }>> {
  return await db
    .prepare(
      `SELECT p.id, p.base_repo_id FROM pull_requests p
       WHERE p.head_repo_id = ? AND p.head_branch = ? AND (p.state = 'open' OR p.merged = 1)
         AND NOT EXISTS (SELECT 1 FROM timeline_events e WHERE e.pull_id = p.id AND e.type = 'delete_branch' AND e.id > coalesce(
           (SELECT max(f.id) FROM timeline_events f WHERE f.pull_id = p.id AND f.type = 'pull_push'), 0))`,
    )
    .all(headRepoId, headBranch) as Array<{ id: number; base_repo_id: number }>;
}

/** A user asked to review a pull request (asking again keeps the first request). */
export async function insertReviewRequest(db: Db, pullId: number, userId: number, requestedBy: number): Promise<boolean> {
  return (await db.prepare('INSERT INTO review_requests (pull_id, user_id, requested_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(pullId, userId, requestedBy)).changes > 0;
}

/** Withdraws a review request. */
export async function deleteReviewRequest(db: Db, pullId: number, userId: number): Promise<boolean> {
  return (await db.prepare('DELETE FROM review_requests WHERE pull_id = ? AND user_id = ?').run(pullId, userId)).changes > 0;
}

/** The users asked to review a pull request, in the order they were asked. */
export async function listReviewRequests(db: Db, pullId: number): Promise<Array<{ user_id: number; created_at: string }>> {
  return await db.prepare('SELECT user_id, created_at FROM review_requests WHERE pull_id = ? ORDER BY created_at, user_id').all(pullId) as Array<{ user_id: number; created_at: string }>;
}

/** A team asked to review a pull request (asking again keeps the first request). */
export async function insertTeamReviewRequest(db: Db, pullId: number, teamId: number, requestedBy: number): Promise<boolean> {
  return (await db.prepare('INSERT INTO team_review_requests (pull_id, team_id, requested_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(pullId, teamId, requestedBy)).changes > 0;
}

/** Withdraws a team's review request. */
export async function deleteTeamReviewRequest(db: Db, pullId: number, teamId: number): Promise<boolean> {
  return (await db.prepare('DELETE FROM team_review_requests WHERE pull_id = ? AND team_id = ?').run(pullId, teamId)).changes > 0;
}

/** The teams asked to review a pull request, in the order they were asked. */
export async function listTeamReviewRequests(db: Db, pullId: number): Promise<number[]> {
  return await db.prepare('SELECT team_id FROM team_review_requests WHERE pull_id = ? ORDER BY created_at, team_id').pluck().all(pullId) as number[];
}
