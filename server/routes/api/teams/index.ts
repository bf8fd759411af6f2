import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { findAccount, type UserRow } from '../../../views/account.js';
import type { RepoRow } from '../../../views/repository.js';
import { findTeam, organisationRepository, teamMembers, teamRepositories, type TeamRow } from '../../../views/organisation.js';
import { addTeamMember, addTeamRepo, deleteTeam, editTeam, removeTeamMember, removeTeamRepo } from '../../../services/orgs.js';
import { Team, presentTeam } from '../../../presenters/team.js';
import { UserSummary } from '../../../presenters/user.js';
import { Repository } from '../../../presenters/repository.js';
import type { OrgAction } from '../../../auth/policy.js';
import { invalid, notFound } from '../../../errors.js';
import { requireOrgAccess } from '../orgs/access.js';
import { EditTeamOption, teamPermission } from '../orgs/schema.js';
import { errors } from '../repos/schema.js';

const tags = ['organization'];
const TeamParams = Type.Object({ id: Type.Integer() });
const TeamMemberParams = Type.Object({ id: Type.Integer(), username: Type.String() });
const TeamRepoParams = Type.Object({ id: Type.Integer(), org: Type.String(), repo: Type.String() });

/** Teams by id (`/teams/{id}`): settings, members and repositories, as in Gitea. */
const teamRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db } = fastify.forge;
  const ctx = fastify.reads;
  const audit = (request: FastifyRequest) => ({ actor: request.actor, ip: request.ip });

  /** The team and its organisation, if the actor may act on them; an unseen organisation's team is a 404. */
  async function requireTeam(request: FastifyRequest, id: number, action: OrgAction): Promise<{ team: TeamRow; org: UserRow }> {
    const found = await findTeam(ctx, id);
    if (!found) throw notFound('The team');
    const { team } = found;
    try {
      return { team, org: await requireOrgAccess(fastify, request.actor, found.org, action) };
    } catch (err) {
      if ((err as { kind?: string }).kind === 'not_found') throw notFound('The team');
      throw err;
    }
  }

  /** Gitea answers 422 when the named account does not exist. */
  async function account(username: string): Promise<UserRow> {
    const user = await findAccount(ctx, username);
    if (!user || user.type !== 'user') throw invalid(`The user "${username}" does not exist.`, { field: 'username' });
    return user;
  }

  fastify.get('/teams/:id', { config: { scope: 'read:organization' }, schema: { tags, params: TeamParams, response: { 200: Team, ...errors } } }, async (request) => {
    const { team, org } = await requireTeam(request, request.params.id, 'org:member');
    return presentTeam(team, org, fastify.forge.config.baseUrl);
  });

  fastify.patch('/teams/:id', { config: { scope: 'write:organization' }, schema: { tags, params: TeamParams, body: EditTeamOption, response: { 200: Team, ...errors } } }, async (request) => {
    const { team, org } = await requireTeam(request, request.params.id, 'org:admin');
    const body = request.body;
    const updated = await editTeam(
      db,
      org,
      team,
      {
        name: body.name,
        description: body.description,
        permission: teamPermission(body),
        includesAllRepositories: body.includes_all_repositories,
        canCreateOrgRepo: body.can_create_org_repo,
      },
      audit(request),
    );
    return presentTeam(updated, org, fastify.forge.config.baseUrl);
  });

  fastify.delete('/teams/:id', { config: { scope: 'write:organization' }, schema: { tags, params: TeamParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    const { team, org } = await requireTeam(request, request.params.id, 'org:admin');
    await deleteTeam(db, org, team, audit(request));
    return reply.status(204).send(null);
  });

  fastify.get('/teams/:id/members', { config: { scope: 'read:organization' }, schema: { tags, params: TeamParams, response: { 200: Type.Array(UserSummary), ...errors } } }, async (request) => {
    const { team } = await requireTeam(request, request.params.id, 'org:member');
    return await teamMembers(ctx, team);
  });

  fastify.put('/teams/:id/members/:username', { config: { scope: 'write:organization' }, schema: { tags, params: TeamMemberParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    const { team, org } = await requireTeam(request, request.params.id, 'org:admin');
    await addTeamMember(db, org, team, await account(request.params.username), audit(request));
    return reply.status(204).send(null);
  });

  fastify.delete('/teams/:id/members/:username', { config: { scope: 'write:organization' }, schema: { tags, params: TeamMemberParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    const { team, org } = await requireTeam(request, request.params.id, 'org:admin');
    await removeTeamMember(db, org, team, await account(request.params.username), audit(request));
    return reply.status(204).send(null);
  });

  fastify.get('/teams/:id/repos', { config: { scope: 'read:organization' }, schema: { tags, params: TeamParams, response: { 200: Type.Array(Repository), ...errors } } }, async (request) => {
    const { team } = await requireTeam(request, request.params.id, 'org:member');
    return await teamRepositories(ctx, request.actor, team);
  });

  /** A repository of the team's organisation; another organisation's is a 404. */
  async function orgRepo(org: UserRow, params: { org: string; repo: string }): Promise<RepoRow> {
    const repo = await organisationRepository(ctx, org, params.repo);
    if (!repo) throw notFound('The repository');
    return repo;
  }

  fastify.put('/teams/:id/repos/:org/:repo', { config: { scope: 'write:organization' }, schema: { tags, params: TeamRepoParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    const { team, org } = await requireTeam(request, request.params.id, 'org:admin');
    await addTeamRepo(db, org, team, await orgRepo(org, request.params), audit(request));
    return reply.status(204).send(null);
  });

  fastify.delete('/teams/:id/repos/:org/:repo', { config: { scope: 'write:organization' }, schema: { tags, params: TeamRepoParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    const { team, org } = await requireTeam(request, request.params.id, 'org:admin');
    await removeTeamRepo(db, org, team, await orgRepo(org, request.params), audit(request));
    return reply.status(204).send(null);
  });
};

export default teamRoutes;
