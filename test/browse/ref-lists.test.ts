import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { clientEnv, commitFiles, git, makeWorkTree, refOf, repoUrl } from '../helpers/git.js';
import { repoPath } from '../../server/git/store.js';

/** The lists behind the branches and tags pages and the ref menu (issue #16), and branch deletion, over real HTTP. */
describe('branch and tag lists, branch deletion', () => {
  let server: TestServer;
  let owner: string;
  let ownerToken: string;
  let strangerToken: string;
  const repo = 'lists';
  const url = (path: string) => `${server.url}/api/v1/repos/${owner}/${repo}${path}`;
  const call = (method: string, path: string, token?: string) =>
    fetch(url(path), { method, headers: token ? { authorization: `token ${token}` } : {} });

  beforeAll(async () => {
    // setup: 60 tags and three branches (one protected) pushed with git
    server = await startServer();
    const { db, config } = server.app.forge;
    const user = await buildUser(db);
    owner = user.username;
    ownerToken = await buildToken(db, user, ['all']);
    strangerToken = await buildToken(db, await buildUser(db), ['all']);
    await buildRepo(db, config.reposDir, user, { name: repo });
    const work = await makeWorkTree(2);
    await git(['remote', 'add', 'origin', repoUrl(server.url, owner, repo, { user: owner, secret: ownerToken })], { cwd: work });
    execFileSync('sh', ['-c', 'for i in $(seq 1 60); do git tag "v1.$i"; done'], { cwd: work, env: clientEnv });
    await git(['push', '-q', 'origin', 'main', '--tags'], { cwd: work });
    await git(['checkout', '-q', '-b', 'topic'], { cwd: work });
    await commitFiles(work, { 'topic.txt': 'x\n' }, 'Topic work');
    await git(['checkout', '-q', '-b', 'release/1', 'main'], { cwd: work });
    await git(['push', '-q', 'origin', 'topic', 'release/1'], { cwd: work });
    const protection = await fetch(url('/branch_protections'), {
      method: 'POST',
      headers: { authorization: `token ${ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rule_name: 'release/*' }),
    });
    expect(protection.status).toBe(201);
  }, 120_000);
  afterAll(() => server.close());

  it('searches every tag by name with q, in version order, and tells the total', async () => {
    const all = await call('GET', '/tags?limit=50');
    expect(all.headers.get('x-total-count')).toBe('60');
    expect(((await all.json()) as { name: string }[])[0].name).toBe('v1.60');
    const found = await call('GET', '/tags?q=1.5');
    expect(((await found.json()) as { name: string }[]).map((t) => t.name)).toEqual(['v1.59', 'v1.58', 'v1.57', 'v1.56', 'v1.55', 'v1.54', 'v1.53', 'v1.52', 'v1.51', 'v1.50', 'v1.5']);
    const branches = await call('GET', '/branches?q=TOP');
    expect(((await branches.json()) as { name: string }[]).map((b) => b.name)).toEqual(['topic']);
  });

  it('gives the branches page the default first and ahead/behind counts against it', async () => {
    const response = await call('GET', '/branch-overview');
    expect(response.status).toBe(200);
    const overview = (await response.json()) as { default_branch: string; total: number; branches: { branch: { name: string }; ahead: number; behind: number }[] };
    expect(overview.total).toBe(3);
    expect(overview.branches[0]).toMatchObject({ branch: { name: 'main' }, ahead: 0, behind: 0 });
    expect(overview.branches.find((b) => b.branch.name === 'topic')).toMatchObject({ ahead: 1, behind: 0 });
  });

  it('refuses to delete without a token, for a stranger, the default branch and a protected one, with the reason', async () => {
    const gitdir = repoPath(server.config.reposDir, owner, repo);
    expect((await call('DELETE', '/branches/topic')).status).toBe(401);
    expect((await call('DELETE', '/branches/topic', strangerToken)).status).toBe(403);
    const main = await call('DELETE', '/branches/main', ownerToken);
    expect(main.status).toBe(403);
    expect(((await main.json()) as { message: string }).message).toContain('default branch "main" cannot be deleted');
    const release = await call('DELETE', '/branches/release/1', ownerToken);
    expect(release.status).toBe(403);
    expect(((await release.json()) as { message: string }).message).toContain('is protected and cannot be deleted');
    expect(refOf(gitdir, 'refs/heads/release/1')).toMatch(/^[0-9a-f]{40}$/);
    expect((await call('DELETE', '/branches/nope', ownerToken)).status).toBe(404);
  });

  it('deletes a branch for a writer', async () => {
    expect((await call('DELETE', '/branches/topic', ownerToken)).status).toBe(204);
    expect((await call('GET', '/branches/topic')).status).toBe(404);
  });
});
