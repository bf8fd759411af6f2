import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { findProject } from '../../../views/gitlab.js';
import { gitlabReleasePage, gitlabReleaseByTag } from '../../../views/releases.js';
import { Paging, gitlabConventions, paginate, pagingOf } from '../v4/conventions.js';

const tags = ['gitlab'];
const Message = Type.Object({ message: Type.String() });
const GitlabRelease = Type.Object({ tag_name: Type.String(), name: Type.String(), description: Type.String(), released_at: Type.String() }, { additionalProperties: true });
const anyone = { scope: 'none' } as const;

/** GitLab v4's releases of a public project, read-only, for harvesters and GitLab clients. */
export const gitlabReleases: FastifyPluginAsyncTypebox = async (fastify) => {
  gitlabConventions(fastify);
  const ctx = fastify.reads;

  fastify.get(
    '/projects/:id/releases',
    { config: anyone, schema: { tags, params: Type.Object({ id: Type.String({ maxLength: 300 }) }), querystring: Type.Object(Paging), response: { 200: Type.Array(GitlabRelease), 404: Message } } },
    async (request, reply) => {
      const paging = pagingOf(request.query);
      const { items, total } = await gitlabReleasePage(ctx, await findProject(ctx, request.params.id), paging);
      paginate(request, reply, total, paging);
      return items;
    },
  );

  fastify.get(
    '/projects/:id/releases/:tag_name',
    { config: anyone, schema: { tags, params: Type.Object({ id: Type.String({ maxLength: 300 }), tag_name: Type.String({ maxLength: 255 }) }), response: { 200: GitlabRelease, 404: Message } } },
    async (request) => await gitlabReleaseByTag(ctx, await findProject(ctx, request.params.id), request.params.tag_name),
  );
};
