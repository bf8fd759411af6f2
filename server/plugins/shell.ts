import fp from 'fastify-plugin';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { languageOf, renderShell, type PageHead } from '../lib/shell.js';

const DEFAULT_DESCRIPTION: Record<'fr' | 'en', string> = {
  fr: 'Fabrique, la forge de code source de la Métropole de Lyon : lire, cloner, réutiliser et améliorer son logiciel public.',
  en: "Fabrique, the Métropole de Lyon's source code forge: read, clone, reuse and improve its public software.",
};

const HTML_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
  'cache-control': 'no-cache',
  vary: 'Cookie, Accept-Language',
};

/** `reply.sendShell(request, head)`: the app shell with a page's title and description filled in by the server. */
export default fp(
  async (fastify) => {
    // The built index.html, read once at start: null until `npm run build` has run.
    const file = join(fastify.forge.webDir, 'index.html');
    const template = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (template === null) fastify.log.warn(`web app not built in ${fastify.forge.webDir}: run "npm run build"`);

    fastify.decorateReply('sendShell', function sendShell(this: FastifyReply, request: FastifyRequest, head?: Partial<PageHead>) {
      if (template === null) {
        return this.status(503).type('text/plain; charset=utf-8').send('The web app is not built: run "npm run build".');
      }
      const lang = languageOf(request.headers);
      const page: PageHead = {
        // FORGE_SITE_NAME; renderShell escapes it with the rest of the head.
        title: head?.title ? `${head.title} · ${fastify.forge.config.siteName}` : fastify.forge.config.siteName,
        description: head?.description ?? DEFAULT_DESCRIPTION[lang],
        feeds: head?.feeds,
        siteName: fastify.forge.config.siteName,
        siteLogo: head?.siteLogo,
      };
      return this.headers(HTML_HEADERS).type('text/html; charset=utf-8').send(renderShell(template, lang, page));
    });
  },
  { name: 'fabrique-shell', dependencies: ['fabrique-db'] },
);

declare module 'fastify' {
  interface FastifyReply {
    sendShell(request: FastifyRequest, head?: Partial<PageHead>): FastifyReply;
  }
}
