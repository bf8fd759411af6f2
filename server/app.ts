import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import compress from '@fastify/compress';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from './config.js';
import { PROJECT_ROOT } from './lib/paths.js';
import { lazySchemaController } from './lib/lazy-compilers.js';
import dbPlugin from './plugins/db.js';
import statePlugin from './plugins/state.js';
import metricsPlugin from './plugins/metrics.js';
import errorsPlugin from './plugins/errors.js';
import openapiPlugin from './plugins/openapi.js';
import shellPlugin from './plugins/shell.js';
import authPlugin from './plugins/auth.js';
import scopesPlugin from './plugins/scopes.js';
import sessionPlugin from './plugins/session.js';
import csrfPlugin from './plugins/csrf.js';
import auditPlugin from './plugins/audit.js';
import repositoryPlugin from './plugins/repository.js';
import jsonBodyPlugin from './plugins/json-body.js';
import mailerPlugin from './plugins/mailer.js';
import giteaPaging from './routes/api/paging.js';
import userRoutes from './routes/api/user/index.js';
import usersRoutes from './routes/api/users/index.js';
import adminRoutes from './routes/api/admin/index.js';
import siteRoutes from './routes/api/admin/site.js';
import avatarRoutes from './routes/web/avatars.js';
import authRoutes from './routes/auth/index.js';
import oidcRoutes from './routes/auth/oidc.js';
import healthRoutes from './routes/api/health/index.js';
import setupRoutes from './routes/api/setup/index.js';
import branchProtectionRoutes from './routes/api/branch_protections/index.js';
import gitRoutes from './routes/git/index.js';
import repoRoutes from './routes/api/repos/index.js';
import userRepoRoutes from './routes/api/user-repos/index.js';
import orgRoutes from './routes/api/orgs/index.js';
import teamRoutes from './routes/api/teams/index.js';
import browseRoutes, { rawPageRoutes } from './routes/api/browse/index.js';
import catalogueRoutes from './routes/api/catalogue/index.js';
import publiccodeRoutes from './routes/api/publiccode/index.js';
import topicRoutes from './routes/api/topics/index.js';
import versionRoutes from './routes/api/version/index.js';
import markdownRoutes from './routes/api/markdown/index.js';
import gitlabRoutes from './routes/api/v4/index.js';
import migrateRoutes from './routes/api/migrate/index.js';
import mirrorSyncRoutes from './routes/api/mirror-sync/index.js';
import forkRoutes from './routes/api/forks/index.js';
import pullRoutes from './routes/api/pulls/index.js';
import remotePullRoutes from './routes/api/remote-pulls/index.js';
import issueCommentRoutes from './routes/api/issue-comments/index.js';
import timelineRoutes from './routes/api/timeline/index.js';
import issueRoutes from './routes/api/issues/index.js';
import labelRoutes from './routes/api/labels/index.js';
import notificationRoutes from './routes/api/notifications/index.js';
import contentsWriteRoutes from './routes/api/contents-write/index.js';
import statusRoutes from './routes/api/statuses/index.js';
import webhookRoutes from './routes/api/hooks/index.js';
import releaseRoutes from './routes/api/releases/index.js';
import feedRoutes from './routes/web/feeds.js';
import imageProxyRoutes from './routes/web/image-proxy.js';
import seoRoutes from './routes/web/seo.js';
import webRoutes from './routes/web/index.js';

export interface AppOptions {
  config: Config;
  /** Where the SQL migrations live; tests point it at a copy to prove a broken one stops the start. */
  migrationsDir?: string;
  /** Where the built web app lives (vite's output). */
  webDir?: string;
}

export { PROJECT_ROOT };

/** The content types worth compressing: text the server writes, never packs, archives or downloads. */
const COMPRESSIBLE = /^(text\/(html|css|javascript)|application\/(json|javascript|atom\+xml|rss\+xml|xml)|image\/svg\+xml)(;|$)/;

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Fastify's own options for a Fabrique server: pino JSON logs with request ids and secrets redacted. */
export function serverOptions(config: Config): FastifyServerOptions {
  return {
    logger: {
      level: config.logLevel,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.password',
          '*.token',
          '*.sha1',
          '*.client_secret',
        ],
        censor: '[redacted]',
      },
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: config.trustProxy,
    bodyLimit: 10 * 1024 * 1024,
    // A push streams its pack: the git routes read the raw body themselves, never buffered.
    forceCloseConnections: true,
    // Each route's validators and serializers compiled on its first request, not all at start (memory, issue #18).
    schemaController: lazySchemaController,
  };
}

