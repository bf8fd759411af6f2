import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserRow } from '../../views/account.js';
import type { LocalFailure } from '../../auth/passport.js';
import { createUser } from '../../services/users.js';
import { recordAudit } from '../../services/audit.js';
import { recordFailedSignIn, recordSignIn, type SignInFailure } from '../../services/auth.js';
import { ForgeError, forbidden, unauthorized } from '../../errors.js';
import { startEmailConfirmation } from '../../services/email-confirm.js';
import { setAccountLanguage } from '../../services/users.js';
import { languageOf } from '../../lib/shell.js';
import { Message, presentUser } from '../api/users/schema.js';
import { Providers, SessionInfo, SignInBody, SignInResult, SignUpBody } from './schema.js';
import { sameOriginPath } from './redirect.js';
import { OIDC_LOGIN_PATH } from './oidc.js';
import { sameSiteJson } from './same-site.js';
import accountMailRoutes from './account-mail.js';

const errors = { 400: Message, 401: Message, 403: Message, 409: Message, 415: Message, 422: Message, 429: Message };

/**
 * Sign-up, sign-in and sign-out for the web UI, as JSON endpoints. They open and close the SQLite
 * session; passport's local strategy checks the password.
 */
const authRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;

  const sameSite = async (request: FastifyRequest) => sameSiteJson(request, fastify.forge.config.baseUrl);

  const sessionInfo = (request: FastifyRequest) => ({
    user: request.session ? presentUser(request.session.user, request.actor, fastify.forge.config.baseUrl) : null,
    csrf_token: request.session?.row.csrf_token ?? null,
  });

  fastify.get('/api/v1/auth/session', { config: { scope: 'none' }, schema: { tags: ['auth'], response: { 200: SessionInfo } } }, async (request) =>
    sessionInfo(request),
  );

  fastify.get('/api/v1/auth/providers', { config: { scope: 'none' }, schema: { tags: ['auth'], response: { 200: Providers } } }, async () => ({
    password: true,
    signup: config.allowSignup,
    oidc: config.oidc ? { name: config.oidc.name, url: OIDC_LOGIN_PATH } : null,
    mail: fastify.mailer.enabled,
  }));

  fastify.post(
    '/api/v1/auth/signin',
    { config: { scope: 'none' }, schema: { tags: ['auth'], body: SignInBody, response: { 200: SignInResult, ...errors } }, preValidation: sameSite },
    async (request, reply) => {
      const login = request.body.username;
      const attempt = await fastify.signInThrottle.reservePassword(login, request.ip);
      if (!attempt.ok) {
        reply.header('retry-after', String(attempt.retryAfter));
        throw new ForgeError('too_many_requests', attempt.message);
      }
      let user = null as UserRow | null;
      let failure = 'invalid' as SignInFailure;
      const authenticate = fastify.passport.authenticate('local', { session: false, authInfo: false }, async (_req: FastifyRequest, _reply: FastifyReply, err: Error | null, found?: unknown, info?: unknown) => {
        if (err) throw err;
        if (found) user = found as UserRow;
        else failure = (info as LocalFailure | undefined)?.reason ?? 'invalid';
      });
      await authenticate.call(fastify, request, reply);
      // A suspended account was named with its right password: not a guess.
      if (user || failure === 'suspended') await attempt.succeeded();
      if (!user) {
        await recordFailedSignIn(db, login, request.ip, failure);
        if (failure === 'suspended') throw forbidden('This account is suspended.');
        throw unauthorized('Wrong username or password.');
      }
      const signedIn = await recordSignIn(db, user, request.ip, 'password');
      await fastify.sessions.open(request, reply, signedIn);
      request.actor = { kind: 'user', user: signedIn, via: 'session', scopes: null };
      return { ...sessionInfo(request), redirect_to: sameOriginPath(request.body.redirect_to, fastify.forge.config.baseUrl) };
    },
  );

  fastify.post(
    '/api/v1/auth/signup',
    { config: { scope: 'none' }, schema: { tags: ['auth'], body: SignUpBody, response: { 201: SessionInfo, ...errors } }, preValidation: sameSite },
    async (request, reply) => {
      if (!config.allowSignup) throw forbidden('Sign-up is closed on this forge. Ask an administrator for an account.');
      const { username, email, password, full_name: fullName } = request.body;
      const created = await createUser(db, { username, email, password, fullName }, config.passwordHashCost);
      // The mails the account will get (confirmation, reset) are written in the language it signed up in.
      const user = await startEmailConfirmation({ db, config, mailer: fastify.mailer }, await setAccountLanguage(db, created, languageOf(request.headers)));
      await recordAudit(db, { actor: user, action: 'user.signup', target: `user:${user.username}`, ip: request.ip, data: { method: 'password' } });
      const signedIn = await recordSignIn(db, user, request.ip, 'password');
      await fastify.sessions.open(request, reply, signedIn);
      request.actor = { kind: 'user', user: signedIn, via: 'session', scopes: null };
      return reply.status(201).send(sessionInfo(request));
    },
  );

  await fastify.register(accountMailRoutes);

  fastify.post(
    '/api/v1/auth/signout',
    { config: { scope: 'none' }, schema: { tags: ['auth'], response: { 204: Type.Null(), 403: Message } } },
    async (request, reply) => {
      if (request.session) {
        await recordAudit(db, { actor: request.session.user, action: 'user.signout', target: `user:${request.session.user.username}`, ip: request.ip });
      }
      await fastify.sessions.close(request, reply);
      return reply.status(204).send(null);
    },
  );
};

export default authRoutes;
