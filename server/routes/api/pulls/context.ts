import type { FastifyInstance } from 'fastify';
import type { PullContext } from '../../../services/pulls.js';

/** The pull request services' context for this forge; every plugin that writes refs shares the instance's mergeability checker and bus. */
export function pullContext(fastify: FastifyInstance): PullContext {
  const { db, config } = fastify.forge;
  const onListenerError = (err: unknown) => fastify.log.error({ err }, 'after a ref update: a pull request step failed');
  return {
    db,
    reposDir: config.reposDir,
    policy: fastify.policy,
    checker: fastify.mergeability,
    events: fastify.events,
    gitCache: fastify.gitCache,
    get baseUrl() {
      return config.baseUrl;
    },
    onListenerError,
  };
}