/** The whole forge as one Fastify plugin: infrastructure first, then routes, in a fixed order. */
async function app(fastify: FastifyInstance, options: AppOptions): Promise<void> {
  const migrationsDir = options.migrationsDir ?? join(PROJECT_ROOT, 'migrations');
  const webDir = options.webDir ?? join(PROJECT_ROOT, 'dist', 'web');

  // infrastructure
  await fastify.register(dbPlugin, { config: options.config, migrationsDir, webDir });
  await fastify.register(statePlugin);
  // Before session and auth: /metrics carries its own token, which is not an account's.
  await fastify.register(metricsPlugin);
  await fastify.register(errorsPlugin);
  // Pages, JSON, scripts and styles only: git's packs are already zlib-compressed and streamed, archives
  // and attachments are compressed or binary; request bodies are left alone (the git routes gunzip their own).
  await fastify.register(compress, { global: true, globalDecompression: false, encodings: ['br', 'gzip'], customTypes: COMPRESSIBLE });
  await fastify.register(openapiPlugin);
  await fastify.register(shellPlugin);
  await fastify.register(sessionPlugin);
  await fastify.register(authPlugin);
  await fastify.register(scopesPlugin);
  await fastify.register(csrfPlugin);
  await fastify.register(auditPlugin);
  await fastify.register(repositoryPlugin);
  await fastify.register(jsonBodyPlugin);
  await fastify.register(mailerPlugin);
  await fastify.register(giteaPaging);

  // routes
  await fastify.register(healthRoutes, { prefix: '/api' });
  await fastify.register(setupRoutes, { prefix: '/api/v1' });
  await fastify.register(userRoutes, { prefix: '/api/v1' });
  await fastify.register(usersRoutes, { prefix: '/api/v1' });
  await fastify.register(adminRoutes, { prefix: '/api/v1' });
  await fastify.register(siteRoutes, { prefix: '/api/v1' });
  await fastify.register(avatarRoutes);
  await fastify.register(authRoutes);
  await fastify.register(oidcRoutes);
  await fastify.register(branchProtectionRoutes, { prefix: '/api/v1' });
  await fastify.register(gitRoutes);
  await fastify.register(repoRoutes, { prefix: '/api/v1' });
  await fastify.register(userRepoRoutes, { prefix: '/api/v1' });
  await fastify.register(orgRoutes, { prefix: '/api/v1' });
  await fastify.register(teamRoutes, { prefix: '/api/v1' });
  await fastify.register(browseRoutes, { prefix: '/api/v1' });
  await fastify.register(catalogueRoutes, { prefix: '/api/v1' });
  await fastify.register(publiccodeRoutes, { prefix: '/api/v1' });
  await fastify.register(topicRoutes, { prefix: '/api/v1' });
  await fastify.register(versionRoutes, { prefix: '/api/v1' });
  await fastify.register(markdownRoutes, { prefix: '/api/v1' });
  await fastify.register(gitlabRoutes, { prefix: '/api/v4' });
  await fastify.register(migrateRoutes, { prefix: '/api/v1' });
  await fastify.register(mirrorSyncRoutes, { prefix: '/api/v1' });
  await fastify.register(forkRoutes, { prefix: '/api/v1' });
  await fastify.register(pullRoutes, { prefix: '/api/v1' });
  await fastify.register(remotePullRoutes, { prefix: '/api/v1' });
  await fastify.register(issueCommentRoutes, { prefix: '/api/v1' });
  await fastify.register(timelineRoutes, { prefix: '/api/v1' });
  await fastify.register(issueRoutes, { prefix: '/api/v1' });
  await fastify.register(labelRoutes, { prefix: '/api/v1' });
  await fastify.register(notificationRoutes, { prefix: '/api/v1' });
  await fastify.register(contentsWriteRoutes, { prefix: '/api/v1' });
  await fastify.register(statusRoutes, { prefix: '/api/v1' });
  await fastify.register(webhookRoutes, { prefix: '/api/v1' });
  await fastify.register(releaseRoutes);
  await fastify.register(feedRoutes);
  await fastify.register(imageProxyRoutes);
  await fastify.register(rawPageRoutes);
  await fastify.register(seoRoutes);
  await fastify.register(webRoutes);
}

// Not encapsulated, so that main.ts and the tests reach `forge` and `policy` on the server they built.
export default fp(app, { name: 'fabrique' });
