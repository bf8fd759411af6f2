import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { findRepoSource } from '../../../db/mirrors.js';
import { formatDuration } from '../../../lib/duration.js';
import { MaintenanceScheduler } from '../../../services/maintenance.js';
import { MirrorService } from '../../../services/mirrors.js';
import { redirectRenamedRepo } from '../repos/present.js';
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
  fastify.addHook('preHandler', redirectRenamedRepo(fastify));

  fastify.get(
    '/repos/:owner/:repo/mirror',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, response: { 200: MirrorStatus, ...errors } } },
    async (request) => {
      const repo = fastify.policy.requireRepo(request.actor, request.params.owner, request.params.repo, 'repo:read');
      const source = findRepoSource(fastify.forge.db, repo.id);
      const mirror = repo.is_mirror === 1 && source !== undefined;
      return {
        original_url: source?.clone_addr ?? '',
        mirror,
        mirror_interval: mirror ? formatDuration(source.interval_s) : '',
        last_sync_at: mirror ? source.last_sync_at : null,
        last_error: mirror ? source.last_error : '',
        next_sync_at: mirror ? source.next_sync_at : null,
        can_sync: mirror && fastify.policy.can(request.actor, 'repo:sync', { type: 'repo', repo }),
      };
    },
  );

  fastify.post(
    '/repos/:owner/:repo/mirror-sync',
    { config: { scope: 'write:repository' }, schema: { tags, params: RepoParams, response: { 200: Type.Null(), 400: errors[422], ...errors } } },
    async (request, reply) => {
      const repo = fastify.policy.requireRepo(request.actor, request.params.owner, request.params.repo, 'repo:sync');
      // Unlike Gitea, the answer waits for the sync, so that a failure is told to who asked.
      await mirrors.sync(repo.id);
      return reply.status(200).send(null);
    },
  );
};

export default mirrorSyncRoutes;
