import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { findAccount, type UserRow } from '../../../views/account.js';
import { isCollaborator, presentRepos, repositoryCollaborators, repositoryPage } from '../../../views/repository.js';
import { deleteRepository, removeCollaborator, setCollaborator, updateRepository } from '../../../services/repos.js';
import { Repository } from '../../../presenters/repository.js';
import { UserSummary, presentUser } from '../../../presenters/user.js';
import { invalid, notFound } from '../../../errors.js';
import {
  AddCollaboratorOption,
  CollaboratorParams,
  EditRepoOption,
  Paging,
  RepoCollaboratorPermission,
  RepoParams,
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
  function account(username: string): UserRow {
    const user = findAccount(ctx, username);
    if (!user || user.type !== 'user') throw invalid(`The user "${username}" does not exist.`, { field: 'collaborator' });
    return user;
  }

  fastify.get(
    '/repos/search',
    { config: { scope: 'read:repository' }, schema: { tags, querystring: SearchQuery, response: { 200: RepositorySearchResult, 422: errors[422] } } },
    async (request, reply) => {
      const { q, uid, sort, order, page, limit } = request.query;
      const isPrivate = request.query.is_private ?? (request.query.private === false ? false : undefined);
      const { items, total } = repositoryPage(ctx, request.actor, { q, ownerId: uid, sort: sort as 'alpha' | undefined, order, isPrivate }, { page, limit });
      reply.header('x-total-count', String(total));
      return { ok: true, data: items };
    },
  );

  fastify.get('/repos/:owner/:repo', { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, response: { 200: Repository, ...errors } } }, async (request) => {
    return presentRepos(ctx, request.actor, [request.repository])[0];
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
        },
        audit(request),
        fastify.events,
      );
      return presentRepos(ctx, request.actor, [updated])[0];
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
      const { items, total } = repositoryCollaborators(ctx, request.repository, request.query);
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.get(
    '/repos/:owner/:repo/collaborators/:collaborator',
    { config: { scope: 'read:repository' }, schema: { tags, params: CollaboratorParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const user = account(request.params.collaborator);
      if (!isCollaborator(ctx, request.repository, user)) throw notFound(`The collaborator ${user.username}`);
      return reply.status(204).send(null);
    },
  );

  fastify.put(
    '/repos/:owner/:repo/collaborators/:collaborator',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: CollaboratorParams, body: Type.Optional(AddCollaboratorOption), response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      setCollaborator(db, request.repository, account(request.params.collaborator), request.body?.permission ?? 'write', audit(request));
      return reply.status(204).send(null);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/collaborators/:collaborator',
    { config: { scope: 'write:repository', repoAction: 'repo:admin' }, schema: { tags, params: CollaboratorParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      removeCollaborator(db, request.repository, account(request.params.collaborator), audit(request));
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/collaborators/:collaborator/permission',
    { config: { scope: 'read:repository' }, schema: { tags, params: CollaboratorParams, response: { 200: RepoCollaboratorPermission, ...errors } } },
    async (request) => {
      const repo = request.repository;
      const user = findAccount(ctx, request.params.collaborator);
      if (!user || user.type !== 'user') throw notFound('The user');
      const permission = user.id === repo.owner_id ? ('owner' as const) : fastify.policy.repoAccess({ kind: 'user', user, via: 'session', scopes: null }, repo);
      return { permission, role_name: permission, user: presentUser(user, config.baseUrl) };
    },
  );
};

export default repoRoutes;
