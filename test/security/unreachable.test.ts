import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, git, gitSync, hasObject, repoUrl, runGit, tempDir } from '../helpers/git.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { repoPath } from '../../server/git/store.js';
import type { UserRow } from '../../server/db/users.js';

describe('objects no ref reaches are not served, and maintenance prunes them (issue #10, item 13)', () => {
  let server: TestServer;
  let owner: UserRow;
  let bare: string;
  let work: string;
  let leak: string;
  let kept: string;
  let tip: string;

  beforeAll(async () => {
    // setup: a public repository; a secret pushed to main then force-pushed away; a branch deleted
    // while a pull request head (refs/pull/9/head) still points to its commit
    server = await startServer();
    const { db } = server.app.forge;
    owner = await buildUser(db);
    const token = await buildToken(db, owner, ['all']);
    await buildRepo(db, server.config.reposDir, owner, { name: 'app' });
    bare = repoPath(server.config.reposDir, owner.username, 'app');
    work = tempDir();
    await git(['init', '-q', '--initial-branch=main', work]);
    await git(['remote', 'add', 'origin', repoUrl(server.url, owner.username, 'app', { user: owner.username, secret: token })], { cwd: work });
    await commitFiles(work, { 'README.md': '# App\n' }, 'First');
    await git(['push', '-q', 'origin', 'main'], { cwd: work });
    await git(['checkout', '-q', '-b', 'feature'], { cwd: work });
    kept = await commitFiles(work, { 'feature.txt': 'kept by its pull request\n' }, 'Feature');
    await git(['push', '-q', 'origin', 'feature'], { cwd: work });
    gitSync(bare, ['update-ref', 'refs/pull/9/head', kept]);
    await git(['push', '-q', 'origin', ':feature'], { cwd: work });
    await git(['checkout', '-q', 'main'], { cwd: work });
    leak = await commitFiles(work, { 'SECRET.txt': 'password=hunter2\n' }, 'Oops');
    await git(['push', '-q', 'origin', 'main'], { cwd: work });
    await git(['reset', '-q', '--hard', 'HEAD~1'], { cwd: work });
    tip = await commitFiles(work, { 'README.md': '# App, fixed\n' }, 'Fixed');
    await git(['push', '-q', '--force', 'origin', 'main'], { cwd: work });
  }, 60_000);
  afterAll(() => server.close());

  it('git fetch of a force-pushed commit by id fails over protocol v2 and v0; a reachable one is still fetched', async () => {
    for (const version of ['2', '0']) {
      const clone = tempDir();
      await git(['init', '-q', clone]);
      const url = repoUrl(server.url, owner.username, 'app');
      // test
      const refused = await runGit(['-c', `protocol.version=${version}`, 'fetch', '-q', url, leak], { cwd: clone });
      expect(refused.code, `protocol v${version}`).not.toBe(0);
      expect(refused.stderr, `protocol v${version}`).toMatch(/not our ref/);
      expect(hasObject(clone, leak)).toBe(false);
      const allowed = await runGit(['-c', `protocol.version=${version}`, 'fetch', '-q', url, tip, kept], { cwd: clone });
      expect(allowed.stderr).toBe('');
      expect(allowed.code).toBe(0);
      expect(hasObject(clone, kept)).toBe(true);
    }
  });

  it('pages and the API answer 404 for a commit no ref reaches, by full or short id', async () => {
    const o = owner.username;
    // test
    for (const path of [
      `/${o}/app/raw/commit/${leak}/SECRET.txt`,
      `/api/v1/repos/${o}/app/git/commits/${leak}`,
      `/api/v1/repos/${o}/app/git/commits/${leak.slice(0, 10)}`,
      `/api/v1/repos/${o}/app/commit/${leak}/diff`,
      `/api/v1/repos/${o}/app/compare/main...${leak}`,
      `/api/v1/repos/${o}/app/raw/${leak}/SECRET.txt`,
      `/api/v1/repos/${o}/app/contents/SECRET.txt?ref=${leak}`,
      `/api/v1/repos/${o}/app/tree/${leak}`,
      `/api/v1/repos/${o}/app/archive/${leak}.zip`,
      `/api/v1/repos/${o}/app/commits?sha=${leak}`,
    ]) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
    // what a ref reaches is served, a pull request's head included
    expect((await fetch(`${server.url}/${o}/app/raw/commit/${tip}/README.md`)).status).toBe(200);
    expect((await fetch(`${server.url}/${o}/app/raw/commit/${kept}/feature.txt`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/repos/${o}/app/git/commits/${kept}`)).status).toBe(200);
  });

  it('maintenance after the forced push deletes the unreachable objects and keeps refs/pull/*', async () => {
    // test: the push schedules maintenance (debounced); wait for it to have pruned
    for (let i = 0; i < 300 && hasObject(bare, leak); i++) await new Promise((r) => setTimeout(r, 100));
    expect(hasObject(bare, leak)).toBe(false);
    expect(hasObject(bare, kept)).toBe(true);
    expect(hasObject(bare, tip)).toBe(true);
    await git(['fsck', '--no-progress', '--no-dangling'], { cwd: bare });
  }, 60_000);

  it('forgets that a ref reached a commit as soon as the ref goes: deleted, force-pushed away, loose or packed', async () => {
    const diff = async (oid: string) => (await fetch(`${server.url}/api/v1/repos/${owner.username}/app/commit/${oid}/diff`)).status;
    // Reachability is remembered only under ref times over a second old: each step lets them settle
    // first, so that the 200 before the change comes from what was remembered. The refs then change
    // on disk behind the forge's back, as another replica sharing the folder changes them before its
    // event arrives: no cache drop helps, the forge has to see the refs themselves.
    const settle = () => new Promise((r) => setTimeout(r, 1100));
    const branchWith = async (branch: string, file: string) => {
      await git(['checkout', '-q', '-B', branch, tip], { cwd: work });
      const oid = await commitFiles(work, { [file]: `${branch}\n` }, `On ${branch}`);
      await git(['push', '-q', 'origin', branch], { cwd: work });
      return oid;
    };

    // test: a loose ref in a nested folder, deleted
    const nested = await branchWith('topic/a', 'a.txt');
    await settle();
    expect(await diff(nested)).toBe(200);
    expect(await diff(nested)).toBe(200);
    gitSync(bare, ['update-ref', '-d', 'refs/heads/topic/a']);
    expect(await diff(nested)).toBe(404);

    // a loose ref force-pushed back to main's tip
    const moved = await branchWith('b', 'b.txt');
    await settle();
    expect(await diff(moved)).toBe(200);
    gitSync(bare, ['update-ref', 'refs/heads/b', tip]);
    expect(await diff(moved)).toBe(404);

    // a packed ref, deleted (git rewrites packed-refs)
    const packed = await branchWith('c', 'c.txt');
    gitSync(bare, ['pack-refs', '--all']);
    await settle();
    expect(await diff(packed)).toBe(200);
    gitSync(bare, ['update-ref', '-d', 'refs/heads/c']);
    expect(await diff(packed)).toBe(404);

    // and the other way: unreachable, remembered so, then a branch brings it back
    await settle();
    expect(await diff(moved)).toBe(404);
    gitSync(bare, ['update-ref', 'refs/heads/back', moved]);
    expect(await diff(moved)).toBe(200);
    await git(['checkout', '-q', 'main'], { cwd: work });
  }, 60_000);
});
