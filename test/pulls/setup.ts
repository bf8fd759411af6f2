import { join } from 'node:path';
import type { UserRow } from '../../server/db/users.js';
import type { RepoRow } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { gitSync, pushHistory } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';

/** A forge with a maintainer's public repository (main: README and a source file) and a contributor. */
export interface PullWorld {
  server: TestServer;
  maintainer: UserRow;
  contributor: UserRow;
  outsider: UserRow;
  repo: RepoRow;
  path: string;
  tokens: { maintainer: string; contributor: string; outsider: string };
}

export const LINES = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'];

export async function makeWorld(): Promise<PullWorld> {
  // setup
  const server = await startServer();
  const { db } = server.app.forge;
  const maintainer = await buildUser(db);
  const contributor = await buildUser(db);
  const outsider = await buildUser(db);
  const repo = await buildRepo(db, server.config.reposDir, maintainer, { name: 'site' });
  const path = repoPath(server.config.reposDir, maintainer.username, 'site');
  pushHistory(path, [
    { message: 'First', files: { 'README.md': '# Site\n', 'src/app.txt': `${LINES.join('\n')}\n` } },
    { message: 'Feature', branch: 'feature', files: { 'src/app.txt': `${LINES.join('\n')}\nnine\n`, 'NEW.md': 'new\n' } },
    { message: 'Conflicting', branch: 'clash', files: { 'README.md': '# Clash\n' } },
  ]);
  gitSync(path, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
  await db.prepare('UPDATE repositories SET is_empty = 0 WHERE id = ?').run(repo.id);
  const tokens = {
    maintainer: await buildToken(db, maintainer, ['all']),
    contributor: await buildToken(db, contributor, ['all']),
    outsider: await buildToken(db, outsider, ['all']),
  };
  return { server, maintainer, contributor, outsider, repo: { ...repo, is_empty: 0 }, path, tokens };
}

/** Waits until the pull request's mergeability is known (checked in the background). */
export async function settledPull(world: PullWorld, owner: string, repo: string, number: number): Promise<{ mergeable_state: string; conflicted_files: string[]; mergeable: boolean; head: { sha: string } }> {
  for (let i = 0; i < 200; i++) {
    const { body } = await api(world.server.url, 'GET', `/repos/${owner}/${repo}/pulls/${number}`, { auth: as(world.tokens.maintainer) });
    if (body.mergeable_state !== 'checking') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('mergeability never settled');
}

export const forkPath = (world: PullWorld, owner: string, name: string) => join(world.server.config.reposDir, owner.toLowerCase(), `${name.toLowerCase()}.git`);
