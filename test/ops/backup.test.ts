import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BackupManifest } from '../../server/services/backup.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { PASSWORD } from '../helpers/factories.js';
import { git, repoUrl, runGit, tempDir } from '../helpers/git.js';
import { api, as, basic } from '../helpers/http.js';
import { makeWorld, settledPull, type PullWorld } from '../pulls/setup.js';
import { cli } from './cli.js';

/** Backups, restores and servers each start processes: tens of seconds on a loaded machine. */
const TIMEOUT = 600_000;

/** `git ls-remote` of a repository: every ref (HEAD included) with its object, sorted. */
async function lsRemote(url: string, owner: string, name: string, token?: { user: string; secret: string }): Promise<string[]> {
  return (await git(['ls-remote', repoUrl(url, owner, name, token)])).trim().split('\n').sort();
}

/** The rows the API shows: the accounts, the repository, its pull requests with their state. */
async function rows(world: PullWorld, url: string) {
  const auth = as(world.tokens.maintainer);
  const owner = world.maintainer.username;
  const pulls = await api(url, 'GET', `/repos/${owner}/site/pulls?state=all&limit=50`, { auth });
  const users = [];
  for (const user of [world.maintainer, world.contributor, world.outsider]) {
    const { body } = await api(url, 'GET', `/users/${user.username}`, { auth });
    users.push(`${body.id} ${body.login}`);
  }
  const repo = (await api(url, 'GET', `/repos/${owner}/site`, { auth })).body;
  return {
    pulls: (pulls.body as Array<{ number: number; title: string; state: string; merged: boolean }>).map((p) => `${p.number} ${p.title} ${p.state} ${p.merged}`).sort(),
    users,
    repo: `${repo.id} ${repo.full_name} ${repo.default_branch}`,
  };
}

/** Restores a backup into new folders and starts a second server on them. */
async function restoreAndStart(from: string): Promise<{ server: TestServer; dataDir: string; reposDir: string; stdout: string }> {
  const root = tempDir('fabrique-restored-');
  const folders = { dataDir: join(root, 'data'), reposDir: join(root, 'repos') };
  const restored = await cli(['restore', '--from', from], folders);
  expect(restored.stderr).toBe('');
  expect(restored.code).toBe(0);
  const server = await startServer({ env: { FORGE_DATA_DIR: folders.dataDir, FORGE_REPOS_DIR: folders.reposDir } });
  return { server, ...folders, stdout: restored.stdout };
}

/** Commits one new file on a new branch from origin/main in a work clone and pushes it. */
async function pushBranch(work: string, branch: string): Promise<void> {
  await git(['fetch', '-q', 'origin', 'main'], { cwd: work });
  await git(['checkout', '-q', '-b', branch, 'origin/main'], { cwd: work });
  writeFileSync(join(work, `${branch}.txt`), `${branch}\n`);
  await git(['add', '-A'], { cwd: work });
  await git(['commit', '-q', '-m', `Add ${branch}`], { cwd: work });
  await git(['push', '-q', 'origin', branch], { cwd: work });
}

/** Opens a pull request from a branch into main; returns its number. */
async function openPull(world: PullWorld, branch: string): Promise<number> {
  const opened = await api(world.server.url, 'POST', `/repos/${world.maintainer.username}/site/pulls`, { auth: as(world.tokens.maintainer), body: { title: `Add ${branch}`, head: branch, base: 'main' } });
  expect(opened.status).toBe(201);
  return opened.body.number as number;
}

/** Merges a pull request through the API once its mergeability is known. */
async function mergePull(world: PullWorld, number: number): Promise<void> {
  await settledPull(world, world.maintainer.username, 'site', number);
  const merged = await api(world.server.url, 'POST', `/repos/${world.maintainer.username}/site/pulls/${number}/merge`, { auth: as(world.tokens.maintainer), body: { Do: 'merge' } });
  expect(merged.status).toBe(200);
}

/** Runs `step` again and again until `done()`, so that the activity covers the whole backup; returns how many steps ran. */
async function untilDone(done: () => boolean, step: (i: number) => Promise<void>): Promise<number> {
  let i = 0;
  while (!done()) await step(i++);
  return i;
}

