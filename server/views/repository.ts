import type { RepoRow, RepoListFilter } from '../db/repos.js';
import { findRepo, findRepoRedirect, findRepoById, listRepos, countReadableForks, listRepoTeams, searchTopics } from '../db/repos.js';
import { findUserById, type UserRow } from '../db/users.js';
import { countOpenPulls } from '../db/pulls.js';
import { countOpenIssues } from '../db/issues.js';
import { detectedLicences, listTopics } from '../db/catalogue.js';
import type { Actor } from '../auth/policy.js';
import {
  presentGitEntry,
  presentReference,
  presentRepository,
  presentTopic,
  type GitTreeResponse,
  type Reference,
  type Repository,
  type TopicResponse,
} from '../presenters/repository.js';
import { presentTeam, type Team } from '../presenters/team.js';
import { repoPath } from '../git/store.js';
import { RepoReader, unreachableObjects } from '../git/read.js';
import { listRefs, listTree } from '../git/listing.js';
import { badRequest, notAllowed, notFound } from '../errors.js';
import { languageBytes } from './gitlab.js';
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
export async function locateRepository(ctx: ReadContext, actor: Actor, owner: string, name: string, readVia: 'repository' | 'issue' = 'repository'): Promise<RepoLocation> {
  const repo = await findRepo(ctx.db, owner, name);
  if (repo) return await ctx.policy.can(actor, 'repo:read', { type: 'repo', repo }, readVia) ? { repo } : null;
  const target = await findRepoRedirect(ctx.db, owner, name);
  return target && await ctx.policy.can(actor, 'repo:read', { type: 'repo', repo: target }, readVia) ? { moved: target } : null;
}

/**
 * Repositories as Gitea shows them to the asking actor; owners are looked up once per page. A fork
 * names its parent when the actor may read it (one level: the parent's own parent is null).
 */
export async function presentRepos(ctx: ReadContext, actor: Actor, rows: RepoRow[], withParents = true): Promise<Repository[]> {
  const owners = new Map<number, UserRow>();
  const licences = await detectedLicences(ctx.db, rows.map((r) => r.id));
  // Counted as the fork list shows them to this actor: a private fork it may not read is not one.
  const forks = await countReadableForks(ctx.db, rows.map((r) => r.id), ctx.policy.listingViewer(actor));
  return await Promise.all(rows.map(async (repo) => {
    let owner = owners.get(repo.owner_id);
    if (!owner) {
      owner = await findUserById(ctx.db, repo.owner_id) as UserRow;
      owners.set(repo.owner_id, owner);
    }
    const licence = licences.get(repo.id);
    const parent = withParents && repo.fork_id !== null ? await findRepoById(ctx.db, repo.fork_id) : undefined;
    const readableParent = parent && await ctx.policy.can(actor, 'repo:read', { type: 'repo', repo: parent }) ? parent : undefined;
    return presentRepository(repo, owner, await ctx.policy.repoPermissions(actor, repo), ctx.config.baseUrl, {
      licenses: licence ? [licence] : [],
      parent: readableParent ? (await presentRepos(ctx, actor, [readableParent], false))[0] : null,
      forks: forks.get(repo.id) ?? 0,
      openPulls: await countOpenPulls(ctx.db, repo.id),
      openIssues: await countOpenIssues(ctx.db, repo.id),
    });
  }));
}

/** One page of the repositories the actor may read, and their total, for Gitea's X-Total-Count. */
export async function repositoryPage(
  ctx: ReadContext,
  actor: Actor,
  filter: Omit<RepoListFilter, 'viewer' | 'limit' | 'offset'>,
  paging: { page?: number; limit?: number },
): Promise<{ items: Repository[]; total: number }> {
  const limit = paging.limit ?? 30;
  const { rows, total } = await listRepos(ctx.db, {
    ...filter,
    viewer: ctx.policy.listingViewer(actor),
    limit,
    offset: ((paging.page ?? 1) - 1) * limit,
  });
  return { items: await presentRepos(ctx, actor, rows), total };
}

/** A repository's topics, in the order they were set. */
export async function repositoryTopics(ctx: ReadContext, repo: RepoRow): Promise<string[]> {
  return await listTopics(ctx.db, repo.id);
}

/** One page of a repository's collaborators, as Gitea shows them, and their total. */
export async function repositoryCollaborators(ctx: ReadContext, repo: RepoRow, paging: { page?: number; limit?: number }): Promise<{ items: UserSummary[]; total: number }> {
  const limit = paging.limit ?? 30;
  const { rows, total } = await listCollaborators(ctx.db, repo.id, limit, ((paging.page ?? 1) - 1) * limit);
  return { items: rows.map((user) => presentUser(user, ctx.config.baseUrl)), total };
}

/** Whether the account is a direct collaborator of the repository. */
export async function isCollaborator(ctx: ReadContext, repo: RepoRow, user: UserRow): Promise<boolean> {
  return await findCollaboratorPermission(ctx.db, repo.id, user.id) !== null;
}

