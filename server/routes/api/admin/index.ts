import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../lib/paths.js';
import { auditPage, findAccount } from '../../../views/account.js';
import { adminOrgPage, adminRepoPage, adminUserPage, systemInfo, unadoptedRepositories } from '../../../views/admin.js';
import { createUser } from '../../../services/users.js';
import { recordAudit } from '../../../services/audit.js';
import { requireAccount, setSiteAdmin, setSuspended } from '../../../services/auth.js';
import { editAccountProfile, maintainRepositoryNow, SiteCron, transferRepository } from '../../../services/admin.js';
import { deleteAccountAsAdmin } from '../../../services/account-data.js';
import { MaintenanceScheduler } from '../../../services/maintenance.js';
import { MirrorService } from '../../../services/mirrors.js';
import { presentOrganization } from '../../../presenters/organization.js';
import { presentRepos } from '../../../views/repository.js';
import { forbidden, invalid, notFound } from '../../../errors.js';
import { Message, User, UsernameParams, presentUser } from '../users/schema.js';
import { Organization } from '../../../../contract/organisations.js';
import { Repository } from '../../../../contract/repositories.js';
import { RepoParams } from '../repos/schema.js';
import {
  AdminListQuery,
  AdminRepository,
  AuditEvent,
  AuditQuery,
  CreateUserBody,
  CronParams,
  CronTask,
  DeleteUserQuery,
  EditUserBody,
  SystemInfo,
  TransferRepoOption,
} from './schema.js';

const errors = { 401: Message, 403: Message, 404: Message, 409: Message, 422: Message };
const tags = ['admin'];
const { version } = createRequire(import.meta.url)(join(PROJECT_ROOT, 'package.json')) as { version: string };

/** Gitea's cleanup_hook_task_table keeps finished deliveries for 7 days. */
const DELIVERY_RETENTION_MS = 7 * 24 * 3_600_000;
/** Repack a mirror a little after a sync moved its refs, as after a push. */
const MAINTENANCE_DELAY_MS = 10_000;

/** A date alone stands for the whole day: `until=2026-05-01` includes that day's events. */
const endOfDay = (until: string | undefined) => (until && until.length === 10 ? `${until}T23:59:59.999Z` : until);

/**
 * Site administration, as Gitea's `/admin/*` (users, orgs, unadopted, cron), plus Fabrique's own
 * repository list, per-repository maintenance, system page and audit trail, and the transfer of a
 * repository by an administrator. Every route is for site administrators only.
 */
const adminRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const ctx = fastify.reads;
  const workers = { jobs: fastify.jobs, events: fastify.events };
  const maintenance = new MaintenanceScheduler({
    ...workers,
    delayMs: MAINTENANCE_DELAY_MS,
    onError: (path, err) => fastify.log.error({ err, repoPath: path }, 'repository maintenance failed'),
  });
  // Not started: the mirror-sync plugin's scheduler runs due mirrors every minute; this one runs them on demand.
  const mirrors = new MirrorService({
    db,
    config,
    ...workers,
    onSynced: (path) => maintenance.schedule(path),
    onError: (err, repoId) => fastify.log.warn({ err, repoId }, 'a mirror sync failed'),
  });
  const cron = new SiteCron({
    db,
    config,
    workers,
    mirrors,
    deliveryRetentionMs: DELIVERY_RETENTION_MS,
    onError: (name, err) => fastify.log.error({ err, task: name }, 'a cron task failed'),
  });
  fastify.addHook('onReady', async () => cron.start());
  fastify.addHook('onClose', async () => {
    // Interrupts the fetches of a mirror run under way, so that the cron's wait below is short.
    await mirrors.close();
    await cron.close();
    await maintenance.close();
  });

  fastify.addHook('preValidation', async (request: FastifyRequest) => {
    const actor = requireAccount(request.actor);
    if (!await fastify.policy.can(actor, 'site:admin', { type: 'site' })) throw forbidden('Only site administrators may do this.');
  });

  const caller = (request: FastifyRequest) => ({ actor: request.actor, ip: request.ip });
  const account = async (username: string) => {
    const user = await findAccount(ctx, username);
    if (!user || user.type !== 'user') throw notFound('The user');
    return user;
  };

  fastify.get(
    '/admin/users',
    { config: { scope: 'read:admin' }, schema: { tags, querystring: AdminListQuery, response: { 200: Type.Array(User), ...errors } } },
    async (request, reply) => {
      const { page, limit, q, login_name: loginName } = request.query;
      const { rows, total } = await adminUserPage(ctx, { q: q?.trim() ?? '', loginName: loginName || undefined, limit, offset: (page - 1) * limit });
      reply.header('x-total-count', String(total));
      return rows.map((user) => presentUser(user, request.actor, config.baseUrl));
    },
  );

  fastify.post(
    '/admin/users',
    { config: { scope: 'write:admin' }, schema: { tags, body: CreateUserBody, response: { 201: User, ...errors } } },
    async (request, reply) => {
      const { username, email, password, full_name: fullName } = request.body;
      const user = await createUser(db, { username, email, password, fullName }, config.passwordHashCost);
      await recordAudit(db, { actor: request.actor, action: 'user.create', target: `user:${user.username}`, ip: request.ip });
      return reply.status(201).send(presentUser(user, request.actor, fastify.forge.config.baseUrl));
    },
  );

  fastify.patch(
    '/admin/users/:username',
    { config: { scope: 'write:admin' }, schema: { tags, params: UsernameParams, body: EditUserBody, response: { 200: User, ...errors } } },
    async (request) => {
      let user = await account(request.params.username);
      const { prohibit_login: suspend, admin, full_name: fullName, email } = request.body;
      const self = request.actor.kind === 'user' && request.actor.user.id === user.id;
      if (self && (suspend === true || admin === false)) throw invalid('You cannot suspend yourself or remove your own administrator flag.');
      user = await editAccountProfile(db, caller(request), user, { fullName, email });
      if (admin !== undefined) user = await setSiteAdmin(db, caller(request), user, admin);
      if (suspend !== undefined) user = await setSuspended(db, caller(request), user, suspend);
      return presentUser(user, request.actor, config.baseUrl);
    },
  );

  fastify.delete(
    '/admin/users/:username',
    { config: { scope: 'write:admin' }, schema: { tags, params: UsernameParams, querystring: DeleteUserQuery, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const context = { db, reposDir: config.reposDir, dataDir: config.dataDir, events: fastify.events };
      await deleteAccountAsAdmin(context, caller(request), await account(request.params.username), { purge: request.query.purge, content: request.query.content });
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/admin/orgs',
    { config: { scope: 'read:admin' }, schema: { tags, querystring: AdminListQuery, response: { 200: Type.Array(Organization), ...errors } } },
    async (request, reply) => {
      const { page, limit, q } = request.query;
      const { rows, total } = await adminOrgPage(ctx, { q: q?.trim() ?? '', limit, offset: (page - 1) * limit });
      reply.header('x-total-count', String(total));
      return rows.map((org) => presentOrganization(org, config.baseUrl));
    },
  );

  fastify.get(
    '/admin/repos',
    { config: { scope: 'read:admin' }, schema: { tags, querystring: AdminListQuery, response: { 200: Type.Array(AdminRepository), ...errors } } },
    async (request, reply) => {
      const { page, limit, q } = request.query;
      const { items, total } = await adminRepoPage(ctx, { q: q?.trim() ?? '', limit, offset: (page - 1) * limit });
      reply.header('x-total-count', String(total));
      return items;
    },
  );

  fastify.post(
    '/admin/repos/:owner/:repo/maintenance',
    { config: { scope: 'write:admin', repoAction: 'repo:admin' }, schema: { tags, params: RepoParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await maintainRepositoryNow(db, config.reposDir, workers, caller(request), request.repository);
      return reply.status(204).send(null);
    },
  );

  fastify.post(
    '/repos/:owner/:repo/transfer',
    {
      config: { scope: 'write:repository', repoAction: 'repo:admin' },
      schema: { tags: ['repository'], params: RepoParams, body: TransferRepoOption, response: { 202: Repository, ...errors } },
    },
    async (request, reply) => {
      const newOwner = await findAccount(ctx, request.body.new_owner);
      if (!newOwner) throw invalid(`There is no account or organisation named "${request.body.new_owner}".`, { field: 'new_owner' });
      const moved = await transferRepository(db, config.reposDir, caller(request), request.repository, newOwner, fastify.events);
      // Gitea answers 202 Accepted: a transfer to another account may wait for its acceptance; an administrator's is done at once.
      return reply.status(202).send((await presentRepos(ctx, request.actor, [moved]))[0]);
    },
  );

  fastify.get(
    '/admin/unadopted',
    { config: { scope: 'read:admin' }, schema: { tags, querystring: AdminListQuery, response: { 200: Type.Array(Type.String()), ...errors } } },
    async (request, reply) => {
      const { page, limit, q } = request.query;
      const all = (await unadoptedRepositories(ctx)).filter((name) => !q || name.toLowerCase().includes(q.toLowerCase()));
      reply.header('x-total-count', String(all.length));
      return all.slice((page - 1) * limit, page * limit);
    },
  );

  fastify.get(
    '/admin/cron',
    { config: { scope: 'read:admin' }, schema: { tags, querystring: AdminListQuery, response: { 200: Type.Array(CronTask), ...errors } } },
    async (_request, reply) => {
      const tasks = await cron.list();
      reply.header('x-total-count', String(tasks.length));
      return tasks;
    },
  );

  fastify.post(
    '/admin/cron/:task',
    { config: { scope: 'write:admin' }, schema: { tags, params: CronParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      if (!cron.has(request.params.task)) throw notFound(`The cron task "${request.params.task}"`);
      await recordAudit(db, { ...caller(request), action: 'cron.run', target: `cron:${request.params.task}` });
      // As Gitea: the task starts now and the answer does not wait for it; GET /admin/cron shows its run.
      void cron.runNow(request.params.task).catch((err) => fastify.log.error({ err, task: request.params.task }, 'a cron task failed'));
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/admin/system',
    { config: { scope: 'read:admin' }, schema: { tags, response: { 200: SystemInfo, ...errors } } },
    async () => systemInfo(ctx, version, await cron.list()),
  );

  fastify.get(
    '/admin/audit',
    { config: { scope: 'read:admin' }, schema: { tags, querystring: AuditQuery, response: { 200: Type.Array(AuditEvent), ...errors } } },
    async (request, reply) => {
      const { page, limit, action, actor, repo, since, until } = request.query;
      const { rows, total } = await auditPage(ctx, {
        limit,
        offset: (page - 1) * limit,
        action: action || undefined,
        actor: actor || undefined,
        repo: repo || undefined,
        since: since || undefined,
        until: endOfDay(until || undefined),
      });
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
