import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ANONYMOUS } from '../../../auth/policy.js';
import { findRepo, findRepoById, type RepoRow } from '../../../db/repos.js';
import { findUserById, findUserByName, type UserRow } from '../../../db/users.js';
import { listPublicProjects, publicForkCounts, topicsByRepo } from '../../../db/catalogue.js';
import { repoPath } from '../../../git/store.js';
import { RepoReader, gitDate, type GitEntry } from '../../../git/read.js';
import { licenceInfo } from '../../../services/licences.js';
import { repoFacts } from '../../../services/catalogue.js';
import { ForgeError } from '../../../errors.js';
import {
  GitlabLicense,
  Project,
  SimpleProject,
  presentGitlabUser,
  presentGroup,
  presentProject,
  presentSimpleProject,
  type ProjectExtras,
} from '../../../presenters/gitlab.js';

const tags = ['gitlab'];
const Message = Type.Object({ message: Type.String() });
const IdParams = Type.Object({ id: Type.String({ maxLength: 300 }) });
const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};
const Flag = Type.Optional(Type.Boolean());

const ProjectsQuery = Type.Object({
  ...Paging,
  order_by: Type.Optional(Type.Union(['id', 'created_at', 'updated_at', 'last_activity_at'].map((v) => Type.Literal(v)))),
  sort: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  archived: Flag,
  simple: Flag,
  search: Type.Optional(Type.String({ maxLength: 255 })),
  id_before: Type.Optional(Type.Integer()),
  id_after: Type.Optional(Type.Integer()),
  // Filters a harvester may send for anonymous listings: every project listed here is public anyway.
  visibility: Type.Optional(Type.Literal('public')),
  statistics: Flag,
  with_custom_attributes: Flag,
});
type ProjectsQuery = Static<typeof ProjectsQuery>;

const TreeQuery = Type.Object({ ...Paging, path: Type.Optional(Type.String({ maxLength: 4096 })), ref: Type.Optional(Type.String({ maxLength: 255 })), recursive: Flag });
const TreeEntry = Type.Object({ id: Type.String(), name: Type.String(), type: Type.String(), path: Type.String(), mode: Type.String() });
const CommitSummary = Type.Object({
  id: Type.String(),
  short_id: Type.String(),
  title: Type.String(),
  message: Type.String(),
  author_name: Type.String(),
  author_email: Type.String(),
  authored_date: Type.String(),
  committer_name: Type.String(),
  committer_email: Type.String(),
  committed_date: Type.String(),
  created_at: Type.String(),
  parent_ids: Type.Array(Type.String()),
  web_url: Type.String(),
});
const TagJson = Type.Object({
  name: Type.String(),
  message: Type.String(),
  target: Type.String(),
  commit: CommitSummary,
  release: Type.Null(),
  protected: Type.Boolean(),
});

/** A recursive tree listing stops here, so one request stays bounded. */
const TREE_LIMIT = 10_000;

/** GitLab's 404 body. */
const gitlabNotFound = (what: string) => new ForgeError('not_found', `404 ${what} Not Found`);

/**
 * A read-only GitLab v4 subset for the national public-code catalogue's harvester: public
 * projects of public owners, anonymously. Whoever asks, only what an anonymous visitor may read
 * is shown, so a private project is a 404 here as everywhere.
 */
const gitlabRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const readable = (repo: RepoRow | undefined): repo is RepoRow => repo !== undefined && fastify.policy.can(ANONYMOUS, 'repo:read', { type: 'repo', repo });

  /** `{id}` is a number or an owner/name path (sent URL-encoded as `owner%2Fname`; Fastify decodes it). */
  function project(id: string): RepoRow {
    const repo = /^\d+$/.test(id) ? findRepoById(db, Number(id)) : id.split('/').length === 2 ? findRepo(db, ...(id.split('/') as [string, string])) : undefined;
    if (!readable(repo)) throw gitlabNotFound('Project');
    return repo;
  }

  async function extras(repos: RepoRow[]): Promise<Map<number, ProjectExtras>> {
    const ids = repos.map((r) => r.id);
    const topics = topicsByRepo(db, ids);
    const forks = publicForkCounts(db, ids);
    const result = new Map<number, ProjectExtras>();
    for (const repo of repos) {
      const facts = await repoFacts(db, config.reposDir, repo);
      result.set(repo.id, { topics: topics.get(repo.id) ?? [], forksCount: forks.get(repo.id) ?? 0, readme: facts.readme_file });
    }
    return result;
  }

  async function presentFull(repos: RepoRow[]): Promise<Project[]> {
    const parents = repos.map((r) => (r.fork_id === null ? undefined : findRepoById(db, r.fork_id))).filter(readable);
    const known = await extras([...repos, ...parents]);
    return repos.map((repo) => {
      const parent = parents.find((p) => p.id === repo.fork_id);
      return presentProject(repo, known.get(repo.id) as ProjectExtras, config.baseUrl, parent ? { repo: parent, extras: known.get(parent.id) as ProjectExtras } : null);
    });
  }

  /** GitLab's pagination headers, the Link header with absolute URLs of the same query. */
  function paginate(request: FastifyRequest, reply: FastifyReply, total: number, page: number, perPage: number): void {
    const pages = Math.max(1, Math.ceil(total / perPage));
    const link = (p: number) => {
      const url = new URL(request.url, config.baseUrl);
      url.searchParams.set('page', String(p));
      url.searchParams.set('per_page', String(perPage));
      return `<${config.baseUrl}${url.pathname}${url.search}>`;
    };
    const links = [];
    if (page > 1) links.push(`${link(page - 1)}; rel="prev"`);
    if (page < pages) links.push(`${link(page + 1)}; rel="next"`);
    links.push(`${link(1)}; rel="first"`, `${link(pages)}; rel="last"`);
    reply.headers({
      'x-total': String(total),
      'x-total-pages': String(pages),
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': page < pages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
      link: links.join(', '),
    });
  }

  fastify.get(
    '/projects',
    { config: { scope: 'none' }, schema: { tags, querystring: ProjectsQuery, response: { 200: Type.Array(Type.Union([Project, SimpleProject])) } } },
    async (request, reply) => {
      const q: ProjectsQuery = request.query;
      const page = q.page ?? 1;
      const perPage = q.per_page ?? 20;
      const { rows, total } = listPublicProjects(db, {
        search: q.search,
        archived: q.archived,
        idBefore: q.id_before,
        idAfter: q.id_after,
        orderBy: (q.order_by ?? 'created_at') as 'id',
        sort: q.sort ?? 'desc',
        limit: perPage,
        offset: (page - 1) * perPage,
      });
      paginate(request, reply, total, page, perPage);
      if (q.simple) {
        const known = await extras(rows);
        return rows.map((repo) => presentSimpleProject(repo, known.get(repo.id) as ProjectExtras, config.baseUrl));
      }
      return presentFull(rows);
    },
  );

  fastify.get(
    '/projects/:id',
    { config: { scope: 'none' }, schema: { tags, params: IdParams, querystring: Type.Object({ license: Flag, statistics: Flag }), response: { 200: Project, 404: Message } } },
    async (request) => {
      const repo = project(request.params.id);
      const [json] = await presentFull([repo]);
      if (!request.query.license) return json;
      const facts = await repoFacts(db, config.reposDir, repo);
      const id = facts.declared_licence ?? facts.detected_licence;
      const info = id ? licenceInfo(id) : null;
      const license: Static<typeof GitlabLicense> | null = id
        ? {
            key: id.toLowerCase(),
            name: info?.name ?? id,
            nickname: null,
            html_url: `https://spdx.org/licenses/${encodeURIComponent(id.replace(/\+$/, ''))}.html`,
            source_url: info?.url ?? null,
          }
        : null;
      const licenseUrl = facts.licence_file && json.default_branch ? `${json.web_url}/src/branch/${encodeURIComponent(json.default_branch)}/${encodeURIComponent(facts.licence_file)}` : null;
      return { ...json, license_url: licenseUrl, license };
    },
  );

  fastify.get(
    '/projects/:id/repository/tags',
    { config: { scope: 'none' }, schema: { tags, params: IdParams, querystring: Type.Object(Paging), response: { 200: Type.Array(TagJson), 404: Message } } },
    async (request, reply) => {
      const repo = project(request.params.id);
      const reader = new RepoReader(repoPath(config.reposDir, repo.owner_name, repo.name));
      const all = repo.is_empty ? [] : await reader.tags();
      const page = request.query.page ?? 1;
      const perPage = request.query.per_page ?? 20;
      paginate(request, reply, all.length, page, perPage);
      const webUrl = `${config.baseUrl}/${repo.owner_name}/${repo.name}`;
      return Promise.all(
        all.slice((page - 1) * perPage, page * perPage).map(async (tag) => {
          const commit = await reader.commit(tag.commit);
          const [title] = commit.message.split('\n');
          return {
            name: tag.name,
            message: tag.message.trim(),
            target: tag.id,
            commit: {
              id: commit.oid,
              short_id: commit.oid.slice(0, 8),
              title,
              message: commit.message,
              author_name: commit.author.name,
              author_email: commit.author.email,
              authored_date: gitDate(commit.author),
              committer_name: commit.committer.name,
              committer_email: commit.committer.email,
              committed_date: gitDate(commit.committer),
              created_at: gitDate(commit.committer),
              parent_ids: commit.parents,
              web_url: `${webUrl}/commit/${commit.oid}`,
            },
            release: null,
            protected: false,
          };
        }),
      );
    },
  );

  fastify.get(
    '/projects/:id/repository/tree',
    { config: { scope: 'none' }, schema: { tags, params: IdParams, querystring: TreeQuery, response: { 200: Type.Array(TreeEntry), 404: Message } } },
    async (request, reply) => {
      const repo = project(request.params.id);
      const reader = new RepoReader(repoPath(config.reposDir, repo.owner_name, repo.name));
      const resolved = repo.is_empty ? null : await reader.resolve(request.query.ref ?? repo.default_branch);
      if (!resolved) throw gitlabNotFound('Tree');
      const folder = await reader.entryAt(resolved.oid, request.query.path ?? '');
      if (!folder || folder.type !== 'tree') throw gitlabNotFound('Tree');
      const entries: GitEntry[] = [];
      const visit = async (tree: GitEntry) => {
        for (const entry of await reader.listFolder(tree)) {
          if (entries.length >= TREE_LIMIT) return;
          entries.push(entry);
          if (request.query.recursive && entry.type === 'tree') await visit(entry);
        }
      };
      await visit(folder);
      const page = request.query.page ?? 1;
      const perPage = request.query.per_page ?? 20;
      paginate(request, reply, entries.length, page, perPage);
      return entries.slice((page - 1) * perPage, page * perPage).map((e) => ({ id: e.oid, name: e.name, type: e.type, path: e.path, mode: e.mode }));
    },
  );

  fastify.get(
    '/users',
    { config: { scope: 'none' }, schema: { tags, querystring: Type.Object({ ...Paging, username: Type.Optional(Type.String({ maxLength: 100 })) }), response: { 200: Type.Array(Type.Any()), 403: Message } } },
    async (request, reply) => {
      const { username } = request.query;
      // Anonymous visitors may only look an account up by name, as on gitlab.com.
      if (username === undefined) throw new ForgeError('forbidden', '403 Forbidden - Listing users requires a username');
      const user = findUserByName(db, username);
      const found = user && user.type === 'user' && user.visibility === 'public' ? [presentGitlabUser(user, config.baseUrl)] : [];
      paginate(request, reply, found.length, 1, request.query.per_page ?? 20);
      return found;
    },
  );

  fastify.get('/groups/:id', { config: { scope: 'none' }, schema: { tags, params: IdParams, response: { 200: Type.Any(), 404: Message } } }, async (request) => {
    const { id } = request.params;
    const org: UserRow | undefined = /^\d+$/.test(id) ? findUserById(db, Number(id)) : findUserByName(db, id);
    if (!org || org.type !== 'org' || !fastify.policy.can(ANONYMOUS, 'org:read', { type: 'org', org })) throw gitlabNotFound('Group');
    return presentGroup(org, config.baseUrl);
  });

  fastify.get('/version', { config: { scope: 'none' }, schema: { tags, response: { 200: Type.Object({ version: Type.String(), revision: Type.String(), enterprise: Type.Boolean() }) } } }, async () => ({
    // The GitLab release whose v4 API shapes Fabrique follows.
    version: '17.0.0',
    revision: 'fabrique',
    enterprise: false,
  }));
};

export default gitlabRoutes;
