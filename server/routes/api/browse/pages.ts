import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Blame, Blob, BranchOverview, CommitWithDiff, Comparison, Readme, Tree } from '../../../presenters/browse.js';
import { branchOverview, commitDiff, comparison, fileView, folderView, readmeView } from '../../../views/browse.js';
import { blameView } from '../../../views/blame.js';
import { crossCompareSpec, crossRepositoryComparison } from '../../../views/compare.js';
import { Message, OffsetQuery, RefPageQuery, RepoParams, RepoRestParams, ShaParams } from './schema.js';

const read = { scope: 'read:repository' } as const;
const tags = ['browse'];

/** Fabrique's own read endpoints behind the web UI's pages: folder, file, README, a commit's diff, a comparison, the branches page. */
const browsePageRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = fastify.reads;

  fastify.get(
    '/repos/:owner/:repo/branch-overview',
    { config: read, schema: { tags, params: RepoParams, querystring: RefPageQuery, response: { 200: BranchOverview, 404: Message } } },
    async (request) => branchOverview(ctx, request.actor, request.repository, request.query),
  );

  fastify.get(
    '/repos/:owner/:repo/tree/*',
    { config: read, schema: { tags, params: RepoRestParams, response: { 200: Tree, 404: Message } } },
    async (request) => folderView(ctx, request.repository, request.params['*']),
  );

  fastify.get(
    '/repos/:owner/:repo/blob/*',
    { config: read, schema: { tags, params: RepoRestParams, response: { 200: Blob, 404: Message } } },
    async (request) => fileView(ctx, request.repository, request.params['*']),
  );

  fastify.get(
    '/repos/:owner/:repo/blame/*',
    { config: read, schema: { tags, params: RepoRestParams, response: { 200: Blame, 404: Message } } },
    async (request) => blameView(ctx, request.repository, request.params['*']),
  );

  fastify.get(
    '/repos/:owner/:repo/readme/*',
    { config: read, schema: { tags, params: RepoRestParams, response: { 200: Readme, 404: Message } } },
    async (request) => readmeView(ctx, request.repository, request.params['*']),
  );

  fastify.get(
    '/repos/:owner/:repo/commit/:sha/diff',
    { config: read, schema: { tags, params: ShaParams, querystring: OffsetQuery, response: { 200: CommitWithDiff, 404: Message } } },
    async (request) => commitDiff(ctx, request.repository, request.params.sha, request.query),
  );

  fastify.get(
    '/repos/:owner/:repo/compare/*',
    { config: read, schema: { tags, params: RepoRestParams, querystring: OffsetQuery, response: { 200: Comparison, 404: Message } } },
    async (request) => {
      const spec = request.params['*'];
      // Gitea's `{base}...{user}:{branch}`: the head is read in a fork (or the parent) of this repository.
      if (crossCompareSpec(spec)) return crossRepositoryComparison(ctx, request.actor, request.repository, spec, { offset: request.query.offset, maxFiles: request.query.limit });
      return comparison(ctx, request.repository, spec, request.query);
    },
  );
};

export default browsePageRoutes;
