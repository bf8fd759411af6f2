import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { repositoryById, topicPage, TREE_PAGE_SIZE } from '../../../views/repository.js';
import { CONTENTS_LIMIT } from '../../../views/browse.js';
import { Repository } from '../../../presenters/repository.js';
import { REACTIONS } from '../../../../contract/issues.js';
import { GeneralAPISettings, GeneralRepoSettings, GeneralUISettings, TopicSearchResult } from '../../../../contract/repositories.js';
import { GITEA_DEFAULT_LIMIT } from '../paging.js';
import { MAX_RESPONSE_ITEMS, Paging, errors } from './schema.js';

const tags = ['repository'];
const settingsTags = ['settings'];
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const TopicQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })), page: Paging.properties.page, limit: Paging.properties.limit });

/** Gitea's forge-wide reads beside the repositories: a repository by id, topic search and the instance's settings. */
const siteRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = fastify.reads;

  fastify.get(
    '/repositories/:id',
    { config: { scope: 'read:repository' }, schema: { tags, params: IdParams, response: { 200: Repository, ...errors } } },
    async (request) => await repositoryById(ctx, request.actor, request.params.id),
  );

  fastify.get(
    '/topics/search',
    { config: { scope: 'read:repository' }, schema: { tags, querystring: TopicQuery, response: { 200: TopicSearchResult, ...errors } } },
    async (request, reply) => {
      const { items, total } = await topicPage(ctx, request.actor, request.query.q ?? '', request.query);
      reply.header('x-total-count', String(total));
      return { topics: items };
    },
  );

  fastify.get('/settings/api', { config: { scope: 'read:misc' }, schema: { tags: settingsTags, response: { 200: GeneralAPISettings } } }, async () => ({
    max_response_items: MAX_RESPONSE_ITEMS,
    default_paging_num: GITEA_DEFAULT_LIMIT,
    default_git_trees_per_page: TREE_PAGE_SIZE,
    default_max_blob_size: CONTENTS_LIMIT,
  }));

  fastify.get('/settings/repository', { config: { scope: 'read:misc' }, schema: { tags: settingsTags, response: { 200: GeneralRepoSettings } } }, async () => ({
    mirrors_disabled: false,
    http_git_disabled: false,
    migrations_disabled: false,
    // Fabrique has no stars, time tracking or LFS.
    stars_disabled: true,
    time_tracking_disabled: true,
    lfs_disabled: true,
  }));

  fastify.get('/settings/ui', { config: { scope: 'read:misc' }, schema: { tags: settingsTags, response: { 200: GeneralUISettings } } }, async () => ({
    default_theme: 'fabrique',
    allowed_reactions: [...REACTIONS],
    custom_emojis: [],
  }));
};

export default siteRoutes;
