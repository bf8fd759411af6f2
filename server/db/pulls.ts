import type { Db } from './index.js';

export type MergeableState = 'checking' | 'mergeable' | 'conflict' | 'empty';

/** A pull request row. */
export interface PullRow {
  id: number;
  base_repo_id: number;
  number: number;
  poster_id: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  base_branch: string;
  head_repo_id: number | null;
  head_branch: string;
  head_sha: string;
  merge_base: string | null;
  mergeable_state: MergeableState;
  /** JSON array of paths. */
  conflicted_files: string;
  checked_base_sha: string | null;
  checked_head_sha: string | null;
  additions: number;
  deletions: number;
  changed_files: number;
  merged: 0 | 1;
  merged_at: string | null;
  merged_by_id: number | null;
  merge_commit_sha: string | null;
  /** The author lets the base repository's writers push to the head branch (a fork's). */
  allow_maintainer_edit: 0 | 1;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

export interface NewPull {
  baseRepoId: number;
  posterId: number;
  title: string;
  body: string;
  baseBranch: string;
  /** Null for a pull request from another forge (its head's source is in remote_pull_sources). */
  headRepoId: number | null;
  headBranch: string;
  headSha: string;
  allowMaintainerEdit?: boolean;
}

/** Ids of an account's repositories in the fork network of `base` (itself, its parent, its forks, its siblings), oldest first. */
export async function networkReposOf(db: Db, ownerId: number, base: { id: number; fork_id: number | null }): Promise<number[]> {
  return await db
    .prepare(
      `SELECT id FROM repositories WHERE owner_id = @ownerId
         AND (id = @id OR fork_id = @id OR id = @parent OR (CAST(@parent AS INTEGER) IS NOT NULL AND fork_id = @parent))
       ORDER BY id`,
    )
    .pluck()
    .all({ ownerId, id: base.id, parent: base.fork_id }) as number[];
}

/**
 * Takes a repository's next issue or pull request number (one numbering for both, as Gitea); call
 * it inside the transaction that inserts the row, so that a rollback gives the number back.
 */
export async function nextIssueNumber(db: Db, repoId: number): Promise<number> {
  return await db
    .prepare(
      `INSERT INTO issue_numbers (repo_id, last_number) VALUES (?, 1)
       ON CONFLICT (repo_id) DO UPDATE SET last_number = issue_numbers.last_number + 1 RETURNING last_number`,
    )
    .pluck()
    .get(repoId) as number;
}

/** Inserts a pull request with the repository's next number, shared with its issues. */
export async function insertPull(db: Db, { allowMaintainerEdit, ...pull }: NewPull): Promise<PullRow> {
  return await db.transaction(async () =>
    await db
      .prepare(
        `INSERT INTO pull_requests (base_repo_id, number, poster_id, title, body, base_branch, head_repo_id, head_branch, head_sha, allow_maintainer_edit)
         VALUES (@baseRepoId, @number, @posterId, @title, @body, @baseBranch, @headRepoId, @headBranch, @headSha, @allow)
         RETURNING *`,
      )
      .get({ ...pull, allow: allowMaintainerEdit ? 1 : 0, number: await nextIssueNumber(db, pull.baseRepoId) }) as PullRow,
  );
}

export async function deletePullRow(db: Db, id: number): Promise<void> {
  await db.prepare('DELETE FROM pull_requests WHERE id = ?').run(id);
}

export async function findPull(db: Db, baseRepoId: number, number: number): Promise<PullRow | undefined> {
  return await db.prepare('SELECT * FROM pull_requests WHERE base_repo_id = ? AND number = ?').get(baseRepoId, number) as PullRow | undefined;
}

export async function findPullById(db: Db, id: number): Promise<PullRow | undefined> {
  return await db.prepare('SELECT * FROM pull_requests WHERE id = ?').get(id) as PullRow | undefined;
}

/** The open pull request from this head branch into this base branch, if any. */
export async function findOpenPull(db: Db, baseRepoId: number, baseBranch: string, headRepoId: number, headBranch: string): Promise<PullRow | undefined> {
  return await db
    .prepare(
      "SELECT * FROM pull_requests WHERE state = 'open' AND base_repo_id = ? AND base_branch = ? AND head_repo_id = ? AND head_branch = ?",
    )
    .get(baseRepoId, baseBranch, headRepoId, headBranch) as PullRow | undefined;
}

/** A repository's pull requests, newest first, with the total before paging. */
export async function listPulls(db: Db, baseRepoId: number, state: 'open' | 'closed' | 'all', limit: number, offset: number): Promise<{ rows: PullRow[]; total: number }> {
  const where = state === 'all' ? 'base_repo_id = @baseRepoId' : 'base_repo_id = @baseRepoId AND state = @state';
  const rows = await db
    .prepare(`SELECT * FROM pull_requests WHERE ${where} ORDER BY number DESC LIMIT @limit OFFSET @offset`)
    .all({ baseRepoId, state, limit, offset }) as PullRow[];
  const total = await db.prepare(`SELECT count(*) FROM pull_requests WHERE ${where}`).pluck().get({ baseRepoId, state }) as number;
  return { rows, total };
}

/** Every open pull request, oldest first (start-up recovery brings their heads and checks in line). */
export async function listOpenPulls(db: Db): Promise<PullRow[]> {
  return await db.prepare("SELECT * FROM pull_requests WHERE state = 'open' ORDER BY id").all() as PullRow[];
}

/** Open pull requests whose head is this branch of this repository. */
export async function openPullsFromHead(db: Db, headRepoId: number, headBranch: string): Promise<PullRow[]> {
  return await db
    .prepare("SELECT * FROM pull_requests WHERE state = 'open' AND head_repo_id = ? AND head_branch = ?")
    .all(headRepoId, headBranch) as PullRow[];
}

/** The base repository and head branch of each open pull request from this repository that lets maintainers push. */
export async function maintainerEditableHeads(db: Db, headRepoId: number): Promise<Array<{ base_repo_id: number; head_branch: string }>> {
  return await db
    .prepare("SELECT base_repo_id, head_branch FROM pull_requests WHERE state = 'open' AND allow_maintainer_edit = 1 AND head_repo_id = ? AND base_repo_id <> head_repo_id")
    .all(headRepoId) as Array<{ base_repo_id: number; head_branch: string }>;
}

/** Sets whether the base repository's writers may push to the pull request's head branch. */
export async function setAllowMaintainerEdit(db: Db, id: number, allow: boolean): Promise<void> {
  await db.prepare(`UPDATE pull_requests SET allow_maintainer_edit = ?, updated_at = ${NOW} WHERE id = ?`).run(allow ? 1 : 0, id);
}

/** Open pull requests into this branch of this repository. */
export async function openPullsIntoBase(db: Db, baseRepoId: number, baseBranch: string): Promise<PullRow[]> {
  return await db
    .prepare("SELECT * FROM pull_requests WHERE state = 'open' AND base_repo_id = ? AND base_branch = ?")
    .all(baseRepoId, baseBranch) as PullRow[];
}

export async function countOpenPulls(db: Db, baseRepoId: number): Promise<number> {
  return await db.prepare("SELECT count(*) FROM pull_requests WHERE base_repo_id = ? AND state = 'open'").pluck().get(baseRepoId) as number;
}

/** Changes title, body or state; closing records the time, reopening clears it. */
export async function updatePullRow(db: Db, id: number, changes: { title?: string; body?: string; state?: 'open' | 'closed' }): Promise<void> {
  await db.prepare(
    `UPDATE pull_requests SET
       title = coalesce(@title, title),
       body = coalesce(@body, body),
       closed_at = CASE WHEN @state = 'closed' AND state = 'open' THEN ${NOW} WHEN @state = 'open' THEN NULL ELSE closed_at END,
       state = coalesce(@state, state),
       updated_at = ${NOW}
     WHERE id = @id`,
  ).run({ id, title: changes.title ?? null, body: changes.body ?? null, state: changes.state ?? null });
}

/** Records a new head commit: mergeability is unknown again until the next check. */
export async function setPullHead(db: Db, id: number, headSha: string): Promise<void> {
  await db.prepare(`UPDATE pull_requests SET head_sha = ?, mergeable_state = 'checking', updated_at = ${NOW} WHERE id = ?`).run(headSha, id);
}

/** Mergeability is unknown again (the base branch moved) until the next check stores it. */
export async function setPullChecking(db: Db, id: number): Promise<void> {
  await db.prepare("UPDATE pull_requests SET mergeable_state = 'checking' WHERE id = ? AND merged = 0").run(id);
}

export interface MergeCheck {
  state: MergeableState;
  conflictedFiles: string[];
  baseSha: string;
  headSha: string;
  mergeBase: string | null;
  additions: number;
  deletions: number;
  changedFiles: number;
}

/** Stores a mergeability check, unless the pull request's head moved on since it started. */
export async function recordMergeCheck(db: Db, id: number, check: MergeCheck): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE pull_requests SET mergeable_state = @state, conflicted_files = @files, checked_base_sha = @baseSha,
         checked_head_sha = @headSha, merge_base = @mergeBase, additions = @additions, deletions = @deletions,
         changed_files = @changedFiles
       WHERE id = @id AND head_sha = @headSha AND merged = 0`,
    )
    .run({ id, ...check, files: JSON.stringify(check.conflictedFiles) });
  return result.changes === 1;
}

/** Records a merge: the pull request is closed, merged by whom, when, into which commit. */
export async function markMerged(db: Db, id: number, mergedById: number, mergeCommitSha: string, mergeBase: string | null): Promise<void> {
  await db.prepare(
    `UPDATE pull_requests SET state = 'closed', merged = 1, merged_at = ${NOW}, closed_at = ${NOW}, merged_by_id = ?,
       merge_commit_sha = ?, merge_base = coalesce(?, merge_base), updated_at = ${NOW}
     WHERE id = ?`,
  ).run(mergedById, mergeCommitSha, mergeBase, id);
}
