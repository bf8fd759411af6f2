import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { findUserByName } from '../../../db/users.js';
import { Repository } from '../../../presenters/repository.js';
import { forbidden, notFound } from '../../../errors.js';
import { createRepoFromOption, presentRepos, repoPage } from '../repos/present.js';
import { CreateRepoOption, Paging, errors } from '../repos/schema.js';

const tags = ['repository'];

/** An account's repositories: create and list one's own (`/user/repos`), list anyone's (`/users/{username}/repos`). */
const userRepoRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db } = fastify.forge;

  fastify.post(
    '/user/repos',
    { config: { scope: 'write:repository' }, schema: { tags, body: CreateRepoOption, response: { 201: Repository, ...errors } } },
    async (request, reply) => {
      const user = fastify.policy.signedIn(request.actor);
      if (!fastify.policy.can(request.actor, 'user:create-repo', { type: 'user', user })) {
        throw forbidden('This token lacks the write:repository scope.');
      }
      const repo = await createRepoFromOption(fastify, request, user, request.body);
      return reply.status(201).send(presentRepos(fastify, request, [repo])[0]);
    },
  );

  fastify.get(
    '/user/repos',
    { config: { scope: 'read:repository' }, schema: { tags, querystring: Paging, response: { 200: Type.Array(Repository), ...errors } } },
    async (request, reply) => {
      const user = fastify.policy.signedIn(request.actor);
      return repoPage(fastify, request, reply, { accessibleTo: user.id }, request.query);
    },
  );

  fastify.get(
    '/users/:username/repos',
    { config: { scope: 'read:repository' }, schema: { tags, params: Type.Object({ username: Type.String() }), querystring: Paging, response: { 200: Type.Array(Repository), ...errors } } },
    async (request, reply) => {
      const owner = findUserByName(db, request.params.username);
      const visible =
        owner !== undefined &&
        (owner.type === 'org'
          ? fastify.policy.can(request.actor, 'org:read', { type: 'org', org: owner })
          : fastify.policy.can(request.actor, 'user:read', { type: 'user', user: owner }));
      if (!owner || !visible) throw notFound('The user');
      return repoPage(fastify, request, reply, { ownerId: owner.id }, request.query);
    },
  );
};

export default userRepoRoutes;
