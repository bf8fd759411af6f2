import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PullReview, ReviewComment } from '../../../presenters/pull.js';
import { createReview, deletePendingReview, setDismissed, submitReview } from '../../../services/reviews.js';
import { presentReviewAtHead, presentReviews, pullReviews, reviewComments, visibleReview } from '../../../views/reviews.js';
import { pullContext } from './context.js';
import { CreateReviewOption, DismissReviewOption, PullParams, ReviewParams, SubmitReviewOption, errors } from './schema.js';

const tags = ['pull request'];

/** Gitea's reviews of a pull request: list, start or submit at once, show, submit a pending one, delete it, its comments, dismiss one. */
const reviewRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = pullContext(fastify);
  const reads = fastify.reads;

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/reviews',
    { config: { scope: 'read:repository' }, schema: { tags, params: PullParams, response: { 200: Type.Array(PullReview), ...errors } } },
    async (request) => pullReviews(reads, request.actor, request.repository, request.pullRequest),
  );

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/reviews',
    { config: { scope: 'write:repository' }, schema: { tags, params: PullParams, body: CreateReviewOption, response: { 200: PullReview, ...errors } } },
    async (request) => {
      const body = request.body;
      const review = await createReview(ctx, request.repository, request.pullRequest, request.actor, {
        event: body.event ?? 'PENDING',
        body: body.body ?? '',
        commitId: body.commit_id,
        comments: body.comments ?? [],
      });
      return presentReviewAtHead(reads, request.repository, request.pullRequest, review);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/reviews/:id',
    { config: { scope: 'read:repository' }, schema: { tags, params: ReviewParams, response: { 200: PullReview, ...errors } } },
    async (request) => {
      const review = await visibleReview(reads, request.actor, request.pullRequest, request.params.id);
      return presentReviewAtHead(reads, request.repository, request.pullRequest, review);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/reviews/:id',
    { config: { scope: 'write:repository' }, schema: { tags, params: ReviewParams, body: SubmitReviewOption, response: { 200: PullReview, ...errors } } },
    async (request) => {
      const { repository: base, pullRequest: pull } = request;
      const review = await submitReview(ctx, base, pull, request.actor, request.params.id, { event: request.body.event, body: request.body.body ?? '' });
      return (await presentReviews(reads, base, pull, review.commit_id, [review]))[0];
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/pulls/:index/reviews/:id',
    { config: { scope: 'write:repository' }, schema: { tags, params: ReviewParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await deletePendingReview(ctx, request.pullRequest, request.actor, request.params.id);
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/pulls/:index/reviews/:id/comments',
    { config: { scope: 'read:repository' }, schema: { tags, params: ReviewParams, response: { 200: Type.Array(ReviewComment), ...errors } } },
    async (request) => await reviewComments(reads, request.actor, request.repository, request.pullRequest, request.params.id),
  );

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/reviews/:id/dismissals',
    { config: { scope: 'write:repository', repoAction: 'repo:write' }, schema: { tags, params: ReviewParams, body: DismissReviewOption, response: { 200: PullReview, ...errors } } },
    async (request) => {
      const { repository: base, pullRequest: pull } = request;
      const review = await setDismissed(ctx, base, pull, request.actor, request.params.id, { dismissed: true, message: request.body.message });
      return presentReviewAtHead(reads, base, pull, review);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/reviews/:id/undismissals',
    { config: { scope: 'write:repository', repoAction: 'repo:write' }, schema: { tags, params: ReviewParams, response: { 200: PullReview, ...errors } } },
    async (request) => {
      const { repository: base, pullRequest: pull } = request;
      const review = await setDismissed(ctx, base, pull, request.actor, request.params.id, { dismissed: false, message: '' });
      return presentReviewAtHead(reads, base, pull, review);
    },
  );
};

export default reviewRoutes;
