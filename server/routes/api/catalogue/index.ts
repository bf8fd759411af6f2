import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { findUserByName } from '../../../db/users.js';
import { ownerReposWithFacts } from '../../../db/catalogue.js';
import { notFound } from '../../../errors.js';
import { languageOf } from '../../../lib/shell.js';
import { catalogue, catalogueCsv, licenceReport, publiccodeView, refreshFactsOnPush, repoFacts, type CatalogueEntry } from '../../../services/catalogue.js';
import { CatalogueQuery, CataloguePage, LanguageQuery, Licence, LicenceReportItem, OwnerParams, PubliccodeResponse, RepoParams, errors } from './schema.js';

const tags = ['catalogue'];
/** The CSV export is one file: it holds at most this many software. */
const CSV_LIMIT = 10_000;

/**
 * The software sheet (publiccode.yml), the licence of a repository, and the catalogue of the
 * forge's public software as JSON and CSV. Fabrique's own endpoints: Gitea has none of these.
 */
const catalogueRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const stop = refreshFactsOnPush(fastify.events, db, config.reposDir);
  fastify.addHook('onClose', async () => stop());

  const present = (entry: CatalogueEntry) => {
    const fullName = `${entry.repo.owner_name}/${entry.repo.name}`;
    return {
      id: entry.repo.id,
      full_name: fullName,
      owner: entry.repo.owner_name,
      owner_type: entry.repo.owner_type,
      html_url: `${config.baseUrl}/${fullName}`,
      clone_url: `${config.baseUrl}/${fullName}.git`,
      updated_at: entry.repo.updated_at,
      topics: entry.topics,
      licence: entry.licence,
      sheet: entry.sheet,
    };
  };

  fastify.get(
    '/repos/:owner/:repo/publiccode',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, querystring: LanguageQuery, response: { 200: PubliccodeResponse, ...errors } } },
    async (request) => {
      const repo = fastify.policy.requireRepo(request.actor, request.params.owner, request.params.repo, 'repo:read');
      const view = publiccodeView(await repoFacts(db, config.reposDir, repo), request.query.lang ?? languageOf(request));
      // What is wrong with the file is for those who can fix it.
      const maintainer = fastify.policy.can(request.actor, 'repo:write', { type: 'repo', repo }) || fastify.policy.can(request.actor, 'repo:admin', { type: 'repo', repo });
      return maintainer ? view : { present: view.present, valid: view.valid, sheet: view.sheet };
    },
  );

  fastify.get('/repos/:owner/:repo/licence', { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, response: { 200: Licence, ...errors } } }, async (request) => {
    const repo = fastify.policy.requireRepo(request.actor, request.params.owner, request.params.repo, 'repo:read');
    return licenceReport(await repoFacts(db, config.reposDir, repo));
  });

  fastify.get(
    '/catalogue/licences/:owner',
    { config: { scope: 'read:repository' }, schema: { tags, params: OwnerParams, response: { 200: Type.Array(LicenceReportItem), ...errors } } },
    async (request) => {
      // For an organisation's owners (or an account itself): its repositories whose licence needs a separate approval.
      const owner = findUserByName(db, request.params.owner);
      const allowed =
        owner !== undefined &&
        (owner.type === 'org'
          ? fastify.policy.can(request.actor, 'org:admin', { type: 'org', org: owner })
          : fastify.policy.can(request.actor, 'user:write', { type: 'user', user: owner }));
      if (!owner || !allowed) throw notFound('The owner');
      const report = [];
      for (const repo of ownerReposWithFacts(db, owner.id)) {
        const licence = licenceReport(await repoFacts(db, config.reposDir, repo));
        if (!licence.approved_in_france || licence.mismatch) report.push({ full_name: `${repo.owner_name}/${repo.name}`, private: repo.is_private === 1, licence });
      }
      return report;
    },
  );

  fastify.get('/catalogue', { config: { scope: 'none' }, schema: { tags, querystring: CatalogueQuery, response: { 200: CataloguePage } } }, async (request, reply) => {
    const { q, organisation, status, license, category } = request.query;
    const page = request.query.page ?? 1;
    const limit = request.query.limit ?? 30;
    const { entries, total } = await catalogue(
      db,
      config.reposDir,
      { q, organisation, status, license, category, limit, offset: (page - 1) * limit },
      request.query.lang ?? languageOf(request),
    );
    reply.header('x-total-count', String(total));
    return { total, page, limit, data: entries.map(present) };
  });

  fastify.get('/catalogue.csv', { config: { scope: 'none' }, schema: { tags, querystring: CatalogueQuery } }, async (request, reply) => {
    const { q, organisation, status, license, category } = request.query;
    const { entries } = await catalogue(
      db,
      config.reposDir,
      { q, organisation, status, license, category, limit: CSV_LIMIT, offset: 0 },
      request.query.lang ?? languageOf(request),
    );
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="catalogue.csv"')
      .send(catalogueCsv(entries, config.baseUrl));
  });
};

export default catalogueRoutes;
