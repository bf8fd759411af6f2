import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { Db } from '../db/index.js';
import { integrityProblems } from '../db/backup.js';
import { listAllRepos } from '../db/repos.js';
import { fsckConnectivity } from '../git/snapshot.js';
import { repoPath } from '../git/store.js';
import { repositoryFolders } from './recovery.js';

export interface CheckReport {
  /** One line per problem, naming the repository or the database. */
  problems: string[];
  /** Repositories whose connectivity was checked. */
  repositoriesChecked: number;
}

/**
 * What a nightly monitoring job runs: SQLite's integrity check, `git fsck --connectivity-only` on
 * every repository, and rows and folders that do not match. Reads only; repairs nothing.
 */
export async function checkInstance(options: { db: Db; reposDir: string }): Promise<CheckReport> {
  const problems = (await integrityProblems(options.db)).map((line) => `database: ${line}`);
  const expected = new Set<string>();
  let repositoriesChecked = 0;
  for (const repo of await listAllRepos(options.db)) {
    const path = repoPath(options.reposDir, repo.owner_name, repo.name);
    const name = `${repo.owner_name}/${repo.name}`;
    expected.add(relative(options.reposDir, path));
    if (!existsSync(path)) {
      problems.push(`${name}: the database names this repository but its folder ${path} is missing`);
      continue;
    }
    const broken = await fsckConnectivity(path);
    repositoriesChecked += 1;
    if (broken !== null) problems.push(`${name}: git fsck --connectivity-only failed: ${broken.split('\n').slice(0, 5).map((line) => line.replace(/\s+/g, ' ').trim()).join('; ')}`);
  }
  for (const folder of await repositoryFolders(options.reposDir)) {
    if (!expected.has(folder)) problems.push(`${folder}: a repository folder without a row in the database`);
  }
  return { problems, repositoriesChecked };
}
