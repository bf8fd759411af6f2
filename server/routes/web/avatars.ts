import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createReadStream } from 'node:fs';
import { identicon, storedImagePath } from '../../views/site.js';
import { IMAGE_CONTENT_TYPES, type ImageType } from '../../lib/avatars.js';
import { notFound } from '../../errors.js';

/** Images are never documents: no script, no plugin, no framing, and never sniffed into something else. */
const IMAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  'cross-origin-resource-policy': 'same-site',
};

/**
 * Avatars and the site's logo (`/avatars/<sha256>.<ext>`: named by their content, so cached for a
 * year) and the identicons generated for accounts without one (`/avatars/generated/<name>.svg`).
 */
const avatarRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/avatars/:file',
    { config: { scope: 'none' }, schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 100 }) }) } },
    async (request, reply) => {
      const path = storedImagePath(fastify.reads, request.params.file);
      if (path === null) throw notFound('The image');
      const type = request.params.file.split('.').pop() as ImageType;
      return reply
        .headers({ ...IMAGE_HEADERS, 'cache-control': 'public, max-age=31536000, immutable' })
        .type(IMAGE_CONTENT_TYPES[type])
        .send(createReadStream(path));
    },
  );

  fastify.get(
    '/avatars/generated/:file',
    { config: { scope: 'none' }, schema: { hide: true, params: Type.Object({ file: Type.String({ pattern: '^[^/]{1,100}\\.svg$' }) }) } },
    async (request, reply) =>
      // Generated from the name alone, whether or not an account has it: the answer tells nothing about accounts.
      reply
        .headers({ ...IMAGE_HEADERS, 'cache-control': 'public, max-age=86400' })
        .type('image/svg+xml')
        .send(identicon(request.params.file.slice(0, -'.svg'.length))),
  );
};

export default avatarRoutes;
