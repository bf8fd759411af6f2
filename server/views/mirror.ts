import { findRepoSource } from '../db/mirrors.js';
import type { RepoRow } from '../db/repos.js';
import type { Actor } from '../auth/policy.js';
import { formatDuration } from '../lib/duration.js';
import type { ReadContext } from './context.js';

/** Fabrique's own mirror status of a repository: where it was imported from and, for a mirror, how its syncs go. */
export interface MirrorStatus {
  original_url: string;
  mirror: boolean;
  mirror_interval: string;
  last_sync_at: string | null;
  last_error: string;
  next_sync_at: string | null;
  can_sync: boolean;
}

/** Where a repository was imported from and, for a mirror, its syncs and whether the actor may start one. */
export async function mirrorStatus(ctx: ReadContext, actor: Actor, repo: RepoRow): Promise<MirrorStatus> {
  const source = await findRepoSource(ctx.db, repo.id);
  const mirror = repo.is_mirror === 1 && source !== undefined;
  return {
    original_url: source?.clone_addr ?? '',
    mirror,
    mirror_interval: mirror ? formatDuration(source.interval_s) : '',
    last_sync_at: mirror ? source.last_sync_at : null,
    last_error: mirror ? source.last_error : '',
    next_sync_at: mirror ? source.next_sync_at : null,
    can_sync: mirror && await ctx.policy.can(actor, 'repo:sync', { type: 'repo', repo }),
  };
}
