import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { RepoAction } from '../auth/policy.js';
import { notFound } from '../errors.js';
import { locateRepository, type RepoRow } from '../views/repository.js';
import { findPullRequest, type PullRow } from '../views/pull-request.js';
import { imageLinks } from '../lib/image-links.js';
import type { ReadContext } from '../views/context.js';

/**
 * Where the same address points after a rename: the `:owner` and `:repo` segments of the route's
 * pattern replaced by the repository's new names, the rest of the path and the query kept as sent
 * (a git address keeps its `.git`).
 */
export function movedUrl(routeUrl: string, requestUrl: string, target: RepoRow): string {
  const pattern = routeUrl.split('/');
  const [path, query] = requestUrl.split(/\?(.*)/s, 2);
  const parts = path.split('/');
  const ownerAt = pattern.indexOf(':owner');
  const repoAt = pattern.indexOf(':repo');
  parts[ownerAt] = encodeURIComponent(target.owner_name);
  parts[repoAt] = encodeURIComponent(target.name) + (parts[repoAt]?.endsWith('.git') ? '.git' : '');
  const moved = parts.join('/');
  return query === undefined ? moved : `${moved}?${query}`;
}

/** Redirects to the renamed repository: 301 for reads, 307 for other verbs so that they keep their body. */
export async function redirectMoved(request: FastifyRequest, reply: FastifyReply, target: RepoRow): Promise<void> {
  const read = request.method === 'GET' || request.method === 'HEAD';
  await reply.redirect(movedUrl(request.routeOptions.url ?? request.url, request.url, target), read ? 301 : 307);
}

/** Whether a route pattern names a repository: a `:owner` segment followed by a `:repo` segment. */
function namesRepository(url: string): boolean {
  const parts = url.split('/');
  const ownerAt = parts.indexOf(':owner');
  return ownerAt >= 0 && parts[ownerAt + 1] === ':repo';
}

/**
 * Gitea's repoAssignment: for every route under `/:owner/:repo` (the API, the git smart HTTP
 * routes), loads the repository once, before the handler, as the viewer may see it: a 404 for one
 * that does not exist or that the viewer may not read, a redirect for a renamed one, a 401/403 when
 * the route's `config.repoAction` (read by default) is more than the viewer may do. Handlers read
 * `request.repository` (and `request.pullRequest` under `/pulls/:index`) and never look them up again.
 */
export default fp(
  async (fastify) => {
    const ctx: ReadContext = { db: fastify.forge.db, config: fastify.forge.config, policy: fastify.policy, gitCache: fastify.gitCache, images: imageLinks(fastify.forge.config.secret) };
    fastify.decorate('reads', ctx);
    fastify.decorateRequest('repository', null as never);
    fastify.decorateRequest('pullRequest', null as never);

    const assign: preHandlerAsyncHookHandler = async function (request, reply) {
      const params = request.params as { owner: string; repo: string; index?: number | string };
      // An issue route takes a token's issue scope as leave to read the repository, as Gitea does.
      const readVia = /:issue$/.test(request.routeOptions.config.scope ?? '') ? 'issue' : 'repository';
      const location = await locateRepository(ctx, request.actor, params.owner, params.repo.replace(/\.git$/, ''), readVia);
      if (location === null) throw notFound('The repository');
      if ('moved' in location) return redirectMoved(request, reply, location.moved);
      const { repo } = location;
      // The git routes turn an anonymous refusal into a 401 challenge, so that git asks for credentials.
      await fastify.policy.requireRepoAction(request.actor, repo, request.routeOptions.config.repoAction ?? 'repo:read');
      request.repository = repo;
      if (params.index !== undefined && (request.routeOptions.url ?? '').includes('/pulls/:index')) {
        // `/pulls/1.diff` and `/pulls/1.patch` name pull request 1 too, as on Gitea.
        const pull = await findPullRequest(ctx, repo, Number(String(params.index).replace(/\.(diff|patch)$/, '')));
        if (!pull) throw notFound(`The pull request #${params.index}`);
        request.pullRequest = pull;
      }
    };

    fastify.addHook('onRoute', (route) => {
      if (!namesRepository(route.url)) return;
      const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
      route.preHandler = [assign, ...existing];
    });
  },
  { name: 'fabrique-repository', dependencies: ['fabrique-auth'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** What the views read with, for this app instance. */
    reads: ReadContext;
  }
  interface FastifyContextConfig {
    /** What a `/:owner/:repo` route does to the repository: read unless it says more. */
    repoAction?: RepoAction;
  }
  interface FastifyRequest {
    /** The repository of a `/:owner/:repo` route, loaded once with the viewer's access checked. */
    repository: RepoRow;
    /** The pull request of a `/:owner/:repo/pulls/:index` route. */
    pullRequest: PullRow;
  }
}
