import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { findUserById, type UserRow } from '../../../db/users.js';
import { countReadableForks, findRepo, findRepoById, findRepoRedirect, listRepos, type RepoListFilter, type RepoRow } from '../../../db/repos.js';
import { countOpenPulls } from '../../../db/pulls.js';
import { presentRepository, type Repository } from '../../../presenters/repository.js';
import { detectedLicences } from '../../../db/catalogue.js';
import { autoInitPrepare, createRepository } from '../../../services/repos.js';
import { recordAudit } from '../../../services/audit.js';
import { invalid } from '../../../errors.js';
import type { CreateRepoOption } from './schema.js';

/**
 * Repositories as Gitea shows them to the asking actor; owners are looked up once per page. A fork
 * names its parent when the actor may read it (one level: the parent's own parent is null).
 */
export function presentRepos(fastify: FastifyInstance, request: FastifyRequest, rows: RepoRow[], withParents = true): Repository[] {
  const owners = new Map<number, UserRow>();
  const licences = detectedLicences(fastify.forge.db, rows.map((r) => r.id));
  // Counted as the fork list shows them to this actor: a private fork it may not read is not one.
  const forks = countReadableForks(fastify.forge.db, rows.map((r) => r.id), fastify.policy.listingViewer(request.actor));
  return rows.map((repo) => {
    let owner = owners.get(repo.owner_id);
    if (!owner) {
      owner = findUserById(fastify.forge.db, repo.owner_id) as UserRow;
      owners.set(repo.owner_id, owner);
    }
    const licence = licences.get(repo.id);
    const parent = withParents && repo.fork_id !== null ? findRepoById(fastify.forge.db, repo.fork_id) : undefined;
    const readableParent = parent && fastify.policy.can(request.actor, 'repo:read', { type: 'repo', repo: parent }) ? parent : undefined;
    return presentRepository(repo, owner, fastify.policy.repoPermissions(request.actor, repo), fastify.forge.config.baseUrl, {
      licenses: licence ? [licence] : [],
      parent: readableParent ? presentRepos(fastify, request, [readableParent], false)[0] : null,
      forks: forks.get(repo.id) ?? 0,
      openPulls: countOpenPulls(fastify.forge.db, repo.id),
    });
  });
}

/** One page of the repositories the actor may read, with Gitea's X-Total-Count header. */
export function repoPage(
  fastify: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  filter: Omit<RepoListFilter, 'viewer' | 'limit' | 'offset'>,
  paging: { page?: number; limit?: number },
): Repository[] {
  const limit = paging.limit ?? 30;
  const { rows, total } = listRepos(fastify.forge.db, {
    ...filter,
    viewer: fastify.policy.listingViewer(request.actor),
    limit,
    offset: ((paging.page ?? 1) - 1) * limit,
  });
  reply.header('x-total-count', String(total));
  return presentRepos(fastify, request, rows);
}

/** Creates a repository from Gitea's CreateRepoOption for an account or organisation the actor may create under. */
export async function createRepoFromOption(fastify: FastifyInstance, request: FastifyRequest, owner: UserRow, option: CreateRepoOption): Promise<RepoRow> {
  const author = fastify.policy.signedIn(request.actor);
  if (option.auto_init !== true && (option.license || option.readme)) {
    throw invalid('A licence or a README is written only with auto_init: true.', { field: option.license ? 'license' : 'readme' });
  }
  const prepare = option.auto_init
    ? autoInitPrepare({ owner, author, name: option.name, description: option.description, license: option.license || undefined, readme: option.readme || undefined })
    : undefined;
  const repo = await createRepository(fastify.forge.db, fastify.forge.config.reposDir, {
    owner,
    name: option.name,
    description: option.description,
    isPrivate: option.private ?? false,
    defaultBranch: option.default_branch || undefined,
    prepare,
  });
  recordAudit(fastify.forge.db, { actor: request.actor, ip: request.ip, action: 'repo.create', target: `repo:${repo.owner_name}/${repo.name}`, data: { private: repo.is_private === 1 } });
  return repo;
}

/**
 * A preHandler for `/api/v1/repos/:owner/:repo/...` routes: a renamed repository answers at its new
 * name, 301 for reads and 307 for other verbs (so they keep their body), to those who may read it.
 * Other plugins serving such routes add it too.
 */
export function redirectRenamedRepo(fastify: FastifyInstance): preHandlerAsyncHookHandler {
  const { db } = fastify.forge;
  return async function (request, reply) {
    const params = request.params as { owner?: string; repo?: string };
    if (!params.owner || !params.repo || findRepo(db, params.owner, params.repo)) return;
    const target = findRepoRedirect(db, params.owner, params.repo);
    if (!target || !fastify.policy.can(request.actor, 'repo:read', { type: 'repo', repo: target })) return;
    // '', 'api', 'v1', 'repos', owner, repo, ...rest
    const parts = request.url.split('/');
    parts.splice(4, 2, encodeURIComponent(target.owner_name), encodeURIComponent(target.name));
    await reply.redirect(parts.join('/'), request.method === 'GET' || request.method === 'HEAD' ? 301 : 307);
  };
}
