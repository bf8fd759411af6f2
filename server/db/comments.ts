import type { Db } from './index.js';

/** A conversation comment of a pull request (or, with issue_id, of an issue: see issues.ts). */
export interface CommentRow {
  id: number;
  pull_id: number | null;
  issue_id: number | null;
  poster_id: number;
  body: string;
  created_at: string;
  updated_at: string;
}

export async function insertComment(db: Db, pullId: number, posterId: number, body: string): Promise<CommentRow> {
  return await db.prepare('INSERT INTO issue_comments (pull_id, poster_id, body) VALUES (?, ?, ?) RETURNING *').get(pullId, posterId, body) as CommentRow;
}

export async function findComment(db: Db, id: number): Promise<CommentRow | undefined> {
  return await db.prepare('SELECT * FROM issue_comments WHERE id = ?').get(id) as CommentRow | undefined;
}

export async function listComments(db: Db, pullId: number): Promise<CommentRow[]> {
  return await db.prepare('SELECT * FROM issue_comments WHERE pull_id = ? ORDER BY id').all(pullId) as CommentRow[];
}

export async function countComments(db: Db, pullId: number): Promise<number> {
  return await db.prepare('SELECT count(*) FROM issue_comments WHERE pull_id = ?').pluck().get(pullId) as number;
}

export async function updateCommentBody(db: Db, id: number, body: string): Promise<CommentRow> {
  return await db
    .prepare("UPDATE issue_comments SET body = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? RETURNING *")
    .get(body, id) as CommentRow;
}

export async function deleteComment(db: Db, id: number): Promise<void> {
  await db.prepare('DELETE FROM issue_comments WHERE id = ?').run(id);
}
