import fp from 'fastify-plugin';
import { GitCache } from '../git/cache.js';
import { PackCache } from '../git/pack-cache.js';
import { join } from 'node:path';
import { InProcessEventBus } from '../services/events.js';
import { InProcessJobLock, type JobLock } from '../services/jobs.js';
import { PgEventBus } from '../services/pg-events.js';
import { PgJobLock } from '../services/pg-jobs.js';
import { MergeabilityChecker } from '../services/mergeability.js';
import { issuesAfterMerge, issuesAfterPush, type ReferenceContext } from '../services/references.js';
import { followConversations } from '../services/notifications.js';
import { Policy } from '../auth/policy.js';
import { followEventsForWebhooks } from '../services/webhooks.js';
import { WebhookWorker } from '../services/webhook-delivery.js';
import { followPushesForBlame } from '../services/blame-warm.js';
import '../context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's webhook delivery worker: sends the delivery rows, resumes pending ones at start. */
    webhooks: WebhookWorker;
  }
}

/**
 * The state this app instance owns, so that two instances in one process never share it: the
 * event bus, the job lock, the mergeability checker built on it and the git object cache. On close: planned checks are
 * cancelled and running ones awaited, then the job lock waits for every background job (those of
 * route plugins closed before it), then the bus drops its subscribers.
 */
export default fp(
  async (fastify) => {
    const { db, config } = fastify.forge;
    const onSubscriberError = (err: unknown, name: string) => fastify.log.error({ err, event: name }, 'an event subscriber failed');
    const gitCache = new GitCache(config.gitCache);
    // On PostgreSQL the forge may run as several replicas: events and job locks go through the database.
    const events = config.databaseUrl
      ? await PgEventBus.start({ url: config.databaseUrl, onError: onSubscriberError, log: fastify.log, onReconnect: () => gitCache.dropAll() })
      : new InProcessEventBus(onSubscriberError);
    const jobs: JobLock = config.databaseUrl ? new PgJobLock({ url: config.databaseUrl, log: fastify.log }) : new InProcessJobLock();
    const packCache = config.packCache
      ? new PackCache({ dir: join(config.dataDir, 'pack-cache'), ...config.packCache, onError: (err, repoPath) => fastify.log.warn({ err, repoPath }, 'a cached upload-pack failed') })
      : null;
    const mergeability = new MergeabilityChecker({
      db,
      reposDir: config.reposDir,
      jobs,
      delayMs: config.mergeabilityDelayMs,
      onError: (err) => fastify.log.error({ err }, 'a mergeability check failed'),
    });
    fastify.decorate('events', events);
    fastify.decorate('jobs', jobs);
    fastify.decorate('mergeability', mergeability);
    fastify.decorate('gitCache', gitCache);
    fastify.decorate('packCache', packCache);
    events.subscribe('repo-cache-drop', ({ repoPath }) => gitCache.drop(repoPath), { delivery: 'every-replica' });
    followPushesForBlame({ events, reposDir: config.reposDir, jobs, gitCache, onError: (repoPath, err) => fastify.log.warn({ err, repoPath }, 'carrying blames forward failed') });
    // Closing keywords and references of commits pushed to a default branch and of merged pull
    // requests. The policy is read when an event comes: the auth plugin decorates it after this one.
    const references = (): ReferenceContext => ({ db, policy: fastify.policy, events, baseUrl: config.baseUrl });
    events.subscribe('pushed', (event) => issuesAfterPush(references(), event));
    events.subscribe('conversation', (event) => issuesAfterMerge(references(), event));
    // The policy is stateless over the database: the auth plugin's instance and this one answer alike.
    followConversations(events, { db, policy: new Policy(db) });
    const webhooks = new WebhookWorker({
      db,
      secret: config.secret,
      allowedHosts: config.webhookAllowedHosts,
      retryDelaysMs: config.webhookRetryDelaysMs,
      disableAfterMs: config.webhookDisableAfterMs,
      userAgent: 'Fabrique-Hookshot',
      log: fastify.log,
    });
    fastify.decorate('webhooks', webhooks);
    followEventsForWebhooks(events, { db, config, wake: () => webhooks.wake() });
    fastify.addHook('onReady', async () => webhooks.start());
    // onClose hooks run in reverse order of registration: the route plugins' own workers stop first.
    fastify.addHook('onClose', async () => {
      await webhooks.close();
      await mergeability.close();
      await jobs.close();
      await events.close();
      packCache?.close();
    });
  },
  { name: 'fabrique-state', dependencies: ['fabrique-db'] },
);
