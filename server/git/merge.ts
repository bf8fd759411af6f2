import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitCommand, GitCommandError } from './exec.js';
import { execFile } from 'node:child_process';
import type { Signature } from './write.js';

/** What merging two commits gives: a tree, or the files that conflict. */
export type MergeResult = { clean: true; tree: string } | { clean: false; tree: string; conflicts: string[] };

/**
 * Merges `theirs` into `ours` without a work tree, with `git merge-tree --write-tree` (git ≥ 2.38):
 * git's own merge (ort), which handles several merge bases (a virtual base, recursively) and
 * add/add conflicts, where isomorphic-git's merge gives up or would decide differently from the
 * `git merge` a maintainer runs locally. Exit 1 means conflicts, listed after the tree id.
 */
export async function mergeTree(gitdir: string, ours: string, theirs: string): Promise<MergeResult> {
  // Exit 0: clean, 1: conflicts (both print the tree, then the conflicting paths); anything else fails.
  const { code, stdout, stderr } = await gitWithCode(['merge-tree', '--write-tree', '--name-only', '--no-messages', ours, theirs], gitdir);
  if (code !== 0 && code !== 1) throw new GitCommandError(['merge-tree'], code, stderr);
  const [tree, ...files] = stdout.split('\n').filter(Boolean);
  return code === 0 ? { clean: true, tree } : { clean: false, tree, conflicts: [...new Set(files)] };
}

/** Runs git and returns its exit code with both outputs: merge-tree answers on stdout with exit 1. */
function gitWithCode(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const command = gitCommand(args);
    execFile(command.file, command.args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolveRun({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/** The lines added and removed and the files changed between two commits (`git diff --numstat`). */
export async function diffStat(gitdir: string, from: string, to: string): Promise<{ additions: number; deletions: number; changedFiles: number }> {
  const { stdout } = await git(['diff', '--numstat', '--no-renames', from, to], { cwd: gitdir });
  let additions = 0;
  let deletions = 0;
  let changedFiles = 0;
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const [a, d] = line.split('\t');
    changedFiles++;
    additions += Number(a) || 0;
    deletions += Number(d) || 0;
  }
  return { additions, deletions, changedFiles };
}

/** The paths that differ between two commits, old and new names of a rename alike (`env`: e.g. a push's quarantined objects). */
export async function changedPaths(gitdir: string, from: string, to: string, env?: Record<string, string>): Promise<string[]> {
  const { stdout } = await git(['diff', '--name-only', '-z', '--no-renames', from, to], { cwd: gitdir, env });
  return stdout.split('\0').filter(Boolean);
}

/** All merge bases of two commits (`git merge-base --all`), empty when the histories never meet. */
export async function mergeBase(gitdir: string, a: string, b: string): Promise<string | null> {
  try {
    const { stdout } = await git(['merge-base', a, b], { cwd: gitdir });
    return stdout.trim() || null;
  } catch (err) {
    if (err instanceof GitCommandError && err.code === 1) return null;
    throw err;
  }
}

/** The commits of `head` not in `base`, oldest first; merges included. */
export async function commitsToReplay(gitdir: string, base: string, head: string): Promise<{ oids: string[]; hasMerges: boolean }> {
  const { stdout } = await git(['rev-list', '--reverse', '--parents', `${base}..${head}`], { cwd: gitdir });
  const lines = stdout.split('\n').filter(Boolean);
  return { oids: lines.map((l) => l.slice(0, 40)), hasMerges: lines.some((l) => l.split(' ').length > 2) };
}

/**
 * Replays the commits of `head` not in `base` on top of `base` (a rebase), keeping their authors;
 * the committer is the one merging. git 2.39 has no work-tree-free replay (merge-tree learnt
 * `--merge-base` in 2.40), so this cherry-picks in a temporary work tree detached at `base`,
 * removed afterwards; no ref of the repository moves. Returns the new tip, or the conflicting files.
 */
export async function rebaseCommits(gitdir: string, base: string, head: string, committer: Signature): Promise<{ tip: string } | { conflicts: string[] }> {
  const work = join(mkdtempSync(join(tmpdir(), 'fabrique-rebase-')), 'tree');
  await git(['worktree', 'add', '--detach', '--quiet', work, base], { cwd: gitdir });
  try {
    const env = { GIT_COMMITTER_NAME: committer.name, GIT_COMMITTER_EMAIL: committer.email };
    try {
      await git(['-c', 'core.hooksPath=/dev/null', 'cherry-pick', '--allow-empty', '--keep-redundant-commits', `${base}..${head}`], { cwd: work, env });
    } catch (err) {
      if (!(err instanceof GitCommandError)) throw err;
      const { stdout } = await git(['diff', '--name-only', '--diff-filter=U'], { cwd: work });
      return { conflicts: stdout.split('\n').filter(Boolean) };
    }
    const { stdout } = await git(['rev-parse', 'HEAD'], { cwd: work });
    return { tip: stdout.trim() };
  } finally {
    await git(['worktree', 'remove', '--force', work], { cwd: gitdir }).catch(() => undefined);
    rmSync(join(work, '..'), { recursive: true, force: true });
    await git(['worktree', 'prune'], { cwd: gitdir }).catch(() => undefined);
  }
}

