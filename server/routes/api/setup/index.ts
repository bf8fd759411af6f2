import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { timingSafeEqual } from 'node:crypto';
import { hasAccounts } from '../../../views/account.js';
import { createFirstAdministrator } from '../../../services/users.js';
import { ForgeError } from '../../../errors.js';
import { CreatedUser, Message, SetupBody, SetupStatus } from './schema.js';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** First-start setup: the one-time link printed in the log creates the first administrator. */
const setupRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db } = fastify.forge;
  const ctx = fastify.reads;

  fastify.get('/setup', { config: { scope: 'none' }, schema: { tags: ['setup'], response: { 200: SetupStatus } } }, async () => ({
    needed: fastify.forge.setupToken !== null && !await hasAccounts(ctx),
  }));

  fastify.post(
    '/setup',
    { config: { scope: 'none' }, schema: { tags: ['setup'], body: SetupBody, response: { 201: CreatedUser, 403: Message, 409: Message } } },
    async (request, reply) => {
      const expected = fastify.forge.setupToken;
      if (expected === null || await hasAccounts(ctx)) {
        throw new ForgeError('conflict', 'Fabrique is already set up: sign in with an existing account.');
      }
      if (!sameToken(request.body.token, expected)) {
        throw new ForgeError('forbidden', 'This setup link is not valid. Use the link printed in the server log.');
      }
      // Taken before the (slow) password hashing so that two submissions cannot both succeed.
      fastify.forge.setupToken = null;
      let user;
      try {
        user = await createFirstAdministrator(db, request.body, fastify.forge.config.passwordHashCost);
      } catch (err) {
        fastify.forge.setupToken = expected;
        throw err;
      }
      request.log.info({ userId: user.id }, 'first administrator created');
      return reply.status(201).send({ id: user.id, login: user.username, email: user.email ?? '', is_admin: true });
    },
  );
};

export default setupRoutes;
