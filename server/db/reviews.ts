import type { Db } from './index.js';

export type ReviewState = 'PENDING' | 'APPROVED' | 'REQUEST_CHANGES' | 'COMMENT';

export interface ReviewRow {
  id: number;
  pull_id: number;
  reviewer_id: number;
  state: ReviewState;
  body: string;
  commit_id: string;
  dismissed: 0 | 1;
  submitted_at: string | null;
  created_at: string;
  updated_at: string;
}

export type Side = 'LEFT' | 'RIGHT';

export interface ReviewCommentRow {
  id: number;
  pull_id: number;
  review_id: number | null;
  thread_id: number | null;
  poster_id: number;
  path: string;
  side: Side;
  start_line: number;
  line: number;
  commit_id: string;
  /** JSON array of the commented lines' text when the comment was written. */
  original_lines: string;
  body: string;
  resolved_by_id: number | null;
  resolved_at: string | null;
  suggestion_applied_sha: string | null;
  created_at: string;
  updated_at: string;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

export async function insertReview(db: Db, review: { pullId: number; reviewerId: number; state: ReviewState; body: string; commitId: string }): Promise<ReviewRow> {
  return await db
    .prepare(
      `INSERT INTO reviews (pull_id, reviewer_id, state, body, commit_id, submitted_at)
       VALUES (@pullId, @reviewerId, @state, @body, @commitId, CASE WHEN @state = 'PENDING' THEN NULL ELSE ${NOW} END)
       RETURNING *`,
    )
    .get(review) as ReviewRow;
}

export async function findReview(db: Db, pullId: number, id: number): Promise<ReviewRow | undefined> {
  return await db.prepare('SELECT * FROM reviews WHERE pull_id = ? AND id = ?').get(pullId, id) as ReviewRow | undefined;
}

/** The reviews of a pull request, oldest first; pending ones only their author sees. */
export async function listReviews(db: Db, pullId: number, viewerId: number | null): Promise<ReviewRow[]> {
  return await db
    .prepare("SELECT * FROM reviews WHERE pull_id = ? AND (state != 'PENDING' OR reviewer_id = ?) ORDER BY id")
    .all(pullId, viewerId ?? -1) as ReviewRow[];
}

/** A reviewer's pending review of a pull request, if any. */
export async function findPendingReview(db: Db, pullId: number, reviewerId: number): Promise<ReviewRow | undefined> {
  return await db.prepare("SELECT * FROM reviews WHERE pull_id = ? AND reviewer_id = ? AND state = 'PENDING'").get(pullId, reviewerId) as
    | ReviewRow
    | undefined;
}

/** Submits a pending review with its verdict, against the commit the reviewer saw. */
export async function submitReviewRow(db: Db, id: number, state: Exclude<ReviewState, 'PENDING'>, body: string, commitId: string): Promise<ReviewRow> {
  return await db
    .prepare(`UPDATE reviews SET state = ?, body = ?, commit_id = ?, submitted_at = ${NOW}, updated_at = ${NOW} WHERE id = ? RETURNING *`)
    .get(state, body, commitId, id) as ReviewRow;
}

/**
 * Each reviewer's latest submitted verdict (APPROVED or REQUEST_CHANGES; comments do not change it),
 * unless it was dismissed: then that reviewer has none (an earlier verdict does not come back).
 */
export async function latestVerdicts(db: Db, pullId: number): Promise<ReviewRow[]> {
  return await db
    .prepare(
      `SELECT r.* FROM reviews r
        WHERE r.pull_id = ? AND r.dismissed = 0 AND r.state IN ('APPROVED', 'REQUEST_CHANGES')
          AND r.id = (SELECT max(id) FROM reviews x WHERE x.pull_id = r.pull_id AND x.reviewer_id = r.reviewer_id
                        AND x.state IN ('APPROVED', 'REQUEST_CHANGES'))`,
    )
    .all(pullId) as ReviewRow[];
}

/** Marks a submitted review dismissed (1) or counted again (0). */
export async function setReviewDismissed(db: Db, id: number, dismissed: boolean): Promise<ReviewRow> {
  return await db.prepare(`UPDATE reviews SET dismissed = ?, updated_at = ${NOW} WHERE id = ? RETURNING *`).get(dismissed ? 1 : 0, id) as ReviewRow;
}

/** The user's latest submitted review of a pull request. */
export async function lastSubmittedReview(db: Db, pullId: number, reviewerId: number): Promise<ReviewRow | undefined> {
  return await db
    .prepare("SELECT * FROM reviews WHERE pull_id = ? AND reviewer_id = ? AND state != 'PENDING' ORDER BY id DESC LIMIT 1")
    .get(pullId, reviewerId) as ReviewRow | undefined;
}

export interface NewReviewComment {
  pullId: number;
  reviewId: number | null;
  threadId: number | null;
  posterId: number;
  path: string;
  side: Side;
  startLine: number;
  line: number;
  commitId: string;
  originalLines: string[];
  body: string;
}

export async function insertReviewComment(db: Db, c: NewReviewComment): Promise<ReviewCommentRow> {
  return await db
    .prepare(
      `INSERT INTO review_comments (pull_id, review_id, thread_id, poster_id, path, side, start_line, line, commit_id, original_lines, body)
       VALUES (@pullId, @reviewId, @threadId, @posterId, @path, @side, @startLine, @line, @commitId, @originalLines, @body)
       RETURNING *`,
    )
    .get({ ...c, originalLines: JSON.stringify(c.originalLines) }) as ReviewCommentRow;
}

export async function findReviewComment(db: Db, pullId: number, id: number): Promise<ReviewCommentRow | undefined> {
  return await db.prepare('SELECT * FROM review_comments WHERE pull_id = ? AND id = ?').get(pullId, id) as ReviewCommentRow | undefined;
}

export async function countPullReviewComments(db: Db, pullId: number): Promise<number> {
  return await db.prepare('SELECT count(*) FROM review_comments WHERE pull_id = ?').pluck().get(pullId) as number;
}

/** Deletes a review and its line comments. */
export async function deleteReview(db: Db, id: number): Promise<void> {
  await db.prepare('DELETE FROM reviews WHERE id = ?').run(id);
}

export async function listReviewComments(db: Db, reviewId: number): Promise<ReviewCommentRow[]> {
  return await db.prepare('SELECT * FROM review_comments WHERE review_id = ? ORDER BY id').all(reviewId) as ReviewCommentRow[];
}

/** Every line comment of a pull request that its viewer may see: not those of someone else's pending review. */
export async function listPullComments(db: Db, pullId: number, viewerId: number | null): Promise<ReviewCommentRow[]> {
  return await db
    .prepare(
      `SELECT c.* FROM review_comments c LEFT JOIN reviews r ON r.id = c.review_id
        WHERE c.pull_id = ? AND (r.id IS NULL OR r.state != 'PENDING' OR r.reviewer_id = ?)
        ORDER BY c.id`,
    )
    .all(pullId, viewerId ?? -1) as ReviewCommentRow[];
}

export async function setThreadResolved(db: Db, rootId: number, resolverId: number | null): Promise<void> {
  await db.prepare(
    `UPDATE review_comments SET resolved_by_id = @resolverId,
       resolved_at = CASE WHEN CAST(@resolverId AS INTEGER) IS NULL THEN NULL ELSE ${NOW} END, updated_at = ${NOW}
     WHERE id = @rootId`,
  ).run({ rootId, resolverId });
}

export async function markSuggestionApplied(db: Db, id: number, sha: string): Promise<void> {
  await db.prepare(`UPDATE review_comments SET suggestion_applied_sha = ?, updated_at = ${NOW} WHERE id = ?`).run(sha, id);
}

/** The viewer's "viewed" marks on a pull request: path → blob id when marked. */
export async function viewedFiles(db: Db, pullId: number, userId: number): Promise<Map<string, string>> {
  const rows = await db.prepare('SELECT path, blob_id FROM viewed_files WHERE pull_id = ? AND user_id = ?').all(pullId, userId) as Array<{
    path: string;
    blob_id: string;
  }>;
  return new Map(rows.map((r) => [r.path, r.blob_id]));
}

export async function setViewed(db: Db, pullId: number, userId: number, path: string, blobId: string): Promise<void> {
  await db.prepare(
    `INSERT INTO viewed_files (pull_id, user_id, path, blob_id) VALUES (?, ?, ?, ?)
     ON CONFLICT (pull_id, user_id, path) DO UPDATE SET blob_id = excluded.blob_id`,
  ).run(pullId, userId, path, blobId);
}

export async function clearViewed(db: Db, pullId: number, userId: number, path: string): Promise<void> {
  await db.prepare('DELETE FROM viewed_files WHERE pull_id = ? AND user_id = ? AND path = ?').run(pullId, userId, path);
}
