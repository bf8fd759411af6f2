import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { completePasswordReset, requestPasswordReset, resetTokenAccount } from '../../services/password-reset.js';
import { confirmEmailToken } from '../../services/email-confirm.js';
import { ForgeError } from '../../errors.js';
import { Message } from '../api/users/schema.js';
import { AccountTokenBody, Email, PasswordResetCompleteBody, PasswordResetRequestBody, PasswordResetRequested, PasswordResetToken } from '../../../contract/accounts.js';
import { sameSiteJson } from './same-site.js';

const errors = { 400: Message, 403: Message, 422: Message, 429: Message, 503: Message };

/** Said to every reset request, whether an account matched or not: the answer never tells which addresses have an account. */
const REQUESTED = 'If an account uses this address or name, a link to choose a new password is on its way. It is valid for one hour.';

/**
 * The links the forge mails: "forgot password?" (request, check, complete) and e-mail confirmation.
 * They take no token and may be used signed out; a signed-in browser still sends its CSRF token.
 */
const accountMailRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const context = () => ({ db: fastify.forge.db, config: fastify.forge.config, mailer: fastify.mailer });
  const sameSite = async (request: FastifyRequest) => sameSiteJson(request, fastify.forge.config.baseUrl);

  fastify.post(
    '/api/v1/auth/password-reset',
    { config: { scope: 'none' }, preValidation: sameSite, schema: { tags: ['auth'], body: PasswordResetRequestBody, response: { 202: PasswordResetRequested, ...errors } } },
    async (request, reply) => {
      try {
        await requestPasswordReset(context(), request.body.login, request.ip);
      } catch (err) {
        if (err instanceof ForgeError && err.kind === 'too_many_requests') reply.header('retry-after', '900');
        throw err;
      }
      return reply.status(202).send({ message: REQUESTED });
    },
  );

  fastify.post(
    '/api/v1/auth/password-reset/check',
    { config: { scope: 'none' }, preValidation: sameSite, schema: { tags: ['auth'], body: AccountTokenBody, response: { 200: PasswordResetToken, ...errors } } },
    async (request) => ({ login: (await resetTokenAccount(context(), request.body.token)).username }),
  );

  fastify.post(
    '/api/v1/auth/password-reset/complete',
    { config: { scope: 'none' }, preValidation: sameSite, schema: { tags: ['auth'], body: PasswordResetCompleteBody, response: { 200: PasswordResetToken, ...errors } } },
    async (request) => {
      const user = await completePasswordReset(context(), request.body.token, request.body.password, request.ip);
      return { login: user.username };
    },
  );

  fastify.post(
    '/api/v1/auth/email/confirm',
    { config: { scope: 'none' }, preValidation: sameSite, schema: { tags: ['auth'], body: AccountTokenBody, response: { 200: Email, ...errors } } },
    async (request) => {
      const user = await confirmEmailToken(context(), request.body.token, request.ip);
      return { email: user.email ?? '', verified: user.email_confirmed === 1, primary: true };
    },
  );
};

export default accountMailRoutes;
