import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { MaintenanceScheduler } from '../../../services/maintenance.js';
import { MirrorService } from '../../../services/mirrors.js';
import { mirrorStatus } from '../../../views/mirror.js';
import { RepoParams, errors } from '../repos/schema.js';
import { MirrorStatus } from '../../../../contract/migrate.js';

const tags = ['repository'];

/** Repack a mirror a little after a sync moved its refs, as after a push. */
const MAINTENANCE_DELAY_MS = 10_000;

/**
 * Mirrors: `POST /repos/{owner}/{repo}/mirror-sync` (Gitea's), and the scheduler that syncs each
 * mirror on its interval while the server runs.
 */
const mirrorSyncRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const maintenance = new MaintenanceScheduler({
    jobs: fastify.jobs,
    events: fastify.events,
    delayMs: MAINTENANCE_DELAY_MS,
    onError: (path, err) => fastify.log.error({ err, repoPath: path }, 'repository maintenance failed'),
  });
  const mirrors = new MirrorService({
    db: fastify.forge.db,
    config: fastify.forge.config,
    jobs: fastify.jobs,
    events: fastify.events,
    onSynced: (path) => maintenance.schedule(path),
    onError: (err, repoId) => fastify.log.warn({ err, repoId }, 'mirror sync failed'),
  });
  fastify.addHook('onReady', async () => mirrors.start());
  fastify.addHook('onClose', async () => {
    await mirrors.close();
    await maintenance.close();
  });

  fastify.get(
    '/repos/:owner/:repo/mirror',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, response: { 200: MirrorStatus, ...errors } } },
    async (request) => await mirrorStatus(fastify.reads, request.actor, request.repository),
  );

  fastify.post(
    '/repos/:owner/:repo/mirror-sync',
    { config: { scope: 'write:repository', repoAction: 'repo:sync' }, schema: { tags, params: RepoParams, response: { 200: Type.Null(), 400: errors[422], ...errors } } },
    async (request, reply) => {
      // Unlike Gitea, the answer waits for the sync, so that a failure is told to who asked.
      await mirrors.sync(request.repository.id);
      return reply.status(200).send(null);
    },
  );
};

export default mirrorSyncRoutes;
