import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { repoPath } from '../../server/git/store.js';
import type { UserRow } from '../../server/db/users.js';
import type { RepoRow } from '../../server/db/repos.js';
import { commitFiles, git, hasObject, makeWorkTree, repoUrl, runGit } from '../helpers/git.js';

let server: TestServer;
let owner: UserRow;
let token: string;

beforeAll(async () => {
  server = await startServer();
  owner = await buildUser(server.app.forge.db);
  token = await buildToken(server.app.forge.db, owner);
});
afterAll(() => server.close());

function api(method: string, path: string, body?: unknown, secret = token) {
  return fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `token ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const urlOf = (repo: RepoRow) => repoUrl(server.url, owner.username, repo.name, { user: owner.username, secret: token });

describe('branch protection API', () => {
  it('refuses anonymous callers, strangers and read-only users before anything else', async () => {
    // setup
    const { db } = server.app.forge;
    const privateRepo = await buildRepo(db, server.config.reposDir, owner, { isPrivate: true });
    const stranger = await buildUser(db);
    const strangerToken = await buildToken(db, stranger);
    // test
    const path = `/repos/${owner.username}/${privateRepo.name}/branch_protections`;
    expect((await fetch(`${server.url}/api/v1${path}`)).status).toBe(404);
    expect((await api('GET', path, undefined, strangerToken)).status).toBe(404);
    const publicRepo = await buildRepo(db, server.config.reposDir, owner);
    expect((await api('POST', `/repos/${owner.username}/${publicRepo.name}/branch_protections`, { rule_name: 'main' }, strangerToken)).status).toBe(403);
  });

  it('creates with Gitea defaults, reads, edits, lists and deletes a rule', async () => {
    // setup
    const { db } = server.app.forge;
    const repo = await buildRepo(db, server.config.reposDir, owner);
    const base = `/repos/${owner.username}/${repo.name}/branch_protections`;
    // test
    const created = await api('POST', base, { branch_name: 'main' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      branch_name: 'main',
      rule_name: 'main',
      enable_push: false,
      enable_push_whitelist: false,
      push_whitelist_usernames: [],
      enable_force_push: false,
      required_approvals: 0,
      block_on_rejected_reviews: false,
    });
    expect((await api('POST', base, { rule_name: 'main' })).status).toBe(409);
    expect((await api('POST', base, { rule_name: 'x', push_whitelist_usernames: ['nobody-here'] })).status).toBe(422);
    const edited = await api('PATCH', `${base}/main`, { enable_push: true, required_approvals: 2, push_whitelist_usernames: [owner.username] });
    expect(await edited.json()).toMatchObject({ enable_push: true, required_approvals: 2, push_whitelist_usernames: [owner.username] });
    expect(await (await api('GET', `${base}/main`)).json()).toMatchObject({ enable_push: true, enable_force_push: false });
    expect((await (await api('GET', base)).json()).map((r: { rule_name: string }) => r.rule_name)).toEqual(['main']);
    expect((await api('DELETE', `${base}/main`)).status).toBe(204);
    expect((await api('GET', `${base}/main`)).status).toBe(404);
  });
});

describe('pushing to protected branches', () => {
  async function protectedRepo(rule: Record<string, unknown>) {
    // setup
    const repo = await buildRepo(server.app.forge.db, server.config.reposDir, owner);
    const work = await makeWorkTree(2);
    await git(['push', urlOf(repo), 'main', 'main:release/1.0'], { cwd: work });
    const response = await api('POST', `/repos/${owner.username}/${repo.name}/branch_protections`, rule);
    expect(response.status).toBe(201);
    return { repo, work, bare: repoPath(server.config.reposDir, owner.username, repo.name) };
  }

  it('refuses a direct push when enable_push is off, and stores nothing', async () => {
    const { repo, work, bare } = await protectedRepo({ rule_name: 'main' });
    const id = await commitFiles(work, { 'new.txt': 'new\n' }, 'direct');
    // test
    const result = await runGit(['push', urlOf(repo), 'main'], { cwd: work });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('remote: Fabrique: refused refs/heads/main: the branch "main" is protected: changes go through a pull request.');
    expect(result.stderr).toContain('pre-receive hook declined');
    expect(hasObject(bare, id)).toBe(false);
  });

  it('refuses a force push and a deletion, and stores nothing; allows a fast-forward', async () => {
    const { repo, work, bare } = await protectedRepo({ rule_name: 'release/*', enable_push: true });
    // test
    await git(['reset', '-q', '--hard', 'HEAD~1'], { cwd: work });
    const rewritten = await commitFiles(work, { 'rewrite.txt': 'rewritten\n' }, 'rewrite');
    const forced = await runGit(['push', '--force', urlOf(repo), 'main:release/1.0'], { cwd: work });
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toContain('force-pushing (rewriting its history) is not allowed');
    expect(hasObject(bare, rewritten)).toBe(false);
    const deleted = await runGit(['push', urlOf(repo), ':release/1.0'], { cwd: work });
    expect(deleted.code).not.toBe(0);
    expect(deleted.stderr).toContain('the branch "release/1.0" is protected and cannot be deleted.');
    expect((await git(['rev-parse', '--verify', 'release/1.0'], { cwd: bare })).trim()).toMatch(/^[0-9a-f]{40}$/);
    await git(['fetch', '-q', urlOf(repo), 'release/1.0'], { cwd: work });
    await git(['checkout', '-q', '-b', 'ff', 'FETCH_HEAD'], { cwd: work });
    const ff = await commitFiles(work, { 'ff.txt': 'ff\n' }, 'fast-forward');
    await git(['push', urlOf(repo), 'ff:release/1.0'], { cwd: work });
    expect((await git(['rev-parse', 'release/1.0'], { cwd: bare })).trim()).toBe(ff);
  });

  it('allows a force push when enable_force_push is on, and honours the push allow-list', async () => {
    const { repo, work, bare } = await protectedRepo({ rule_name: 'main', enable_push: true, enable_force_push: true });
    // test
    await git(['reset', '-q', '--hard', 'HEAD~1'], { cwd: work });
    const rewritten = await commitFiles(work, { 'rewrite.txt': 'rewritten\n' }, 'rewrite');
    await git(['push', '--force', urlOf(repo), 'main'], { cwd: work });
    expect((await git(['rev-parse', 'main'], { cwd: bare })).trim()).toBe(rewritten);
    const other = await buildUser(server.app.forge.db);
    await api('PATCH', `/repos/${owner.username}/${repo.name}/branch_protections/main`, {
      enable_push_whitelist: true,
      push_whitelist_usernames: [other.username],
    });
    await commitFiles(work, { 'more.txt': 'more\n' }, 'more');
    const refused = await runGit(['push', urlOf(repo), 'main'], { cwd: work });
    expect(refused.stderr).toContain('the branch "main" is protected and you are not allowed to push to it.');
  });
});
