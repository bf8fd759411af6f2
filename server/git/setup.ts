import { git, GitCommandError } from './exec.js';

/** Whether the bare repository has this branch. */
export async function branchExists(gitdir: string, branch: string): Promise<boolean> {
  try {
    await git(['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: gitdir });
    return true;
  } catch (err) {
    if (err instanceof GitCommandError && err.code === 1) return false;
    throw err;
  }
}

/** The branch HEAD names (the default branch a clone checks out). */
export async function headBranch(gitdir: string): Promise<string> {
  const { stdout } = await git(['symbolic-ref', '--short', 'HEAD'], { cwd: gitdir });
  return stdout.trim();
}

/** Points HEAD at a branch, existing or not yet (an empty repository's default branch). */
export async function setHeadBranch(gitdir: string, branch: string): Promise<void> {
  await git(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], { cwd: gitdir });
}
