import { listForks, type RepoRow } from '../db/repos.js';
import type { Actor } from '../auth/policy.js';
import type { Repository } from '../presenters/repository.js';
import type { ReadContext } from './context.js';
import { presentRepos } from './repository.js';

/** One page of a repository's forks that the actor may read, and how many it may read in all. */
export function forkPage(ctx: ReadContext, actor: Actor, repo: RepoRow, paging: { page?: number; limit?: number }): { items: Repository[]; total: number } {
  const readable = listForks(ctx.db, repo.id).filter((f) => ctx.policy.can(actor, 'repo:read', { type: 'repo', repo: f }));
  const limit = paging.limit ?? 30;
  const start = ((paging.page ?? 1) - 1) * limit;
  return { items: presentRepos(ctx, actor, readable.slice(start, start + limit)), total: readable.length };
}
