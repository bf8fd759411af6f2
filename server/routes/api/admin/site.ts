import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { siteInfo, type SiteInfo as Site } from '../../../views/site.js';
import { setSiteIntro, setSiteLogo } from '../../../services/site.js';
import { requireAccount } from '../../../services/auth.js';
import { forbidden } from '../../../errors.js';
import { Message } from '../users/schema.js';
import { AvatarBody, SiteInfo, SiteSettings, SiteSettingsBody } from '../../../../contract/accounts.js';

const errors = { 401: Message, 403: Message, 413: Message, 422: Message };

const publicInfo = (site: Site): SiteInfo => ({ name: site.name, intro_html: site.introHtml, logo_url: site.logoUrl });

/**
 * The instance's own name, introduction and logo: `GET /site` for every visitor (the home page and
 * the header), `GET`/`PATCH /admin/site` and `POST`/`DELETE /admin/site/logo` for administrators.
 */
const siteRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;

  fastify.get('/site', { config: { scope: 'none' }, schema: { tags: ['site'], response: { 200: SiteInfo } } }, async () => publicInfo(await siteInfo(fastify.reads)));

  // Encapsulated: the administrators' check does not reach the public GET above.
  await fastify.register(async (scope) => {
    const admin = scope.withTypeProvider<TypeBoxTypeProvider>();
    admin.addHook('preValidation', async (request: FastifyRequest) => {
      const actor = requireAccount(request.actor);
      if (!await fastify.policy.can(actor, 'site:admin', { type: 'site' })) throw forbidden('Only site administrators may do this.');
    });

    const settings = async (): Promise<SiteSettings> => {
      const site = await siteInfo(fastify.reads);
      return { ...publicInfo(site), intro: site.intro };
    };

    admin.get('/admin/site', { config: { scope: 'read:admin' }, schema: { tags: ['admin'], response: { 200: SiteSettings, ...errors } } }, async () => await settings());

    admin.patch(
      '/admin/site',
      { config: { scope: 'write:admin' }, schema: { tags: ['admin'], body: SiteSettingsBody, response: { 200: SiteSettings, ...errors } } },
      async (request) => {
        if (request.body.intro !== undefined) await setSiteIntro(db, { actor: request.actor, ip: request.ip }, request.body.intro);
        return await settings();
      },
    );

    admin.post(
      '/admin/site/logo',
      { config: { scope: 'write:admin' }, schema: { tags: ['admin'], body: AvatarBody, response: { 200: SiteSettings, ...errors } } },
      async (request) => {
        await setSiteLogo(db, config.dataDir, { actor: request.actor, ip: request.ip }, request.body.image);
        return await settings();
      },
    );

    admin.delete('/admin/site/logo', { config: { scope: 'write:admin' }, schema: { tags: ['admin'], response: { 200: SiteSettings, ...errors } } }, async (request) => {
      await setSiteLogo(db, config.dataDir, { actor: request.actor, ip: request.ip }, null);
      return await settings();
    });
  });
};

export default siteRoutes;
