import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findOrganisation } from '../../../views/organisation.js';
import { deliveriesOf, hooksOf, type WebhookOwner } from '../../../views/webhooks.js';
import { createHook, editHook, redeliver, removeHook, requireHook, testHook, type WebhookContext } from '../../../services/webhooks.js';
import { requireAccount } from '../../../services/auth.js';
import { presentHook } from '../../../presenters/webhook.js';
import { forbidden } from '../../../errors.js';
import { requireOrgAccess } from '../orgs/access.js';
import { GITEA_DEFAULT_LIMIT, pageLinks } from '../paging.js';
import {
  AdminDeliveryParams,
  AdminHookParams,
  CreateHookOption,
  DeliveriesQuery,
  EditHookOption,
  Hook,
  HookDelivery,
  OrgDeliveryParams,
  OrgHookParams,
  OrgHooksParams,
  RepoDeliveryParams,
  RepoHookParams,
  RepoHooksParams,
  errors,
} from './schema.js';

type Scope = 'repository' | 'organization' | 'admin';

/** Where a group of hooks lives: its URL prefix, its token scope family and how a request finds its owner (checking access). */
interface HookOwnerKind {
  scope: Scope;
  prefix: string;
  params: { hooks: typeof RepoHooksParams | typeof OrgHooksParams | null; hook: typeof RepoHookParams | typeof OrgHookParams | typeof AdminHookParams; delivery: typeof RepoDeliveryParams | typeof OrgDeliveryParams | typeof AdminDeliveryParams };
  /** Repository hooks are checked by the repository plugin (`repoAction`); the others here. */
  repoAction?: 'repo:admin';
  owner: (request: FastifyRequest) => WebhookOwner | Promise<WebhookOwner>;
  tag: string;
}

const DELIVERIES_NOTE = "Fabrique's addition: Gitea shows deliveries only in its web UI.";

/** Registers the same hook endpoints for one kind of owner. */
function hookRoutes(fastify: FastifyInstance, ctx: WebhookContext, kind: HookOwnerKind): void {
  const typed = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = ctx;
  const read = { scope: `read:${kind.scope}` as const, ...(kind.repoAction ? { repoAction: kind.repoAction } : {}) };
  const write = { scope: `write:${kind.scope}` as const, ...(kind.repoAction ? { repoAction: kind.repoAction } : {}) };
  const tags = [kind.tag];
  const by = (request: FastifyRequest) => ({ actor: request.actor, ip: request.ip });
  // Site hooks' list has no path parameter: no params schema at all (an undefined one makes Fastify warn).
  const listParams = kind.params.hooks ? { params: kind.params.hooks } : {};

  typed.get(`${kind.prefix}/hooks`, { config: read, schema: { tags, ...listParams, response: { 200: Type.Array(Hook), ...errors } } }, async (request) =>
    await hooksOf(db, (await kind.owner(request))),
  );

  typed.post(
    `${kind.prefix}/hooks`,
    { config: write, schema: { tags, ...listParams, body: CreateHookOption, response: { 201: Hook, ...errors } } },
    async (request, reply) => reply.status(201).send(presentHook(await createHook(ctx, (await kind.owner(request)), request.body, by(request)))),
  );

  typed.get(`${kind.prefix}/hooks/:id`, { config: read, schema: { tags, params: kind.params.hook, response: { 200: Hook, ...errors } } }, async (request) => {
    const params = request.params as { id: number };
    return presentHook(await requireHook(db, (await kind.owner(request)), params.id));
  });

  typed.patch(
    `${kind.prefix}/hooks/:id`,
    { config: write, schema: { tags, params: kind.params.hook, body: EditHookOption, response: { 200: Hook, ...errors } } },
    async (request) => presentHook(await editHook(ctx, (await kind.owner(request)), (request.params as { id: number }).id, request.body, by(request))),
  );

  typed.delete(`${kind.prefix}/hooks/:id`, { config: write, schema: { tags, params: kind.params.hook, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    await removeHook(ctx, (await kind.owner(request)), (request.params as { id: number }).id, by(request));
    return reply.status(204).send(null);
  });

  typed.post(
    `${kind.prefix}/hooks/:id/tests`,
    { config: write, schema: { tags, params: kind.params.hook, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const owner = (await kind.owner(request));
      const hook = await requireHook(db, owner, (request.params as { id: number }).id);
      await testHook(ctx, hook, kind.repoAction ? request.repository : null, fastify.policy.signedIn(request.actor));
      return reply.status(204).send(null);
    },
  );

  typed.get(
    `${kind.prefix}/hooks/:id/deliveries`,
    {
      config: read,
      schema: { tags, description: `A hook's deliveries, newest first. ${DELIVERIES_NOTE}`, params: kind.params.hook, querystring: DeliveriesQuery, response: { 200: Type.Array(HookDelivery), ...errors } },
    },
    async (request, reply) => {
      const hook = await requireHook(db, (await kind.owner(request)), (request.params as { id: number }).id);
      const page = request.query.page ?? 1;
      const limit = request.query.limit ?? GITEA_DEFAULT_LIMIT;
      const { items, total } = await deliveriesOf(db, hook.id, { limit, offset: (page - 1) * limit });
      reply.header('x-total-count', String(total));
      const link = pageLinks(request, ctx.config.baseUrl, { page, perPage: limit, total, size: 'limit' });
      if (link !== '') reply.header('link', link);
      return items;
    },
  );

  typed.post(
    `${kind.prefix}/hooks/:id/deliveries/:uuid/redeliver`,
    { config: write, schema: { tags, description: `Sends a delivery again, now. ${DELIVERIES_NOTE}`, params: kind.params.delivery, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const params = request.params as { id: number; uuid: string };
      await redeliver(ctx, await requireHook(db, (await kind.owner(request)), params.id), params.uuid);
      return reply.status(204).send(null);
    },
  );
}

/** Webhooks of repositories, organisations and the site (Gitea's `/repos/{o}/{r}/hooks`, `/orgs/{org}/hooks`, `/admin/hooks`). */
const webhookRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const ctx: WebhookContext = { db, config, wake: () => fastify.webhooks.wake() };

  hookRoutes(fastify, ctx, {
    scope: 'repository',
    prefix: '/repos/:owner/:repo',
    tag: 'repository',
    params: { hooks: RepoHooksParams, hook: RepoHookParams, delivery: RepoDeliveryParams },
    repoAction: 'repo:admin',
    owner: (request) => ({ repoId: request.repository.id }),
  });

  hookRoutes(fastify, ctx, {
    scope: 'organization',
    prefix: '/orgs/:org',
    tag: 'organization',
    params: { hooks: OrgHooksParams, hook: OrgHookParams, delivery: OrgDeliveryParams },
    owner: async (request) => {
      const { org } = request.params as { org: string };
      return { orgId: (await requireOrgAccess(fastify, request.actor, await findOrganisation(fastify.reads, org), 'org:admin')).id };
    },
  });

  hookRoutes(fastify, ctx, {
    scope: 'admin',
    prefix: '/admin',
    tag: 'admin',
    params: { hooks: null, hook: AdminHookParams, delivery: AdminDeliveryParams },
    owner: async (request) => {
      const actor = requireAccount(request.actor);
      if (!(await fastify.policy.can(actor, 'site:admin', { type: 'site' }))) throw forbidden('Only site administrators may do this.');
      return 'site' as const;
    },
  });
};

export default webhookRoutes;
