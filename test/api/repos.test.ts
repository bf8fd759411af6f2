import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import type { UserRow } from '../../server/db/users.js';
import { repoPath } from '../../server/git/store.js';
import { gitSync } from '../helpers/git.js';
import { api } from '../helpers/http.js';

let server: TestServer;
let alice: UserRow;
let aliceToken: string;
let bob: UserRow;
let bobToken: string;

const countRepos = async () => await server.app.forge.db.prepare('SELECT count(*) FROM repositories').pluck().get() as number;
const auditActions = async () => await server.app.forge.db.prepare('SELECT action FROM audit_events ORDER BY id').pluck().all() as string[];
/** Nothing left on disk but the repositories that have rows: no stray temporary directory. */
const strayTemp = () => {
  const tmp = join(server.config.reposDir, '.tmp');
  return existsSync(tmp) ? readdirSync(tmp) : [];
};

beforeAll(async () => {
  // setup
  server = await startServer();
  const { db } = server.app.forge;
  alice = await buildUser(db);
  aliceToken = await buildToken(db, alice, ['all']);
  bob = await buildUser(db);
  bobToken = await buildToken(db, bob, ['all']);
});
afterAll(async () => server.close());

const asAlice = () => ({ authorization: `token ${aliceToken}` });
const asBob = () => ({ authorization: `token ${bobToken}` });

describe('POST /user/repos', () => {
  it('refuses without credentials (401) and writes nothing', async () => {
    const before = await countRepos();
    const res = await api(server.url, 'POST', '/user/repos', { body: { name: 'nope' } });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/Authentication/);
    expect(await countRepos()).toBe(before);
  });

  it('refuses a token without write:repository (403) and writes nothing', async () => {
    const token = await buildToken(server.app.forge.db, alice, ['read:repository']);
    const res = await api(server.url, 'POST', '/user/repos', { auth: { authorization: `token ${token}` }, body: { name: 'nope' } });
    expect(res.status).toBe(403);
    expect(existsSync(repoPath(server.config.reposDir, alice.username, 'nope'))).toBe(false);
  });

  it.each([
    [{ name: '.hidden' }, /name/],
    [{ name: 'a..b' }, /\.\./],
    [{ name: 'x.git' }, /\.git/],
    [{ name: 'ok', default_branch: 'bad..branch' }, /branch/],
    [{ name: 'ok', auto_init: true, license: 'GPL-2.0-only' }, /licence/],
    [{ name: 'ok', license: 'MIT' }, /auto_init/],
    [{ name: 'ok', auto_init: true, readme: 'Fancy' }, /README/],
    [{}, /name/],
  ])('refuses invalid input %j with 422 and a clear message, writing nothing', async (body, message) => {
    const before = await countRepos();
    const res = await api(server.url, 'POST', '/user/repos', { auth: asAlice(), body });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(message);
    expect(await countRepos()).toBe(before);
    expect(strayTemp()).toEqual([]);
  });

  it('creates an empty repository (201) with Gitea fields', async () => {
    const res = await api(server.url, 'POST', '/user/repos', { auth: asAlice(), body: { name: 'empty-one', description: 'Rien', private: true } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'empty-one',
      full_name: `${alice.username}/empty-one`,
      description: 'Rien',
      private: true,
      empty: true,
      fork: false,
      mirror: false,
      default_branch: 'main',
      archived: false,
      internal: false,
      ssh_url: '',
      clone_url: `${server.url}/${alice.username}/empty-one.git`,
      html_url: `${server.url}/${alice.username}/empty-one`,
      permissions: { admin: true, push: true, pull: true },
      owner: { login: alice.username, id: alice.id },
    });
    expect(existsSync(repoPath(server.config.reposDir, alice.username, 'empty-one'))).toBe(true);
  });

  it('refuses a taken name with 409', async () => {
    const res = await api(server.url, 'POST', '/user/repos', { auth: asAlice(), body: { name: 'EMPTY-one' } });
    expect(res.status).toBe(409);
  });

  it('auto_init writes README.md and the chosen licence in a first commit on the default branch', async () => {
    const res = await api(server.url, 'POST', '/user/repos', {
      auth: asAlice(),
      body: { name: 'voirie', description: 'Gestion de la voirie', auto_init: true, license: 'EUPL-1.2', readme: 'Default', default_branch: 'trunk' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ empty: false, default_branch: 'trunk' });
    const dir = repoPath(server.config.reposDir, alice.username, 'voirie');
    expect(gitSync(dir, ['symbolic-ref', 'HEAD'])).toBe('refs/heads/trunk');
    expect(gitSync(dir, ['ls-tree', '--name-only', 'trunk']).split('\n')).toEqual(['LICENSE', 'README.md']);
    expect(gitSync(dir, ['show', 'trunk:README.md'])).toBe('# voirie\n\nGestion de la voirie');
    expect(gitSync(dir, ['show', 'trunk:LICENSE'])).toMatch(/EUROPEAN UNION PUBLIC LICEN[CS]E/i);
    expect(gitSync(dir, ['fsck', '--strict'])).toBe('');
  });
});

