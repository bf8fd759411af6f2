import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { repositoryRefs, repositoryTree, TREE_PAGE_SIZE } from '../../../views/repository.js';
import { GitTreeResponse, Reference } from '../../../presenters/repository.js';
import { Message, RepoParams, errors } from './schema.js';

const read = { scope: 'read:repository' } as const;
const tags = ['repository'];
const RefParams = Type.Object({ owner: Type.String(), repo: Type.String(), '*': Type.String() });
const TreeParams = Type.Object({ owner: Type.String(), repo: Type.String(), sha: Type.String({ minLength: 1, maxLength: 255 }) });
const TreeQuery = Type.Object({
  recursive: Type.Optional(Type.Boolean({ default: false })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  // Above the maximum is the maximum, as Gitea answers (not a 422): see ../paging.ts.
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: TREE_PAGE_SIZE, default: TREE_PAGE_SIZE })),
});

/** Gitea's git data of a repository: its refs (`/git/refs[/{ref}]`) and trees (`/git/trees/{sha}`). */
const gitDataRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = fastify.reads;

  fastify.get(
    '/repos/:owner/:repo/git/refs',
    { config: read, schema: { tags, params: RepoParams, response: { 200: Type.Array(Reference), ...errors } } },
    async (request) => repositoryRefs(ctx, request.repository),
  );

  fastify.get(
    '/repos/:owner/:repo/git/refs/*',
    { config: read, schema: { tags, params: RefParams, response: { 200: Type.Array(Reference), ...errors } } },
    async (request) => repositoryRefs(ctx, request.repository, request.params['*']),
  );

  fastify.get(
    '/repos/:owner/:repo/git/trees/:sha',
    { config: read, schema: { tags, params: TreeParams, querystring: TreeQuery, response: { 200: GitTreeResponse, 400: Message, ...errors } } },
    async (request, reply) => {
      const { recursive = false, page = 1, per_page: perPage = TREE_PAGE_SIZE } = request.query;
      const tree = await repositoryTree(ctx, request.repository, request.params.sha, { recursive, page, perPage });
      // The shared Gitea paging (../paging.ts) adds the Link header from it.
      reply.header('x-total-count', String(tree.total_count));
      return tree;
    },
  );
};

export default gitDataRoutes;
