import { serialiseOn, type Db } from './index.js';
import { nextIssueNumber } from './pulls.js';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** An issue row. */
export interface IssueRow {
  id: number;
  repo_id: number;
  number: number;
  poster_id: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  is_locked: 0 | 1;
  pin_order: number;
  due_date: string | null;
  closed_at: string | null;
  closed_by_commit: string | null;
  closed_by_pull_id: number | null;
  created_at: string;
  updated_at: string;
}

/** An issue or a pull request as the shared list has it (the `conversations` view): the fields both have. */
export type ConversationRow = { kind: 'issue' | 'pull' } & Pick<
  IssueRow,
  'id' | 'repo_id' | 'number' | 'poster_id' | 'title' | 'body' | 'state' | 'is_locked' | 'pin_order' | 'created_at' | 'updated_at' | 'closed_at'
>;

/** What an issue or a pull request is named by everywhere it is shared: its repository and number. */
export interface IssueKey {
  repoId: number;
  number: number;
}

/** A repository's open issues (pull requests apart, as Gitea counts them). */
export async function countOpenIssues(db: Db, repoId: number): Promise<number> {
  return await db.prepare("SELECT count(*) FROM issues WHERE repo_id = ? AND state = 'open'").pluck().get(repoId) as number;
}

/** Inserts an issue with the repository's next number (shared with its pull requests). */
export async function insertIssue(db: Db, issue: { repoId: number; posterId: number; title: string; body: string; dueDate: string | null }): Promise<IssueRow> {
  return await db.transaction(async () =>
    await db
      .prepare(
        `INSERT INTO issues (repo_id, number, poster_id, title, body, due_date)
         VALUES (@repoId, @number, @posterId, @title, @body, @dueDate) RETURNING *`,
      )
      .get({ ...issue, number: await nextIssueNumber(db, issue.repoId) }) as IssueRow,
  );
}

export async function findIssue(db: Db, repoId: number, number: number): Promise<IssueRow | undefined> {
  return await db.prepare('SELECT * FROM issues WHERE repo_id = ? AND number = ?').get(repoId, number) as IssueRow | undefined;
}

export async function findIssueById(db: Db, id: number): Promise<IssueRow | undefined> {
  return await db.prepare('SELECT * FROM issues WHERE id = ?').get(id) as IssueRow | undefined;
}

/** How many issues an account opened since a time (the new-account rate limit). */
export async function countIssuesOpenedSince(db: Db, posterId: number, since: string): Promise<number> {
  return await db.prepare('SELECT count(*) FROM issues WHERE poster_id = ? AND created_at >= ?').pluck().get(posterId, since) as number;
}

export interface IssueChanges {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  /** undefined keeps it, null clears it. */
  dueDate?: string | null;
  /** What closed it through a keyword; reopening clears both. */
  closedByCommit?: string;
  closedByPullId?: number;
}

/** Changes an issue; closing records the time, reopening clears it and what closed it. */
export async function updateIssueRow(db: Db, id: number, changes: IssueChanges): Promise<void> {
  await db.prepare(
    `UPDATE issues SET
       title = coalesce(@title, title),
       body = coalesce(@body, body),
       due_date = CASE WHEN @keepDue = 1 THEN due_date ELSE @dueDate END,
       closed_at = CASE WHEN @state = 'closed' AND state = 'open' THEN ${NOW} WHEN @state = 'open' THEN NULL ELSE closed_at END,
       closed_by_commit = CASE WHEN @state = 'open' THEN NULL ELSE coalesce(@closedByCommit, closed_by_commit) END,
       closed_by_pull_id = CASE WHEN @state = 'open' THEN NULL ELSE coalesce(@closedByPullId, closed_by_pull_id) END,
       state = coalesce(@state, state),
       updated_at = ${NOW}
     WHERE id = @id`,
  ).run({
    id,
    title: changes.title ?? null,
    body: changes.body ?? null,
    state: changes.state ?? null,
    keepDue: changes.dueDate === undefined ? 1 : 0,
    dueDate: changes.dueDate ?? null,
    closedByCommit: changes.closedByCommit ?? null,
    closedByPullId: changes.closedByPullId ?? null,
  });
}

