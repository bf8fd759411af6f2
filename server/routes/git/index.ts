import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { RepoRow } from '../../views/repository.js';
import { ForgeError, notFound, unauthorized } from '../../errors.js';
import { GitTransport, HOOK_PATH, isGitService } from '../../services/git-transport.js';
import { HookAnswer, HookBody, InfoRefsQuery, RepoParams } from './schema.js';

const noCache = {
  'cache-control': 'no-cache, max-age=0, must-revalidate',
  expires: 'Fri, 01 Jan 1980 00:00:00 GMT',
  pragma: 'no-cache',
};

/**
 * Whether a refusal happened while the repository was being loaded for an anonymous client: git
 * then gets a 401 challenge, so that it asks for credentials, where a signed-in user gets the 404.
 */
function anonymousRefusal(request: FastifyRequest, error: unknown): boolean {
  // Still null when plugins/repository.ts refused: it sets the repository only once access is granted.
  const loaded = (request.repository as RepoRow | null) !== null;
  return (
    request.actor.kind === 'anonymous' &&
    !loaded &&
    (request.routeOptions.url ?? '').includes('/:owner/:repo/') &&
    error instanceof ForgeError &&
    (error.kind === 'not_found' || error.kind === 'forbidden')
  );
}

/**
 * Git's smart HTTP protocol: clone, fetch and push with plain git. Authentication and permissions
 * are Fabrique's (plugins/repository.ts loads the repository, `.git` or not, and redirects a renamed
 * one); the exchange itself is services/git-transport.ts. Errors answer text/plain, which git prints
 * as `remote: <message>`.
 */
const gitRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const transport = new GitTransport({
    config: fastify.forge.config,
    db: fastify.forge.db,
    events: fastify.events,
    jobs: fastify.jobs,
    log: fastify.log,
    policy: fastify.policy,
    packCache: fastify.packCache,
    replicaId: fastify.forge.replicaId,
    onExchange: fastify.metrics ? (exchange) => fastify.metrics?.git(exchange) : undefined,
    hookUrl: () => {
      const address = fastify.server.address();
      if (address === null || typeof address === 'string') throw new Error('the server has no TCP address for the git hooks');
      const host = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
      return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}${HOOK_PATH}`;
    },
  });
  fastify.addHook('onClose', () => transport.close());

  // The request body is git's pkt-line stream: handed over untouched, never buffered.
  for (const service of ['upload-pack', 'receive-pack']) {
    fastify.addContentTypeParser(`application/x-git-${service}-request`, (_request, payload, done) => done(null, payload));
  }

  fastify.setErrorHandler((raised, request, reply) => {
    const error = anonymousRefusal(request, raised) ? unauthorized('Authentication required.') : raised;
    const forge = error instanceof ForgeError ? error : null;
    const status = forge?.status ?? (typeof (error as { statusCode?: number }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500);
    if (status >= 500) request.log.error({ err: error }, 'git request failed');
    if (status === 401) reply.header('www-authenticate', 'Basic realm="Fabrique"');
    const message = status >= 500 ? 'Internal server error. The incident was logged.' : (error as Error).message;
    return reply.status(status).type('text/plain; charset=utf-8').headers(noCache).send(`${message}\n`);
  });

  fastify.get(
    '/:owner/:repo/info/refs',
    { config: { scope: 'read:repository' }, schema: { hide: true, params: RepoParams, querystring: InfoRefsQuery } },
    async (request, reply) => {
      const service = request.query.service;
      if (!isGitService(service)) throw new ForgeError('forbidden', 'Only git smart HTTP is served here (service=git-upload-pack or git-receive-pack).');
      // Read access was checked when the repository was loaded; a push's advertisement needs write (or a maintainer's edit).
      if (service === 'git-receive-pack') await fastify.policy.requireRepoAction(request.actor, request.repository, 'repo:push');
      return transport.advertise(request, reply, request.repository, service);
    },
  );

  for (const service of ['git-upload-pack', 'git-receive-pack'] as const) {
    const push = service === 'git-receive-pack';
    fastify.post(
      `/:owner/:repo/${service}`,
      { config: { scope: push ? 'write:repository' : 'read:repository', repoAction: push ? 'repo:push' : 'repo:read' }, schema: { hide: true, params: RepoParams } },
      async (request, reply) => transport.exchange(request, reply, request.repository, service),
    );
  }

  // Asked by the pre-receive hook of a receive-pack this server spawned, from this machine, with its push's token.
  fastify.post(HOOK_PATH, { config: { scope: 'none' }, schema: { hide: true, body: HookBody, response: { 200: HookAnswer } } }, async (request) => {
    const { updates, ...quarantine } = request.body;
    const addresses = { remote: request.socket.remoteAddress, local: request.socket.localAddress };
    const answer = transport.checkHook(request.headers['x-fabrique-push-token'], addresses, updates, quarantine);
    if (!answer) throw notFound();
    return answer;
  });
};

export default gitRoutes;
