import type { Db } from '../db/index.js';
import type { PullRow } from '../db/pulls.js';
import { insertPullEvent, pullsWithHeadBranch, type TimelineFields, type TimelineType } from '../db/timeline.js';
import { git } from '../git/exec.js';
import { isAncestor, ZERO_OID } from '../git/write.js';

/** How many commits a push event lists at most (as Gitea, a long push is shown by its newest commits). */
const MAX_PUSHED_COMMITS = 250;

/** Notes an event on a pull request's timeline. */
export async function notePullEvent(db: Db, pull: Pick<PullRow, 'id' | 'base_repo_id'>, type: TimelineType, actorId: number | null, fields: TimelineFields = {}): Promise<void> {
  await insertPullEvent(db, { repoId: pull.base_repo_id, pullId: pull.id, type, actorId, ...fields });
}

/**
 * Notes that a pull request's head moved from `oldSha` to `newSha` (both in the base repository
 * at `gitdir`), as Gitea's pull_push: the new commits, or for a force push the old and new heads.
 */
export async function notePullPush(db: Db, gitdir: string, pull: Pick<PullRow, 'id' | 'base_repo_id'>, actorId: number | null, oldSha: string, newSha: string): Promise<void> {
  const force = oldSha !== ZERO_OID && !(await isAncestor(gitdir, oldSha, newSha).catch(() => false));
  let commitIds: string[];
  if (force) commitIds = [oldSha, newSha];
  else {
    const { stdout } = await git(['rev-list', `--max-count=${MAX_PUSHED_COMMITS}`, newSha, `^${oldSha}`], { cwd: gitdir });
    commitIds = stdout.split('\n').filter(Boolean).reverse();
  }
  if (commitIds.length === 0) return;
  await notePullEvent(db, pull, 'pull_push', actorId, { body: JSON.stringify({ is_force_push: force, commit_ids: commitIds }) });
}

/** Notes on the pull requests whose head it was that a branch was deleted. */
export async function noteHeadBranchDeleted(db: Db, headRepoId: number, branch: string, actorId: number | null): Promise<void> {
  for (const pull of await pullsWithHeadBranch(db, headRepoId, branch)) await notePullEvent(db, pull, 'delete_branch', actorId, { old_ref: branch });
}
