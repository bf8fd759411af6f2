import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { allowsUserScope, requireAccount } from '../../../services/auth.js';
import { deleteOwnAccount } from '../../../services/account-data.js';
import { accountExport } from '../../../views/account-export.js';
import { forbidden } from '../../../errors.js';
import { Message } from '../users/schema.js';
import { AccountExport, DeleteAccountBody } from '../../../../contract/account-data.js';

const errors = { 401: Message, 403: Message, 409: Message, 422: Message };

/** The signed-in account's own data (issue #17, RGPD): `GET /user/export` downloads it, `DELETE /user` deletes the account. */
const accountDataRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;

  fastify.get('/user/export', { config: { scope: 'read:user' }, schema: { tags: ['user'], response: { 200: AccountExport, ...errors } } }, async (request, reply) => {
    const actor = requireAccount(request.actor);
    if (!allowsUserScope(actor, 'read')) throw forbidden('This token lacks the read:user scope.');
    const day = new Date().toISOString().slice(0, 10);
    // A download, never cached: it holds the account's addresses, sessions and private contributions.
    void reply.header('content-disposition', `attachment; filename="fabrique-${actor.user.lower_name}-${day}.json"`).header('cache-control', 'no-store');
    return await accountExport(fastify.reads, actor.user);
  });

  fastify.delete(
    '/user',
    { config: { scope: 'write:user' }, schema: { tags: ['user'], body: DeleteAccountBody, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const actor = requireAccount(request.actor);
      if (!allowsUserScope(actor, 'write')) throw forbidden('This token lacks the write:user scope.');
      const signedInAt = actor.via === 'session' ? (request.session?.row.created_at ?? null) : null;
      const context = { db, reposDir: config.reposDir, dataDir: config.dataDir, events: fastify.events };
      await deleteOwnAccount(context, { actor, ip: request.ip }, actor.user, { password: request.body.password, signedInAt }, request.body.content);
      return reply.status(204).send(null);
    },
  );
};

export default accountDataRoutes;
