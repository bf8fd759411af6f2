import type { Db } from './index.js';
import type { UserRow } from './users.js';

export type CollaboratorPermission = 'read' | 'write' | 'admin';

/** A collaborator: the account's row with the permission granted on the repository. */
export type CollaboratorRow = UserRow & { permission: CollaboratorPermission };

/** Adds a collaborator or changes their permission; returns the previous permission, if any. */
export async function upsertCollaborator(db: Db, repoId: number, userId: number, permission: CollaboratorPermission): Promise<CollaboratorPermission | null> {
  const previous = await findCollaboratorPermission(db, repoId, userId);
  await db.prepare(
    `INSERT INTO collaborators (repo_id, user_id, permission) VALUES (?, ?, ?)
     ON CONFLICT (repo_id, user_id) DO UPDATE SET permission = excluded.permission`,
  ).run(repoId, userId, permission);
  return previous;
}

/** Removes a collaborator; returns whether there was one. */
export async function deleteCollaborator(db: Db, repoId: number, userId: number): Promise<boolean> {
  return (await db.prepare('DELETE FROM collaborators WHERE repo_id = ? AND user_id = ?').run(repoId, userId)).changes > 0;
}

export async function findCollaboratorPermission(db: Db, repoId: number, userId: number): Promise<CollaboratorPermission | null> {
  return (
    (await db.prepare('SELECT permission FROM collaborators WHERE repo_id = ? AND user_id = ?').pluck().get(repoId, userId) as
      | CollaboratorPermission
      | undefined) ?? null
  );
}

export async function listCollaborators(db: Db, repoId: number, limit: number, offset: number): Promise<{ rows: CollaboratorRow[]; total: number }> {
  const total = await db.prepare('SELECT count(*) FROM collaborators WHERE repo_id = ?').pluck().get(repoId) as number;
  const rows = await db
    .prepare(
      `SELECT u.*, c.permission FROM collaborators c JOIN users u ON u.id = c.user_id
        WHERE c.repo_id = ? ORDER BY u.lower_name LIMIT ? OFFSET ?`,
    )
    .all(repoId, limit, offset) as CollaboratorRow[];
  return { rows, total };
}
