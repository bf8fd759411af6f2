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

export function insertTeam(db: Db, team: NewTeam): TeamRow {
  return db
    .prepare(
      `INSERT INTO teams (org_id, name, lower_name, description, permission, includes_all_repositories, can_create_org_repo)
       VALUES (@orgId, @name, lower(@name), @description, @permission, @all, @create) RETURNING *`,
    )
    .get({ ...team, all: team.includesAllRepositories ? 1 : 0, create: team.canCreateOrgRepo ? 1 : 0 }) as TeamRow;
}

export function findTeamById(db: Db, id: number): TeamRow | undefined {
  return db.prepare('SELECT * FROM teams WHERE id = ?').get(id) as TeamRow | undefined;
}

export function findTeamByName(db: Db, orgId: number, name: string): TeamRow | undefined {
  return db.prepare('SELECT * FROM teams WHERE org_id = ? AND lower_name = ?').get(orgId, name.toLowerCase()) as TeamRow | undefined;
}

export function listTeams(db: Db, orgId: number): TeamRow[] {
  return db.prepare('SELECT * FROM teams WHERE org_id = ? ORDER BY (permission = \'owner\') DESC, lower_name').all(orgId) as TeamRow[];
}

export interface TeamChanges {
  name?: string;
  description?: string;
  permission?: TeamPermission;
  includesAllRepositories?: boolean;
  canCreateOrgRepo?: boolean;
}

export function updateTeamRow(db: Db, id: number, changes: TeamChanges): void {
  db.prepare(
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

export function deleteTeamRow(db: Db, id: number): void {
  db.prepare('DELETE FROM teams WHERE id = ?').run(id);
}

export function addTeamMemberRow(db: Db, teamId: number, userId: number): void {
  db.prepare('INSERT OR IGNORE INTO team_members (team_id, user_id) VALUES (?, ?)').run(teamId, userId);
}

export function removeTeamMemberRow(db: Db, teamId: number, userId: number): boolean {
  return db.prepare('DELETE FROM team_members WHERE team_id = ? AND user_id = ?').run(teamId, userId).changes > 0;
}

export function isTeamMember(db: Db, teamId: number, userId: number): boolean {
  return db.prepare('SELECT 1 FROM team_members WHERE team_id = ? AND user_id = ?').get(teamId, userId) !== undefined;
}

export function listTeamMembers(db: Db, teamId: number): UserRow[] {
  return db
    .prepare('SELECT u.* FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = ? ORDER BY u.lower_name')
    .all(teamId) as UserRow[];
}

export function addTeamRepoRow(db: Db, teamId: number, repoId: number): void {
  db.prepare('INSERT OR IGNORE INTO team_repositories (team_id, repo_id) VALUES (?, ?)').run(teamId, repoId);
}

export function removeTeamRepoRow(db: Db, teamId: number, repoId: number): boolean {
  return db.prepare('DELETE FROM team_repositories WHERE team_id = ? AND repo_id = ?').run(teamId, repoId).changes > 0;
}

/** Ids of the repositories a team reaches: all of the organisation's, or those added to it. */
export function teamRepoIds(db: Db, team: TeamRow): number[] {
  if (team.includes_all_repositories || team.permission === 'owner') {
    return db.prepare('SELECT id FROM repositories WHERE owner_id = ? ORDER BY lower_name').pluck().all(team.org_id) as number[];
  }
  return db
    .prepare('SELECT r.id FROM team_repositories tr JOIN repositories r ON r.id = tr.repo_id WHERE tr.team_id = ? ORDER BY r.lower_name')
    .pluck()
    .all(team.id) as number[];
}

/** Whether the account is in one of the organisation's teams that may create repositories. */
export function memberMayCreateOrgRepo(db: Db, orgId: number, userId: number): boolean {
  return (
    db
      .prepare('SELECT 1 FROM teams t JOIN team_members m ON m.team_id = t.id WHERE t.org_id = ? AND m.user_id = ? AND t.can_create_org_repo = 1 LIMIT 1')
      .get(orgId, userId) !== undefined
  );
}
