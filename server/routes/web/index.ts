import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { languageOf } from '../../lib/shell.js';
import { movedUrl } from '../../plugins/repository.js';
import { pageHead } from '../../views/page-head.js';
import { siteLogoUrl } from '../../views/site.js';

/** Paths that belong to the API or to git's smart HTTP: never answered with the app shell. */
function isMachinePath(url: string): boolean {
  const path = url.split('?')[0];
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/assets/') || /\/(info\/refs|git-upload-pack|git-receive-pack)$/.test(path);
}

/** Serves the built Lit app: hashed assets cached for a year, and the shell for every page URL (deep links). */
const webRoutes: FastifyPluginAsync = async (fastify) => {
  const assets = join(fastify.forge.webDir, 'assets');
  if (existsSync(assets)) {
    await fastify.register(async (files) => {
      // The built app's files are public, and @fastify/static takes no route options: their token scope is set here.
      files.addHook('onRoute', (route) => {
        route.config = { ...route.config, scope: 'none' };
      });
      await files.register(fastifyStatic, {
        root: assets,
        prefix: '/assets/',
        immutable: true,
        maxAge: '365d',
        index: false,
      });
    });
  }

  /** The app shell for a page URL, or a JSON 404 for what is not a page. */
  const answer = async (request: FastifyRequest, reply: FastifyReply) => {
    // No Accept, or `*/*` (curl, wget, uptime and link checkers), takes the page as a browser would.
    const accept = request.headers.accept ?? '*/*';
    const wantsHtml = accept.includes('text/html') || accept.includes('*/*');
    if ((request.method === 'GET' || request.method === 'HEAD') && wantsHtml && !isMachinePath(request.url)) {
      const page = await pageHead(fastify.reads, request.actor, request.url.split('?')[0], languageOf(request.headers));
      // A renamed repository's old page address leads to its new one, as Gitea does (and as the API and git do).
      if (page.moved) return reply.redirect(movedUrl(page.moved.pattern, request.url, page.moved.repo), 301);
      // A page that does not exist for this visitor (no route, no such owner, repository or file, or
      // a private one) is a real 404, so that links checkers and search engines see it; the shell
      // still comes with it and the app shows its one not-found page.
      if (!page.found) reply.status(404).header('x-robots-tag', 'noindex');
      return reply.sendShell(request, { ...page.head, siteLogo: await siteLogoUrl(fastify.reads) });
    }
    return reply.status(404).send({ message: 'Not found.' });
  };

  // A route rather than only the not-found handler: @fastify/compress hooks into routes, and the
  // shell is most of what a browser downloads first. Every more specific route wins over `/*`.
  fastify.get('/*', { config: { scope: 'none' } }, answer);
  fastify.setNotFoundHandler(answer);
};

export default webRoutes;
