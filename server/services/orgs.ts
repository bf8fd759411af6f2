import type { Db } from '../db/index.js';
import type { UserRow } from '../db/users.js';
import { findUserByName } from '../db/users.js';
import { countOrgOwners, findOrgByName, insertOrg, removeOrgMember, updateOrgRow, type OrgChanges } from '../db/orgs.js';
import {
  addTeamMemberRow,
  addTeamRepoRow,
  deleteTeamRow,
  findTeamById,
  findTeamByName,
  insertTeam,
  isTeamMember,
  removeTeamMemberRow,
  removeTeamRepoRow,
  updateTeamRow,
  type TeamChanges,
  type TeamPermission,
  type TeamRow,
} from '../db/teams.js';
import type { RepoRow } from '../db/repos.js';
import { ownerNameProblem } from '../lib/names.js';
import { recordAudit } from './audit.js';
import type { AuditContext } from './repos.js';
import { conflict, invalid, notFound } from '../errors.js';

export const OWNERS_TEAM = 'Owners';

export interface CreateOrgInput {
  username: string;
  fullName?: string;
  description?: string;
  website?: string;
  location?: string;
  visibility?: UserRow['visibility'];
}

function checkWebsite(website: string | undefined): void {
  if (website && !/^https?:\/\/\S+$/.test(website)) throw invalid('The website must be an http:// or https:// address.', { field: 'website' });
}

/** Creates an organisation with its Owners team, whose first member is the creator. */
export function createOrg(db: Db, creator: UserRow, input: CreateOrgInput, context: AuditContext): UserRow {
  const problem = ownerNameProblem(input.username);
  if (problem) throw invalid(`The organisation name ${problem}.`, { field: 'username' });
  if ((input.description ?? '').length > 255) throw invalid('The description must be at most 255 characters long.', { field: 'description' });
  checkWebsite(input.website);
  if (findUserByName(db, input.username)) throw conflict(`The name "${input.username}" is already taken.`, { field: 'username' });
  try {
    return db.transaction(() => {
      const org = insertOrg(db, {
        username: input.username,
        fullName: input.fullName ?? '',
        description: input.description ?? '',
        website: input.website ?? '',
        location: input.location ?? '',
        visibility: input.visibility ?? 'public',
      });
      const owners = insertTeam(db, {
        orgId: org.id,
        name: OWNERS_TEAM,
        description: '',
        permission: 'owner',
        includesAllRepositories: true,
        canCreateOrgRepo: true,
      });
      addTeamMemberRow(db, owners.id, creator.id);
      recordAudit(db, { ...context, action: 'org.create', target: `org:${org.username}` });
      return org;
    })();
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw conflict(`The name "${input.username}" is already taken.`, { field: 'username' });
    throw err;
  }
}

/** Changes an organisation's profile and visibility; a visibility change is recorded. */
export function editOrg(db: Db, org: UserRow, changes: OrgChanges, context: AuditContext): UserRow {
  if ((changes.description ?? '').length > 255) throw invalid('The description must be at most 255 characters long.', { field: 'description' });
  checkWebsite(changes.website);
  db.transaction(() => {
    updateOrgRow(db, org.id, changes);
    if (changes.visibility !== undefined && changes.visibility !== org.visibility) {
      recordAudit(db, { ...context, action: 'org.visibility', target: `org:${org.username}`, data: { visibility: changes.visibility, previous: org.visibility } });
    }
  })();
  return findOrgByName(db, org.username) as UserRow;
}

export interface TeamInput {
  name?: string;
  description?: string;
  permission?: Exclude<TeamPermission, 'owner'>;
  includesAllRepositories?: boolean;
  canCreateOrgRepo?: boolean;
}

const TEAM_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,29}$/;

function checkTeamInput(db: Db, orgId: number, input: TeamInput, self?: TeamRow): void {
  if (input.name !== undefined) {
    if (!TEAM_NAME.test(input.name)) {
      throw invalid('The team name may contain only letters, digits, "-", "_" and "." (at most 30).', { field: 'name' });
    }
    const other = findTeamByName(db, orgId, input.name);
    if (other && other.id !== self?.id) throw conflict(`The team "${input.name}" already exists.`, { field: 'name' });
  }
  if ((input.description ?? '').length > 255) throw invalid('The description must be at most 255 characters long.', { field: 'description' });
}

