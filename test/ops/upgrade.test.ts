import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/app.js';
import { migrate, openDb } from '../../server/db/index.js';
import { startServer } from '../helpers/server.js';
import { PASSWORD } from '../helpers/factories.js';
import { git, gitSync, pushHistory, repoUrl, tempDir } from '../helpers/git.js';
import { api, basic } from '../helpers/http.js';
import { RELEASE_HISTORY } from '../fixtures/release-022.js';
import { runProgram } from './cli.js';

const MIGRATIONS = join(PROJECT_ROOT, 'migrations');
const NEWER = '999-from-a-newer-fabrique.sql';
/** Each CLI or server run starts Node and tsx: seconds on a loaded machine. */
const PROCESS_TIMEOUT = 240_000;

function folders(root: string) {
  const dataDir = join(root, 'data');
  const reposDir = join(root, 'repos');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(reposDir, { recursive: true });
  return { dataDir, reposDir };
}

describe('upgrades', () => {
  it("migrates the previous release's database (migration 022) and serves its rows, accounts and repositories", async () => {
    // setup: the release's database, and its repositories' folders
    const { dataDir, reposDir } = folders(tempDir('fabrique-upgrade-'));
    const old = openDb(join(dataDir, 'fabrique.db'));
    await old.exec(readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'release-022.sql'), 'utf8'));
    await old.close();
    const site = join(reposDir, 'alice', 'site.git');
    gitSync(reposDir, ['init', '--quiet', '--bare', '--initial-branch=main', site]);
    const [main] = pushHistory(site, RELEASE_HISTORY);
    gitSync(reposDir, ['init', '--quiet', '--bare', '--initial-branch=main', join(reposDir, 'bob', 'notes.git')]);
    // test
    const server = await startServer({ env: { FORGE_DATA_DIR: dataDir, FORGE_REPOS_DIR: reposDir } });
    const applied = await server.app.forge.db.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all();
    expect(applied).toEqual(readdirSync(MIGRATIONS).filter((name) => name.endsWith('.sql')).sort());
    const alice = basic('alice', PASSWORD);
    const bob = basic('bob', PASSWORD);
    expect((await api(server.url, 'GET', '/user', { auth: alice })).body.login).toBe('alice');
    const repo = await api(server.url, 'GET', '/repos/alice/site');
    expect(repo.status).toBe(200);
    expect(repo.body.description).toBe('Le site de la Métropole');
    expect((await api(server.url, 'GET', '/repos/bob/notes')).status).toBe(404);
    expect((await api(server.url, 'GET', '/repos/bob/notes', { auth: bob })).status).toBe(200);
    const issues = await api(server.url, 'GET', '/repos/alice/site/issues?type=issues');
    expect(issues.body.map((issue: { title: string }) => issue.title)).toEqual(['Le plan ne charge pas']);
    const comments = await api(server.url, 'GET', '/repos/alice/site/issues/1/comments');
    expect(comments.body.map((comment: { body: string }) => comment.body)).toEqual(['Merci, je regarde.']);
    const pulls = await api(server.url, 'GET', '/repos/alice/site/pulls');
    expect(pulls.body.map((pull: { title: string; number: number }) => [pull.number, pull.title])).toEqual([[2, 'Nouvelle page']]);
    // the search index came along, and new rows follow the old numbering
    const found = await api(server.url, 'GET', '/repos/alice/site/issues?type=issues&q=plan');
    expect(found.body).toHaveLength(1);
    const opened = await api(server.url, 'POST', '/repos/alice/site/issues', { auth: bob, body: { title: 'Après la mise à jour' } });
    expect(opened.status).toBe(201);
    expect(opened.body.number).toBe(3);
    const clone = tempDir();
    await git(['clone', '--quiet', repoUrl(server.url, 'alice', 'site'), clone]);
    expect((await git(['rev-parse', 'HEAD'], { cwd: clone })).trim()).toBe(main);
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, PROCESS_TIMEOUT);

  it('refuses to start on a database written by a newer Fabrique, in the server and the CLI, and leaves it as it was', async () => {
    // setup
    const dirs = folders(tempDir('fabrique-newer-'));
    const db = openDb(join(dirs.dataDir, 'fabrique.db'));
    await migrate(db, MIGRATIONS);
    await db.prepare('INSERT INTO schema_migrations (name) VALUES (?)').run(NEWER);
    const before = await db.prepare('SELECT count(*) FROM schema_migrations').pluck().get();
    await db.close();
    const message = `This database was written by a newer Fabrique (migration ${NEWER}); upgrade Fabrique or restore a backup`;
    // test: in-process, the app does not build
    await expect(startServer({ env: { FORGE_DATA_DIR: dirs.dataDir, FORGE_REPOS_DIR: dirs.reposDir } })).rejects.toThrow(message);
    // test: the real server process exits non-zero with the message
    const server = await runProgram('main', [], dirs, { PORT: '0' });
    expect(server.code).not.toBe(0);
    expect(server.stderr).toContain(`Fabrique cannot start: ${message}`);
    // test: the CLI refuses as well
    const cli = await runProgram('cli', ['user', 'create', '--username', 'carol', '--email', 'carol@example.org', '--password', 'long enough'], dirs);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(message);
    const after = openDb(join(dirs.dataDir, 'fabrique.db'));
    expect(await after.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(before);
    expect(await after.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
    await after.close();
  }, PROCESS_TIMEOUT);
});
