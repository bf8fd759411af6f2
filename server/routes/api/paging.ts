import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Gitea's page size when a list request names none. */
export const GITEA_DEFAULT_LIMIT = 30;

/** The JSON Schema of one querystring parameter, as much of it as the conventions read. */
interface ParameterSchema {
  type?: string;
  maximum?: number;
}

/** The declared schema of a route's querystring parameter, if the route has one. */
function parameterSchema(request: FastifyRequest, name: string): ParameterSchema | undefined {
  const schema = request.routeOptions.schema?.querystring as { properties?: Record<string, ParameterSchema> } | undefined;
  return schema?.properties?.[name];
}

/**
 * Caps a numeric query parameter at the maximum its route declares, before validation: Gitea and
 * GitLab answer a `limit`/`per_page` above their maximum with the maximum, never with an error.
 */
export function capToMaximum(request: FastifyRequest, name: string): void {
  const query = request.query as Record<string, unknown>;
  const value = query[name];
  const maximum = parameterSchema(request, name)?.maximum;
  if (typeof value !== 'string' || maximum === undefined || !/^\d+$/.test(value)) return;
  if (Number(value) > maximum) query[name] = String(maximum);
}

/** Rewrites a query parameter in place, keeping every other parameter; returns the path and query. */
function withParameters(request: FastifyRequest, set: Record<string, number>): string {
  const url = new URL(request.url, 'http://fabrique.invalid');
  for (const [name, value] of Object.entries(set)) url.searchParams.set(name, String(value));
  return `${url.pathname}${url.search}`;
}

/**
 * The RFC 8288 `Link` header of a page, as Gitea and GitLab write it: next/last after the page,
 * first/prev before it. `size` names the page-size parameter (`limit` or `per_page`).
 */
export function pageLinks(request: FastifyRequest, baseUrl: string, paging: { page: number; perPage: number; total: number; size: 'limit' | 'per_page' }): string {
  const pages = Math.max(1, Math.ceil(paging.total / paging.perPage));
  const link = (page: number, rel: string) => `<${baseUrl}${withParameters(request, { page, [paging.size]: paging.perPage })}>; rel="${rel}"`;
  const links: string[] = [];
  if (paging.page < pages) links.push(link(paging.page + 1, 'next'), link(pages, 'last'));
  if (paging.page > 1) links.push(link(1, 'first'), link(Math.min(paging.page - 1, pages), 'prev'));
  return links.join(', ');
}

/** A positive integer query parameter, or the fallback. */
function positive(request: FastifyRequest, name: string, fallback: number): number {
  const value = (request.query as Record<string, unknown>)[name];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Adds Gitea's `Link` to a list answer that gave its `X-Total-Count`, unless the route wrote its own. */
function addGiteaLinks(request: FastifyRequest, reply: FastifyReply, baseUrl: string): void {
  const total = Number(reply.getHeader('x-total-count'));
  if (!Number.isFinite(total) || reply.hasHeader('link')) return;
  // Gitea pages trees with per_page (git/trees), everything else with limit.
  const size = parameterSchema(request, 'per_page') ? 'per_page' : 'limit';
  const perPage = positive(request, size, GITEA_DEFAULT_LIMIT);
  const links = pageLinks(request, baseUrl, { page: positive(request, 'page', 1), perPage, total, size });
  if (links !== '') reply.header('link', links);
  reply.header('access-control-expose-headers', 'X-Total-Count, Link');
}

/**
 * Gitea's list conventions for every `/api/v1` route, in one place: `limit` above the route's
 * maximum is capped to it, and a list that reports `X-Total-Count` also carries the `Link` header
 * that clients (gitea-js, Renovate, tea) follow to the next page.
 */
export default fp(
  async (fastify) => {
    const isGitea = (request: FastifyRequest) => request.url.startsWith('/api/v1/');
    fastify.addHook('preValidation', async (request) => {
      if (isGitea(request)) {
        capToMaximum(request, 'limit');
        capToMaximum(request, 'per_page');
      }
    });
    fastify.addHook('onSend', async (request, reply, payload) => {
      if (isGitea(request) && request.method === 'GET' && reply.statusCode === 200) addGiteaLinks(request, reply, fastify.forge.config.baseUrl);
      return payload;
    });
  },
  { name: 'fabrique-gitea-paging', dependencies: ['fabrique-db'] },
);
