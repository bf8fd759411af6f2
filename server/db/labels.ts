import type { Db } from './index.js';
import type { IssueKey } from './issues.js';

/** A label of a repository (repo_id) or of an organisation (org_id). */
export interface LabelRow {
  id: number;
  repo_id: number | null;
  org_id: number | null;
  name: string;
  /** Six hex digits, without `#`. */
  color: string;
  description: string;
  exclusive: 0 | 1;
  is_archived: 0 | 1;
  created_at: string;
}

export interface LabelFields {
  name: string;
  color: string;
  description: string;
  exclusive: boolean;
  isArchived: boolean;
}

/** Where a label lives: a repository or an organisation. */
export type LabelOwner = { repoId: number } | { orgId: number };

const ownerParams = (owner: LabelOwner) => ({ repoId: 'repoId' in owner ? owner.repoId : null, orgId: 'orgId' in owner ? owner.orgId : null });

export async function insertLabel(db: Db, owner: LabelOwner, label: LabelFields): Promise<LabelRow> {
  return await db
    .prepare(
      `INSERT INTO labels (repo_id, org_id, name, color, description, exclusive, is_archived)
       VALUES (@repoId, @orgId, @name, @color, @description, @exclusive, @isArchived) RETURNING *`,
    )
    .get({ ...ownerParams(owner), ...label, exclusive: label.exclusive ? 1 : 0, isArchived: label.isArchived ? 1 : 0 }) as LabelRow;
}

/** Changes a label; absent fields keep their value. */
export async function updateLabelRow(db: Db, id: number, changes: Partial<LabelFields>): Promise<LabelRow> {
  const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);
  return await db
    .prepare(
      `UPDATE labels SET name = coalesce(@name, name), color = coalesce(@color, color), description = coalesce(@description, description),
         exclusive = coalesce(@exclusive, exclusive), is_archived = coalesce(@isArchived, is_archived)
       WHERE id = @id RETURNING *`,
    )
    .get({
      id,
      name: changes.name ?? null,
      color: changes.color ?? null,
      description: changes.description ?? null,
      exclusive: flag(changes.exclusive),
      isArchived: flag(changes.isArchived),
    }) as LabelRow;
}

export async function deleteLabelRow(db: Db, id: number): Promise<void> {
  await db.prepare('DELETE FROM labels WHERE id = ?').run(id);
}

/** A label of this repository or organisation by id. */
export async function findLabel(db: Db, owner: LabelOwner, id: number): Promise<LabelRow | undefined> {
  return await db.prepare('SELECT * FROM labels WHERE id = @id AND (repo_id IS NOT DISTINCT FROM @repoId AND org_id IS NOT DISTINCT FROM @orgId)').get({ id, ...ownerParams(owner) }) as LabelRow | undefined;
}

/** A repository's or organisation's own labels, by name. */
export async function listLabels(db: Db, owner: LabelOwner, limit: number, offset: number): Promise<{ rows: LabelRow[]; total: number }> {
  const params = ownerParams(owner);
  const where = 'repo_id IS NOT DISTINCT FROM @repoId AND org_id IS NOT DISTINCT FROM @orgId';
  const rows = await db.prepare(`SELECT * FROM labels WHERE ${where} ORDER BY name, id LIMIT @limit OFFSET @offset`).all({ ...params, limit, offset }) as LabelRow[];
  const total = await db.prepare(`SELECT count(*) FROM labels WHERE ${where}`).pluck().get(params) as number;
  return { rows, total };
}

/** The labels an issue of this repository may carry: its own and its organisation's. */
export async function usableLabels(db: Db, repoId: number): Promise<LabelRow[]> {
  return await db
    .prepare(
      `SELECT l.* FROM labels l WHERE l.repo_id = @repoId
          OR l.org_id = (SELECT r.owner_id FROM repositories r JOIN users u ON u.id = r.owner_id WHERE r.id = @repoId AND u.type = 'org')
       ORDER BY l.name, l.id`,
    )
    .all({ repoId }) as LabelRow[];
}

/** The labels of each of the given numbers of a repository, by name. */
export async function labelsOf(db: Db, repoId: number, numbers: number[]): Promise<Map<number, LabelRow[]>> {
  const rows = await db
    .prepare(
      `SELECT il.number AS issue_number, l.* FROM issue_labels il JOIN labels l ON l.id = il.label_id
       WHERE il.repo_id = ? AND il.number IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) ORDER BY l.name, l.id`,
    )
    .all(repoId, JSON.stringify(numbers)) as Array<LabelRow & { issue_number: number }>;
  const map = new Map<number, LabelRow[]>();
  for (const { issue_number, ...label } of rows) map.set(issue_number, [...(map.get(issue_number) ?? []), label]);
  return map;
}

/** Puts a label on an issue or pull request; false when it was there already. */
export async function addIssueLabel(db: Db, key: IssueKey, labelId: number): Promise<boolean> {
  return (await db.prepare('INSERT INTO issue_labels (repo_id, number, label_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(key.repoId, key.number, labelId)).changes > 0;
}

/** Takes a label off; false when it was not there. */
export async function removeIssueLabel(db: Db, key: IssueKey, labelId: number): Promise<boolean> {
  return (await db.prepare('DELETE FROM issue_labels WHERE repo_id = ? AND number = ? AND label_id = ?').run(key.repoId, key.number, labelId)).changes > 0;
}
