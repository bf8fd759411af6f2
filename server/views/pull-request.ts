import { findPull, type PullRow } from '../db/pulls.js';
import type { RepoRow } from '../db/repos.js';
import type { ReadContext } from './context.js';

export type { PullRow };

/** A repository's pull request by its number, or undefined. */
export function findPullRequest(ctx: ReadContext, base: RepoRow, index: number): PullRow | undefined {
  return Number.isInteger(index) ? findPull(ctx.db, base.id, index) : undefined;
}
