import type { UserRow } from '../db/users.js';
import { findUserById } from '../db/users.js';
import { findOrgByName, listOrgMembers, listOrgsOfUser, listVisibleOrgs } from '../db/orgs.js';
import { findRepo, findRepoById, isOrgMember, type RepoRow } from '../db/repos.js';
import { findTeamById, listTeamMembers, listTeams, teamRepoIds, type TeamRow } from '../db/teams.js';
import type { Actor } from '../auth/policy.js';
import { presentOrganization, type Organization } from '../presenters/organization.js';
import { presentTeam, type Team } from '../presenters/team.js';
import { presentUser, type UserSummary } from '../presenters/user.js';
import type { Repository } from '../presenters/repository.js';
import { presentRepos } from './repository.js';
import type { ReadContext } from './context.js';
import { filterAsync } from '../lib/async.js';

export type { TeamRow };

/** Gitea's paging: `page` from 1. */
interface Paging {
  page?: number;
  limit?: number;
}

const offsetOf = (paging: Paging, limit: number) => ((paging.page ?? 1) - 1) * limit;

/** The organisation with this name (callers check what the actor may do with it). */
export async function findOrganisation(ctx: ReadContext, name: string): Promise<UserRow | undefined> {
  return await findOrgByName(ctx.db, name);
}

/** One page of the organisations the actor may see, searched by name and description, and their total. */
export async function organisationPage(ctx: ReadContext, actor: Actor, paging: Paging, q: string): Promise<{ items: Organization[]; total: number }> {
  const limit = paging.limit ?? 30;
  const { rows, total } = await listVisibleOrgs(ctx.db, ctx.policy.listingViewer(actor), limit, offsetOf(paging, limit), q);
  return { items: rows.map((org) => presentOrganization(org, ctx.config.baseUrl)), total };
}

/** The organisations an account belongs to. */
export async function organisationsOf(ctx: ReadContext, user: UserRow): Promise<Organization[]> {
  return (await listOrgsOfUser(ctx.db, user.id)).map((org) => presentOrganization(org, ctx.config.baseUrl));
}

/** One page of an organisation's members, and their total. */
export async function organisationMembers(ctx: ReadContext, org: UserRow, paging: Paging): Promise<{ items: UserSummary[]; total: number }> {
  const limit = paging.limit ?? 30;
  const { rows, total } = await listOrgMembers(ctx.db, org.id, limit, offsetOf(paging, limit));
  return { items: rows.map((user) => presentUser(user, ctx.config.baseUrl)), total };
}

/** Whether the account belongs to the organisation (through any of its teams). */
export async function isOrganisationMember(ctx: ReadContext, org: UserRow, user: UserRow): Promise<boolean> {
  return await isOrgMember(ctx.db, org.id, user.id);
}

/** An organisation's teams. */
export async function organisationTeams(ctx: ReadContext, org: UserRow): Promise<Team[]> {
  return (await listTeams(ctx.db, org.id)).map((team) => presentTeam(team, org, ctx.config.baseUrl));
}

/** A team and the organisation it belongs to, or `undefined` (callers check what the actor may do). */
export async function findTeam(ctx: ReadContext, id: number): Promise<{ team: TeamRow; org: UserRow | undefined } | undefined> {
  const team = await findTeamById(ctx.db, id);
  return team && { team, org: await findUserById(ctx.db, team.org_id) };
}

/** A team's members. */
export async function teamMembers(ctx: ReadContext, team: TeamRow): Promise<UserSummary[]> {
  return (await listTeamMembers(ctx.db, team.id)).map((user) => presentUser(user, ctx.config.baseUrl));
}

/** A team's repositories that the actor may read, as Gitea shows them. */
export async function teamRepositories(ctx: ReadContext, actor: Actor, team: TeamRow): Promise<Repository[]> {
  const repos = await Promise.all((await teamRepoIds(ctx.db, team)).map(async (id) => (await findRepoById(ctx.db, id)) as RepoRow));
  const rows = await filterAsync(repos, (repo) => ctx.policy.can(actor, 'repo:read', { type: 'repo', repo }));
  return await presentRepos(ctx, actor, rows);
}

/** A repository owned by the organisation, or `undefined` (another owner's repository of that name is not one). */
export async function organisationRepository(ctx: ReadContext, org: UserRow, name: string): Promise<RepoRow | undefined> {
  const repo = await findRepo(ctx.db, org.username, name);
  return repo && repo.owner_id === org.id ? repo : undefined;
}
