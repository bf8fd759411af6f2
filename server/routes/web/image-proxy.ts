import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IMAGE_PROXY_PREFIX, verifyImageLink } from '../../lib/image-links.js';
import { ImageProxy } from '../../services/image-proxy.js';
import { notFound } from '../../errors.js';

/**
 * The image proxy: rendered Markdown shows other sites' images (badges, logos) from here, so a
 * visitor's browser never asks another site. Only links the forge signed are fetched.
 */
const imageProxyRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { config } = fastify.forge;
  // The proxy's copies belong to this app instance and go with it.
  const proxy = new ImageProxy({ allowPrivate: config.importAllowPrivate, userAgent: 'Fabrique-ImageProxy' });

  fastify.get(
    `${IMAGE_PROXY_PREFIX}/:signature/:encoded`,
    {
      config: { scope: 'none' },
      schema: { hide: true, params: Type.Object({ signature: Type.String({ maxLength: 64 }), encoded: Type.String({ maxLength: 8192 }) }) },
    },
    async (request, reply) => {
      const url = verifyImageLink(config.secret, request.params.signature, request.params.encoded);
      // A link the forge did not sign is no image of its pages: the proxy is not open to any address.
      if (url === null) throw notFound('The image');
      const image = await proxy.get(url);
      return reply
        .type(image.type)
        .header('cache-control', `public, max-age=${image.maxAge}`)
        .header('x-content-type-options', 'nosniff')
        // An SVG opened on its own runs no script and loads nothing.
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
        .send(image.body);
    },
  );
};

export default imageProxyRoutes;
