import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { accessTokensOf, findAccount, visibleUser, type TokenRow, type UserRow } from '../../../views/account.js';
import type { Actor } from '../../../auth/policy.js';
import { createAccessToken, requirePasswordOrSession, revokeAccessToken } from '../../../services/auth.js';
import { forbidden, notFound } from '../../../errors.js';
import { AccessToken, CreateAccessTokenBody, Message, TokenParams, User, UsernameParams, presentUser } from './schema.js';

function presentToken(token: TokenRow, value?: string): AccessToken {
  return {
    id: token.id,
    name: token.name,
    ...(value === undefined ? {} : { sha1: value }),
    token_last_eight: token.token_last_eight,
    scopes: token.scopes.split(',').filter(Boolean),
    created_at: token.created_at,
    last_used_at: token.last_used_at,
  };
}

const errors = { 401: Message, 403: Message, 404: Message, 409: Message, 422: Message };

/** Public profiles (`/users/{username}`) and personal access tokens (`/users/{username}/tokens`), as in Gitea. */
const usersRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db } = fastify.forge;
  const ctx = fastify.reads;

  /** The account whose tokens are managed: the caller itself, or anyone for a site administrator. */
  async function tokenOwner(actor: Actor, username: string): Promise<UserRow> {
    const account = requirePasswordOrSession(actor);
    const owner = await findAccount(ctx, username);
    if (!owner || owner.type !== 'user') throw notFound('The user');
    if (!await fastify.policy.can(account, 'user:write', { type: 'user', user: owner })) throw forbidden('You may manage only your own tokens.');
    return owner;
  }

  fastify.get(
    '/users/:username',
    { config: { scope: 'read:user' }, schema: { tags: ['user'], params: UsernameParams, response: { 200: User, 404: Message } } },
    async (request) => {
      const user = await visibleUser(ctx, request.actor, request.params.username);
      if (!user) throw notFound('The user');
      return presentUser(user, request.actor, fastify.forge.config.baseUrl);
    },
  );

  fastify.get(
    '/users/:username/tokens',
    { config: { scope: 'read:user' }, schema: { tags: ['user'], params: UsernameParams, response: { 200: Type.Array(AccessToken), ...errors } } },
    async (request) => (await accessTokensOf(ctx, await tokenOwner(request.actor, request.params.username))).map((t) => presentToken(t)),
  );

  fastify.post(
    '/users/:username/tokens',
    { config: { scope: 'write:user' }, schema: { tags: ['user'], params: UsernameParams, body: CreateAccessTokenBody, response: { 201: AccessToken, ...errors } } },
    async (request, reply) => {
      const owner = await tokenOwner(request.actor, request.params.username);
      const { row, value } = await createAccessToken(db, { actor: request.actor, ip: request.ip }, owner, request.body);
      return reply.status(201).send(presentToken(row, value));
    },
  );

  fastify.delete(
    '/users/:username/tokens/:token',
    { config: { scope: 'write:user' }, schema: { tags: ['user'], params: TokenParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const owner = await tokenOwner(request.actor, request.params.username);
      await revokeAccessToken(db, { actor: request.actor, ip: request.ip }, owner, request.params.token);
      return reply.status(204).send(null);
    },
  );
};

export default usersRoutes;