/** Locks or unlocks an issue's conversation. */
export async function setIssueLocked(db: Db, id: number, locked: boolean): Promise<void> {
  await db.prepare(`UPDATE issues SET is_locked = ?, updated_at = ${NOW} WHERE id = ?`).run(locked ? 1 : 0, id);
}

/** Pins an issue after the repository's pinned ones, or unpins it (0) and closes the gap it leaves. */
export async function setIssuePinned(db: Db, issue: Pick<IssueRow, 'id' | 'repo_id' | 'pin_order'>, pinned: boolean): Promise<void> {
  await db.transaction(async () => {
    // The order is counted from the others' pins: two pins at once on PostgreSQL take turns.
    await serialiseOn(db, `pins ${issue.repo_id}`);
    if (pinned) {
      await db.prepare('UPDATE issues SET pin_order = (SELECT coalesce(max(pin_order), 0) + 1 FROM issues WHERE repo_id = ?) WHERE id = ?').run(issue.repo_id, issue.id);
    } else {
      await db.prepare('UPDATE issues SET pin_order = 0 WHERE id = ?').run(issue.id);
      await db.prepare('UPDATE issues SET pin_order = pin_order - 1 WHERE repo_id = ? AND pin_order > ?').run(issue.repo_id, issue.pin_order);
    }
  });
}

/** A repository's pinned issues, in their order. */
export async function listPinnedIssues(db: Db, repoId: number): Promise<IssueRow[]> {
  return await db.prepare('SELECT * FROM issues WHERE repo_id = ? AND pin_order > 0 ORDER BY pin_order').all(repoId) as IssueRow[];
}

/** Deletes an issue and what is keyed by its number (labels, assignees, milestone, reactions, history, mentions). */
export async function deleteIssueRow(db: Db, issue: Pick<IssueRow, 'id' | 'repo_id' | 'number'>): Promise<void> {
  await db.transaction(async () => {
    for (const table of ['issue_labels', 'issue_assignees', 'issue_milestones', 'issue_mentions', 'reactions', 'content_history']) {
      await db.prepare(`DELETE FROM ${table} WHERE repo_id = ? AND number = ?`).run(issue.repo_id, issue.number);
    }
    await db.prepare('DELETE FROM issues WHERE id = ?').run(issue.id);
  });
}

/** Issues of a repository whose numbers are given, by number (references and closing keywords). */
export async function findIssuesByNumber(db: Db, repoId: number, numbers: number[]): Promise<IssueRow[]> {
  if (numbers.length === 0) return [];
  return await db
    .prepare('SELECT * FROM issues WHERE repo_id = ? AND number IN (SELECT CAST(value AS INTEGER) FROM json_each(?))')
    .all(repoId, JSON.stringify(numbers)) as IssueRow[];
}

// Comments of an issue: the same table as a pull request's conversation, keyed by issue_id.

/** A conversation comment of an issue or a pull request. */
export interface IssueCommentRow {
  id: number;
  pull_id: number | null;
  issue_id: number | null;
  poster_id: number;
  body: string;
  created_at: string;
  updated_at: string;
}

export async function insertIssueComment(db: Db, issueId: number, posterId: number, body: string): Promise<IssueCommentRow> {
  return await db.prepare('INSERT INTO issue_comments (issue_id, poster_id, body) VALUES (?, ?, ?) RETURNING *').get(issueId, posterId, body) as IssueCommentRow;
}

export async function listIssueComments(db: Db, issueId: number): Promise<IssueCommentRow[]> {
  return await db.prepare('SELECT * FROM issue_comments WHERE issue_id = ? ORDER BY id').all(issueId) as IssueCommentRow[];
}

