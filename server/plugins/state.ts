import fp from 'fastify-plugin';
import { GitCache } from '../git/cache.js';
import { InProcessEventBus } from '../services/events.js';
import { InProcessJobLock } from '../services/jobs.js';
import { MergeabilityChecker } from '../services/mergeability.js';
import '../context.js';

/** After a push, how long the checker waits for more pushes before checking pull requests. */
const MERGEABILITY_DELAY_MS = 150;

/**
 * The state this app instance owns, so that two instances in one process never share it: the
 * event bus, the job lock, the mergeability checker built on it and the git object cache. On close: planned checks are
 * cancelled and running ones awaited, then the job lock waits for every background job (those of
 * route plugins closed before it), then the bus drops its subscribers.
 */
export default fp(
  async (fastify) => {
    const { db, config } = fastify.forge;
    const events = new InProcessEventBus((err, name) => fastify.log.error({ err, event: name }, 'an event subscriber failed'));
    const jobs = new InProcessJobLock();
    const gitCache = new GitCache();
    const mergeability = new MergeabilityChecker({
      db,
      reposDir: config.reposDir,
      jobs,
      delayMs: MERGEABILITY_DELAY_MS,
      onError: (err) => fastify.log.error({ err }, 'a mergeability check failed'),
    });
    fastify.decorate('events', events);
    fastify.decorate('jobs', jobs);
    fastify.decorate('mergeability', mergeability);
    fastify.decorate('gitCache', gitCache);
    events.subscribe('repo-cache-drop', ({ repoPath }) => gitCache.drop(repoPath));
    // onClose hooks run in reverse order of registration: the route plugins' own workers stop first.
    fastify.addHook('onClose', async () => {
      await mergeability.close();
      await jobs.close();
      await events.close();
    });
  },
  { name: 'fabrique-state', dependencies: ['fabrique-db'] },
);
