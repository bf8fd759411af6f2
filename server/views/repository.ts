import type { RepoRow, RepoListFilter } from '../db/repos.js';
import { findRepo, findRepoRedirect, findRepoById, listRepos, countReadableForks } from '../db/repos.js';
import { findUserById, type UserRow } from '../db/users.js';
import { countOpenPulls } from '../db/pulls.js';
import { countOpenIssues } from '../db/issues.js';
import { detectedLicences, listTopics } from '../db/catalogue.js';
import type { Actor } from '../auth/policy.js';
import { presentRepository, type Repository } from '../presenters/repository.js';
import type { ReadContext } from './context.js';
import { findCollaboratorPermission, listCollaborators } from '../db/collaborators.js';
import { presentUser, type UserSummary } from '../presenters/user.js';

export type { RepoRow, UserRow };

/** Where a `/{owner}/{name}` address leads for an actor: the repository, the one it was renamed to, or nothing visible. */
export type RepoLocation = { repo: RepoRow } | { moved: RepoRow } | null;

/**
 * Finds the repository an address names, as the actor may see it. A repository the actor may not
 * read is `null`, exactly like one that does not exist; an old name of a readable repository (a
 * rename or a transfer) is `moved`.
 */
export function locateRepository(ctx: ReadContext, actor: Actor, owner: string, name: string, readVia: 'repository' | 'issue' = 'repository'): RepoLocation {
  const repo = findRepo(ctx.db, owner, name);
  if (repo) return ctx.policy.can(actor, 'repo:read', { type: 'repo', repo }, readVia) ? { repo } : null;
  const target = findRepoRedirect(ctx.db, owner, name);
  return target && ctx.policy.can(actor, 'repo:read', { type: 'repo', repo: target }, readVia) ? { moved: target } : null;
}

/**
 * Repositories as Gitea shows them to the asking actor; owners are looked up once per page. A fork
 * names its parent when the actor may read it (one level: the parent's own parent is null).
 */
export function presentRepos(ctx: ReadContext, actor: Actor, rows: RepoRow[], withParents = true): Repository[] {
  const owners = new Map<number, UserRow>();
  const licences = detectedLicences(ctx.db, rows.map((r) => r.id));
  // Counted as the fork list shows them to this actor: a private fork it may not read is not one.
  const forks = countReadableForks(ctx.db, rows.map((r) => r.id), ctx.policy.listingViewer(actor));
  return rows.map((repo) => {
    let owner = owners.get(repo.owner_id);
    if (!owner) {
      owner = findUserById(ctx.db, repo.owner_id) as UserRow;
      owners.set(repo.owner_id, owner);
    }
    const licence = licences.get(repo.id);
    const parent = withParents && repo.fork_id !== null ? findRepoById(ctx.db, repo.fork_id) : undefined;
    const readableParent = parent && ctx.policy.can(actor, 'repo:read', { type: 'repo', repo: parent }) ? parent : undefined;
    return presentRepository(repo, owner, ctx.policy.repoPermissions(actor, repo), ctx.config.baseUrl, {
      licenses: licence ? [licence] : [],
      parent: readableParent ? presentRepos(ctx, actor, [readableParent], false)[0] : null,
      forks: forks.get(repo.id) ?? 0,
      openPulls: countOpenPulls(ctx.db, repo.id),
      openIssues: countOpenIssues(ctx.db, repo.id),
    });
  });
}

/** One page of the repositories the actor may read, and their total, for Gitea's X-Total-Count. */
export function repositoryPage(
  ctx: ReadContext,
  actor: Actor,
  filter: Omit<RepoListFilter, 'viewer' | 'limit' | 'offset'>,
  paging: { page?: number; limit?: number },
): { items: Repository[]; total: number } {
  const limit = paging.limit ?? 30;
  const { rows, total } = listRepos(ctx.db, {
    ...filter,
    viewer: ctx.policy.listingViewer(actor),
    limit,
    offset: ((paging.page ?? 1) - 1) * limit,
  });
  return { items: presentRepos(ctx, actor, rows), total };
}

/** A repository's topics, in the order they were set. */
export function repositoryTopics(ctx: ReadContext, repo: RepoRow): string[] {
  return listTopics(ctx.db, repo.id);
}

/** One page of a repository's collaborators, as Gitea shows them, and their total. */
export function repositoryCollaborators(ctx: ReadContext, repo: RepoRow, paging: { page?: number; limit?: number }): { items: UserSummary[]; total: number } {
  const limit = paging.limit ?? 30;
  const { rows, total } = listCollaborators(ctx.db, repo.id, limit, ((paging.page ?? 1) - 1) * limit);
  return { items: rows.map((user) => presentUser(user, ctx.config.baseUrl)), total };
}

/** Whether the account is a direct collaborator of the repository. */
export function isCollaborator(ctx: ReadContext, repo: RepoRow, user: UserRow): boolean {
  return findCollaboratorPermission(ctx.db, repo.id, user.id) !== null;
}
