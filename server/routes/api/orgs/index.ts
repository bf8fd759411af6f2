import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { findAccount, type UserRow } from '../../../views/account.js';
import { findOrganisation, isOrganisationMember, organisationMembers, organisationPage, organisationsOf, organisationTeams } from '../../../views/organisation.js';
import { presentRepos, repositoryPage } from '../../../views/repository.js';
import { createOrg, createTeam, editOrg, removeMember } from '../../../services/orgs.js';
import { createRepoFromOption } from '../../../services/repos.js';
import { Organization, presentOrganization } from '../../../presenters/organization.js';
import { Team, presentTeam } from '../../../presenters/team.js';
import { UserSummary } from '../../../presenters/user.js';
import { Repository } from '../../../presenters/repository.js';
import type { OrgAction } from '../../../auth/policy.js';
import { forbidden, notFound } from '../../../errors.js';
import { requireOrgAccess } from './access.js';
import orgLicenceRoutes from './licences.js';
import { CreateRepoOption } from '../../../../contract/repositories.js';
import { Paging, errors } from '../repos/schema.js';
import { CreateOrgOption, CreateTeamOption, EditOrgOption, OrgMemberParams, OrgParams, teamPermission } from './schema.js';

const tags = ['organization'];

/** Organisations (`/orgs`, `/orgs/{org}`), their members, repositories and teams, as in Gitea. */
const orgRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const ctx = fastify.reads;
  const audit = (request: FastifyRequest) => ({ actor: request.actor, ip: request.ip });

  const requireOrg = async (request: FastifyRequest, name: string, action: OrgAction): Promise<UserRow> =>
    await requireOrgAccess(fastify, request.actor, await findOrganisation(ctx, name), action);

  await fastify.register(orgLicenceRoutes);

  fastify.post('/orgs', { config: { scope: 'write:organization' }, schema: { tags, body: CreateOrgOption, response: { 201: Organization, ...errors } } }, async (request, reply) => {
    const user = fastify.policy.signedIn(request.actor);
    if (!await fastify.policy.can(request.actor, 'site:create-org', { type: 'site' })) throw forbidden('This token lacks the write:organization scope.');
    const body = request.body;
    const org = await createOrg(
      db,
      user,
      { username: body.username, fullName: body.full_name, description: body.description, website: body.website, location: body.location, visibility: body.visibility },
      audit(request),
    );
    return reply.status(201).send(presentOrganization(org, config.baseUrl));
  });

  // `q` is Fabrique's addition to Gitea's list: the explore page searches organisations by name and description.
  const OrgListQuery = Type.Composite([Paging, Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) })]);
  fastify.get('/orgs', { config: { scope: 'read:organization' }, schema: { tags, querystring: OrgListQuery, response: { 200: Type.Array(Organization), ...errors } } }, async (request, reply) => {
    const { items, total } = await organisationPage(ctx, request.actor, request.query, request.query.q?.trim() ?? '');
    reply.header('x-total-count', String(total));
    return items;
  });

  fastify.patch(
    '/orgs/:org',
    { config: { scope: 'write:organization' }, schema: { tags, params: OrgParams, body: EditOrgOption, response: { 200: Organization, ...errors } } },
    async (request) => {
      const org = await requireOrg(request, request.params.org, 'org:admin');
      const body = request.body;
      const changes = { fullName: body.full_name, description: body.description, website: body.website, location: body.location, visibility: body.visibility };
      return presentOrganization(await editOrg(db, org, changes, audit(request)), config.baseUrl);
    },
  );

  fastify.get('/user/orgs', { config: { scope: 'read:organization' }, schema: { tags, querystring: Paging, response: { 200: Type.Array(Organization), ...errors } } }, async (request) => {
    const user = fastify.policy.signedIn(request.actor);
    return await organisationsOf(ctx, user);
  });

  fastify.get('/orgs/:org', { config: { scope: 'read:organization' }, schema: { tags, params: OrgParams, response: { 200: Organization, ...errors } } }, async (request) =>
    presentOrganization(await requireOrg(request, request.params.org, 'org:read'), config.baseUrl),
  );

  fastify.get(
    '/orgs/:org/members',
    { config: { scope: 'read:organization' }, schema: { tags, params: OrgParams, querystring: Paging, response: { 200: Type.Array(UserSummary), ...errors } } },
    async (request, reply) => {
      const org = await requireOrg(request, request.params.org, 'org:read');
      const { items, total } = await organisationMembers(ctx, org, request.query);
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.get(
    '/orgs/:org/members/:username',
    { config: { scope: 'read:organization' }, schema: { tags, params: OrgMemberParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const org = await requireOrg(request, request.params.org, 'org:read');
      const user = await findAccount(ctx, request.params.username);
      if (!user || !await isOrganisationMember(ctx, org, user)) throw notFound('The member');
      return reply.status(204).send(null);
    },
  );

  fastify.delete(
    '/orgs/:org/members/:username',
    { config: { scope: 'write:organization' }, schema: { tags, params: OrgMemberParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const org = await requireOrg(request, request.params.org, 'org:admin');
      const user = await findAccount(ctx, request.params.username);
      if (!user) throw notFound('The user');
      await removeMember(db, org, user, audit(request));
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/orgs/:org/repos',
    { config: { scope: 'read:repository' }, schema: { tags, params: OrgParams, querystring: Paging, response: { 200: Type.Array(Repository), ...errors } } },
    async (request, reply) => {
      const org = await requireOrg(request, request.params.org, 'org:read');
      const { items, total } = await repositoryPage(ctx, request.actor, { ownerId: org.id }, request.query);
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.post(
    '/orgs/:org/repos',
    { config: { scope: 'write:repository' }, schema: { tags, params: OrgParams, body: CreateRepoOption, response: { 201: Repository, ...errors } } },
    async (request, reply) => {
      const author = fastify.policy.signedIn(request.actor);
      const org = await requireOrg(request, request.params.org, 'org:create-repo');
      const repo = await createRepoFromOption(db, config.reposDir, author, org, request.body, audit(request), fastify.events);
      return reply.status(201).send((await presentRepos(ctx, request.actor, [repo]))[0]);
    },
  );

  fastify.get('/orgs/:org/teams', { config: { scope: 'read:organization' }, schema: { tags, params: OrgParams, querystring: Paging, response: { 200: Type.Array(Team), ...errors } } }, async (request) => {
    const org = await requireOrg(request, request.params.org, 'org:member');
    return await organisationTeams(ctx, org);
  });

  fastify.post(
    '/orgs/:org/teams',
    { config: { scope: 'write:organization' }, schema: { tags, params: OrgParams, body: CreateTeamOption, response: { 201: Team, ...errors } } },
    async (request, reply) => {
      fastify.policy.signedIn(request.actor);
      const org = await requireOrg(request, request.params.org, 'org:admin');
      const body = request.body;
      const team = await createTeam(
        db,
        org,
        {
          name: body.name,
          description: body.description,
          permission: teamPermission(body),
          includesAllRepositories: body.includes_all_repositories,
          canCreateOrgRepo: body.can_create_org_repo,
        },
        audit(request),
      );
      return reply.status(201).send(presentTeam(team, org, config.baseUrl));
    },
  );
};

export default orgRoutes;
