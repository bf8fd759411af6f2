import fs from 'node:fs';
import isogit from 'isomorphic-git';
import { git, GitCommandError } from './exec.js';

const ZERO_OID = '0000000000000000000000000000000000000000';

export interface InitialFile {
  path: string;
  content: string;
}

export interface CommitAuthor {
  name: string;
  email: string;
}

/**
 * Writes a first commit holding the given files on `branch` of a bare repository that has none yet.
 * The ref is created through git's own locking and must not exist (compare-and-swap against zero).
 */
export async function writeInitialCommit(options: { gitdir: string; branch: string; files: InitialFile[]; author: CommitAuthor; message: string }): Promise<string> {
  const { gitdir, branch, files, author, message } = options;
  if (files.length === 0) throw new Error('writeInitialCommit needs at least one file');
  const entries = [];
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const oid = await isogit.writeBlob({ fs, gitdir, blob: new TextEncoder().encode(file.content) });
    entries.push({ mode: '100644', path: file.path, oid, type: 'blob' as const });
  }
  const tree = await isogit.writeTree({ fs, gitdir, tree: entries });
  const person = { ...author, timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
  const oid = await isogit.writeCommit({ fs, gitdir, commit: { message, tree, parent: [], author: person, committer: person } });
  await git(['update-ref', `refs/heads/${branch}`, oid, ZERO_OID], { cwd: gitdir });
  return oid;
}

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
