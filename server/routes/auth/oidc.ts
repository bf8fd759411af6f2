import type { FastifyPluginAsync } from 'fastify';
import { OidcClient, type OidcPending } from '../../auth/oidc.js';
import { accountForOidc, recordFailedSignIn, recordSignIn } from '../../services/auth.js';

export const OIDC_LOGIN_PATH = '/user/oidc/login';
const CALLBACK_PATH = '/user/oidc/callback';
const PENDING_COOKIE = 'fabrique_oidc';
const SIGN_IN_PAGE = '/user/login';

/** The OpenID Connect redirect flow (only registered when FORGE_OIDC_ISSUER is set). */
const oidcRoutes: FastifyPluginAsync = async (fastify) => {
  const { db, config } = fastify.forge;
  if (!config.oidc) return;
  // The base URL is read when used: tests learn the port only after listening.
  const oidc = new OidcClient(config.oidc, () => `${fastify.forge.config.baseUrl}${CALLBACK_PATH}`);
  const cookieOptions = {
    httpOnly: true,
    // Lax, not Strict: the browser comes back from the provider through a top-level cross-site GET.
    sameSite: 'lax' as const,
    path: '/user/oidc',
    secure: config.baseUrl.startsWith('https:'),
    signed: true,
  };

  fastify.get(OIDC_LOGIN_PATH, { config: { scope: 'none' }, schema: { hide: true } }, async (request, reply) => {
    const { url, pending } = await oidc.start();
    reply.setCookie(PENDING_COOKIE, JSON.stringify(pending), { ...cookieOptions, maxAge: 600 });
    return reply.redirect(url.href);
  });

  fastify.get(CALLBACK_PATH, { config: { scope: 'none' }, schema: { hide: true } }, async (request, reply) => {
    const raw = request.cookies[PENDING_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : null;
    reply.clearCookie(PENDING_COOKIE, cookieOptions);
    if (!unsigned?.valid || unsigned.value === null) return reply.redirect(`${SIGN_IN_PAGE}?error=oidc`);
    const pending = JSON.parse(unsigned.value) as OidcPending;
    let claims;
    try {
      claims = await oidc.finish(new URL(request.url, fastify.forge.config.baseUrl), pending);
    } catch (err) {
      request.log.warn({ err }, 'OpenID Connect sign-in refused');
      return reply.redirect(`${SIGN_IN_PAGE}?error=oidc`);
    }
    const user = await accountForOidc(db, oidc.issuer, claims);
    if (user.prohibit_login) {
      await recordFailedSignIn(db, user.username, request.ip, 'suspended');
      return reply.redirect(`${SIGN_IN_PAGE}?error=suspended`);
    }
    await fastify.sessions.open(request, reply, await recordSignIn(db, user, request.ip, 'oidc'));
    return reply.redirect('/');
  });
};

export default oidcRoutes;
