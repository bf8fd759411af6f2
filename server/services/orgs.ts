import { isUniqueViolation, serialiseOn, type Db } from '../db/index.js';
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
export async function createOrg(db: Db, creator: UserRow, input: CreateOrgInput, context: AuditContext): Promise<UserRow> {
  const problem = ownerNameProblem(input.username);
  if (problem) throw invalid(`The organisation name ${problem}.`, { field: 'username' });
  if ((input.description ?? '').length > 255) throw invalid('The description must be at most 255 characters long.', { field: 'description' });
  checkWebsite(input.website);
  if (await findUserByName(db, input.username)) throw conflict(`The name "${input.username}" is already taken.`, { field: 'username' });
  try {
    return await db.transaction(async () => {
      const org = await insertOrg(db, {
        username: input.username,
        fullName: input.fullName ?? '',
        description: input.description ?? '',
        website: input.website ?? '',
        location: input.location ?? '',
        visibility: input.visibility ?? 'public',
      });
      const owners = await insertTeam(db, {
        orgId: org.id,
        name: OWNERS_TEAM,
        description: '',
        permission: 'owner',
        includesAllRepositories: true,
        canCreateOrgRepo: true,
      });
      await addTeamMemberRow(db, owners.id, creator.id);
      await recordAudit(db, { ...context, action: 'org.create', target: `org:${org.username}` });
      return org;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`The name "${input.username}" is already taken.`, { field: 'username' });
    throw err;
  }
}

/** Changes an organisation's profile and visibility; a visibility change is recorded. */
export async function editOrg(db: Db, org: UserRow, changes: OrgChanges, context: AuditContext): Promise<UserRow> {
  if ((changes.description ?? '').length > 255) throw invalid('The description must be at most 255 characters long.', { field: 'description' });
  checkWebsite(changes.website);
  await db.transaction(async () => {
    await updateOrgRow(db, org.id, changes);
    if (changes.visibility !== undefined && changes.visibility !== org.visibility) {
      await recordAudit(db, { ...context, action: 'org.visibility', target: `org:${org.username}`, data: { visibility: changes.visibility, previous: org.visibility } });
    }
  });
  return await findOrgByName(db, org.username) as UserRow;
}

export interface TeamInput {
  name?: string;
  description?: string;
  permission?: Exclude<TeamPermission, 'owner'>;
  includesAllRepositories?: boolean;
  canCreateOrgRepo?: boolean;
}

const TEAM_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,29}$/;

async function checkTeamInput(db: Db, orgId: number, input: TeamInput, self?: TeamRow): Promise<void> {
  if (input.name !== undefined) {
    if (!TEAM_NAME.test(input.name)) {
      throw invalid('The team name may contain only letters, digits, "-", "_" and "." (at most 30).', { field: 'name' });
    }
    const other = await findTeamByName(db, orgId, input.name);
    if (other && other.id !== self?.id) throw conflict(`The team "${input.name}" already exists.`, { field: 'name' });
  }
  if ((input.description ?? '').length > 255) throw invalid('The description must be at most 255 characters long.', { field: 'description' });
}

/** Creates a team in an organisation. */
export async function createTeam(db: Db, org: UserRow, input: TeamInput & { name: string }, context: AuditContext): Promise<TeamRow> {
  await checkTeamInput(db, org.id, input);
  return await db.transaction(async () => {
    const team = await insertTeam(db, {
      orgId: org.id,
      name: input.name,
      description: input.description ?? '',
      permission: input.permission ?? 'read',
      includesAllRepositories: input.includesAllRepositories ?? false,
      canCreateOrgRepo: input.canCreateOrgRepo ?? false,
    });
    await recordAudit(db, { ...context, action: 'team.create', target: `org:${org.username}`, data: { team: team.name, permission: team.permission } });
    return team;
  });
}

