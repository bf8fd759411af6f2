import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import {
  GitlabBranch,
  GitlabCommit,
  GitlabCommitDetail,
  GitlabCurrentUser,
  GitlabFile,
  GitlabGroup,
  GitlabStatistics,
  GitlabTag,
  GitlabUser,
  GitlabUserDetail,
  Project,
  SimpleProject,
} from '../../../presenters/gitlab.js';
import {
  currentUser,
  findProject,
  groupProjectRows,
  groupsPage,
  presentProjects,
  presentSimpleProjects,
  projectArchive,
  projectBranch,
  projectBranches,
  projectCommit,
  projectCommits,
  projectFile,
  projectLanguages,
  projectLicense,
  projectRows,
  projectStatistics,
  projectTag,
  projectTags,
  projectTree,
  publicGroup,
  publicUser,
  usersNamed,
} from '../../../views/gitlab.js';
import { ForgeError, notAllowed } from '../../../errors.js';
import { Flag, IsoDate, Paging, gitlabConventions, isoSeconds, paginate, paginateKeyset, pagingOf } from './conventions.js';
import { gitlabCommitStatuses } from '../../../views/statuses.js';
import { gitlabBlame } from '../../../views/blame.js';
import { GitlabCommitStatus } from '../../../presenters/status.js';

const tags = ['gitlab'];
const Message = Type.Object({ message: Type.String() });
const IdParams = Type.Object({ id: Type.String({ maxLength: 300 }) });
const Ref = Type.Optional(Type.String({ maxLength: 255 }));
/** Anonymous reads of public content: no token needed, any token may read. */
const anyone = { scope: 'none' } as const;

const ProjectsQuery = Type.Object({
  ...Paging,
  order_by: Type.Optional(Type.Union(['id', 'created_at', 'updated_at', 'last_activity_at'].map((v) => Type.Literal(v)))),
  sort: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  archived: Flag,
  simple: Flag,
  search: Type.Optional(Type.String({ maxLength: 255 })),
  id_before: Type.Optional(Type.Integer()),
  id_after: Type.Optional(Type.Integer()),
  // The asker's own projects (owned wins, as GitLab), private ones only where its token may read them.
  membership: Flag,
  owned: Flag,
  // A harvester's filter: every project of the public listing is public anyway; with membership or owned it filters.
  visibility: Type.Optional(Type.Literal('public')),
  statistics: Flag,
  with_custom_attributes: Flag,
  pagination: Type.Optional(Type.Union([Type.Literal('offset'), Type.Literal('keyset')])),
});
type ProjectsQuery = Static<typeof ProjectsQuery>;

const WithStatistics = Type.Object({ ...Project.properties, statistics: Type.Optional(GitlabStatistics) });
const TreeQuery = Type.Object({ ...Paging, path: Type.Optional(Type.String({ maxLength: 4096 })), ref: Ref, recursive: Flag });
const TreeEntry = Type.Object({ id: Type.String(), name: Type.String(), type: Type.String(), path: Type.String(), mode: Type.String() });
const FileParams = Type.Object({ id: Type.String({ maxLength: 300 }), file_path: Type.String({ minLength: 1, maxLength: 4096 }) });
const ARCHIVE_TYPES = { zip: 'application/zip', 'tar.gz': 'application/gzip' } as const;

/**
 * A read-only GitLab v4 subset for the national public-code catalogue's harvester and GitLab
 * clients: public projects of public owners, as an anonymous visitor sees them (views/gitlab.ts;
 * only `membership`/`owned` list the asker's own),
 * so a private project is a 404 here as everywhere. GitLab's conventions (content type, booleans,
 * paging) are applied once, by conventions.ts.
 */
const gitlabRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const ctx = fastify.reads;
  gitlabConventions(fastify);

  fastify.get(
    '/projects',
    { config: anyone, schema: { tags, querystring: ProjectsQuery, response: { 200: Type.Array(Type.Union([WithStatistics, SimpleProject])) } } },
    async (request, reply) => {
      const q: ProjectsQuery = request.query;
      const orderBy = q.order_by ?? 'created_at';
      const sort = q.sort ?? 'desc';
      const keyset = q.pagination === 'keyset';
      // As GitLab: keyset paging of projects walks the id only, and ignores `page`.
      if (keyset && orderBy !== 'id') throw notAllowed('Keyset pagination is not yet available for this type of request');
      const paging = keyset ? { ...pagingOf(q), page: 1 } : pagingOf(q);
      const { items, total } = await projectRows(
        ctx,
        request.actor,
        {
          search: q.search,
          archived: q.archived,
          idBefore: q.id_before,
          idAfter: q.id_after,
          orderBy: orderBy as 'id',
          sort,
          mine: q.owned ? 'owned' : q.membership ? 'membership' : undefined,
          publicOnly: q.visibility === 'public',
        },
        paging,
      );
      if (!keyset) paginate(request, reply, total, paging);
      else paginateKeyset(request, reply, total > items.length ? { lastId: items[items.length - 1].id, sort } : null);
      if (q.simple) return presentSimpleProjects(ctx, items);
      const projects = await presentProjects(ctx, items);
      if (!q.statistics) return projects;
      return Promise.all(projects.map(async (json, i) => ({ ...json, statistics: await projectStatistics(ctx, items[i]) })));
    },
  );

  fastify.get(
    '/projects/:id',
    {
      config: anyone,
      schema: { tags, params: IdParams, querystring: Type.Object({ license: Flag, statistics: Flag }), response: { 200: WithStatistics, 404: Message } },
    },
    async (request) => {
      const repo = await findProject(ctx, request.params.id);
      const [json] = await presentProjects(ctx, [repo]);
      return {
        ...json,
        ...(request.query.license ? await projectLicense(ctx, repo, json.web_url) : {}),
        ...(request.query.statistics ? { statistics: await projectStatistics(ctx, repo) } : {}),
      };
    },
  );

  fastify.get(
    '/projects/:id/languages',
    { config: anyone, schema: { tags, params: IdParams, response: { 200: Type.Record(Type.String(), Type.Number()), 404: Message } } },
    async (request) => projectLanguages(ctx, await findProject(ctx, request.params.id)),
  );

  fastify.get(
    '/projects/:id/repository/tags',
    { config: anyone, schema: { tags, params: IdParams, querystring: Type.Object(Paging), response: { 200: Type.Array(GitlabTag), 404: Message } } },
    async (request, reply) => {
      const paging = pagingOf(request.query);
      const { items, total } = await projectTags(ctx, await findProject(ctx, request.params.id), paging);
      paginate(request, reply, total, paging);
      return items;
    },
  );

  fastify.get(
    '/projects/:id/repository/tags/:tag',
    { config: anyone, schema: { tags, params: Type.Object({ id: Type.String({ maxLength: 300 }), tag: Type.String({ maxLength: 255 }) }), response: { 200: GitlabTag, 404: Message } } },
    async (request) => projectTag(ctx, await findProject(ctx, request.params.id), request.params.tag),
  );

  fastify.get(
    '/projects/:id/repository/tree',
    { config: anyone, schema: { tags, params: IdParams, querystring: TreeQuery, response: { 200: Type.Array(TreeEntry), 404: Message } } },
    async (request, reply) => {
      const paging = pagingOf(request.query);
      const { items, total } = await projectTree(ctx, await findProject(ctx, request.params.id), request.query, paging);
      paginate(request, reply, total, paging);
      return items;
    },
  );

  fastify.get(
    '/projects/:id/repository/branches',
    {
      config: anyone,
      schema: { tags, params: IdParams, querystring: Type.Object({ ...Paging, search: Type.Optional(Type.String({ maxLength: 255 })) }), response: { 200: Type.Array(GitlabBranch), 404: Message } },
    },
    async (request, reply) => {
      const paging = pagingOf(request.query);
      const { items, total } = await projectBranches(ctx, await findProject(ctx, request.params.id), request.query.search, paging);
      paginate(request, reply, total, paging);
      return items;
    },
  );

  fastify.get(
    '/projects/:id/repository/branches/:branch',
    { config: anyone, schema: { tags, params: Type.Object({ id: Type.String({ maxLength: 300 }), branch: Type.String({ maxLength: 255 }) }), response: { 200: GitlabBranch, 404: Message } } },
    async (request) => projectBranch(ctx, await findProject(ctx, request.params.id), request.params.branch),
  );

  fastify.get(
    '/projects/:id/repository/commits',
    {
      config: anyone,
      schema: {
        tags,
        params: IdParams,
        querystring: Type.Object({ ...Paging, ref_name: Ref, path: Type.Optional(Type.String({ maxLength: 4096 })), since: IsoDate, until: IsoDate }),
        response: { 200: Type.Array(GitlabCommit), 404: Message },
      },
    },
    async (request, reply) => {
      const paging = pagingOf(request.query);
      const dates = { since: isoSeconds(request.query.since, 'since'), until: isoSeconds(request.query.until, 'until') };
      const { items, total } = await projectCommits(ctx, await findProject(ctx, request.params.id), request.query, dates, paging);
      paginate(request, reply, total, paging);
      return items;
    },
  );

  fastify.get(
    '/projects/:id/repository/commits/:sha',
    { config: anyone, schema: { tags, params: Type.Object({ id: Type.String({ maxLength: 300 }), sha: Type.String({ maxLength: 255 }) }), response: { 200: GitlabCommitDetail, 404: Message } } },
    async (request) => projectCommit(ctx, await findProject(ctx, request.params.id), request.params.sha),
  );

  fastify.get(
    '/projects/:id/repository/commits/:sha/statuses',
    {
      config: anyone,
      schema: { tags, params: Type.Object({ id: Type.String({ maxLength: 300 }), sha: Type.String({ maxLength: 255 }) }), querystring: Type.Object(Paging), response: { 200: Type.Array(GitlabCommitStatus), 404: Message } },
    },
    async (request, reply) => {
      const paging = pagingOf(request.query);
      const { items, total } = await gitlabCommitStatuses(ctx, await findProject(ctx, request.params.id), request.params.sha, paging);
      paginate(request, reply, total, paging);
      return items;
    },
  );

  fastify.get(
    '/projects/:id/repository/files/:file_path/raw',
    { config: anyone, schema: { tags, params: FileParams, querystring: Type.Object({ ref: Ref }) } },
    async (request, reply) => {
      const file = await projectFile(ctx, await findProject(ctx, request.params.id), request.params.file_path, request.query.ref);
      // As GitLab: text as text/plain, anything else as bytes; nosniff keeps a browser from running either.
      return reply
        .type(file.binary ? 'application/octet-stream' : 'text/plain; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .header('x-gitlab-blob-id', file.blob_id)
        .header('x-gitlab-commit-id', file.commit_id)
        .header('x-gitlab-file-path', encodeURI(file.file_path))
        .send(Buffer.from(file.bytes));
    },
  );

  fastify.get(
    '/projects/:id/repository/files/:file_path/blame',
    {
      config: anyone,
      schema: { tags, params: FileParams, querystring: Type.Object({ ref: Ref }), response: { 200: Type.Array(Type.Object({ commit: GitlabCommit, lines: Type.Array(Type.String()) })), 404: Message } },
    },
    async (request) => gitlabBlame(ctx, await findProject(ctx, request.params.id), request.params.file_path, request.query.ref),
  );

  fastify.get(
    '/projects/:id/repository/files/:file_path',
    { config: anyone, schema: { tags, params: FileParams, querystring: Type.Object({ ref: Ref }), response: { 200: GitlabFile, 404: Message } } },
    async (request) => {
      const { bytes: _bytes, binary: _binary, ...file } = await projectFile(ctx, await findProject(ctx, request.params.id), request.params.file_path, request.query.ref);
      return file;
    },
  );

  for (const [suffix, format] of [['', 'tar.gz'], ['.tar.gz', 'tar.gz'], ['.zip', 'zip']] as const) {
    fastify.get(
      `/projects/:id/repository/archive${suffix}`,
      { config: anyone, schema: { tags, params: IdParams, querystring: Type.Object({ sha: Ref, path: Type.Optional(Type.String({ maxLength: 4096 })) }) } },
      async (request, reply) => {
        const archive = await projectArchive(ctx, await findProject(ctx, request.params.id), request.query, format);
        return reply.type(ARCHIVE_TYPES[format]).header('content-disposition', `attachment; filename="${archive.filename}"`).send(archive.stream);
      },
    );
  }

  fastify.get(
    '/user',
    { config: { scope: 'read:user' }, schema: { tags, response: { 200: GitlabCurrentUser, 401: Message } } },
    async (request) => currentUser(ctx, request.actor),
  );

  fastify.get(
    '/users',
    {
      config: anyone,
      schema: { tags, querystring: Type.Object({ ...Paging, username: Type.Optional(Type.String({ maxLength: 100 })) }), response: { 200: Type.Array(GitlabUser), 403: Message } },
    },
    async (request, reply) => {
      const { username } = request.query;
      // Anonymous visitors may only look an account up by name, as on gitlab.com.
      if (username === undefined) throw new ForgeError('forbidden', '403 Forbidden - Listing users requires a username');
      const found = await usersNamed(ctx, username);
      paginate(request, reply, found.length, { page: 1, perPage: pagingOf(request.query).perPage });
      return found;
    },
  );

  fastify.get(
    '/users/:id',
    { config: anyone, schema: { tags, params: Type.Object({ id: Type.String({ maxLength: 100 }) }), response: { 200: GitlabUserDetail, 404: Message } } },
    async (request) => await publicUser(ctx, request.params.id),
  );

  fastify.get(
    '/groups',
    {
      config: anyone,
      schema: { tags, querystring: Type.Object({ ...Paging, search: Type.Optional(Type.String({ maxLength: 255 })), all_available: Flag }), response: { 200: Type.Array(GitlabGroup) } },
    },
    async (request, reply) => {
      const paging = pagingOf(request.query);
      const { items, total } = await groupsPage(ctx, request.query.search, paging);
      paginate(request, reply, total, paging);
      return items;
    },
  );

  fastify.get('/groups/:id', { config: anyone, schema: { tags, params: IdParams, response: { 200: GitlabGroup, 404: Message } } }, async (request) => await publicGroup(ctx, request.params.id));

  fastify.get(
    '/groups/:id/projects',
    {
      config: anyone,
      schema: { tags, params: IdParams, querystring: Type.Object({ ...Paging, simple: Flag }), response: { 200: Type.Array(Type.Union([Project, SimpleProject])), 404: Message } },
    },
    async (request, reply) => {
      const paging = pagingOf(request.query);
      const { items, total } = await groupProjectRows(ctx, request.params.id, paging);
      paginate(request, reply, total, paging);
      return request.query.simple ? presentSimpleProjects(ctx, items) : presentProjects(ctx, items);
    },
  );

  fastify.get('/version', { config: anyone, schema: { tags, response: { 200: Type.Object({ version: Type.String(), revision: Type.String(), enterprise: Type.Boolean() }) } } }, async () => VERSION);

  fastify.get(
    '/metadata',
    {
      config: anyone,
      schema: {
        tags,
        response: {
          200: Type.Object({
            version: Type.String(),
            revision: Type.String(),
            kas: Type.Object({ enabled: Type.Boolean(), externalUrl: Type.Null(), externalK8sProxyUrl: Type.Null(), version: Type.Null() }),
            enterprise: Type.Boolean(),
          }),
        },
      },
    },
    async () => ({ ...VERSION, kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null } }),
  );
};

/** The GitLab release whose v4 API shapes Fabrique follows. */
const VERSION = { version: '17.0.0', revision: 'fabrique', enterprise: false };

export default gitlabRoutes;
