import { existsSync } from 'node:fs';
import type { Db } from '../db/index.js';
import { findRepo, insertRepo, type RepoRow } from '../db/repos.js';
import type { UserRow } from '../db/users.js';
import { discardRepo, initTempRepo, placeRepo, repoPath } from '../git/store.js';
import { nameProblem } from '../lib/names.js';
import { conflict, invalid } from '../errors.js';

export interface CreateRepoInput {
  owner: UserRow;
  name: string;
  description?: string;
  website?: string;
  isPrivate?: boolean;
  defaultBranch?: string;
  /** Called with the temporary bare repository before it is put in place (e.g. to write a first commit). */
  prepare?: (tmpPath: string, defaultBranch: string) => Promise<boolean>;
}

const BRANCH_NAME = /^(?!\/|.*\/\/|.*\/$|.*\.\.|.*@\{|.*\.lock$|.*\.$)[A-Za-z0-9._\/-]{1,200}$/;

/** Whether a branch name is one git and Fabrique accept. */
export function branchNameProblem(name: string): string | null {
  return BRANCH_NAME.test(name) && !name.startsWith('-') ? null : `"${name}" is not a valid branch name`;
}

/**
 * Creates a repository: the bare repository is prepared under a temporary name, the row is inserted
 * and the directory renamed into place in one transaction, so either both exist or neither does.
 */
export async function createRepository(db: Db, reposDir: string, input: CreateRepoInput): Promise<RepoRow> {
  const problem = nameProblem(input.name);
  if (problem) throw invalid(`The repository name ${problem}.`, { field: 'name' });
  const defaultBranch = input.defaultBranch || 'main';
  const branchProblem = branchNameProblem(defaultBranch);
  if (branchProblem) throw invalid(`The default branch: ${branchProblem}.`, { field: 'default_branch' });
  if ((input.description ?? '').length > 2048) throw invalid('The description must be at most 2048 characters long.', { field: 'description' });
  if (findRepo(db, input.owner.username, input.name)) {
    throw conflict(`The repository ${input.owner.username}/${input.name} already exists.`, { field: 'name' });
  }
  const finalPath = repoPath(reposDir, input.owner.username, input.name);
  if (existsSync(finalPath)) throw conflict(`A repository folder for ${input.owner.username}/${input.name} already exists on disk.`);

  const tmp = await initTempRepo(reposDir, defaultBranch);
  try {
    const hasCommits = input.prepare ? await input.prepare(tmp, defaultBranch) : false;
    return db.transaction(() => {
      const row = insertRepo(db, {
        ownerId: input.owner.id,
        name: input.name,
        description: input.description ?? '',
        website: input.website ?? '',
        isPrivate: input.isPrivate ?? false,
        defaultBranch,
        isEmpty: !hasCommits,
      });
      // Inside the transaction: if the rename fails, the row is rolled back with it.
      placeRepo(tmp, finalPath);
      return row;
    })();
  } catch (err) {
    discardRepo(tmp);
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw conflict(`The repository ${input.owner.username}/${input.name} already exists.`, { field: 'name' });
    }
    throw err;
  }
}
