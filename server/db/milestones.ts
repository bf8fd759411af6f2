import { serialiseOn, type Db } from './index.js';
import type { IssueKey } from './issues.js';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/** A milestone with its progress: how many of its issues and pull requests are open and closed. */
export interface MilestoneRow {
  id: number;
  repo_id: number;
  title: string;
  description: string;
  state: 'open' | 'closed';
  due_on: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  open_issues: number;
  closed_issues: number;
}

/**
 * A milestone's open or closed issues and pull requests, counted in each table by its (repository,
 * number) key: through the `conversations` view (a UNION ALL), SQLite scanned every issue of the
 * repository once per milestone, hundreds of milliseconds a page at 5,000 issues (bench/issues.ts).
 */
const progress = (state: 'open' | 'closed') =>
  `(SELECT count(*) FROM issue_milestones im JOIN issues i ON i.repo_id = im.repo_id AND i.number = im.number
      WHERE im.milestone_id = m.id AND i.state = '${state}')
   + (SELECT count(*) FROM issue_milestones im JOIN pull_requests p ON p.base_repo_id = im.repo_id AND p.number = im.number
      WHERE im.milestone_id = m.id AND p.state = '${state}')`;

const SELECT = `SELECT m.*, ${progress('open')} AS open_issues, ${progress('closed')} AS closed_issues
  FROM milestones m`;

export interface MilestoneFields {
  title: string;
  description: string;
  dueOn: string | null;
  state: 'open' | 'closed';
}

export async function insertMilestone(db: Db, repoId: number, fields: MilestoneFields): Promise<MilestoneRow> {
  const { id } = await db
    .prepare(
      `INSERT INTO milestones (repo_id, title, description, due_on, state, closed_at)
       VALUES (@repoId, @title, @description, @dueOn, @state, CASE WHEN @state = 'closed' THEN ${NOW} END) RETURNING id`,
    )
    .get({ repoId, ...fields }) as { id: number };
  return await findMilestone(db, repoId, id) as MilestoneRow;
}

/** Changes a milestone; `dueOn` undefined keeps it, null clears it. Closing records the time. */
export async function updateMilestoneRow(db: Db, id: number, changes: Partial<MilestoneFields>): Promise<void> {
  await db.prepare(
    `UPDATE milestones SET title = coalesce(@title, title), description = coalesce(@description, description),
       due_on = CASE WHEN @keepDue = 1 THEN due_on ELSE @dueOn END,
       closed_at = CASE WHEN @state = 'closed' AND state = 'open' THEN ${NOW} WHEN @state = 'open' THEN NULL ELSE closed_at END,
       state = coalesce(@state, state), updated_at = ${NOW}
     WHERE id = @id`,
  ).run({
    id,
    title: changes.title ?? null,
    description: changes.description ?? null,
    keepDue: changes.dueOn === undefined ? 1 : 0,
    dueOn: changes.dueOn ?? null,
    state: changes.state ?? null,
  });
}

export async function deleteMilestoneRow(db: Db, id: number): Promise<void> {
  await db.prepare('DELETE FROM milestones WHERE id = ?').run(id);
}

/** A repository's milestone by id. */
export async function findMilestone(db: Db, repoId: number, id: number): Promise<MilestoneRow | undefined> {
  return await db.prepare(`${SELECT} WHERE m.repo_id = ? AND m.id = ?`).get(repoId, id) as MilestoneRow | undefined;
}

/** A repository's milestone by title. */
export async function findMilestoneByTitle(db: Db, repoId: number, title: string): Promise<MilestoneRow | undefined> {
  return await db.prepare(`${SELECT} WHERE m.repo_id = ? AND m.title = ?`).get(repoId, title) as MilestoneRow | undefined;
}

/** A repository's milestones, soonest due first (those without a date last). */
export async function listMilestones(db: Db, repoId: number, state: 'open' | 'closed' | 'all', limit: number, offset: number): Promise<{ rows: MilestoneRow[]; total: number }> {
  const where = state === 'all' ? 'm.repo_id = @repoId' : 'm.repo_id = @repoId AND m.state = @state';
  const rows = await db
    .prepare(`${SELECT} WHERE ${where} ORDER BY m.due_on IS NULL, m.due_on, m.id LIMIT @limit OFFSET @offset`)
    .all({ repoId, state, limit, offset }) as MilestoneRow[];
  const total = await db.prepare(`SELECT count(*) FROM milestones m WHERE ${where}`).pluck().get({ repoId, state }) as number;
  return { rows, total };
}

/** The milestone of each of the given numbers of a repository. */
export async function milestonesOf(db: Db, repoId: number, numbers: number[]): Promise<Map<number, MilestoneRow>> {
  const links = await db
    .prepare('SELECT number, milestone_id FROM issue_milestones WHERE repo_id = ? AND number IN (SELECT CAST(value AS INTEGER) FROM json_each(?))')
    .all(repoId, JSON.stringify(numbers)) as Array<{ number: number; milestone_id: number }>;
  // Each milestone's progress once, however many issues of the page carry it.
  const ids = [...new Set(links.map((l) => l.milestone_id))];
  const rows = await db.prepare(`${SELECT} WHERE m.id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))`).all(JSON.stringify(ids)) as MilestoneRow[];
  const byId = new Map(rows.map((m) => [m.id, m]));
  const result = new Map<number, MilestoneRow>();
  for (const link of links) {
    const milestone = byId.get(link.milestone_id);
    if (milestone) result.set(link.number, milestone);
  }
  return result;
}

/** Sets (or with null clears) the milestone of an issue or pull request; returns the previous one's id. */
export async function setIssueMilestone(db: Db, key: IssueKey, milestoneId: number | null): Promise<number | null> {
  return await db.transaction(async () => {
    await serialiseOn(db, `conversation ${key.repoId}/${key.number}`);
    const before = await db.prepare('SELECT milestone_id FROM issue_milestones WHERE repo_id = ? AND number = ?').pluck().get(key.repoId, key.number) as number | undefined;
    await db.prepare('DELETE FROM issue_milestones WHERE repo_id = ? AND number = ?').run(key.repoId, key.number);
    if (milestoneId !== null) await db.prepare('INSERT INTO issue_milestones (repo_id, number, milestone_id) VALUES (?, ?, ?)').run(key.repoId, key.number, milestoneId);
    return before ?? null;
  });
}
