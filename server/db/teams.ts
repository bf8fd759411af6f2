import type { Db } from './index.js';
import type { UserRow } from './users.js';

export type TeamPermission = 'read' | 'write' | 'admin' | 'owner';

export interface TeamRow {
  id: number;
  org_id: number;
  name: string;
  lower_name: string;
  description: string;
  permission: TeamPermission;
  includes_all_repositories: 0 | 1;
  can_create_org_repo: 0 | 1;
  created_at: string;
}

export interface NewTeam {
  orgId: number;
  name: string;
  description: string;
  permission: TeamPermission;
  includesAllRepositories: boolean;
  canCreateOrgRepo: boolean;
}

export async function insertTeam(db: Db, team: NewTeam): Promise<TeamRow> {
  return await db
    .prepare(
      `INSERT INTO teams (org_id, name, lower_name, description, permission, includes_all_repositories, can_create_org_repo)
       VALUES (@orgId, @name, lower(@name), @description, @permission, @all, @create) RETURNING *`,
    )
    .get({ ...team, all: team.includesAllRepositories ? 1 : 0, create: team.canCreateOrgRepo ? 1 : 0 }) as TeamRow;
}

export async function findTeamById(db: Db, id: number): Promise<TeamRow | undefined> {
  return await db.prepare('SELECT * FROM teams WHERE id = ?').get(id) as TeamRow | undefined;
}

export async function findTeamByName(db: Db, orgId: number, name: string): Promise<TeamRow | undefined> {
  return await db.prepare('SELECT * FROM teams WHERE org_id = ? AND lower_name = ?').get(orgId, name.toLowerCase()) as TeamRow | undefined;
}

export async function listTeams(db: Db, orgId: number): Promise<TeamRow[]> {
  return await db.prepare('SELECT * FROM teams WHERE org_id = ? ORDER BY (permission = \'owner\') DESC, lower_name').all(orgId) as TeamRow[];
}

export interface TeamChanges {
  name?: string;
  description?: string;
  permission?: TeamPermission;
  includesAllRepositories?: boolean;
  canCreateOrgRepo?: boolean;
}

export async function updateTeamRow(db: Db, id: number, changes: TeamChanges): Promise<void> {
  await db.prepare(
    `UPDATE teams SET
       name = coalesce(@name, name), lower_name = coalesce(lower(@name), lower_name),
       description = coalesce(@description, description),
       permission = coalesce(@permission, permission),
       includes_all_repositories = coalesce(@all, includes_all_repositories),
       can_create_org_repo = coalesce(@create, can_create_org_repo)
     WHERE id = @id`,
  ).run({
    id,
    name: changes.name ?? null,
    description: changes.description ?? null,
    permission: changes.permission ?? null,
    all: changes.includesAllRepositories === undefined ? null : changes.includesAllRepositories ? 1 : 0,
    create: changes.canCreateOrgRepo === undefined ? null : changes.canCreateOrgRepo ? 1 : 0,
  });
}

export async function deleteTeamRow(db: Db, id: number): Promise<void> {
  await db.prepare('DELETE FROM teams WHERE id = ?').run(id);
}

export async function addTeamMemberRow(db: Db, teamId: number, userId: number): Promise<void> {
  await db.prepare('INSERT INTO team_members (team_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(teamId, userId);
}

export async function removeTeamMemberRow(db: Db, teamId: number, userId: number): Promise<boolean> {
  return (await db.prepare('DELETE FROM team_members WHERE team_id = ? AND user_id = ?').run(teamId, userId)).changes > 0;
}

export async function isTeamMember(db: Db, teamId: number, userId: number): Promise<boolean> {
  return await db.prepare('SELECT 1 FROM team_members WHERE team_id = ? AND user_id = ?').get(teamId, userId) !== undefined;
}

export async function listTeamMembers(db: Db, teamId: number): Promise<UserRow[]> {
  return await db
    .prepare('SELECT u.* FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = ? ORDER BY u.lower_name')
    .all(teamId) as UserRow[];
}

export async function addTeamRepoRow(db: Db, teamId: number, repoId: number): Promise<void> {
  await db.prepare('INSERT INTO team_repositories (team_id, repo_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(teamId, repoId);
}

export async function removeTeamRepoRow(db: Db, teamId: number, repoId: number): Promise<boolean> {
  return (await db.prepare('DELETE FROM team_repositories WHERE team_id = ? AND repo_id = ?').run(teamId, repoId)).changes > 0;
}

/** Ids of the repositories a team reaches: all of the organisation's, or those added to it. */
export async function teamRepoIds(db: Db, team: TeamRow): Promise<number[]> {
  if (team.includes_all_repositories || team.permission === 'owner') {
    return await db.prepare('SELECT id FROM repositories WHERE owner_id = ? ORDER BY lower_name').pluck().all(team.org_id) as number[];
  }
  return await db
    .prepare('SELECT r.id FROM team_repositories tr JOIN repositories r ON r.id = tr.repo_id WHERE tr.team_id = ? ORDER BY r.lower_name')
    .pluck()
    .all(team.id) as number[];
}

/** Whether the account is in one of the organisation's teams that may create repositories. */
export async function memberMayCreateOrgRepo(db: Db, orgId: number, userId: number): Promise<boolean> {
  return (
    await db
      .prepare('SELECT 1 FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.org_id = ? AND m.user_id = ? AND t.can_create_org_repo = 1 LIMIT 1')
      .get(orgId, userId) !== undefined
  );
}