describe('npm run cli -- backup and restore', () => {
  it('backs up a running instance during pushes and merges; the restored instance serves the same refs, rows, sign-ins and clones', async () => {
    // setup: a repository with a pull request ready to merge, and two work clones to push from
    const world = await makeWorld();
    const owner = world.maintainer.username;
    const token = { user: owner, secret: world.tokens.maintainer };
    const [pushWork, mergeWork] = [tempDir(), tempDir()];
    for (const work of [pushWork, mergeWork]) await git(['clone', '-q', repoUrl(world.server.url, owner, 'site', token), work]);
    await pushBranch(mergeWork, 'change-0');
    const ready = await openPull(world, 'change-0');
    const folders = { dataDir: world.server.config.dataDir, reposDir: world.server.config.reposDir };
    const backups = tempDir('fabrique-backups-');
    const tarFile = join(backups, 'forge.tar');

    // test: pushes and merges go on for as long as the backup runs
    let done = false;
    const backingUp = cli(['backup', '--to', tarFile], folders).finally(() => (done = true));
    const [backedUp, pushes, merges] = await Promise.all([
      backingUp,
      untilDone(() => done, (i) => pushBranch(pushWork, `topic-${i}`)),
      untilDone(() => done, async (i) => {
        if (i > 0) await pushBranch(mergeWork, `change-${i}`);
        await mergePull(world, i === 0 ? ready : await openPull(world, `change-${i}`));
      }),
    ]);
    expect(backedUp.stderr).toBe('');
    expect(backedUp.code).toBe(0);
    expect(backedUp.stdout).toMatch(/Backed up 1 repositories/);
    expect(pushes).toBeGreaterThan(0);
    expect(merges).toBeGreaterThan(0);

    // test: the restored instance holds exactly the snapshot the manifest describes
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', tarFile, 'manifest.json'], { encoding: 'utf8' })) as BackupManifest;
    const snapshot = manifest.repositories.find((repo) => repo.path === `${owner.toLowerCase()}/site.git`)!;
    expect(Object.keys(snapshot.refs)).toEqual(expect.arrayContaining(['refs/heads/main', 'refs/heads/change-0', `refs/pull/${ready}/head`]));
    const first = await restoreAndStart(tarFile);
    expect(first.stdout).toMatch(/every checksum matched/);
    const restoredRefs = (await lsRemote(first.server.url, owner, 'site', token)).filter((line) => !line.endsWith('\tHEAD'));
    expect(restoredRefs).toEqual(Object.entries(snapshot.refs).map(([ref, sha]) => `${sha}\t${ref}`).sort());
    // every ref of the snapshot was a real state of the original: its objects are there
    for (const sha of Object.values(snapshot.refs)) expect((await runGit(['cat-file', '-e', sha], { cwd: world.path })).code).toBe(0);
    expect((await api(first.server.url, 'GET', `/repos/${owner}/site/pulls?state=all&limit=50`, { auth: as(world.tokens.maintainer) })).body).toHaveLength(manifest.tables.pull_requests);
    expect((await rows(world, first.server.url)).users).toEqual((await rows(world, world.server.url)).users);
    // the same accounts sign in with their passwords
    expect((await api(first.server.url, 'GET', '/user', { auth: basic(world.contributor.username, PASSWORD) })).body.login).toBe(world.contributor.username);
    const firstClone = tempDir();
    await git(['clone', '-q', repoUrl(first.server.url, owner, 'site'), firstClone]);
    expect((await git(['rev-parse', 'HEAD'], { cwd: firstClone })).trim()).toBe(snapshot.refs['refs/heads/main']);
    expect((await runGit(['fsck', '--full', '--no-dangling'], { cwd: firstClone })).code).toBe(0);
    await first.server.close();

    // test: once the activity is over, a backup to a folder restores to the same refs, rows and clone as the original
    const folderBackup = join(backups, 'forge');
    expect((await cli(['backup', '--to', folderBackup], folders)).code).toBe(0);
    const second = await restoreAndStart(folderBackup);
    expect(await lsRemote(second.server.url, owner, 'site', token)).toEqual(await lsRemote(world.server.url, owner, 'site', token));
    expect(await rows(world, second.server.url)).toEqual(await rows(world, world.server.url));
    const secondClone = tempDir();
    await git(['clone', '-q', repoUrl(second.server.url, owner, 'site'), secondClone]);
    expect((await git(['rev-parse', 'HEAD'], { cwd: secondClone })).trim()).toBe((await git(['rev-parse', 'main'], { cwd: world.path })).trim());
    expect((await runGit(['fsck', '--full', '--no-dangling'], { cwd: secondClone })).code).toBe(0);
    const check = await cli(['check'], { dataDir: second.dataDir, reposDir: second.reposDir });
    expect(check.stdout).toMatch(/^OK: /m);

    // test: restore refuses folders that already hold an instance, and leaves them as they were
    const refused = await cli(['restore', '--from', tarFile], { dataDir: second.dataDir, reposDir: second.reposDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not empty: restore only into empty folders, or pass --force/);
    expect(readdirSync(second.reposDir)).toEqual(readdirSync(folders.reposDir).filter((name) => !name.startsWith('.')));
    expect(await rows(world, second.server.url)).toEqual(await rows(world, world.server.url));
    await second.server.close();
    await world.server.close();
  }, TIMEOUT);
});