/** Creates a team in an organisation. */
export function createTeam(db: Db, org: UserRow, input: TeamInput & { name: string }, context: AuditContext): TeamRow {
  checkTeamInput(db, org.id, input);
  return db.transaction(() => {
    const team = insertTeam(db, {
      orgId: org.id,
      name: input.name,
      description: input.description ?? '',
      permission: input.permission ?? 'read',
      includesAllRepositories: input.includesAllRepositories ?? false,
      canCreateOrgRepo: input.canCreateOrgRepo ?? false,
    });
    recordAudit(db, { ...context, action: 'team.create', target: `org:${org.username}`, data: { team: team.name, permission: team.permission } });
    return team;
  })();
}

/** Changes a team; the Owners team keeps its name and its owner permission. */
export function editTeam(db: Db, org: UserRow, team: TeamRow, input: TeamInput, context: AuditContext): TeamRow {
  if (team.permission === 'owner' && ((input.name !== undefined && input.name !== team.name) || input.permission !== undefined)) {
    throw invalid('The Owners team keeps its name and its permission.', { field: input.permission !== undefined ? 'permission' : 'name' });
  }
  checkTeamInput(db, org.id, input, team);
  const changes: TeamChanges = input;
  db.transaction(() => {
    updateTeamRow(db, team.id, changes);
    if (input.permission !== undefined && input.permission !== team.permission) {
      recordAudit(db, { ...context, action: 'team.permission', target: `org:${org.username}`, data: { team: team.name, permission: input.permission, previous: team.permission } });
    }
  })();
  return findTeamById(db, team.id) as TeamRow;
}

/** Deletes a team; never the Owners team. */
export function deleteTeam(db: Db, org: UserRow, team: TeamRow, context: AuditContext): void {
  if (team.permission === 'owner') throw invalid('The Owners team cannot be deleted.');
  db.transaction(() => {
    deleteTeamRow(db, team.id);
    recordAudit(db, { ...context, action: 'team.delete', target: `org:${org.username}`, data: { team: team.name } });
  })();
}

export function addTeamMember(db: Db, org: UserRow, team: TeamRow, user: UserRow, context: AuditContext): void {
  if (user.type !== 'user') throw invalid('Only an account can be a team member.', { field: 'username' });
  if (isTeamMember(db, team.id, user.id)) return;
  db.transaction(() => {
    addTeamMemberRow(db, team.id, user.id);
    recordAudit(db, { ...context, action: 'team.member.add', target: `org:${org.username}`, data: { team: team.name, user: user.username } });
  })();
}

/** The last owner of an organisation cannot leave it: someone must be able to administer it. */
function keepAnOwner(db: Db, orgId: number): void {
  if (countOrgOwners(db, orgId) === 0) throw conflict('An organisation needs at least one owner: add another owner first.');
}

export function removeTeamMember(db: Db, org: UserRow, team: TeamRow, user: UserRow, context: AuditContext): void {
  db.transaction(() => {
    if (!removeTeamMemberRow(db, team.id, user.id)) throw notFound(`The member ${user.username}`);
    if (team.permission === 'owner') keepAnOwner(db, org.id);
    recordAudit(db, { ...context, action: 'team.member.remove', target: `org:${org.username}`, data: { team: team.name, user: user.username } });
  })();
}

/** Removes the account from every team of the organisation. */
export function removeMember(db: Db, org: UserRow, user: UserRow, context: AuditContext): void {
  db.transaction(() => {
    if (removeOrgMember(db, org.id, user.id) === 0) throw notFound(`The member ${user.username}`);
    keepAnOwner(db, org.id);
    recordAudit(db, { ...context, action: 'org.member.remove', target: `org:${org.username}`, data: { user: user.username } });
  })();
}

export function addTeamRepo(db: Db, org: UserRow, team: TeamRow, repo: RepoRow, context: AuditContext): void {
  if (repo.owner_id !== org.id) throw notFound('The repository');
  db.transaction(() => {
    addTeamRepoRow(db, team.id, repo.id);
    recordAudit(db, { ...context, action: 'team.repo.add', target: `repo:${repo.owner_name}/${repo.name}`, data: { team: team.name, permission: team.permission } });
  })();
}

export function removeTeamRepo(db: Db, org: UserRow, team: TeamRow, repo: RepoRow, context: AuditContext): void {
  db.transaction(() => {
    if (!removeTeamRepoRow(db, team.id, repo.id)) throw notFound('The repository in this team');
    recordAudit(db, { ...context, action: 'team.repo.remove', target: `repo:${repo.owner_name}/${repo.name}`, data: { team: team.name } });
  })();
}
