import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { languageOf } from '../../../lib/shell.js';
import { findOrganisation } from '../../../views/organisation.js';
import { organisationLicences } from '../../../views/org-licences.js';
import { licenceTemplate } from '../../../services/licences.js';
import { notFound } from '../../../errors.js';
import { LicenseTemplateInfo, OrgLicenceItem } from '../../../../contract/org-licences.js';
import { LanguageQuery } from '../catalogue/schema.js';
import { errors } from '../repos/schema.js';
import { requireOrgAccess } from './access.js';
import { OrgParams } from './schema.js';

/**
 * An organisation's licences, for its owners (Fabrique's own), and the licence texts its "Add a
 * LICENSE" links start a file from (Gitea's `GET /licenses/{name}`).
 */
const orgLicenceRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = fastify.reads;

  fastify.get(
    '/orgs/:org/licences',
    { config: { scope: 'read:organization' }, schema: { tags: ['organization'], params: OrgParams, response: { 200: Type.Array(OrgLicenceItem), ...errors } } },
    async (request) => organisationLicences(ctx, await requireOrgAccess(fastify, request.actor, await findOrganisation(ctx, request.params.org), 'org:admin')),
  );

  fastify.get(
    '/licenses/:name',
    {
      config: { scope: 'read:misc' },
      schema: { tags: ['miscellaneous'], params: Type.Object({ name: Type.String() }), querystring: LanguageQuery, response: { 200: LicenseTemplateInfo, ...errors } },
    },
    async (request) => {
      const language = (request.query.lang ?? languageOf(request.headers)).slice(0, 2).toLowerCase();
      const template = licenceTemplate(request.params.name, language);
      if (!template) throw notFound(`The licence "${request.params.name}"`);
      return template;
    },
  );
};

export default orgLicenceRoutes;