/** How many comments each conversation of a page has: issues by id, pull requests by id. */
export async function countConversationComments(db: Db, rows: Array<Pick<ConversationRow, 'kind' | 'id'>>): Promise<Map<string, number>> {
  const issueIds = rows.filter((r) => r.kind === 'issue').map((r) => r.id);
  const pullIds = rows.filter((r) => r.kind === 'pull').map((r) => r.id);
  const counted = await db
    .prepare(
      `SELECT 'issue:' || issue_id AS key, count(*) AS n FROM issue_comments WHERE issue_id IN (SELECT CAST(value AS INTEGER) FROM json_each(@issues)) GROUP BY issue_id
       UNION ALL
       SELECT 'pull:' || pull_id, count(*) FROM issue_comments WHERE pull_id IN (SELECT CAST(value AS INTEGER) FROM json_each(@pulls)) GROUP BY pull_id`,
    )
    .all({ issues: JSON.stringify(issueIds), pulls: JSON.stringify(pullIds) }) as Array<{ key: string; n: number }>;
  return new Map(counted.map((c) => [c.key, c.n]));
}

/** The issue or pull request a comment belongs to, as its repository and number. */
export async function commentSubject(db: Db, commentId: number): Promise<(IssueKey & { comment: IssueCommentRow }) | undefined> {
  const comment = await db.prepare('SELECT * FROM issue_comments WHERE id = ?').get(commentId) as IssueCommentRow | undefined;
  if (!comment) return undefined;
  const key = (
    comment.issue_id !== null
      ? await db.prepare('SELECT repo_id AS repoId, number FROM issues WHERE id = ?').get(comment.issue_id)
      : await db.prepare('SELECT base_repo_id AS repoId, number FROM pull_requests WHERE id = ?').get(comment.pull_id)
  ) as IssueKey | undefined;
  return key ? { ...key, comment } : undefined;
}

// Assignees, mentions, reactions and history: keyed by (repo_id, number), for issues and pull requests alike.

/** The assignees of each of the given numbers of a repository, in the order they were assigned. */
export async function assigneesOf(db: Db, repoId: number, numbers: number[]): Promise<Map<number, number[]>> {
  const rows = await db
    .prepare('SELECT number, user_id FROM issue_assignees WHERE repo_id = ? AND number IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) ORDER BY number, user_id')
    .all(repoId, JSON.stringify(numbers)) as Array<{ number: number; user_id: number }>;
  const map = new Map<number, number[]>();
  for (const row of rows) map.set(row.number, [...(map.get(row.number) ?? []), row.user_id]);
  return map;
}

/** Replaces the assignees; returns who was added and who was removed. */
export async function replaceAssignees(db: Db, key: IssueKey, userIds: number[]): Promise<{ added: number[]; removed: number[] }> {
  return await db.transaction(async () => {
    // Read, then written from what was read: two edits at once on PostgreSQL take turns.
    await serialiseOn(db, `conversation ${key.repoId}/${key.number}`);
    const before = (await assigneesOf(db, key.repoId, [key.number])).get(key.number) ?? [];
    const removed = before.filter((id) => !userIds.includes(id));
    const added = [...new Set(userIds)].filter((id) => !before.includes(id));
    for (const id of removed) await db.prepare('DELETE FROM issue_assignees WHERE repo_id = ? AND number = ? AND user_id = ?').run(key.repoId, key.number, id);
    for (const id of added) await db.prepare('INSERT INTO issue_assignees (repo_id, number, user_id) VALUES (?, ?, ?)').run(key.repoId, key.number, id);
    return { added, removed };
  });
}

