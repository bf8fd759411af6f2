import { latestStatuses, listStatuses, type CommitStatusRow, type CommitStatusState, type StatusSort } from '../db/statuses.js';
import type { RepoRow } from '../db/repos.js';
import { RepoReader } from '../git/read.js';
import { repoPath } from '../git/store.js';
import type { Actor } from '../auth/policy.js';
import { notFound } from '../errors.js';
import { RepoUrls } from '../presenters/browse.js';
import { presentCombinedStatus, presentGitlabStatus, presentStatus, type CombinedStatus, type CommitStates, type CommitStatus, type GitlabCommitStatus } from '../presenters/status.js';
import { combinedState } from '../services/statuses.js';
import type { ReadContext } from './context.js';
import { UserCache } from './pull-request.js';
import { presentRepos } from './repository.js';
import { gitlabNotFound, type GitlabPage, type GitlabPaging } from './gitlab.js';

/** The commit a branch, a tag or a commit id names in the repository; 404 when none. */
async function resolveCommit(ctx: ReadContext, repo: RepoRow, ref: string): Promise<string> {
  const reader = new RepoReader(repoPath(ctx.config.reposDir, repo.owner_name, repo.name), ctx.gitCache);
  const resolved = await reader.resolve(ref);
  if (!resolved) throw notFound(`The reference "${ref}"`);
  return resolved.oid;
}

async function present(ctx: ReadContext, repo: RepoRow, rows: CommitStatusRow[]): Promise<CommitStatus[]> {
  const users = new UserCache(ctx);
  const urls = new RepoUrls(ctx.config.baseUrl, repo);
  return await Promise.all(rows.map(async (row) => presentStatus(urls, row, await users.get(row.creator_id))));
}

export interface StatusQuery {
  sort?: StatusSort;
  state?: CommitStatusState;
  page?: number;
  limit?: number;
}

/**
 * Every status posted on a commit (Gitea's `/statuses/{sha}` takes the id as given; `/commits/{ref}/statuses`
 * resolves a branch or tag first), newest first unless sorted otherwise, with the total.
 */
export async function commitStatusPage(
  ctx: ReadContext,
  repo: RepoRow,
  target: { sha: string } | { ref: string },
  query: StatusQuery,
): Promise<{ items: CommitStatus[]; total: number }> {
  const sha = 'sha' in target ? target.sha.toLowerCase() : await resolveCommit(ctx, repo, target.ref);
  const limit = query.limit ?? 30;
  const { rows, total } = await listStatuses(ctx.db, repo.id, sha, { sort: query.sort, state: query.state, limit, offset: ((query.page ?? 1) - 1) * limit });
  return { items: await present(ctx, repo, rows), total };
}

/** Gitea's combined status of a branch, a tag or a commit: the latest status of each context and their state. */
export async function combinedStatus(ctx: ReadContext, actor: Actor, repo: RepoRow, ref: string): Promise<CombinedStatus> {
  const sha = await resolveCommit(ctx, repo, ref);
  const rows = await latestStatuses(ctx.db, repo.id, [sha]);
  const [repository] = await presentRepos(ctx, actor, [repo]);
  const urls = new RepoUrls(ctx.config.baseUrl, repo);
  return presentCombinedStatus(urls, sha, combinedState(rows.map((row) => row.state)), await present(ctx, repo, rows), repository ?? null);
}

/** The combined state of each of these commits that has statuses (history and branch lists show one icon each). */
export async function commitStates(ctx: ReadContext, repo: RepoRow, shas: string[]): Promise<CommitStates> {
  const bySha = new Map<string, CommitStatusState[]>();
  for (const row of await latestStatuses(ctx.db, repo.id, shas.map((sha) => sha.toLowerCase()))) bySha.set(row.sha, [...(bySha.get(row.sha) ?? []), row.state]);
  const states: CommitStates = {};
  for (const [sha, list] of bySha) states[sha] = { state: combinedState(list) as CommitStatusState, total_count: list.length };
  return states;
}

/** GitLab v4's statuses of a commit (by id, branch or tag): the latest of each name, newest first, paged. */
export async function gitlabCommitStatuses(ctx: ReadContext, repo: RepoRow, ref: string, paging: GitlabPaging): Promise<GitlabPage<GitlabCommitStatus>> {
  const reader = new RepoReader(repoPath(ctx.config.reposDir, repo.owner_name, repo.name), ctx.gitCache);
  const resolved = await reader.resolve(ref);
  if (!resolved) throw gitlabNotFound('Commit');
  const rows = (await latestStatuses(ctx.db, repo.id, [resolved.oid])).sort((a, b) => b.id - a.id);
  const users = new UserCache(ctx);
  const page = rows.slice((paging.page - 1) * paging.perPage, paging.page * paging.perPage);
  return { items: await Promise.all(page.map(async (row) => presentGitlabStatus(row, await users.get(row.creator_id)))), total: rows.length };
}