/** Changes a team; the Owners team keeps its name and its owner permission. */
export async function editTeam(db: Db, org: UserRow, team: TeamRow, input: TeamInput, context: AuditContext): Promise<TeamRow> {
  if (team.permission === 'owner' && ((input.name !== undefined && input.name !== team.name) || input.permission !== undefined)) {
    throw invalid('The Owners team keeps its name and its permission.', { field: input.permission !== undefined ? 'permission' : 'name' });
  }
  await checkTeamInput(db, org.id, input, team);
  const changes: TeamChanges = input;
  await db.transaction(async () => {
    await updateTeamRow(db, team.id, changes);
    if (input.permission !== undefined && input.permission !== team.permission) {
      await recordAudit(db, { ...context, action: 'team.permission', target: `org:${org.username}`, data: { team: team.name, permission: input.permission, previous: team.permission } });
    }
  });
  return await findTeamById(db, team.id) as TeamRow;
}

/** Deletes a team; never the Owners team. */
export async function deleteTeam(db: Db, org: UserRow, team: TeamRow, context: AuditContext): Promise<void> {
  if (team.permission === 'owner') throw invalid('The Owners team cannot be deleted.');
  await db.transaction(async () => {
    await deleteTeamRow(db, team.id);
    await recordAudit(db, { ...context, action: 'team.delete', target: `org:${org.username}`, data: { team: team.name } });
  });
}

export async function addTeamMember(db: Db, org: UserRow, team: TeamRow, user: UserRow, context: AuditContext): Promise<void> {
  if (user.type !== 'user') throw invalid('Only an account can be a team member.', { field: 'username' });
  if (await isTeamMember(db, team.id, user.id)) return;
  await db.transaction(async () => {
    await addTeamMemberRow(db, team.id, user.id);
    await recordAudit(db, { ...context, action: 'team.member.add', target: `org:${org.username}`, data: { team: team.name, user: user.username } });
  });
}

/**
 * The lock every transaction that may remove an owner or an administrator takes first (memberships,
 * account deletions): rare writes, one at a time across the forge, so that each one's count sees
 * the others' removals.
 */
export const OWNERS_LOCK = 'owners and administrators';

/** The last owner of an organisation cannot leave it: someone must be able to administer it. */
async function keepAnOwner(db: Db, orgId: number): Promise<void> {
  if (await countOrgOwners(db, orgId) === 0) throw conflict('An organisation needs at least one owner: add another owner first.');
}

export async function removeTeamMember(db: Db, org: UserRow, team: TeamRow, user: UserRow, context: AuditContext): Promise<void> {
  await db.transaction(async () => {
    await serialiseOn(db, OWNERS_LOCK);
    if (!await removeTeamMemberRow(db, team.id, user.id)) throw notFound(`The member ${user.username}`);
    if (team.permission === 'owner') await keepAnOwner(db, org.id);
    await recordAudit(db, { ...context, action: 'team.member.remove', target: `org:${org.username}`, data: { team: team.name, user: user.username } });
  });
}

/** Removes the account from every team of the organisation. */
export async function removeMember(db: Db, org: UserRow, user: UserRow, context: AuditContext): Promise<void> {
  await db.transaction(async () => {
    await serialiseOn(db, OWNERS_LOCK);
    if (await removeOrgMember(db, org.id, user.id) === 0) throw notFound(`The member ${user.username}`);
    await keepAnOwner(db, org.id);
    await recordAudit(db, { ...context, action: 'org.member.remove', target: `org:${org.username}`, data: { user: user.username } });
  });
}

export async function addTeamRepo(db: Db, org: UserRow, team: TeamRow, repo: RepoRow, context: AuditContext): Promise<void> {
  if (repo.owner_id !== org.id) throw notFound('The repository');
  await db.transaction(async () => {
    await addTeamRepoRow(db, team.id, repo.id);
    await recordAudit(db, { ...context, action: 'team.repo.add', target: `repo:${repo.owner_name}/${repo.name}`, data: { team: team.name, permission: team.permission } });
  });
}

export async function removeTeamRepo(db: Db, org: UserRow, team: TeamRow, repo: RepoRow, context: AuditContext): Promise<void> {
  await db.transaction(async () => {
    if (!await removeTeamRepoRow(db, team.id, repo.id)) throw notFound('The repository in this team');
    await recordAudit(db, { ...context, action: 'team.repo.remove', target: `repo:${repo.owner_name}/${repo.name}`, data: { team: team.name } });
  });
}
