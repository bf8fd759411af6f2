import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { auditPage, findAccount } from '../../../views/account.js';
import { createUser } from '../../../services/users.js';
import { recordAudit } from '../../../services/audit.js';
import { requireAccount, setSiteAdmin, setSuspended } from '../../../services/auth.js';
import { forbidden, invalid, notFound } from '../../../errors.js';
import { Message, User, UsernameParams, presentUser } from '../users/schema.js';
import { AuditEvent, AuditQuery, CreateUserBody, EditUserBody } from './schema.js';

const errors = { 401: Message, 403: Message, 404: Message, 409: Message, 422: Message };

/** Site administration, as in Gitea's `/admin/users`, plus the audit trail. */
const adminRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db } = fastify.forge;
  const ctx = fastify.reads;

  fastify.addHook('preValidation', async (request: FastifyRequest) => {
    const actor = requireAccount(request.actor);
    if (!fastify.policy.can(actor, 'site:admin', { type: 'site' })) throw forbidden('Only site administrators may do this.');
  });

  fastify.post(
    '/admin/users',
    { config: { scope: 'write:admin' }, schema: { tags: ['admin'], body: CreateUserBody, response: { 201: User, ...errors } } },
    async (request, reply) => {
      const { username, email, password, full_name: fullName } = request.body;
      const user = await createUser(db, { username, email, password, fullName }, fastify.forge.config.passwordHashCost);
      recordAudit(db, { actor: request.actor, action: 'user.create', target: `user:${user.username}`, ip: request.ip });
      return reply.status(201).send(presentUser(user, request.actor, fastify.forge.config.baseUrl));
    },
  );

  fastify.patch(
    '/admin/users/:username',
    { config: { scope: 'write:admin' }, schema: { tags: ['admin'], params: UsernameParams, body: EditUserBody, response: { 200: User, ...errors } } },
    async (request) => {
      let user = findAccount(ctx, request.params.username);
      if (!user || user.type !== 'user') throw notFound('The user');
      const { prohibit_login: suspend, admin } = request.body;
      const self = request.actor.kind === 'user' && request.actor.user.id === user.id;
      if (self && (suspend === true || admin === false)) throw invalid('You cannot suspend yourself or remove your own administrator flag.');
      if (admin !== undefined) user = setSiteAdmin(db, { actor: request.actor, ip: request.ip }, user, admin);
      if (suspend !== undefined) user = setSuspended(db, { actor: request.actor, ip: request.ip }, user, suspend);
      return presentUser(user, request.actor, fastify.forge.config.baseUrl);
    },
  );

  fastify.get(
    '/admin/audit',
    { config: { scope: 'read:admin' }, schema: { tags: ['admin'], querystring: AuditQuery, response: { 200: Type.Array(AuditEvent), ...errors } } },
    async (request, reply) => {
      const { page, limit, action } = request.query;
      const { rows, total } = auditPage(ctx, { limit, offset: (page - 1) * limit, action });
      reply.header('x-total-count', String(total));
      return rows.map((row) => ({
        id: row.id,
        actor_id: row.actor_id,
        actor: row.actor_name,
        action: row.action,
        target: row.target,
        data: JSON.parse(row.data) as Record<string, unknown>,
        ip: row.ip,
        created: row.created_at,
      }));
    },
  );
};

export default adminRoutes;
