import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ReleaseContext } from '../../../services/releases.js';

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });
export const errors = { 400: Message, 401: Message, 403: Message, 404: Message, 409: Message, 413: Message, 422: Message };

export const ReleaseParams = Type.Object({ owner: Type.String(), repo: Type.String(), id: Type.Integer({ minimum: 1 }) });
export const TagParams = Type.Object({ owner: Type.String(), repo: Type.String(), tag: Type.String({ minLength: 1, maxLength: 255 }) });
export const AssetParams = Type.Object({ owner: Type.String(), repo: Type.String(), id: Type.Integer({ minimum: 1 }), attachment_id: Type.Integer({ minimum: 1 }) });

/** Gitea's release list query: `draft` and `pre-release` filters, paging. */
export const ListReleasesQuery = Type.Object({
  draft: Type.Optional(Type.Boolean()),
  'pre-release': Type.Optional(Type.Boolean()),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 30 })),
});

/** Gitea's upload query: the file's name when it should differ from the uploaded one. */
export const UploadQuery = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });

/** The release use cases' context for this forge. */
export function releaseContext(fastify: FastifyInstance): ReleaseContext {
  const { db, config } = fastify.forge;
  return { db, policy: fastify.policy, reposDir: config.reposDir, dataDir: config.dataDir, gitCache: fastify.gitCache, events: fastify.events, baseUrl: config.baseUrl, images: fastify.reads.images };
}

/**
 * A Content-Disposition that names the file safely: an ASCII fallback without quotes, backslashes
 * or control characters, and the exact name in RFC 5987's `filename*`.
 */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
