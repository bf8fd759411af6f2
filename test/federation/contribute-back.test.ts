import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api } from '../helpers/http.js';
import { commitFiles, git, hasObject, makeWorkTree, refOf, repoUrl, tempDir } from '../helpers/git.js';
import { repoPath } from '../../server/git/store.js';
import type { UserRow } from '../../server/db/users.js';

// Two Fabrique instances on 127.0.0.1: the Métropole's (A, the origin) and a municipality's (B),
// which imports A's project, changes it and proposes the change back.
let a: TestServer;
let b: TestServer;
let maintainerToken: string;
let agentToken: string;
let communeToken: string;
let work: string;
let bClone: string;

const token = (t: string) => ({ authorization: `token ${t}` });

/** Polls until `check` returns a value (not undefined), for at most 20 s: a webhook crosses two servers. */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('not reached in 20 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  // setup
  a = await startServer({ env: { FORGE_IMPORT_ALLOW_PRIVATE: 'true' } });
  b = await startServer({ env: { FORGE_IMPORT_ALLOW_PRIVATE: 'true', FORGE_WEBHOOK_ALLOWED_HOSTS: 'private' } });
  const metropole: UserRow = await buildUser(a.app.forge.db, { username: 'metropole' });
  maintainerToken = await buildToken(a.app.forge.db, metropole, ['all']);
  // The same agent has an account on A (to open the pull request) and on B (to change the fork).
  const agentA = await buildUser(a.app.forge.db, { username: 'agent' });
  agentToken = await buildToken(a.app.forge.db, agentA, ['write:repository']);
  const commune = await buildUser(b.app.forge.db, { username: 'commune' });
  communeToken = await buildToken(b.app.forge.db, commune, ['all']);
  await buildRepo(a.app.forge.db, a.config.reposDir, metropole, { name: 'projet' });
  work = await makeWorkTree(2, 'main');
  await git(['push', repoUrl(a.url, 'metropole', 'projet', { user: 'metropole', secret: maintainerToken }), 'main'], { cwd: work });
  bClone = `${b.url}/commune/projet.git`;
}, 60_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('contributing back from another Fabrique', () => {
  let fixSha: string;
  let number: number;
  let local: string;

  it('B imports A\'s project as a mirror and makes it a working fork that keeps its upstream', async () => {
    // test
    const imported = await api(b.url, 'POST', '/repos/migrate', { auth: token(communeToken), body: { clone_addr: `${a.url}/metropole/projet.git`, repo_name: 'projet', mirror: true } });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    // A mirror takes no push and proposes nothing.
    const refused = await api(b.url, 'POST', '/repos/commune/projet/upstream/propose', { auth: token(communeToken), body: { branch: 'main' } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/mirror/);
    expect((await api(b.url, 'POST', '/repos/commune/projet/upstream/working-fork', {})).status).toBe(401);
    const converted = await api(b.url, 'POST', '/repos/commune/projet/upstream/working-fork', { auth: token(communeToken) });
    expect(converted.status, JSON.stringify(converted.body)).toBe(200);
    expect(converted.body).toEqual({ clone_url: `${a.url}/metropole/projet.git`, html_url: `${a.url}/metropole/projet`, mirror: false, working_fork: true });
    expect((await api(b.url, 'GET', '/repos/commune/projet', { auth: token(communeToken) })).body.mirror).toBe(false);
  });

  it('a person on B pushes a branch and proposes it upstream: B registers a push webhook to A and names A\'s prefilled page', async () => {
    local = tempDir();
    await git(['clone', '-q', repoUrl(b.url, 'commune', 'projet', { user: 'commune', secret: communeToken }), local]);
    await git(['checkout', '-q', '-b', 'fix'], { cwd: local });
    fixSha = await commitFiles(local, { 'src/app.txt': 'one\nTWO\nthree\n' }, 'Add app');
    await git(['push', '-q', 'origin', 'fix'], { cwd: local });
    const proposal = await api(b.url, 'POST', '/repos/commune/projet/upstream/propose', { auth: token(communeToken), body: { branch: 'fix' } });
    expect(proposal.status, JSON.stringify(proposal.body)).toBe(200);
    const page = new URL(proposal.body.compare_url);
    expect(page.origin + page.pathname).toBe(`${a.url}/metropole/projet/pulls/new`);
    expect(page.searchParams.get('remote_url')).toBe(bClone);
    expect(page.searchParams.get('remote_branch')).toBe('fix');
    const hooks = await api(b.url, 'GET', '/repos/commune/projet/hooks', { auth: token(communeToken) });
    expect(hooks.body.map((h: { config: { url: string } }) => h.config.url)).toEqual([`${a.url}/api/v1/remote-pulls/notify`]);
    // Proposing again reuses the hook.
    await api(b.url, 'POST', '/repos/commune/projet/upstream/propose', { auth: token(communeToken), body: { branch: 'fix' } });
    expect((await api(b.url, 'GET', '/repos/commune/projet/hooks', { auth: token(communeToken) })).body).toHaveLength(1);
  });

  it('refuses a source on a private address without FORGE_IMPORT_ALLOW_PRIVATE (422) and stores nothing', async () => {
    const strict = await startServer();
    try {
      const owner = await buildUser(strict.app.forge.db, { username: 'ville' });
      const t = await buildToken(strict.app.forge.db, owner, ['all']);
      await buildRepo(strict.app.forge.db, strict.config.reposDir, owner, { name: 'projet' });
      await git(['push', repoUrl(strict.url, 'ville', 'projet', { user: 'ville', secret: t }), 'main'], { cwd: work });
      const res = await api(strict.url, 'POST', '/repos/ville/projet/pulls/remote', { auth: token(t), body: { source_url: bClone, branch: 'fix', base: 'main', title: 'Fix' } });
      expect(res.status).toBe(422);
      expect(res.body.message).toMatch(/private, loopback or link-local address/);
      expect(await strict.app.forge.db.prepare('SELECT count(*) FROM pull_requests').pluck().get()).toBe(0);
      expect(refOf(repoPath(strict.config.reposDir, 'ville', 'projet'), 'refs/pull/1/head')).toBe('');
      expect(hasObject(repoPath(strict.config.reposDir, 'ville', 'projet'), fixSha)).toBe(false);
    } finally {
      await strict.close();
    }
  });

  it('refuses bad input with a clear 4xx and stores nothing', async () => {
    const post = (body: Record<string, unknown>, auth: Record<string, string> = token(agentToken)) => api(a.url, 'POST', '/repos/metropole/projet/pulls/remote', { auth, body });
    expect((await post({ source_url: bClone, branch: 'fix', base: 'main', title: 'Fix' }, {})).status).toBe(401);
    expect((await post({ source_url: 'file:///etc', branch: 'fix', base: 'main', title: 'Fix' })).status).toBe(422);
    expect((await post({ source_url: `http://u:p@127.0.0.1:${new URL(b.url).port}/commune/projet.git`, branch: 'fix', base: 'main', title: 'Fix' })).body.message).toMatch(/without credentials/);
    expect((await post({ source_url: bClone, branch: 'nope', base: 'main', title: 'Fix' })).status).toBe(422);
    expect((await post({ source_url: bClone, branch: 'fix', base: 'nope', title: 'Fix' })).status).toBe(404);
    expect(await a.app.forge.db.prepare('SELECT count(*) FROM pull_requests').pluck().get()).toBe(0);
  });

  it('A opens the pull request from B\'s branch: its head is in refs/pull/1/head, it shows where it comes from', async () => {
    const res = await api(a.url, 'POST', '/repos/metropole/projet/pulls/remote', {
      auth: token(agentToken),
      body: { source_url: bClone, branch: 'fix', base: 'main', title: 'Add the app', body: 'From the commune' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    number = res.body.number;
    expect(res.body.head).toMatchObject({ sha: fixSha, ref: 'fix', label: `127.0.0.1:${new URL(b.url).port}/commune/projet:fix` });
    expect(res.body.head_unavailable_reason).toBeNull();
    expect(res.body.remote_source).toMatchObject({ clone_url: bClone, html_url: `${b.url}/commune/projet`, branch: 'fix', allow_force_push: false, last_error: '' });
    expect(refOf(repoPath(a.config.reposDir, 'metropole', 'projet'), `refs/pull/${number}/head`)).toBe(fixSha);
    // The same branch into the same base again is a conflict.
    expect((await api(a.url, 'POST', '/repos/metropole/projet/pulls/remote', { auth: token(agentToken), body: { source_url: `${b.url}/commune/projet`, branch: 'fix', base: 'main', title: 'Again' } })).status).toBe(409);
    // Diff and mergeability work as for a fork's.
    const files = await api(a.url, 'GET', `/repos/metropole/projet/pulls/${number}/files`, {});
    expect(files.body.map((f: { filename: string }) => f.filename)).toEqual(['src/app.txt']);
    await eventually(async () => ((await api(a.url, 'GET', `/repos/metropole/projet/pulls/${number}`, {})).body.mergeable ? true : undefined));
  });

  it('A answers B\'s query on a public endpoint, and B\'s branch API shows A\'s pull request', async () => {
    const pub = await api(a.url, 'GET', `/remote-pulls?source_url=${encodeURIComponent(bClone)}&branch=fix`, {});
    expect(pub.body).toEqual([{ html_url: `${a.url}/metropole/projet/pulls/${number}`, number, title: 'Add the app', state: 'open', repository: 'metropole/projet', branch: 'fix' }]);
    const upstream = await api(b.url, 'GET', '/repos/commune/projet/upstream/pulls', { auth: token(communeToken) });
    expect(upstream.body).toEqual(pub.body);
    // B names only a public repository to another forge: once it is private, B asks nothing and shows nothing.
    expect((await api(b.url, 'PATCH', '/repos/commune/projet', { auth: token(communeToken), body: { private: true } })).status).toBe(200);
    expect((await api(b.url, 'GET', '/repos/commune/projet/upstream/pulls', { auth: token(communeToken) })).body).toEqual([]);
    expect((await api(b.url, 'PATCH', '/repos/commune/projet', { auth: token(communeToken), body: { private: false } })).status).toBe(200);
    // A private repository's pull requests are not told to anyone.
    expect((await api(a.url, 'PATCH', '/repos/metropole/projet', { auth: token(maintainerToken), body: { private: true } })).status).toBe(200);
    expect((await api(a.url, 'GET', `/remote-pulls?source_url=${encodeURIComponent(bClone)}`, {})).body).toEqual([]);
    expect((await api(a.url, 'PATCH', '/repos/metropole/projet', { auth: token(maintainerToken), body: { private: false } })).status).toBe(200);
  });

  it('a maintainer on A reviews; a suggestion cannot be applied (409): the patch is offered instead', async () => {
    const review = await api(a.url, 'POST', `/repos/metropole/projet/pulls/${number}/reviews`, {
      auth: token(maintainerToken),
      body: { event: 'REQUEST_CHANGES', body: 'Lower case, please', comments: [{ path: 'src/app.txt', body: '```suggestion\ntwo\n```', new_position: 2 }] },
    });
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    const comments = await api(a.url, 'GET', `/repos/metropole/projet/pulls/${number}/reviews/${review.body.id}/comments`, { auth: token(maintainerToken) });
    const apply = await api(a.url, 'POST', `/repos/metropole/projet/pulls/${number}/comments/${comments.body[0].id}/suggestion`, { auth: token(agentToken) });
    expect(apply.status).toBe(409);
    expect(apply.body.message).toBe('This pull request comes from another forge: apply the patch there.');
    const patch = await fetch(`${a.url}/api/v1/repos/metropole/projet/pulls/${number}.patch`);
    expect(await patch.text()).toContain('+TWO');
  });

  it('B pushes a fix: A\'s pull request head follows through the webhook and the notification', async () => {
    const fixed = await commitFiles(local, { 'src/app.txt': 'one\ntwo\nthree\n' }, 'Lower case');
    await git(['push', '-q', 'origin', 'fix'], { cwd: local });
    const pull = await eventually(async () => {
      const res = await api(a.url, 'GET', `/repos/metropole/projet/pulls/${number}`, {});
      return res.body.head.sha === fixed ? res.body : undefined;
    });
    expect(pull.remote_source.last_error).toBe('');
    expect(refOf(repoPath(a.config.reposDir, 'metropole', 'projet'), `refs/pull/${number}/head`)).toBe(fixed);
    fixSha = fixed;
  });

  it('a force push to a commit that is not a descendant is refused when the pull request says no force push', async () => {
    await git(['commit', '-q', '--amend', '-m', 'Lower case (reworded)'], { cwd: local });
    const rewritten = (await git(['rev-parse', 'HEAD'], { cwd: local })).trim();
    await git(['push', '-q', '--force', 'origin', 'fix'], { cwd: local });
    const pull = await eventually(async () => {
      const res = await api(a.url, 'GET', `/repos/metropole/projet/pulls/${number}`, {});
      return res.body.remote_source.last_error !== '' ? res.body : undefined;
    });
    expect(pull.remote_source.last_error).toMatch(/force-pushed.*does not allow force pushes/);
    expect(pull.head.sha).toBe(fixSha);
    expect(refOf(repoPath(a.config.reposDir, 'metropole', 'projet'), `refs/pull/${number}/head`)).toBe(fixSha);
    // The refresh button says the same.
    const refresh = await api(a.url, 'POST', `/repos/metropole/projet/pulls/${number}/refresh`, {});
    expect(refresh.status).toBe(200);
    expect(refresh.body).toMatchObject({ moved: false, head_sha: fixSha });
    expect(refresh.body.refused).toMatch(/force/);
    expect(rewritten).not.toBe(fixSha);
  });

  it('a forged notification changes nothing and tells nothing', async () => {
    const res = await api(a.url, 'POST', '/remote-pulls/notify', { body: { source_url: 'http://127.0.0.1:1/evil.git', branch: 'fix' } });
    expect(res.status).toBe(202);
    const gitea = await api(a.url, 'POST', '/remote-pulls/notify', { body: { ref: 'refs/heads/fix', repository: { clone_url: bClone, html_url: 'not a url' } } });
    expect(gitea.status).toBe(202);
    expect((await api(a.url, 'GET', `/repos/metropole/projet/pulls/${number}`, {})).body.head.sha).toBe(fixSha);
  });

  it('A merges; B syncs from upstream and has the merge commit', async () => {
    expect((await api(a.url, 'POST', `/repos/metropole/projet/pulls/${number}/reviews`, { auth: token(maintainerToken), body: { event: 'APPROVED', body: 'Thanks' } })).status).toBe(200);
    const merge = await api(a.url, 'POST', `/repos/metropole/projet/pulls/${number}/merge`, { auth: token(maintainerToken), body: { Do: 'merge' } });
    expect(merge.status, JSON.stringify(merge.body)).toBe(200);
    const mergeCommit = refOf(repoPath(a.config.reposDir, 'metropole', 'projet'), 'refs/heads/main');
    expect((await api(b.url, 'POST', '/repos/commune/projet/upstream/sync', {})).status).toBe(401);
    const sync = await api(b.url, 'POST', '/repos/commune/projet/upstream/sync', { auth: token(communeToken) });
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
    expect(sync.body).toEqual({ branch: 'main', sha: mergeCommit, moved: true });
    expect(refOf(repoPath(b.config.reposDir, 'commune', 'projet'), 'refs/heads/main')).toBe(mergeCommit);
    expect(refOf(repoPath(b.config.reposDir, 'commune', 'projet'), `${mergeCommit}^2`)).toBe(fixSha);
    // The public endpoint lists open pull requests only.
    expect((await api(a.url, 'GET', `/remote-pulls?source_url=${encodeURIComponent(bClone)}`, {})).body).toEqual([]);
  });

  it('B\'s sync is a clear 409 when its branch has commits the upstream lacks', async () => {
    const mine = tempDir();
    await git(['clone', '-q', repoUrl(b.url, 'commune', 'projet', { user: 'commune', secret: communeToken }), mine]);
    await commitFiles(mine, { 'local.txt': 'only here\n' }, 'Local change');
    await git(['push', '-q', 'origin', 'main'], { cwd: mine });
    await commitFiles(work, { 'upstream.txt': 'only there\n' }, 'Upstream change');
    await git(['pull', '-q', '--no-rebase', '--no-edit', repoUrl(a.url, 'metropole', 'projet'), 'main'], { cwd: work });
    await git(['push', '-q', repoUrl(a.url, 'metropole', 'projet', { user: 'metropole', secret: maintainerToken }), 'main'], { cwd: work });
    const before = refOf(repoPath(b.config.reposDir, 'commune', 'projet'), 'refs/heads/main');
    const sync = await api(b.url, 'POST', '/repos/commune/projet/upstream/sync', { auth: token(communeToken) });
    expect(sync.status).toBe(409);
    expect(sync.body.message).toMatch(/cannot be fast-forwarded/);
    expect(refOf(repoPath(b.config.reposDir, 'commune', 'projet'), 'refs/heads/main')).toBe(before);
  });
});
