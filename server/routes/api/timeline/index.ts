import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { TimelineComment } from '../../../../contract/timeline.js';
import { conversationTimeline } from '../../../views/timeline.js';
import { findConversation } from '../../../views/issues.js';
import { pullMarkdown } from '../../../views/pull-request.js';
import { requireTracker } from '../../../services/issues.js';

const tags = ['issue'];
const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
const errors = { 401: Message, 403: Message, 404: Message, 422: Message };
const IssueParams = Type.Object({ owner: Type.String(), repo: Type.String(), index: Type.Integer({ minimum: 1 }) });

/** Gitea's issue timeline, for issues and pull requests alike: comments and events, oldest first. */
const timelineRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/repos/:owner/:repo/issues/:index/timeline',
    { config: { scope: 'read:issue' }, schema: { tags, params: IssueParams, response: { 200: Type.Array(TimelineComment), ...errors } } },
    async (request) => {
      const base = request.repository;
      const conversation = await findConversation(fastify.reads, base, request.params.index);
      if (conversation.kind === 'issue') requireTracker(base);
      const branch = conversation.kind === 'pull' ? conversation.pull.base_branch : base.default_branch;
      return conversationTimeline(fastify.reads, request.actor, base, conversation, (text) => pullMarkdown(fastify.reads.images, base, branch, text));
    },
  );
};

export default timelineRoutes;
