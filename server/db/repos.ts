import type { Db } from './index.js';

/** A repository row joined with its owner's name and type. */
export interface RepoRow {
  id: number;
  owner_id: number;
  owner_name: string;
  owner_type: 'user' | 'org';
  name: string;
  lower_name: string;
  description: string;
  website: string;
  is_private: 0 | 1;
  is_archived: 0 | 1;
  is_empty: 0 | 1;
  is_mirror: 0 | 1;
  default_branch: string;
  fork_id: number | null;
  size_kb: number;
  created_at: string;
  updated_at: string;
}

const SELECT = `SELECT r.*, u.username AS owner_name, u.type AS owner_type
  FROM repositories r JOIN users u ON u.id = r.owner_id`;

export function findRepo(db: Db, owner: string, name: string): RepoRow | undefined {
  return db.prepare(`${SELECT} WHERE u.lower_name = ? AND r.lower_name = ?`).get(owner.toLowerCase(), name.toLowerCase()) as
    | RepoRow
    | undefined;
}

export function findRepoById(db: Db, id: number): RepoRow | undefined {
  return db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as RepoRow | undefined;
}

/** The repository an old owner/name now points to after a rename or transfer, if any. */
export function findRepoRedirect(db: Db, owner: string, name: string): RepoRow | undefined {
  const id = db
    .prepare('SELECT repo_id FROM repository_redirects WHERE owner_lower_name = ? AND lower_name = ?')
    .pluck()
    .get(owner.toLowerCase(), name.toLowerCase()) as number | undefined;
  return id === undefined ? undefined : findRepoById(db, id);
}

export interface NewRepo {
  ownerId: number;
  name: string;
  description: string;
  website?: string;
  isPrivate: boolean;
  defaultBranch: string;
  isEmpty: boolean;
  forkId?: number | null;
  isMirror?: boolean;
}

export function insertRepo(db: Db, repo: NewRepo): RepoRow {
  const { id } = db
    .prepare(
      `INSERT INTO repositories (owner_id, name, lower_name, description, website, is_private, default_branch, is_empty, fork_id, is_mirror)
       VALUES (@ownerId, @name, lower(@name), @description, @website, @isPrivate, @defaultBranch, @isEmpty, @forkId, @isMirror)
       RETURNING id`,
    )
    .get({
      ...repo,
      website: repo.website ?? '',
      isPrivate: repo.isPrivate ? 1 : 0,
      isEmpty: repo.isEmpty ? 1 : 0,
      forkId: repo.forkId ?? null,
      isMirror: repo.isMirror ? 1 : 0,
    }) as { id: number };
  return findRepoById(db, id) as RepoRow;
}

/** Records that a push or an in-process write changed the repository: size, emptiness, time. */
export function touchRepo(db: Db, id: number, changes: { sizeKb?: number; isEmpty?: boolean; defaultBranch?: string }): void {
  db.prepare(
    `UPDATE repositories SET
       size_kb = coalesce(@sizeKb, size_kb),
       is_empty = coalesce(@isEmpty, is_empty),
       default_branch = coalesce(@defaultBranch, default_branch),
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = @id`,
  ).run({
    id,
    sizeKb: changes.sizeKb ?? null,
    isEmpty: changes.isEmpty === undefined ? null : changes.isEmpty ? 1 : 0,
    defaultBranch: changes.defaultBranch ?? null,
  });
}

export function deleteRepoRow(db: Db, id: number): void {
  db.prepare('DELETE FROM repositories WHERE id = ?').run(id);
}

/** The strongest permission a user holds on a repository through collaboration or teams (not ownership). */
export function grantedPermission(db: Db, repoId: number, userId: number): 'read' | 'write' | 'admin' | 'owner' | null {
  const rows = db
    .prepare(
      `SELECT permission FROM collaborators WHERE repo_id = @repoId AND user_id = @userId
       UNION ALL
       SELECT t.permission FROM teams t
         JOIN team_members m ON m.team_id = t.id AND m.user_id = @userId
         JOIN repositories r ON r.id = @repoId AND r.owner_id = t.org_id
        WHERE t.includes_all_repositories = 1 OR t.permission = 'owner'
           OR EXISTS (SELECT 1 FROM team_repositories tr WHERE tr.team_id = t.id AND tr.repo_id = @repoId)`,
    )
    .pluck()
    .all({ repoId, userId }) as Array<'read' | 'write' | 'admin' | 'owner'>;
  const order = ['read', 'write', 'admin', 'owner'] as const;
  let best = -1;
  for (const p of rows) best = Math.max(best, order.indexOf(p));
  return best < 0 ? null : order[best];
}

/** Whether the user belongs to any team of the organisation. */
export function isOrgMember(db: Db, orgId: number, userId: number): boolean {
  return (
    db
      .prepare('SELECT 1 FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.org_id = ? AND m.user_id = ? LIMIT 1')
      .get(orgId, userId) !== undefined
  );
}

/** Whether the user is in the organisation's owners team. */
export function isOrgOwner(db: Db, orgId: number, userId: number): boolean {
  return (
    db
      .prepare(
        "SELECT 1 FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.org_id = ? AND m.user_id = ? AND t.permission = 'owner' LIMIT 1",
      )
      .get(orgId, userId) !== undefined
  );
}
