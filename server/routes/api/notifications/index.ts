import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { NotificationCount, NotificationThread, WatchInfo } from '../../../presenters/notification.js';
import { UserSummary } from '../../../presenters/user.js';
import { Repository } from '../../../presenters/repository.js';
import { markNotifications, markThread, subscribeUser, unwatchRepository, watchRepository } from '../../../services/notifications.js';
import {
  conversationSubscribers,
  conversationSubscription,
  isoTime,
  notificationFilter,
  notificationPage,
  notificationThread,
  presentNotifications,
  repositoryWatch,
  repositoryWatchInfo,
  repositoryWatchers,
  requireConversation,
  unreadCount,
  watchedRepositories,
} from '../../../views/notifications.js';
import { visibleUser } from '../../../views/account.js';
import type { RepoRow } from '../../../views/repository.js';
import { notFound } from '../../../errors.js';
import { RepoParams } from '../repos/schema.js';
import {
  ConversationParams,
  ConversationUserParams,
  MarkNotificationsQuery,
  NotificationListQuery,
  Paging,
  ThreadParams,
  ThreadStatusQuery,
  errors,
} from './schema.js';

const tags = ['notification'];

/**
 * Gitea's notifications (the inbox, per repository, one thread), repository watches and issue
 * subscriptions. A notification of a repository its owner may no longer read is neither listed,
 * counted, shown nor marked.
 */
const notificationRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const reads = fastify.reads;
  const writes = { db: fastify.forge.db, policy: fastify.policy };

  /** Gitea's list answer: the page, with its total for X-Total-Count (and so the Link header). */
  const page = <T>(reply: FastifyReply, result: { items: T[]; total: number }): T[] => {
    reply.header('x-total-count', String(result.total));
    return result.items;
  };

  /** Gitea's list query in the view's terms. */
  const listQuery = (query: NotificationListQuery, repo?: RepoRow) => ({
    all: query.all,
    statusTypes: query['status-types'],
    subjectTypes: query['subject-type'],
    since: query.since,
    before: query.before,
    repo,
    page: query.page ?? 1,
    limit: query.limit ?? 30,
  });

  /** Gitea's "mark as read": unread ones by default, every status with `all`, those updated before `last_read_at`. */
  const mark = async (request: { actor: Parameters<typeof markNotifications>[1]; query: MarkNotificationsQuery }, repo?: RepoRow) => {
    const { query } = request;
    const filter = { ...notificationFilter({ all: query.all, statusTypes: query['status-types'] }, ['unread']), before: isoTime(query.last_read_at, 'last_read_at') };
    return presentNotifications(reads, await markNotifications(writes, request.actor, { ...filter, repoId: repo?.id }, query['to-status'] ?? 'read'));
  };

  fastify.get(
    '/notifications',
    { config: { scope: 'read:notification' }, schema: { tags, querystring: NotificationListQuery, response: { 200: Type.Array(NotificationThread), ...errors } } },
    async (request, reply) => page(reply, await notificationPage(reads, request.actor, listQuery(request.query))),
  );

  fastify.put(
    '/notifications',
    { config: { scope: 'write:notification' }, schema: { tags, querystring: MarkNotificationsQuery, response: { 205: Type.Array(NotificationThread), ...errors } } },
    async (request, reply) => reply.status(205).send(await mark(request)),
  );

  fastify.get(
    '/notifications/new',
    { config: { scope: 'read:notification' }, schema: { tags, response: { 200: NotificationCount, ...errors } } },
    async (request) => await unreadCount(reads, request.actor),
  );

  fastify.get(
    '/notifications/threads/:id',
    { config: { scope: 'read:notification' }, schema: { tags, params: ThreadParams, response: { 200: NotificationThread, ...errors } } },
    async (request) => await notificationThread(reads, request.actor, request.params.id),
  );

  fastify.patch(
    '/notifications/threads/:id',
    { config: { scope: 'write:notification' }, schema: { tags, params: ThreadParams, querystring: ThreadStatusQuery, response: { 205: NotificationThread, ...errors } } },
    async (request, reply) => {
      const row = await markThread(writes, request.actor, request.params.id, request.query['to-status'] ?? 'read');
      return reply.status(205).send(presentNotifications(reads, [row])[0]);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/notifications',
    { config: { scope: 'read:notification' }, schema: { tags, params: RepoParams, querystring: NotificationListQuery, response: { 200: Type.Array(NotificationThread), ...errors } } },
    async (request, reply) => page(reply, await notificationPage(reads, request.actor, listQuery(request.query, request.repository))),
  );

  fastify.put(
    '/repos/:owner/:repo/notifications',
    { config: { scope: 'write:notification' }, schema: { tags, params: RepoParams, querystring: MarkNotificationsQuery, response: { 205: Type.Array(NotificationThread), ...errors } } },
    async (request, reply) => reply.status(205).send(await mark(request, request.repository)),
  );

  fastify.get(
    '/repos/:owner/:repo/subscription',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, response: { 200: WatchInfo, ...errors } } },
    async (request) => await repositoryWatch(reads, request.actor, request.repository),
  );

  // Fabrique's own, for the web's Watch button: Gitea's GET above answers 404 when not watching,
  // which browsers log as an error on every repository page.
  fastify.get(
    '/repos/:owner/:repo/subscription/check',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, response: { 200: WatchInfo, ...errors } } },
    async (request) => await repositoryWatchInfo(reads, request.actor, request.repository),
  );

  fastify.put(
    '/repos/:owner/:repo/subscription',
    { config: { scope: 'write:repository' }, schema: { tags, params: RepoParams, response: { 200: WatchInfo, ...errors } } },
    async (request) => {
      await watchRepository(writes, request.actor, request.repository);
      return await repositoryWatch(reads, request.actor, request.repository);
    },
  );

  fastify.delete(
    '/repos/:owner/:repo/subscription',
    { config: { scope: 'write:repository' }, schema: { tags, params: RepoParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await unwatchRepository(writes, request.actor, request.repository);
      return reply.status(204).send(null);
    },
  );

  fastify.get(
    '/repos/:owner/:repo/subscribers',
    { config: { scope: 'read:repository' }, schema: { tags, params: RepoParams, querystring: Paging, response: { 200: Type.Array(UserSummary), ...errors } } },
    async (request, reply) => page(reply, await repositoryWatchers(reads, request.repository, { page: request.query.page ?? 1, limit: request.query.limit ?? 30 })),
  );

  fastify.get(
    '/user/subscriptions',
    { config: { scope: 'read:user' }, schema: { tags, querystring: Paging, response: { 200: Type.Array(Repository), ...errors } } },
    async (request, reply) => page(reply, await watchedRepositories(reads, request.actor, { page: request.query.page ?? 1, limit: request.query.limit ?? 30 })),
  );

  fastify.get(
    '/repos/:owner/:repo/issues/:index/subscriptions',
    { config: { scope: 'read:issue' }, schema: { tags, params: ConversationParams, querystring: Paging, response: { 200: Type.Array(UserSummary), ...errors } } },
    async (request, reply) => {
      const { number } = await requireConversation(reads, request.repository, request.params.index);
      return page(reply, await conversationSubscribers(reads, request.repository, number, { page: request.query.page ?? 1, limit: request.query.limit ?? 30 }));
    },
  );

  fastify.get(
    '/repos/:owner/:repo/issues/:index/subscriptions/check',
    { config: { scope: 'read:issue' }, schema: { tags, params: ConversationParams, response: { 200: WatchInfo, ...errors } } },
    async (request) => {
      const user = fastify.policy.signedIn(request.actor);
      const { number } = await requireConversation(reads, request.repository, request.params.index);
      return await conversationSubscription(reads, request.repository, number, user);
    },
  );

  /** Gitea's answer to a subscription change: 201 when it changed something, 200 when it was already so. */
  const subscription = (subscribed: boolean) => async (request: { actor: Parameters<typeof subscribeUser>[1]; repository: RepoRow; params: { index: number; user: string } }, reply: FastifyReply) => {
    fastify.policy.signedIn(request.actor);
    const { number } = await requireConversation(reads, request.repository, request.params.index);
    const user = await visibleUser(reads, request.actor, request.params.user);
    if (!user) throw notFound(`The user "${request.params.user}"`);
    const changed = await subscribeUser(writes, request.actor, request.repository, number, user, subscribed);
    return reply.status(changed ? 201 : 200).send(null);
  };
  const subscriptionSchema = { tags, params: ConversationUserParams, response: { 200: Type.Null(), 201: Type.Null(), ...errors } };
  fastify.put('/repos/:owner/:repo/issues/:index/subscriptions/:user', { config: { scope: 'write:issue' }, schema: subscriptionSchema }, subscription(true));
  fastify.delete('/repos/:owner/:repo/issues/:index/subscriptions/:user', { config: { scope: 'write:issue' }, schema: subscriptionSchema }, subscription(false));
};

export default notificationRoutes;
