import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathUnder } from '../lib/names.js';
import { git } from './exec.js';

/** Where a repository lives on disk: `<reposDir>/<owner>/<name>.git`, lower-cased, from validated names. */
export function repoPath(reposDir: string, owner: string, name: string): string {
  return pathUnder(reposDir, owner.toLowerCase(), `${name.toLowerCase()}.git`);
}

/** Settings every Fabrique repository carries. */
const REPO_CONFIG: Array<[string, string]> = [
  ['receive.fsckObjects', 'true'],
  ['transfer.fsckObjects', 'true'],
  ['uploadpack.allowFilter', 'true'],
  ['uploadpack.allowAnySHA1InWant', 'false'],
  ['repack.writeBitmaps', 'true'],
  ['core.logAllRefUpdates', 'true'],
  ['gc.auto', '0'],
];

/**
 * Creates a bare repository under a temporary name inside reposDir; the caller moves it into place
 * with `placeRepo` once the database row exists, or removes it with `discardRepo`.
 */
export async function initTempRepo(reposDir: string, defaultBranch: string): Promise<string> {
  const tmp = pathUnder(reposDir, '.tmp', `${randomUUID()}.git`);
  mkdirSync(tmp, { recursive: true });
  try {
    await git(['init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`, tmp]);
    for (const [key, value] of REPO_CONFIG) await git(['config', key, value], { cwd: tmp });
    return tmp;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Moves a prepared repository to its final path (same filesystem: an atomic rename). */
export function placeRepo(tmp: string, finalPath: string): void {
  mkdirSync(dirname(finalPath), { recursive: true });
  renameSync(tmp, finalPath);
}

/** Removes a repository directory (temporary or final). */
export function discardRepo(path: string): void {
  rmSync(path, { recursive: true, force: true });
}
