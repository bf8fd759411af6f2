import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { rawPageFile } from '../../../views/browse.js';
import { sendRaw } from './reply.js';

/**
 * Gitea's web raw URLs, `/{owner}/{repo}/raw/{branch|tag|commit}/{ref}/{path}`: what `download_url`
 * and rendered Markdown images point to. Registered without the API prefix.
 */
const rawPageRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/:owner/:repo/raw/:kind/*',
    {
      config: { scope: 'read:repository' },
      schema: {
        hide: true,
        params: Type.Object({
          owner: Type.String({ minLength: 1, maxLength: 100 }),
          repo: Type.String({ minLength: 1, maxLength: 100 }),
          kind: Type.Union([Type.Literal('branch'), Type.Literal('tag'), Type.Literal('commit')]),
          '*': Type.String({ maxLength: 4096 }),
        }),
      },
    },
    async (request, reply) => sendRaw(request, reply, await rawPageFile(fastify.reads, request.repository, request.params.kind, request.params['*'])),
  );
};

export default rawPageRoutes;
