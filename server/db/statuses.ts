import { isUniqueViolation, type Db } from './index.js';

export const COMMIT_STATUS_STATES = ['pending', 'success', 'error', 'failure', 'warning'] as const;
export type CommitStatusState = (typeof COMMIT_STATUS_STATES)[number];

/** One posted commit status. */
export interface CommitStatusRow {
  id: number;
  repo_id: number;
  sha: string;
  /** Gitea's index: this post's rank among the commit's statuses, from 1. */
  idx: number;
  context: string;
  state: CommitStatusState;
  target_url: string;
  description: string;
  creator_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface NewCommitStatus {
  repoId: number;
  sha: string;
  context: string;
  state: CommitStatusState;
  targetUrl: string;
  description: string;
  creatorId: number;
}

/**
 * Stores a post with the commit's next index. One statement, which SQLite's single writer makes
 * atomic; on PostgreSQL two posts at once (a CI's "build", "lint" and "test") may compute the same
 * index, and the second meets the unique index: it takes the next one then.
 */
export async function insertStatus(db: Db, status: NewCommitStatus): Promise<CommitStatusRow> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertWithNextIndex(db, status);
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= 20) throw err;
    }
  }
}

async function insertWithNextIndex(db: Db, status: NewCommitStatus): Promise<CommitStatusRow> {
  return await db
    .prepare(
      `INSERT INTO commit_statuses (repo_id, sha, idx, context, state, target_url, description, creator_id)
       VALUES (@repoId, @sha,
               (SELECT coalesce(max(idx), 0) + 1 FROM commit_statuses WHERE repo_id = @repoId AND sha = @sha),
               @context, @state, @targetUrl, @description, @creatorId)
       RETURNING *`,
    )
    .get(status) as CommitStatusRow;
}

/** Gitea's sort names for a commit's statuses (its `leastindex`/`highestindex` read backwards, as Gitea's do). */
export const STATUS_SORTS = ['oldest', 'recentupdate', 'leastupdate', 'leastindex', 'highestindex'] as const;
export type StatusSort = (typeof STATUS_SORTS)[number];

const ORDER: Record<StatusSort | 'newest', string> = {
  newest: 'created_at DESC, id DESC',
  oldest: 'created_at ASC, id ASC',
  recentupdate: 'updated_at DESC, id DESC',
  leastupdate: 'updated_at ASC, id ASC',
  leastindex: 'idx DESC',
  highestindex: 'idx ASC',
};

/** Every post on a commit, in a state if asked, sorted and paged, with the total before paging. */
export async function listStatuses(
  db: Db,
  repoId: number,
  sha: string,
  options: { sort?: StatusSort; state?: CommitStatusState; limit: number; offset: number },
): Promise<{ rows: CommitStatusRow[]; total: number }> {
  const where = `repo_id = @repoId AND sha = @sha${options.state ? ' AND state = @state' : ''}`;
  const params = { repoId, sha, state: options.state ?? null, limit: options.limit, offset: options.offset };
  const rows = await db
    .prepare(`SELECT * FROM commit_statuses WHERE ${where} ORDER BY ${ORDER[options.sort ?? 'newest']} LIMIT @limit OFFSET @offset`)
    .all(params) as CommitStatusRow[];
  const total = await db.prepare(`SELECT count(*) FROM commit_statuses WHERE ${where}`).pluck().get(params) as number;
  return { rows, total };
}

/** The latest post of each context of each commit, by commit then context's first post. */
export async function latestStatuses(db: Db, repoId: number, shas: string[]): Promise<CommitStatusRow[]> {
  if (shas.length === 0) return [];
  return await db
    .prepare(
      `SELECT s.* FROM commit_statuses s
       JOIN (SELECT max(id) AS id FROM commit_statuses WHERE repo_id = ? AND sha IN (SELECT value FROM json_each(?)) GROUP BY sha, context) latest
         ON latest.id = s.id
       ORDER BY s.sha, s.context`,
    )
    .all(repoId, JSON.stringify(shas)) as CommitStatusRow[];
}

/** A request to merge a pull request once its checks succeed. */
export interface AutoMergeRow {
  pull_id: number;
  doer_id: number;
  merge_style: 'merge' | 'squash' | 'fast-forward-only' | 'rebase';
  title: string;
  message: string;
  delete_branch: 0 | 1;
  head_sha: string;
  created_at: string;
}

/** Stores the request; false when the pull request already has one (Gitea answers 409 then). */
export async function insertAutoMerge(
  db: Db,
  request: { pullId: number; doerId: number; style: AutoMergeRow['merge_style']; title: string; message: string; deleteBranch: boolean; headSha: string },
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO pull_auto_merges (pull_id, doer_id, merge_style, title, message, delete_branch, head_sha)
       VALUES (@pullId, @doerId, @style, @title, @message, @deleteBranch, @headSha) ON CONFLICT (pull_id) DO NOTHING`,
    )
    .run({ ...request, deleteBranch: request.deleteBranch ? 1 : 0 });
  return result.changes === 1;
}

export async function findAutoMerge(db: Db, pullId: number): Promise<AutoMergeRow | undefined> {
  return await db.prepare('SELECT * FROM pull_auto_merges WHERE pull_id = ?').get(pullId) as AutoMergeRow | undefined;
}

/** Drops the request; false when there was none. */
export async function deleteAutoMerge(db: Db, pullId: number): Promise<boolean> {
  return (await db.prepare('DELETE FROM pull_auto_merges WHERE pull_id = ?').run(pullId)).changes === 1;
}

/** The open pull requests of a repository with an auto-merge request whose head is this commit. */
export async function autoMergesForHead(db: Db, baseRepoId: number, headSha: string): Promise<AutoMergeRow[]> {
  return await db
    .prepare(
      `SELECT a.* FROM pull_auto_merges a JOIN pull_requests p ON p.id = a.pull_id
       WHERE p.base_repo_id = ? AND p.head_sha = ? AND p.state = 'open' ORDER BY a.pull_id`,
    )
    .all(baseRepoId, headSha) as AutoMergeRow[];
}