describe('GET/PATCH/DELETE /repos/{owner}/{repo}', () => {
  it('answers 404 for a private repository to anonymous and strangers, like a missing one', async () => {
    const missing = await api(server.url, 'GET', `/repos/${alice.username}/does-not-exist`);
    const hidden = await api(server.url, 'GET', `/repos/${alice.username}/empty-one`);
    const stranger = await api(server.url, 'GET', `/repos/${alice.username}/empty-one`, { auth: asBob() });
    expect([missing.status, hidden.status, stranger.status]).toEqual([404, 404, 404]);
    expect(hidden.body).toEqual(missing.body);
  });

  it('refuses a default branch that does not exist in a non-empty repository (422), changing nothing', async () => {
    const res = await api(server.url, 'PATCH', `/repos/${alice.username}/voirie`, { auth: asAlice(), body: { default_branch: 'nope', description: 'x' } });
    expect(res.status).toBe(422);
    const row = await server.app.forge.db.prepare("SELECT default_branch, description FROM repositories WHERE lower_name = 'voirie'").get();
    expect(row).toEqual({ default_branch: 'trunk', description: 'Gestion de la voirie' });
    expect(gitSync(repoPath(server.config.reposDir, alice.username, 'voirie'), ['symbolic-ref', 'HEAD'])).toBe('refs/heads/trunk');
  });

  it('changes the default branch of an empty repository and points HEAD at it', async () => {
    const res = await api(server.url, 'PATCH', `/repos/${alice.username}/empty-one`, { auth: asAlice(), body: { default_branch: 'develop' } });
    expect(res.status).toBe(200);
    expect(res.body.default_branch).toBe('develop');
    expect(gitSync(repoPath(server.config.reposDir, alice.username, 'empty-one'), ['symbolic-ref', 'HEAD'])).toBe('refs/heads/develop');
  });

  it('changes description, website and visibility, and records the visibility change', async () => {
    const res = await api(server.url, 'PATCH', `/repos/${alice.username}/voirie`, {
      auth: asAlice(),
      body: { description: 'Voirie', website: 'https://example.org', private: true },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ description: 'Voirie', website: 'https://example.org', private: true });
    expect(await auditActions()).toContain('repo.visibility');
    expect((await api(server.url, 'GET', `/repos/${alice.username}/voirie`)).status).toBe(404);
    expect((await api(server.url, 'PATCH', `/repos/${alice.username}/voirie`, { auth: asAlice(), body: { website: 'javascript:alert(1)' } })).status).toBe(422);
  });

  it('archives a repository: read-only for everyone until its administrator unarchives it', async () => {
    const archived = await api(server.url, 'PATCH', `/repos/${alice.username}/voirie`, { auth: asAlice(), body: { archived: true } });
    expect(archived.body).toMatchObject({ archived: true, permissions: { admin: true, push: false, pull: true } });
    const unarchived = await api(server.url, 'PATCH', `/repos/${alice.username}/voirie`, { auth: asAlice(), body: { archived: false } });
    expect(unarchived.body).toMatchObject({ archived: false, permissions: { push: true } });
  });

  it('renames: the directory moves, old API URLs redirect (301 for GET, 307 otherwise)', async () => {
    const res = await api(server.url, 'PATCH', `/repos/${alice.username}/voirie`, { auth: asAlice(), body: { name: 'voirie-lyon' } });
    expect(res.status).toBe(200);
    expect(res.body.full_name).toBe(`${alice.username}/voirie-lyon`);
    expect(existsSync(repoPath(server.config.reposDir, alice.username, 'voirie'))).toBe(false);
    expect(existsSync(repoPath(server.config.reposDir, alice.username, 'voirie-lyon'))).toBe(true);
    const get = await api(server.url, 'GET', `/repos/${alice.username}/voirie`, { auth: asAlice() });
    expect(get.status).toBe(301);
    expect(get.headers.get('location')).toBe(`/api/v1/repos/${alice.username}/voirie-lyon`);
    const patch = await api(server.url, 'PATCH', `/repos/${alice.username}/voirie`, { auth: asAlice(), body: { description: 'x' } });
    expect(patch.status).toBe(307);
    // The redirect of a private repository is not revealed to those who may not read it.
    expect((await api(server.url, 'GET', `/repos/${alice.username}/voirie`)).status).toBe(404);
    expect(await auditActions()).toContain('repo.rename');
  });

  it('refuses a rename onto an existing repository (409)', async () => {
    const res = await api(server.url, 'PATCH', `/repos/${alice.username}/voirie-lyon`, { auth: asAlice(), body: { name: 'empty-one' } });
    expect(res.status).toBe(409);
  });

  it('deletes: 404 to a stranger, 403 to a write collaborator, 204 to the owner; row and directory go', async () => {
    const repo = await buildRepo(server.app.forge.db, server.config.reposDir, alice, { name: 'doomed', isPrivate: true });
    expect((await api(server.url, 'DELETE', `/repos/${alice.username}/doomed`, { auth: asBob() })).status).toBe(404);
    expect((await api(server.url, 'PUT', `/repos/${alice.username}/doomed/collaborators/${bob.username}`, { auth: asAlice(), body: { permission: 'write' } })).status).toBe(204);
    expect((await api(server.url, 'DELETE', `/repos/${alice.username}/doomed`, { auth: asBob() })).status).toBe(403);
    const dir = repoPath(server.config.reposDir, alice.username, 'doomed');
    expect(existsSync(dir)).toBe(true);
    expect((await api(server.url, 'DELETE', `/repos/${alice.username}/doomed`, { auth: asAlice() })).status).toBe(204);
    expect(existsSync(dir)).toBe(false);
    expect(await server.app.forge.db.prepare('SELECT count(*) FROM repositories WHERE id = ?').pluck().get(repo.id)).toBe(0);
    expect((await api(server.url, 'GET', `/repos/${alice.username}/doomed`, { auth: asAlice() })).status).toBe(404);
    expect(await auditActions()).toContain('repo.delete');
  });
});

