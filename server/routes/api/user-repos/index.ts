import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { visibleOwner } from '../../../views/account.js';
import { presentRepos, repositoryPage } from '../../../views/repository.js';
import { createRepoFromOption } from '../../../services/repos.js';
import { Repository } from '../../../presenters/repository.js';
import { CreateRepoOption } from '../../../../contract/repositories.js';
import { forbidden, notFound } from '../../../errors.js';
import { Paging, errors } from '../repos/schema.js';

const tags = ['repository'];

/** An account's repositories: create and list one's own (`/user/repos`), list anyone's (`/users/{username}/repos`). */
const userRepoRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const ctx = fastify.reads;

  fastify.post(
    '/user/repos',
    { config: { scope: 'write:repository' }, schema: { tags, body: CreateRepoOption, response: { 201: Repository, ...errors } } },
    async (request, reply) => {
      const user = fastify.policy.signedIn(request.actor);
      if (!await fastify.policy.can(request.actor, 'user:create-repo', { type: 'user', user })) {
        throw forbidden('This token lacks the write:repository scope.');
      }
      const repo = await createRepoFromOption(db, config.reposDir, user, user, request.body, { actor: request.actor, ip: request.ip }, fastify.events);
      return reply.status(201).send((await presentRepos(ctx, request.actor, [repo]))[0]);
    },
  );

  fastify.get(
    '/user/repos',
    { config: { scope: 'read:repository' }, schema: { tags, querystring: Paging, response: { 200: Type.Array(Repository), ...errors } } },
    async (request, reply) => {
      const user = fastify.policy.signedIn(request.actor);
      const { items, total } = await repositoryPage(ctx, request.actor, { accessibleTo: user.id }, request.query);
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.get(
    '/users/:username/repos',
    { config: { scope: 'read:repository' }, schema: { tags, params: Type.Object({ username: Type.String() }), querystring: Paging, response: { 200: Type.Array(Repository), ...errors } } },
    async (request, reply) => {
      const owner = await visibleOwner(ctx, request.actor, request.params.username);
      if (!owner) throw notFound('The user');
      const { items, total } = await repositoryPage(ctx, request.actor, { ownerId: owner.id }, request.query);
      reply.header('x-total-count', String(total));
      return items;
    },
  );
};

export default userRepoRoutes;
