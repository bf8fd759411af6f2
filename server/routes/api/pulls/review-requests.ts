import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { RequestedReview } from '../../../presenters/pull.js';
import { requestReviews, withdrawReviews } from '../../../services/review-requests.js';
import { presentReviewRequests } from '../../../views/pull-request.js';
import { pullContext } from './context.js';
import { PullParams, errors } from './schema.js';

const tags = ['pull request'];

/** Gitea's PullReviewRequestOptions. */
const ReviewerOptions = Type.Object({
  reviewers: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 50 })),
  team_reviewers: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 50 })),
});

/** Gitea's review requests of a pull request: ask people to review it, or withdraw the request. */
const reviewRequestRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = pullContext(fastify);
  const options = (body: { reviewers?: string[]; team_reviewers?: string[] }) => ({ reviewers: body.reviewers ?? [], teamReviewers: body.team_reviewers ?? [] });

  fastify.post(
    '/repos/:owner/:repo/pulls/:index/requested_reviewers',
    { config: { scope: 'write:repository' }, schema: { tags, params: PullParams, body: ReviewerOptions, response: { 201: Type.Array(RequestedReview), ...errors } } },
    async (request, reply) => {
      const { repository: base, pullRequest: pull } = request;
      const requests = await requestReviews(ctx, base, pull, request.actor, options(request.body));
      return reply.status(201).send(presentReviewRequests(fastify.reads, base, pull, requests));
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/pulls/:index/requested_reviewers',
    { config: { scope: 'write:repository' }, schema: { tags, params: PullParams, body: ReviewerOptions, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await withdrawReviews(ctx, request.repository, request.pullRequest, request.actor, options(request.body));
      return reply.status(204).send(null);
    },
  );
};

export default reviewRequestRoutes;
