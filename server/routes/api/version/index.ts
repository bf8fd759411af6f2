import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../lib/paths.js';

const { version } = createRequire(import.meta.url)(join(PROJECT_ROOT, 'package.json')) as { version: string };

/**
 * The Gitea release whose API Fabrique follows, with Fabrique's own version as semver build
 * metadata: clients that compare versions to pick features (gitea-js, tea, Renovate) read 1.23.
 */
export const GITEA_API_VERSION = `1.23.0+fabrique-${version}`;

/** Gitea's `GET /api/v1/version`. */
const versionRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/version', { config: { scope: 'none' }, schema: { tags: ['miscellaneous'], response: { 200: Type.Object({ version: Type.String() }) } } }, async () => ({
    version: GITEA_API_VERSION,
  }));
};

export default versionRoutes;
