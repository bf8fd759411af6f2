import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PubliccodeForm, PubliccodeWritten } from '../../../../contract/publiccode-form.js';
import { describeSoftware } from '../../../services/publiccode-editor.js';
import { languageOf } from '../../../lib/shell.js';
import { pullContext } from '../pulls/context.js';

const tags = ['catalogue'];
const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
const errors = { 401: Message, 403: Message, 404: Message, 409: Message, 422: Message };
const RepoParams = Type.Object({ owner: Type.String(), repo: Type.String() });

/**
 * "Describe this software": a repository's writers send the form, the forge writes publiccode.yml
 * on the default branch (or proposes it as a pull request when the branch is protected).
 * Fabrique's own endpoint: Gitea has none.
 */
const publiccodeRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = pullContext(fastify);

  fastify.post(
    '/repos/:owner/:repo/publiccode',
    {
      config: { scope: 'write:repository', repoAction: 'repo:write' },
      schema: { tags, params: RepoParams, body: PubliccodeForm, response: { 201: PubliccodeWritten, ...errors } },
    },
    async (request, reply) => {
      const written = await describeSoftware(ctx, request.repository, request.actor, request.body, languageOf(request.headers));
      return reply.status(201).send(written);
    },
  );
};

export default publiccodeRoutes;
