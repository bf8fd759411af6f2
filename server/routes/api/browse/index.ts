import type { FastifyPluginAsync } from 'fastify';
import giteaBrowseRoutes from './gitea.js';
import browsePageRoutes from './pages.js';

export { default as rawPageRoutes } from './raw-page.js';

/**
 * Read endpoints behind the browse pages: Gitea's contents, raw, commits, branches, tags and
 * archive, and Fabrique's own tree, blob, readme, diff and compare for the UI. The repository
 * plugin loads the repository first, so a private repository is a 404 to anyone who may not read it.
 */
const browseRoutes: FastifyPluginAsync = async (fastify) => {
  await fastify.register(giteaBrowseRoutes);
  await fastify.register(browsePageRoutes);
};

export default browseRoutes;
