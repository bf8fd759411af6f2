import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { findAccount, type UserRow } from '../../../views/account.js';
import {
  isCollaborator,
  presentRepos,
  repositoryCollaborators,
  repositoryLanguages,
  repositoryPage,
  repositoryTeam,
  repositoryTeams,
} from '../../../views/repository.js';
import { repositoryBranch } from '../../../views/browse.js';
import { createBranch, deleteBranch, deleteRepository, removeCollaborator, setCollaborator, updateRepository } from '../../../services/repos.js';
import { Branch } from '../../../presenters/browse.js';
import { Team } from '../../../presenters/team.js';
import { Repository } from '../../../presenters/repository.js';
import { UserSummary, presentUser } from '../../../presenters/user.js';
import { forbidden, invalid, notFound, unauthorized } from '../../../errors.js';
import gitDataRoutes from './git-data.js';
import siteRoutes from './site.js';
import {
  AddCollaboratorOption,
  BranchParams,
  CollaboratorParams,
  CreateBranchRepoOption,
  EditRepoOption,
  Message,
  Paging,
  RepoCollaboratorPermission,
  RepoParams,
  RepoTeamParams,
  RepositorySearchResult,
  SearchQuery,
  errors,
} from './schema.js';

const tags = ['repository'];

/** Repositories (`/repos/search`, `/repos/{owner}/{repo}`) and their collaborators, as in Gitea. */
const repoRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const ctx = fastify.reads;
  const audit = (request: FastifyRequest) => ({ actor: request.actor, ip: request.ip });

  /** The account named in a collaborator route: Gitea answers 422 when it does not exist. */
  async function account(username: string): Promise<UserRow> {
    const user = await findAccount(ctx, username);
    if (!user || user.type !== 'user') throw invalid(`The user "${username}" does not exist.`, { field: 'collaborator' });
    return user;
  }

  fastify.get(
    '/repos/search',
    { config: { scope: 'read:repository' }, schema: { tags, querystring: SearchQuery, response: { 200: RepositorySearchResult, 422: errors[422] } } },
    async (request, reply) => {
      const { q, uid, sort, order, page, limit, mode } = request.query;
      const isPrivate = request.query.is_private ?? (request.query.private === false ? false : undefined);
      const topicOnly = request.query.topic === true;
      const fork = mode === undefined ? undefined : mode === 'fork';
      const filter = { q, topicOnly, ownerId: uid, sort: sort as 'alpha' | undefined, order, isPrivate, fork, forksLast: request.query.forks_last };
      const { items, total } = await repositoryPage(ctx, request.actor, filter, { page, limit });
      reply.header('x-total-count', String(total));
      return { ok: true, data: items };
    },
  );

  fastify.get('/repos/:owner/:repo', { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, response: { 200: Repository, ...errors } } }, async (request) => {
    return (await presentRepos(ctx, request.actor, [request.repository]))[0];
  });

  fastify.patch(
    '/repos/:owner/:repo',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: RepoParams, body: EditRepoOption, response: { 200: Repository, ...errors } } },
    async (request) => {
      const body = request.body;
      const updated = await updateRepository(
        db,
        config.reposDir,
        request.repository,
        {
          name: body.name,
          description: body.description,
          website: body.website,
          isPrivate: body.private,
          isArchived: body.archived,
          defaultBranch: body.default_branch,
          hasIssues: body.has_issues,
          allowMergeCommits: body.allow_merge_commits,
          allowRebase: body.allow_rebase,
          allowRebaseExplicit: body.allow_rebase_explicit,
          allowSquashMerge: body.allow_squash_merge,
          allowFastForwardOnlyMerge: body.allow_fast_forward_only_merge,
          defaultMergeStyle: body.default_merge_style,
        },
        audit(request),
        fastify.events,
      );
      return (await presentRepos(ctx, request.actor, [updated]))[0];
    },
  );

  fastify.delete(
    '/repos/:owner/:repo',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: RepoParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await deleteRepository(db, config.reposDir, request.repository, audit(request), fastify.events);
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/collaborators',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, querystring: Paging, response: { 200: Type.Array(UserSummary), ...errors } } },
    async (request, reply) => {
      const { items, total } = await repositoryCollaborators(ctx, request.repository, request.query);
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.get(
    '/repos/:owner/:repo/collaborators/:collaborator',
    { config: { scope: 'read:repository' }, schema: { tags, params: CollaboratorParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const user = await account(request.params.collaborator);
      if (!await isCollaborator(ctx, request.repository, user)) throw notFound(`The collaborator ${user.username}`);
      return reply.status(204).send(null);
    },
  );

  fastify.put(
    '/repos/:owner/:repo/collaborators/:collaborator',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: CollaboratorParams, body: Type.Optional(AddCollaboratorOption), response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await setCollaborator(db, request.repository, await account(request.params.collaborator), request.body?.permission ?? 'write', audit(request));
      return reply.status(204).send(null);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/collaborators/:collaborator',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: CollaboratorParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await removeCollaborator(db, request.repository, await account(request.params.collaborator), audit(request));
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/collaborators/:collaborator/permission',
    { config: { scope: 'read:repository' }, schema: { tags, params: CollaboratorParams, response: { 200: RepoCollaboratorPermission, ...errors } } },
    async (request) => {
      const repo = request.repository;
      // As Gitea: the site's administrators and the repository's may ask of anyone, others of themselves only.
      const asker = fastify.policy.signedIn(request.actor);
      const self = asker.username.toLowerCase() === request.params.collaborator.toLowerCase();
      if (!self && !await fastify.policy.can(request.actor, 'repo:admin', { type: 'repo', repo })) {
        throw forbidden('Only administrators of the repository may ask for the permission of someone else.');
      }
      const user = await findAccount(ctx, request.params.collaborator);
      if (!user || user.type !== 'user') throw notFound('The user');
      const permission = user.id === repo.owner_id ? ('owner' as const) : await fastify.policy.repoAccess({ kind: 'user', user, via: 'session', scopes: null }, repo);
      return { permission, role_name: permission, user: presentUser(user, config.baseUrl) };
    },
  );

  fastify.post(
    '/repos/:owner/:repo/branches',
    {
      config: { scope: 'write:repository', repoAction: 'repo:write' },
      schema: { tags, params: RepoParams, body: CreateBranchRepoOption, response: { 201: Branch, ...errors } },
    },
    async (request, reply) => {
      const { new_branch_name: name, old_ref_name: fromRef, old_branch_name: fromBranch } = request.body;
      await createBranch({ db, reposDir: config.reposDir, gitCache: fastify.gitCache, events: fastify.events }, request.repository, request.actor, { name, fromRef, fromBranch });
      return reply.status(201).send(await repositoryBranch(ctx, request.actor, request.repository, name));
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/branches/*',
    { config: { scope: 'write:repository', repoAction: 'repo:write' }, schema: { tags, params: BranchParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await deleteBranch({ db, reposDir: config.reposDir, gitCache: fastify.gitCache, events: fastify.events }, request.repository, request.actor, request.params['*']);
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/languages',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, response: { 200: Type.Record(Type.String(), Type.Integer()), ...errors } } },
    async (request) => repositoryLanguages(ctx, request.repository),
  );

  fastify.get(
    '/repos/:owner/:repo/teams',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, response: { 200: Type.Array(Team), 405: Message, ...errors } } },
    async (request) => {
      // Gitea asks for a token here: an organisation's teams are shown to its repository's readers who signed in.
      if (request.actor.kind === 'anonymous') throw unauthorized();
      return await repositoryTeams(ctx, request.repository);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/teams/:team',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoTeamParams, response: { 200: Team, 405: Message, ...errors } } },
    async (request) => {
      if (request.actor.kind === 'anonymous') throw unauthorized();
      return await repositoryTeam(ctx, request.repository, request.params.team);
    },
  );

  await fastify.register(gitDataRoutes);
  await fastify.register(siteRoutes);
};

export default repoRoutes;
