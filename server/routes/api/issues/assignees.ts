import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { UserSummary } from '../../../presenters/user.js';
import { assignableUsers } from '../../../views/issues.js';
import { RepoParams } from '../repos/schema.js';
import { errors } from './schema.js';

/** Gitea's `/repos/{o}/{r}/assignees`: who may be assigned to the repository's issues and pull requests. */
const assigneeRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/repos/:owner/:repo/assignees',
    { config: { scope: 'read:repository' }, schema: { tags: ['issue'], params: RepoParams, response: { 200: Type.Array(UserSummary), ...errors } } },
    async (request) => {
      // As Gitea, only signed-in users learn who holds write access.
      fastify.policy.signedIn(request.actor);
      return await assignableUsers(fastify.reads, request.repository);
    },
  );
};

export default assigneeRoutes;
