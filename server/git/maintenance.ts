import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs git at the lowest CPU priority: maintenance must not slow the clones and pushes being served. */
function backgroundGit(args: string[], cwd: string) {
  return run('nice', ['-n', '19', 'git', ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
}

/** What a maintenance run does beyond repacking. */
export interface MaintenanceOptions {
  /**
   * Deletes the objects no ref reaches (refs/pull/* included) that were written before this time:
   * what a force push or a branch deletion removed. Objects written since (by a push under way,
   * whose refs have not moved yet) are kept.
   */
  pruneBefore?: Date;
}

/** git's form of a time: seconds since the epoch after `@`. */
const gitTime = (date: Date) => `@${Math.floor(date.getTime() / 1000)}`;

/** Packs refs, repacks a repository with a reachability bitmap and writes its commit-graph with changed-path Bloom filters; prunes when asked. */
export async function maintainRepository(repoPath: string, options: MaintenanceOptions): Promise<void> {
  // Refs into packed-refs, as git gc does: one file instead of a file (and, for refs/pull/N/head, a
  // folder) a ref. Readers stay right meanwhile: they read loose refs first, then packed-refs, as
  // git does (RepoReader.refsUnder), and pack-refs writes packed-refs before deleting a loose file.
  await backgroundGit(['pack-refs', '--all', '--prune'], repoPath);
  if (options.pruneBefore) {
    // The reflog still names what was force-pushed away: those entries go first, or they keep it.
    await backgroundGit(['reflog', 'expire', '--expire-unreachable=now', '--all'], repoPath);
    // Unreachable objects older than the cutoff are dropped; younger ones wait in a cruft pack.
    const cutoff = gitTime(options.pruneBefore);
    await backgroundGit(['repack', '-a', '-d', '-q', '--write-bitmap-index', '--cruft', `--cruft-expiration=${cutoff}`], repoPath);
    await backgroundGit(['prune', `--expire=${cutoff}`], repoPath);
  } else {
    // -A keeps unreachable objects loose instead of dropping them: a push running right now may need them.
    await backgroundGit(['repack', '-A', '-d', '-q', '--write-bitmap-index'], repoPath);
  }
  // Changed-path Bloom filters let path-limited walks (history of a file, blame, last commits) skip
  // the commits that did not touch the path without reading their trees.
  await backgroundGit(['commit-graph', 'write', '--reachable', '--changed-paths', '--no-progress'], repoPath);
}

