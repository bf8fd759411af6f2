import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { TimelineComment } from '../../../../contract/timeline.js';
import { findPullRequest } from '../../../views/pull-request.js';
import { pullTimeline } from '../../../views/timeline.js';
import { notFound } from '../../../errors.js';
import { pullMarkdown } from '../../../views/pull-request.js';

const tags = ['pull request'];
const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
const errors = { 401: Message, 403: Message, 404: Message, 422: Message };
const IssueParams = Type.Object({ owner: Type.String(), repo: Type.String(), index: Type.Integer({ minimum: 1 }) });

/** Gitea's issue timeline, for pull requests (issues there): comments and events, oldest first. */
const timelineRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/repos/:owner/:repo/issues/:index/timeline',
    { config: { scope: 'read:repository' }, schema: { tags, params: IssueParams, response: { 200: Type.Array(TimelineComment), ...errors } } },
    async (request) => {
      const base = request.repository;
      const pull = findPullRequest(fastify.reads, base, request.params.index);
      if (!pull) throw notFound(`The pull request #${request.params.index}`);
      return pullTimeline(fastify.reads, base, pull, (text) => pullMarkdown(base, pull.base_branch, text));
    },
  );
};

export default timelineRoutes;
