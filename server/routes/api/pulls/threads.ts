import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ReviewComment } from '../../../presenters/pull.js';
import { applySuggestion, changesSinceLastReview, createThread, markViewed, replyToThread, resolveThread } from '../../../services/reviews.js';
import { viewedPaths } from '../../../views/pull-request.js';
import { languageOf } from '../../../lib/shell.js';
import { presentReviewComments, pullLineComments } from '../../../views/reviews.js';
import { ChangesSinceReview } from '../../../../contract/pulls.js';
import { pullContext } from './context.js';
import { LineCommentOption, OffsetQuery, PullParams, ReplyOption, ReviewParams, errors } from './schema.js';

const tags = ['pull request'];
const CommentParams = ReviewParams;
const ViewedParams = Type.Object({ owner: Type.String(), repo: Type.String(), index: Type.Integer({ minimum: 1 }), '*': Type.String({ minLength: 1 }) });

/** Fabrique's own review additions: threads on line ranges, replies, resolution, suggestions, viewed marks, changes since one's last review. */
const threadRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = pullContext(fastify);
  const reads = fastify.reads;

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/comments',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 200: Type.Array(ReviewComment), ...errors } } },
    async (request) => await pullLineComments(reads, request.actor, request.repository, request.pullRequest),
  );

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/comments',
    { config: { scope: 'write:repository' }, schema: { tags, params: PullParams, body: LineCommentOption, response: { 201: ReviewComment, ...errors } } },
    async (request, reply) => {
      const { repository: base, pullRequest: pull } = request;
      const comment = await createThread(ctx, base, pull, request.actor, request.body);
      return reply.status(201).send((await presentReviewComments(reads, base, pull, [comment]))[0]);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/comments/:id/replies',
    { config: { scope: 'write:repository' }, schema: { tags, params: CommentParams, body: ReplyOption, response: { 201: ReviewComment, ...errors } } },
    async (request, reply) => {
      const { repository: base, pullRequest: pull } = request;
      const comment = await replyToThread(ctx, pull, request.actor, request.params.id, request.body.body);
      return reply.status(201).send((await presentReviewComments(reads, base, pull, [comment]))[0]);
    },
  );

  for (const [method, resolved] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    fastify.route({
      method,
      url: '/repos/:owner/:repo/pulls/:index/comments/:id/resolution',
      config: { scope: 'write:repository' },
      schema: { tags, params: CommentParams, response: { 200: ReviewComment, ...errors } },
      handler: async (request) => {
        const { repository: base, pullRequest: pull } = request;
        const root = await resolveThread(ctx, base, pull, request.actor, request.params.id, resolved);
        return (await presentReviewComments(reads, base, pull, [root]))[0];
      },
    });
  }

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/comments/:id/suggestion',
    { config: { scope: 'write:repository' }, schema: { tags, params: CommentParams, response: { 201: Type.Object({ sha: Type.String() }), ...errors } } },
    async (request, reply) => reply.status(201).send(await applySuggestion(ctx, request.repository, request.pullRequest, request.actor, request.params.id, languageOf(request.headers))),
  );

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/viewed',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 200: Type.Array(Type.String()), ...errors } } },
    async (request) => {
      const user = fastify.policy.signedIn(request.actor);
      return viewedPaths(reads, request.repository, request.pullRequest, user.id);
    },
  );

  for (const [method, viewed] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    fastify.route({
      method,
      url: '/repos/:owner/:repo/pulls/:index/viewed/*',
      config: { scope: 'write:repository' },
      schema: { tags, params: ViewedParams, response: { 204: Type.Null(), ...errors } },
      handler: async (request, reply) => {
        await markViewed(ctx, request.repository, request.pullRequest, request.actor, request.params['*'], viewed);
        return reply.status(204).send(null);
      },
    });
  }

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/changes-since-review',
    {
      config: { scope: 'read:repository' },
      schema: {
        tags,
        params: PullParams,
        querystring: OffsetQuery,
        response: { 200: ChangesSinceReview, ...errors },
      },
    },
    async (request) => changesSinceLastReview(ctx, request.repository, request.pullRequest, request.actor, { offset: request.query.offset }),
  );
};

export default threadRoutes;
