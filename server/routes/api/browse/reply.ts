import type { FastifyReply, FastifyRequest } from 'fastify';
import { pageBounds, type RawFile } from '../../../views/browse.js';

/**
 * Raw files are served from the forge's own origin: nothing in them may run there. HTML is sent as
 * plain text, and every response carries a sandboxing CSP (SVG scripts stay inert) and nosniff.
 */
const RAW_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox",
  'cross-origin-resource-policy': 'same-origin',
};

/** A file's bytes with a safe content type; 304 when the client has this blob already. */
export async function sendRaw(request: FastifyRequest, reply: FastifyReply, file: RawFile): Promise<FastifyReply> {
  const etag = `"${file.oid}"`;
  reply.headers(RAW_HEADERS).header('etag', etag).header('cache-control', 'private, no-cache');
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  const { contentType, body } = await file.load();
  return reply.type(contentType).send(body);
}

/** Sets Gitea's pagination headers (X-Total-Count, X-HasMore, Link) for one page of `total` items. */
export function paginate(request: FastifyRequest, reply: FastifyReply, total: number, query: { page?: number; limit?: number }): void {
  const { page, limit, start } = pageBounds(query);
  const pages = Math.max(1, Math.ceil(total / limit));
  const links: string[] = [];
  const url = new URL(request.url, 'http://x');
  const linkTo = (p: number, rel: string) => {
    url.searchParams.set('page', String(p));
    url.searchParams.set('limit', String(limit));
    links.push(`<${url.pathname}${url.search}>; rel="${rel}"`);
  };
  if (page < pages) linkTo(page + 1, 'next');
  if (page < pages) linkTo(pages, 'last');
  if (page > 1) linkTo(1, 'first');
  if (page > 1) linkTo(Math.min(page - 1, pages), 'prev');
  reply.headers({
    'x-total-count': String(total),
    'x-hasmore': String(start + limit < total),
    'x-page': String(page),
    'x-perpage': String(limit),
    'x-pagecount': String(pages),
    'access-control-expose-headers': 'X-Total-Count, X-HasMore, X-Page, X-PerPage, X-PageCount, Link',
  });
  if (links.length > 0) reply.header('link', links.join(', '));
}
