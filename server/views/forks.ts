import { listForks, type RepoRow } from '../db/repos.js';
import type { Actor } from '../auth/policy.js';
import type { Repository } from '../presenters/repository.js';
import type { ReadContext } from './context.js';
import { presentRepos } from './repository.js';
import { filterAsync } from '../lib/async.js';

/** One page of a repository's forks that the actor may read, and how many it may read in all. */
export async function forkPage(ctx: ReadContext, actor: Actor, repo: RepoRow, paging: { page?: number; limit?: number }): Promise<{ items: Repository[]; total: number }> {
  const readable = await filterAsync(await listForks(ctx.db, repo.id), (f) => ctx.policy.can(actor, 'repo:read', { type: 'repo', repo: f }));
  const limit = paging.limit ?? 30;
  const start = ((paging.page ?? 1) - 1) * limit;
  return { items: await presentRepos(ctx, actor, readable.slice(start, start + limit)), total: readable.length };
}