/** Records who a text mentions (kept: a mention stays once made, as Gitea's mentioned filter). */
export async function addMentions(db: Db, key: IssueKey, userIds: number[]): Promise<void> {
  const insert = db.prepare('INSERT INTO issue_mentions (repo_id, number, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  for (const id of userIds) await insert.run(key.repoId, key.number, id);
}

export type ReactionContent = '+1' | '-1' | 'laugh' | 'hooray' | 'confused' | 'heart' | 'rocket' | 'eyes';

export interface ReactionRow {
  id: number;
  user_id: number;
  content: ReactionContent;
  created_at: string;
}

const SAME_SUBJECT = 'repo_id = @repoId AND number = @number AND comment_id IS NOT DISTINCT FROM @commentId';

/** Adds a reaction; false when this user already reacted so. */
export async function insertReaction(db: Db, key: IssueKey, commentId: number | null, userId: number, content: ReactionContent): Promise<ReactionRow | undefined> {
  return await db
    .prepare('INSERT INTO reactions (repo_id, number, comment_id, user_id, content) VALUES (@repoId, @number, @commentId, @userId, @content) ON CONFLICT DO NOTHING RETURNING id, user_id, content, created_at')
    .get({ ...key, commentId, userId, content }) as ReactionRow | undefined;
}

/** Removes a user's reaction. */
export async function deleteReaction(db: Db, key: IssueKey, commentId: number | null, userId: number, content: ReactionContent): Promise<void> {
  await db.prepare(`DELETE FROM reactions WHERE ${SAME_SUBJECT} AND user_id = @userId AND content = @content`).run({ ...key, commentId, userId, content });
}

/** The reactions to an issue's text (commentId null) or to a comment, oldest first. */
export async function listReactions(db: Db, key: IssueKey, commentId: number | null): Promise<ReactionRow[]> {
  return await db.prepare(`SELECT id, user_id, content, created_at FROM reactions WHERE ${SAME_SUBJECT} ORDER BY id`).all({ ...key, commentId }) as ReactionRow[];
}

export interface ContentHistoryRow {
  id: number;
  editor_id: number | null;
  body: string;
  created_at: string;
}

/** Keeps the text an edit replaces. */
export async function insertContentHistory(db: Db, key: IssueKey, commentId: number | null, editorId: number, body: string): Promise<void> {
  await db.prepare('INSERT INTO content_history (repo_id, number, comment_id, editor_id, body) VALUES (?, ?, ?, ?, ?)').run(key.repoId, key.number, commentId, editorId, body);
}

/** The earlier versions of an issue's text (commentId null) or of a comment, newest first. */
export async function listContentHistory(db: Db, key: IssueKey, commentId: number | null): Promise<ContentHistoryRow[]> {
  return await db
    .prepare(`SELECT id, editor_id, body, created_at FROM content_history WHERE ${SAME_SUBJECT} ORDER BY id DESC`)
    .all({ ...key, commentId }) as ContentHistoryRow[];
}

// The list of issues and pull requests, with Gitea's filters.

export interface ConversationFilter {
  /** The repositories searched (one for a repository's list; those the viewer reads for search). */
  repoIds: number[];
  state: 'open' | 'closed' | 'all';
  kind?: 'issue' | 'pull';
  /** Label names: every one must be carried (repository or organisation labels alike). */
  labels?: string[];
  /** Milestone titles or ids. */
  milestones?: string[];
  /** Accent-insensitive words of the title or body. */
  q?: string;
  posterId?: number;
  assigneeId?: number;
  mentionedId?: number;
  /** Pull requests whose review is asked of this user and not given since the request. */
  reviewRequestedId?: number;
  since?: string;
  before?: string;
  sort: 'newest' | 'oldest' | 'recentupdate' | 'leastupdate' | 'mostcomment';
  limit: number;
  offset: number;
}

const ORDER = {
  newest: 'c.created_at DESC, c.number DESC',
  oldest: 'c.created_at ASC, c.number ASC',
  recentupdate: 'c.updated_at DESC, c.number DESC',
  leastupdate: 'c.updated_at ASC, c.number ASC',
  mostcomment: `(SELECT count(*) FROM issue_comments m WHERE (c.kind = 'issue' AND m.issue_id = c.id) OR (c.kind = 'pull' AND m.pull_id = c.id)) DESC, c.number DESC`,
} as const;

/** An FTS5 query of the words of `q`, each a prefix, all required: punctuation cannot reach FTS5's syntax. */
export function ftsQuery(q: string): string | null {
  const words = q.match(/[\p{L}\p{N}_]+/gu) ?? [];
  return words.length === 0 ? null : words.map((w) => `"${w}"*`).join(' ');
}

/** A page of issues and pull requests matching the filter, and the total before paging. */
export async function listConversations(db: Db, filter: ConversationFilter): Promise<{ rows: ConversationRow[]; total: number }> {
  const where = ['c.repo_id IN (SELECT CAST(value AS INTEGER) FROM json_each(@repoIds))'];
  if (filter.state !== 'all') where.push('c.state = @state');
  if (filter.kind) where.push('c.kind = @kind');
  for (const [i] of (filter.labels ?? []).entries()) {
    where.push(`EXISTS (SELECT 1 FROM issue_labels il JOIN labels l ON l.id = il.label_id
                 WHERE il.repo_id = c.repo_id AND il.number = c.number AND l.name = @label${i})`);
  }
  if (filter.milestones && filter.milestones.length > 0) {
    where.push(`EXISTS (SELECT 1 FROM issue_milestones im JOIN milestones ms ON ms.id = im.milestone_id
                 WHERE im.repo_id = c.repo_id AND im.number = c.number
                   AND (ms.title IN (SELECT value FROM json_each(@milestones)) OR CAST(ms.id AS TEXT) IN (SELECT value FROM json_each(@milestones))))`);
  }
  const match = filter.q === undefined ? null : ftsQuery(filter.q);
  if (filter.q !== undefined && match === null) where.push('1 = 0');
  if (match !== null) {
    where.push(`((c.kind = 'issue' AND c.id IN ${searchIds(db, 'issue_search')}) OR (c.kind = 'pull' AND c.id IN ${searchIds(db, 'pull_search')}))`);
  }
  if (filter.posterId !== undefined) where.push('c.poster_id = @posterId');
  if (filter.assigneeId !== undefined) {
    where.push('EXISTS (SELECT 1 FROM issue_assignees a WHERE a.repo_id = c.repo_id AND a.number = c.number AND a.user_id = @assigneeId)');
  }
  if (filter.mentionedId !== undefined) {
    where.push('EXISTS (SELECT 1 FROM issue_mentions mt WHERE mt.repo_id = c.repo_id AND mt.number = c.number AND mt.user_id = @mentionedId)');
  }
  if (filter.reviewRequestedId !== undefined) {
    where.push(`c.kind = 'pull' AND EXISTS (SELECT 1 FROM review_requests rr WHERE rr.pull_id = c.id AND rr.user_id = @reviewRequestedId
                 AND NOT EXISTS (SELECT 1 FROM reviews rv WHERE rv.pull_id = c.id AND rv.reviewer_id = rr.user_id AND rv.state != 'PENDING' AND rv.submitted_at >= rr.created_at))`);
  }
  if (filter.since !== undefined) where.push('c.updated_at >= @since');
  if (filter.before !== undefined) where.push('c.updated_at <= @before');
  const params: Record<string, unknown> = {
    repoIds: JSON.stringify(filter.repoIds),
    state: filter.state,
    kind: filter.kind ?? null,
    milestones: JSON.stringify(filter.milestones ?? []),
    match,
    posterId: filter.posterId ?? null,
    assigneeId: filter.assigneeId ?? null,
    mentionedId: filter.mentionedId ?? null,
    reviewRequestedId: filter.reviewRequestedId ?? null,
    since: filter.since ?? null,
    before: filter.before ?? null,
  };
  for (const [i, name] of (filter.labels ?? []).entries()) params[`label${i}`] = name;
  const condition = where.join(' AND ');
  const total = await db.prepare(`SELECT count(*) FROM conversations c WHERE ${condition}`).pluck().get(params) as number;
  const rows = await db
    .prepare(`SELECT c.* FROM conversations c WHERE ${condition} ORDER BY ${ORDER[filter.sort]} LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: filter.limit, offset: filter.offset }) as ConversationRow[];
  return { rows, total };
}

/**
 * The ids a full-text table finds for @match (FTS5's query syntax, built by ftsQuery): SQLite's
 * FTS5 table, or PostgreSQL's tsvector table through fts_match (migrations/postgres/compat.sql),
 * which reads the same query. The one place where the two engines need different SQL.
 */
function searchIds(db: Db, table: 'issue_search' | 'pull_search'): string {
  return db.engine === 'postgres'
    ? `(SELECT rowid FROM ${table} WHERE fts_match(document, @match))`
    : `(SELECT rowid FROM ${table} WHERE ${table} MATCH @match)`;
}
