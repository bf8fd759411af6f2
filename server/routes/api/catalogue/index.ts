import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { languageOf } from '../../../lib/shell.js';
import { refreshFactsOnPush } from '../../../services/catalogue.js';
import { catalogueCsvFile, cataloguePage, ownerLicenceReport, repositoryLicence, repositoryPubliccode } from '../../../views/catalogue.js';
import { CatalogueQuery, CataloguePage, LanguageQuery, Licence, LicenceReportItem, OwnerParams, PubliccodeResponse, RepoParams, errors } from './schema.js';

const tags = ['catalogue'];

/**
 * The software sheet (publiccode.yml), the licence of a repository, and the catalogue of the
 * forge's public software as JSON and CSV. Fabrique's own endpoints: Gitea has none of these.
 */
const catalogueRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const ctx = fastify.reads;
  const stop = refreshFactsOnPush(fastify.events, db, config.reposDir, fastify.gitCache);
  fastify.addHook('onClose', async () => stop());

  fastify.get(
    '/repos/:owner/:repo/publiccode',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, querystring: LanguageQuery, response: { 200: PubliccodeResponse, ...errors } } },
    async (request) => repositoryPubliccode(ctx, request.actor, request.repository, request.query.lang ?? languageOf(request.headers)),
  );

  fastify.get(
    '/repos/:owner/:repo/licence',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, response: { 200: Licence, ...errors } } },
    async (request) => repositoryLicence(ctx, request.repository),
  );

  fastify.get(
    '/catalogue/licences/:owner',
    { config: { scope: 'read:repository' }, schema: { tags, params: OwnerParams, response: { 200: Type.Array(LicenceReportItem), ...errors } } },
    async (request) => ownerLicenceReport(ctx, request.actor, request.params.owner),
  );

  fastify.get('/catalogue', { config: { scope: 'none' }, schema: { tags, querystring: CatalogueQuery, response: { 200: CataloguePage } } }, async (request, reply) => {
    const page = await cataloguePage(ctx, request.query, request.query.lang ?? languageOf(request.headers));
    reply.header('x-total-count', String(page.total));
    return page;
  });

  fastify.get('/catalogue.csv', { config: { scope: 'none' }, schema: { tags, querystring: CatalogueQuery } }, async (request, reply) => {
    const csv = await catalogueCsvFile(ctx, request.query, request.query.lang ?? languageOf(request.headers));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="catalogue.csv"').send(csv);
  });
};

export default catalogueRoutes;
