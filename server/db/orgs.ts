import type { Db } from './index.js';
import type { UserRow } from './users.js';

export interface NewOrg {
  username: string;
  fullName: string;
  description: string;
  website: string;
  location: string;
  visibility: UserRow['visibility'];
}

/** Inserts an organisation (a users row of type 'org'); a taken name throws SQLITE_CONSTRAINT_UNIQUE. */
export async function insertOrg(db: Db, org: NewOrg): Promise<UserRow> {
  return await db
    .prepare(
      `INSERT INTO users (type, username, lower_name, full_name, description, website, location, visibility)
       VALUES ('org', @username, lower(@username), @fullName, @description, @website, @location, @visibility) RETURNING *`,
    )
    .get(org) as UserRow;
}

/** Finds an organisation by name (an account of that name is not one). */
export async function findOrgByName(db: Db, name: string): Promise<UserRow | undefined> {
  return await db.prepare("SELECT * FROM users WHERE lower_name = ? AND type = 'org'").get(name.toLowerCase()) as UserRow | undefined;
}

/** Organisations the user belongs to through any team. */
export async function listOrgsOfUser(db: Db, userId: number): Promise<UserRow[]> {
  return await db
    .prepare(
      `SELECT * FROM users WHERE type = 'org' AND id IN
         (SELECT t.org_id FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.user_id = ?)
       ORDER BY lower_name`,
    )
    .all(userId) as UserRow[];
}

/** Members of an organisation: accounts in at least one of its teams. */
export async function listOrgMembers(db: Db, orgId: number, limit: number, offset: number): Promise<{ rows: UserRow[]; total: number }> {
  const members = 'SELECT m.user_id FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.org_id = ?';
  const total = await db.prepare(`SELECT count(DISTINCT user_id) FROM (${members}) AS members`).pluck().get(orgId) as number;
  const rows = await db
    .prepare(`SELECT * FROM users WHERE id IN (${members}) ORDER BY lower_name LIMIT ? OFFSET ?`)
    .all(orgId, limit, offset) as UserRow[];
  return { rows, total };
}

/** Removes the user from every team of the organisation; returns how many memberships ended. */
export async function removeOrgMember(db: Db, orgId: number, userId: number): Promise<number> {
  return (await db
    .prepare('DELETE FROM team_members WHERE user_id = ? AND team_id IN (SELECT id FROM teams WHERE org_id = ?)')
    .run(userId, orgId)).changes;
}

/** How many accounts are in the organisation's owners team(s). */
export async function countOrgOwners(db: Db, orgId: number): Promise<number> {
  return await db
    .prepare(
      "SELECT count(DISTINCT m.user_id) FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.org_id = ? AND t.permission = 'owner'",
    )
    .pluck()
    .get(orgId) as number;
}

export interface OrgChanges {
  fullName?: string;
  description?: string;
  website?: string;
  location?: string;
  visibility?: UserRow['visibility'];
}

/** Changes an organisation's profile; absent fields keep their value. */
export async function updateOrgRow(db: Db, id: number, changes: OrgChanges): Promise<void> {
  await db.prepare(
    `UPDATE users SET
       full_name = coalesce(@fullName, full_name),
       description = coalesce(@description, description),
       website = coalesce(@website, website),
       location = coalesce(@location, location),
       visibility = coalesce(@visibility, visibility),
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
     WHERE id = @id AND type = 'org'`,
  ).run({
    id,
    fullName: changes.fullName ?? null,
    description: changes.description ?? null,
    website: changes.website ?? null,
    location: changes.location ?? null,
    visibility: changes.visibility ?? null,
  });
}

/** Organisations a viewer may see, by name: public ones, limited ones to signed-in users, all to administrators and members. */
export async function listVisibleOrgs(
  db: Db,
  viewer: { userId: number | null; isAdmin: boolean },
  limit: number,
  offset: number,
  q = '',
): Promise<{ rows: UserRow[]; total: number }> {
  const where = `type = 'org' AND (visibility = 'public' OR (visibility = 'limited' AND CAST(@viewerId AS INTEGER) IS NOT NULL) OR @admin = 1
    OR id IN (SELECT t.org_id FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.user_id = @viewerId))
    AND (@q = '' OR lower_name LIKE @pattern ESCAPE '\\' OR lower(full_name) LIKE @pattern ESCAPE '\\' OR lower(description) LIKE @pattern ESCAPE '\\')`;
  const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const params = { viewerId: viewer.userId, admin: viewer.isAdmin ? 1 : 0, q, pattern };
  const total = await db.prepare(`SELECT count(*) FROM users WHERE ${where}`).pluck().get(params) as number;
  const rows = await db.prepare(`SELECT * FROM users WHERE ${where} ORDER BY lower_name LIMIT @limit OFFSET @offset`).all({ ...params, limit, offset }) as UserRow[];
  return { rows, total };
}