/** Gitea's `default_git_trees_per_page`: a tree page holds at most this many entries. */
export const TREE_PAGE_SIZE = 1000;

/** Where a repository's Gitea API lives (`/api/v1/repos/{owner}/{name}`). */
const apiRepoUrl = (ctx: ReadContext, repo: RepoRow) => `${ctx.config.baseUrl}/api/v1/repos/${repo.owner_name}/${repo.name}`;
const gitdirOf = (ctx: ReadContext, repo: RepoRow) => repoPath(ctx.config.reposDir, repo.owner_name, repo.name);

/** A readable repository by id, as Gitea shows it (`GET /repositories/{id}`); one the actor may not read does not exist. */
export async function repositoryById(ctx: ReadContext, actor: Actor, id: number): Promise<Repository> {
  const repo = await findRepoById(ctx.db, id);
  if (!repo || !await ctx.policy.can(actor, 'repo:read', { type: 'repo', repo })) throw notFound('The repository');
  return (await presentRepos(ctx, actor, [repo]))[0];
}

/**
 * Gitea's `/git/refs[/{ref}]`: every ref whose full name starts with `refs/` + the filter (a
 * prefix of the name, as Gitea matches it: `heads` lists the branches); none is a 404.
 */
export async function repositoryRefs(ctx: ReadContext, repo: RepoRow, filter = ''): Promise<Reference[]> {
  const prefix = `refs/${filter}`;
  const refs = repo.is_empty ? [] : (await listRefs(gitdirOf(ctx, repo))).filter((r) => r.ref.startsWith(prefix));
  if (refs.length === 0) throw notFound(filter ? `The reference refs/${filter}` : 'The reference');
  return refs.map((ref) => presentReference(apiRepoUrl(ctx, repo), ref));
}

/**
 * Gitea's `/git/trees/{sha}`: one page of a tree's entries (the whole tree, folders included, when
 * recursive). `sha` is a branch, a tag, a commit (its tree is listed, under the commit's id, as
 * Gitea answers) or a tree that some ref reaches; anything else is Gitea's 400.
 */
export async function repositoryTree(ctx: ReadContext, repo: RepoRow, sha: string, options: { recursive: boolean; page: number; perPage: number }): Promise<GitTreeResponse> {
  const gitdir = gitdirOf(ctx, repo);
  const reader = new RepoReader(gitdir, ctx.gitCache);
  let id = repo.is_empty ? null : ((await reader.resolve(sha))?.oid ?? null);
  // A tree's own id: only when a ref reaches it, as for every object the forge serves.
  if (!id && !repo.is_empty && /^[0-9a-f]{40}$/.test(sha) && (await unreachableObjects(gitdir, [sha])).length === 0) id = sha;
  const entries = id ? await listTree(gitdir, id, options.recursive) : null;
  if (!id || !entries) throw badRequest(`sha not found: "${sha}" is not a branch, tag, commit or tree of ${repo.owner_name}/${repo.name}.`);
  const perPage = Math.min(options.perPage, TREE_PAGE_SIZE);
  const start = (options.page - 1) * perPage;
  return {
    sha: id,
    url: `${apiRepoUrl(ctx, repo)}/git/trees/${id}`,
    tree: entries.slice(start, start + perPage).map((entry) => presentGitEntry(apiRepoUrl(ctx, repo), entry)),
    truncated: start + perPage < entries.length,
    page: options.page,
    total_count: entries.length,
  };
}

/** Gitea's `/languages`: the bytes of each language in the default branch, largest first. */
export async function repositoryLanguages(ctx: ReadContext, repo: RepoRow): Promise<Record<string, number>> {
  return Object.fromEntries(await languageBytes(ctx, repo));
}

/** One page of the topics containing `q` that repositories the actor may read carry, with those counts, and their total. */
export async function topicPage(ctx: ReadContext, actor: Actor, q: string, paging: { page?: number; limit?: number }): Promise<{ items: TopicResponse[]; total: number }> {
  const limit = paging.limit ?? 30;
  const { rows, total } = await searchTopics(ctx.db, ctx.policy.listingViewer(actor), q, limit, ((paging.page ?? 1) - 1) * limit);
  return { items: rows.map(presentTopic), total };
}

/** The teams that reach an organisation's repository (Gitea answers 405 for a user's repository, which has none). */
export async function repositoryTeams(ctx: ReadContext, repo: RepoRow): Promise<Team[]> {
  if (repo.owner_type !== 'org') throw notAllowed('The repository is not owned by an organisation: it has no teams.');
  const org = await findUserById(ctx.db, repo.owner_id) as UserRow;
  return (await listRepoTeams(ctx.db, repo)).map((team) => presentTeam(team, org, ctx.config.baseUrl));
}

/** One team that reaches the repository, by name; a team that does not, or does not exist, is a 404. */
export async function repositoryTeam(ctx: ReadContext, repo: RepoRow, name: string): Promise<Team> {
  const team = (await repositoryTeams(ctx, repo)).find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (!team) throw notFound(`The team "${name}" of this repository`);
  return team;
}
