import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { allowsUserScope, requireAccount } from '../../../services/auth.js';
import { forbidden } from '../../../errors.js';
import { Message, User, presentUser } from '../users/schema.js';

/** The signed-in account (`GET /user`), as in Gitea. */
const userRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/user', { config: { scope: 'read:user' }, schema: { tags: ['user'], response: { 200: User, 401: Message, 403: Message } } }, async (request) => {
    const actor = requireAccount(request.actor);
    if (!allowsUserScope(actor, 'read')) throw forbidden('This token lacks the read:user scope.');
    return presentUser(actor.user, actor);
  });
};

export default userRoutes;
