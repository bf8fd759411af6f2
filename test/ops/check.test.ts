import { describe, expect, it } from 'vitest';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '../../server/git/store.js';
import { startServer } from '../helpers/server.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { gitSync, pushHistory } from '../helpers/git.js';
import { cli } from './cli.js';

/** One object file of a repository: a loose object when there is one, else its pack. */
function oneObjectFile(gitdir: string): string {
  const objects = join(gitdir, 'objects');
  const loose = readdirSync(objects).find((dir) => /^[0-9a-f]{2}$/.test(dir));
  if (loose) return join(objects, loose, readdirSync(join(objects, loose))[0]);
  return join(objects, 'pack', readdirSync(join(objects, 'pack')).find((name) => name.endsWith('.pack'))!);
}

/** Each CLI run starts Node and tsx: seconds on a loaded machine, several runs a test. */
const CLI_TIMEOUT = 240_000;

describe('npm run cli -- check', () => {
  it('exits 0 on a healthy instance, non-zero naming the repository that lost an object, and reports a folder without a row', async () => {
    // setup
    const server = await startServer({ listen: false });
    const { db } = server.app.forge;
    const owner = await buildUser(db, { username: 'lyon' });
    const healthy = await buildRepo(db, server.config.reposDir, owner, { name: 'healthy' });
    const damaged = await buildRepo(db, server.config.reposDir, owner, { name: 'damaged' });
    for (const repo of [healthy, damaged]) {
      pushHistory(repoPath(server.config.reposDir, owner.username, repo.name), [{ message: 'First', files: { 'README.md': '# Lyon\n', 'src/a.txt': 'a\n' } }]);
    }
    const folders = server.config;
    // test: healthy
    const ok = await cli(['check'], folders);
    expect(ok.stdout).toMatch(/OK: database intact, 2 repositories connected/);
    expect(ok.code).toBe(0);
    // test: one object file gone
    rmSync(oneObjectFile(repoPath(server.config.reposDir, owner.username, 'damaged')));
    const broken = await cli(['check'], folders);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/problem: lyon\/damaged: git fsck --connectivity-only failed: .*missing/);
    expect(broken.stdout).not.toMatch(/lyon\/healthy/);
    // test: a folder the database does not know
    gitSync(server.config.reposDir, ['init', '--quiet', '--bare', join(server.config.reposDir, 'stray', 'orphan.git')]);
    const stray = await cli(['check'], folders);
    expect(stray.code).toBe(1);
    expect(stray.stdout).toMatch(/problem: stray\/orphan\.git: a repository folder without a row in the database/);
    await server.close();
  }, CLI_TIMEOUT);

  it('reports a row whose folder is missing', async () => {
    // setup
    const server = await startServer({ listen: false });
    const { db } = server.app.forge;
    const owner = await buildUser(db, { username: 'grenoble' });
    await buildRepo(db, server.config.reposDir, owner, { name: 'gone' });
    rmSync(repoPath(server.config.reposDir, 'grenoble', 'gone'), { recursive: true });
    // test
    const run = await cli(['check'], server.config);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/problem: grenoble\/gone: the database names this repository but its folder .* is missing/);
    await server.close();
  }, CLI_TIMEOUT);
});
