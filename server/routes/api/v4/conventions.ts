import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { capToMaximum } from '../paging.js';
import type { GitlabPaging } from '../../../views/gitlab.js';
import { invalid } from '../../../errors.js';

/** GitLab's page size when a list request names none, and its maximum (a larger one is capped). */
export const GITLAB_DEFAULT_PER_PAGE = 20;
export const GITLAB_MAX_PER_PAGE = 100;

/** The paging parameters of every GitLab list. */
export const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: GITLAB_MAX_PER_PAGE, default: GITLAB_DEFAULT_PER_PAGE })),
};

/** A GitLab query boolean: `true/false/True/False/1/0` (and any case of the words) are all accepted. */
export const Flag = Type.Optional(Type.Boolean());

/** A GitLab ISO 8601 date parameter (`since`, `until`), read by isoSeconds. */
export const IsoDate = Type.Optional(Type.String({ maxLength: 64 }));

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * An ISO 8601 date or date-time (`2024-01-31`, `2024-01-31T12:00:00Z`, `...+01:00`) in seconds
 * since 1970, UTC when it names no zone, as GitLab (whose server runs in UTC) reads it; anything
 * else, or a day that does not exist, is a 422 naming the parameter.
 */
export function isoSeconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const refused = () => invalid(`${name} is invalid: expected an ISO 8601 date such as 2024-01-31T12:00:00Z`);
  const match = ISO_8601.exec(value.trim());
  if (!match) throw refused();
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const fraction = match[7] ? Number(`0.${match[7]}`) : 0;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  // Date.UTC rolls 31 February over into March: a date that does not come back as written does not exist.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) throw refused();
  const zone = match[8];
  let offset = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    offset = (zone[0] === '-' ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60;
  }
  return ms / 1000 + fraction - offset;
}

/** The paging a request asked for, with GitLab's defaults. */
export function pagingOf(query: { page?: number; per_page?: number }): GitlabPaging {
  return { page: query.page ?? 1, perPage: query.per_page ?? GITLAB_DEFAULT_PER_PAGE };
}

const BOOLEAN_WORDS: Record<string, string> = { true: 'true', false: 'false', '1': 'true', '0': 'false' };

/**
 * Rewrites the boolean query parameters a route declares into the `true`/`false` its schema
 * accepts: GitLab's Grape API reads `True`, `FALSE`, `1` and `0` as booleans, and the Python client
 * sends Python's `True`/`False`. Anything else is left for the schema to refuse.
 */
function normaliseBooleans(request: FastifyRequest): void {
  const schema = request.routeOptions.schema?.querystring as { properties?: Record<string, { type?: string }> } | undefined;
  const query = request.query as Record<string, unknown>;
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    const value = query[name];
    if (property.type !== 'boolean' || typeof value !== 'string') continue;
    const word = BOOLEAN_WORDS[value.toLowerCase()];
    if (word !== undefined) query[name] = word;
  }
}

/**
 * GitLab's paging headers of a list: X-Page, X-Per-Page, X-Total, X-Total-Pages, X-Next-Page,
 * X-Prev-Page (empty when there is none) and a Link to prev/next/first/last with the same query.
 */
export function paginate(request: FastifyRequest, reply: FastifyReply, total: number, paging: GitlabPaging): void {
  const { page, perPage } = paging;
  // Read per request: the address is known only once the server listens.
  const { baseUrl } = request.server.forge.config;
  const pages = Math.max(1, Math.ceil(total / perPage));
  const link = (p: number, rel: string) => {
    const url = new URL(request.url, 'http://fabrique.invalid');
    url.searchParams.set('page', String(p));
    url.searchParams.set('per_page', String(perPage));
    return `<${baseUrl}${url.pathname}${url.search}>; rel="${rel}"`;
  };
  const links = [];
  if (page > 1) links.push(link(Math.min(page - 1, pages), 'prev'));
  if (page < pages) links.push(link(page + 1, 'next'));
  links.push(link(1, 'first'), link(pages, 'last'));
  reply.headers({
    'x-total': String(total),
    'x-total-pages': String(pages),
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-next-page': page < pages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(Math.min(page - 1, pages)) : '',
    link: links.join(', '),
    'access-control-expose-headers': 'X-Total, X-Total-Pages, X-Page, X-Per-Page, X-Next-Page, X-Prev-Page, Link',
  });
}

/**
 * GitLab's keyset paging header (`pagination=keyset`): only a Link to the next page, the same query
 * with `id_after` (ascending) or `id_before` (descending) set to the last id shown, and none at the
 * end. GitLab gives no X-Total or X-Page here, since counting is what keyset paging avoids.
 */
export function paginateKeyset(request: FastifyRequest, reply: FastifyReply, next: { lastId: number; sort: 'asc' | 'desc' } | null): void {
  if (!next) return;
  const url = new URL(request.url, 'http://fabrique.invalid');
  url.searchParams.delete('page');
  url.searchParams.set(next.sort === 'asc' ? 'id_after' : 'id_before', String(next.lastId));
  reply.headers({
    link: `<${request.server.forge.config.baseUrl}${url.pathname}${url.search}>; rel="next"`,
    'access-control-expose-headers': 'Link',
  });
}

/**
 * GitLab's conventions for every `/api/v4` route, in one place, registered inside the v4 plugin
 * so that they apply to its routes only: `per_page` above the maximum is capped (GitLab caps at
 * 100), query booleans are read as GitLab reads them, and a JSON answer (errors included) is
 * exactly `application/json`, without a charset, which the Python client requires.
 */
export function gitlabConventions(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request) => {
    capToMaximum(request, 'per_page');
    normaliseBooleans(request);
  });
  fastify.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && /^application\/json\s*;/i.test(type)) reply.header('content-type', 'application/json');
    return payload;
  });
}
