import { join } from 'node:path';
import { git, GitCommandError } from './exec.js';

/** What a branch of one repository has that a branch of another repository of its fork network lacks. */
export interface CrossHistory {
  /** The best common ancestor, or null for unrelated histories. */
  mergeBase: string | null;
  /** Commits reachable from the head but not from the base, newest first, at most `limit`. */
  commits: string[];
  /** How many such commits there are in all. */
  total: number;
}

const OID = /^[0-9a-f]{40}$/;

/**
 * Walks two repositories' histories as one, without writing anything: git runs in the head's
 * repository and reads the base's objects as alternates (forks are complete repositories that
 * share no alternates, and the parent may have moved on since the fork was made). Everything the
 * comparison then shows (the commits, the diff from the merge base) is in the head's repository.
 */
export async function crossHistory(options: { baseDir: string; baseOid: string; headDir: string; headOid: string; limit: number }): Promise<CrossHistory> {
  const { baseDir, baseOid, headDir, headOid, limit } = options;
  if (!OID.test(baseOid) || !OID.test(headOid)) throw new Error('crossHistory: expected full commit ids');
  const env = { GIT_CONFIG_NOSYSTEM: '1', GIT_ALTERNATE_OBJECT_DIRECTORIES: join(baseDir, 'objects') };
  const range = [headOid, `^${baseOid}`];
  const [base, count, list] = await Promise.all([
    // exit code 1 with no output: no common ancestor.
    git(['merge-base', baseOid, headOid], { cwd: headDir, env }).then(
      (r) => r.stdout.trim() || null,
      (err: unknown) => {
        if (err instanceof GitCommandError && err.code === 1) return null;
        throw err;
      },
    ),
    git(['rev-list', '--count', ...range], { cwd: headDir, env }),
    git(['rev-list', `--max-count=${limit}`, ...range], { cwd: headDir, env }),
  ]);
  return { mergeBase: base, total: Number(count.stdout.trim()), commits: list.stdout.split('\n').filter((line) => line !== '') };
}