describe('listings and search', () => {
  it('search wraps results in {ok, data}, pages them and counts them in X-Total-Count', async () => {
    const { db, config } = server.app.forge;
    for (const name of ['search-a', 'search-b', 'search-c']) await buildRepo(db, config.reposDir, bob, { name });
    await buildRepo(db, config.reposDir, bob, { name: 'search-secret', isPrivate: true });
    const page = await api(server.url, 'GET', '/repos/search?q=search-&limit=2&page=1&sort=alpha&order=asc');
    expect(page.status).toBe(200);
    expect(page.body.ok).toBe(true);
    expect(page.body.data.map((r: { name: string }) => r.name)).toEqual(['search-a', 'search-b']);
    expect(page.headers.get('x-total-count')).toBe('3');
    const second = await api(server.url, 'GET', '/repos/search?q=search-&limit=2&page=2&sort=alpha');
    expect(second.body.data.map((r: { name: string }) => r.name)).toEqual(['search-c']);
    const own = await api(server.url, 'GET', '/repos/search?q=search-&limit=10', { auth: asBob() });
    expect(own.headers.get('x-total-count')).toBe('4');
    const onlyPrivate = await api(server.url, 'GET', '/repos/search?q=search-&is_private=true', { auth: asBob() });
    expect(onlyPrivate.body.data.map((r: { name: string }) => r.name)).toEqual(['search-secret']);
    // Above the maximum, the limit is capped as Gitea caps it, not refused.
    const capped = await api(server.url, 'GET', '/repos/search?limit=500');
    expect(capped.status).toBe(200);
    expect(capped.body.data.length).toBeLessThanOrEqual(50);
  });

  it('GET /users/{u}/repos hides private repositories; GET /user/repos lists owned and shared ones', async () => {
    const anon = await api(server.url, 'GET', `/users/${bob.username}/repos`);
    expect(anon.body.map((r: { name: string }) => r.name)).not.toContain('search-secret');
    const own = await api(server.url, 'GET', `/users/${bob.username}/repos`, { auth: asBob() });
    expect(own.body.map((r: { name: string }) => r.name)).toContain('search-secret');
    expect((await api(server.url, 'GET', '/users/nobody-here/repos')).status).toBe(404);
    expect((await api(server.url, 'GET', '/user/repos')).status).toBe(401);
    await api(server.url, 'PUT', `/repos/${alice.username}/empty-one/collaborators/${bob.username}`, { auth: asAlice(), body: { permission: 'read' } });
    const mine = await api(server.url, 'GET', '/user/repos?limit=50', { auth: asBob() });
    const names = mine.body.map((r: { full_name: string }) => r.full_name);
    expect(names).toContain(`${alice.username}/empty-one`);
    expect(names).toContain(`${bob.username}/search-secret`);
    expect(names).not.toContain(`${alice.username}/voirie-lyon`);
  });
});
