import type { FastifyPluginAsync } from 'fastify';
import { pullsAfterPush } from '../../../services/pulls.js';
import { pullContext } from './context.js';
import pullRequestRoutes from './pull-requests.js';
import reviewRequestRoutes from './review-requests.js';
import reviewRoutes from './reviews.js';
import threadRoutes from './threads.js';

/**
 * Pull requests (Gitea's paths) and Fabrique's review additions under the same prefix: threads on
 * line ranges with replies and resolution, suggestions applied in one call, viewed marks, and the
 * changes since one's last review. Refs moved by pushes (or by the forge) move pull request heads
 * and plan mergeability checks through the push listener registered here.
 */
const pullRoutes: FastifyPluginAsync = async (fastify) => {
  const ctx = pullContext(fastify);
  const off = fastify.events.subscribe('pushed', (event) => pullsAfterPush(ctx, event));
  fastify.addHook('onClose', async () => off());
  await fastify.register(pullRequestRoutes);
  await fastify.register(reviewRoutes);
  await fastify.register(reviewRequestRoutes);
  await fastify.register(threadRoutes);
};

export default pullRoutes;
