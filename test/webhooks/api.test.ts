import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../server/db/users.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';

// setup: an owner with a public and a private repository, a writer collaborator, an outsider, a site admin.
let server: TestServer;
let owner: UserRow;
let writer: UserRow;
let outsider: UserRow;
let admin: UserRow;
const hookBody = { type: 'gitea', config: { url: 'https://ci.example.org/hook', content_type: 'json', secret: 's3cret-value' }, events: ['push', 'pull_request'], branch_filter: 'main', active: true };

beforeAll(async () => {
  server = await startServer();
  const { db } = server.app.forge;
  owner = await buildUser(db);
  writer = await buildUser(db);
  outsider = await buildUser(db);
  admin = await buildUser(db, { isAdmin: true });
  await buildRepo(db, server.config.reposDir, owner, { name: 'site' });
  await buildRepo(db, server.config.reposDir, owner, { name: 'vault', isPrivate: true });
  expect((await api(server.url, 'PUT', `/repos/${owner.username}/site/collaborators/${writer.username}`, { auth: as(owner), body: { permission: 'write' } })).status).toBe(204);
});
afterAll(() => server.close());

const repoHooks = (repo = 'site') => `/repos/${owner.username}/${repo}/hooks`;

describe('repository hooks API', () => {
  it('refuses anonymous (401), writers who are not admins (403), outsiders of a private repository (404) and bad input (422), storing nothing', async () => {
    expect((await api(server.url, 'POST', repoHooks(), { body: hookBody })).status).toBe(401);
    const byWriter = await api(server.url, 'POST', repoHooks(), { auth: as(writer), body: hookBody });
    expect(byWriter.status).toBe(403);
    expect(byWriter.body.message).toMatch(/admin|owner|permission/i);
    expect((await api(server.url, 'GET', repoHooks(), { auth: as(writer) })).status).toBe(403);
    expect((await api(server.url, 'GET', repoHooks('vault'), { auth: as(outsider) })).status).toBe(404);
    expect((await api(server.url, 'POST', repoHooks('vault'), { auth: as(outsider), body: hookBody })).status).toBe(404);
    const notHttp = await api(server.url, 'POST', repoHooks(), { auth: as(owner), body: { ...hookBody, config: { url: 'file:///etc/passwd' } } });
    expect(notHttp.status).toBe(422);
    expect(notHttp.body.message).toMatch(/http:\/\/ or https:\/\//);
    const badEvent = await api(server.url, 'POST', repoHooks(), { auth: as(owner), body: { ...hookBody, events: ['push', 'explode'] } });
    expect(badEvent.status).toBe(422);
    expect(badEvent.body.message).toContain('"explode" is not a webhook event');
    expect((await api(server.url, 'GET', repoHooks(), { auth: as(owner) })).body).toEqual([]);
  });

  it('creates, reads, edits and deletes a hook; the secret is never answered', async () => {
    const created = await api(server.url, 'POST', repoHooks(), { auth: as(owner), body: hookBody });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'gitea', active: true, branch_filter: 'main', events: ['push', 'pull_request'], config: { url: 'https://ci.example.org/hook', content_type: 'json' } });
    expect(JSON.stringify(created.body)).not.toContain('s3cret-value');
    const id = created.body.id as number;
    const listed = await api(server.url, 'GET', repoHooks(), { auth: as(owner) });
    expect(listed.body.map((h: { id: number }) => h.id)).toEqual([id]);
    expect(JSON.stringify(listed.body)).not.toContain('s3cret');
    const edited = await api(server.url, 'PATCH', `${repoHooks()}/${id}`, { auth: as(owner), body: { config: { content_type: 'form' }, events: ['*'], active: false } });
    expect(edited.status).toBe(200);
    expect(edited.body.config.content_type).toBe('form');
    expect(edited.body.active).toBe(false);
    expect(edited.body.events).toContain('release');
    // The secret stays sealed in the database, never in clear.
    const stored = await server.app.forge.db.prepare('SELECT secret FROM webhooks WHERE id = ?').pluck().get(id) as string;
    expect(stored).not.toContain('s3cret');
    expect(stored.length).toBeGreaterThan(0);
    expect((await api(server.url, 'DELETE', `${repoHooks()}/${id}`, { auth: as(writer) })).status).toBe(403);
    expect((await api(server.url, 'DELETE', `${repoHooks()}/${id}`, { auth: as(owner) })).status).toBe(204);
    expect((await api(server.url, 'GET', `${repoHooks()}/${id}`, { auth: as(owner) })).status).toBe(404);
  });

  it("does not reach another repository's hook through this one's URL", async () => {
    const { db } = server.app.forge;
    const other = await buildUser(db);
    await buildRepo(db, server.config.reposDir, other, { name: 'theirs' });
    const theirs = await api(server.url, 'POST', `/repos/${other.username}/theirs/hooks`, { auth: as(other), body: hookBody });
    expect(theirs.status).toBe(201);
    expect((await api(server.url, 'GET', `${repoHooks()}/${theirs.body.id}`, { auth: as(owner) })).status).toBe(404);
    expect((await api(server.url, 'PATCH', `${repoHooks()}/${theirs.body.id}`, { auth: as(owner), body: { active: false } })).status).toBe(404);
  });

  it('asks tokens for the repository scope: write to change (administration is never granted to a read-only token)', async () => {
    const { db } = server.app.forge;
    const readOnly = await buildToken(db, owner, ['read:repository']);
    expect((await api(server.url, 'POST', repoHooks(), { auth: as(readOnly), body: hookBody })).status).toBe(403);
    const issuesOnly = await buildToken(db, owner, ['write:issue']);
    expect((await api(server.url, 'GET', repoHooks(), { auth: as(issuesOnly) })).status).toBe(403);
    const writeToken = await buildToken(db, owner, ['write:repository']);
    expect((await api(server.url, 'GET', repoHooks(), { auth: as(writeToken) })).status).toBe(200);
    expect(await server.app.forge.db.prepare('SELECT count(*) FROM webhooks WHERE repo_id = (SELECT id FROM repositories WHERE name = ?)').pluck().get('site')).toBe(0);
  });
});

describe('organisation and site hooks API', () => {
  it('lets organisation owners manage its hooks, and no one else', async () => {
    const org = `org${process.pid}`;
    expect((await api(server.url, 'POST', '/orgs', { auth: as(owner), body: { username: org } })).status).toBe(201);
    expect((await api(server.url, 'POST', `/orgs/${org}/hooks`, { auth: as(outsider), body: hookBody })).status).toBe(403);
    const created = await api(server.url, 'POST', `/orgs/${org}/hooks`, { auth: as(owner), body: hookBody });
    expect(created.status).toBe(201);
    expect((await api(server.url, 'GET', `/orgs/${org}/hooks`, { auth: as(owner) })).body).toHaveLength(1);
    const orgToken = await buildToken(server.app.forge.db, owner, ['write:repository']);
    expect((await api(server.url, 'POST', `/orgs/${org}/hooks`, { auth: as(orgToken), body: hookBody })).status).toBe(403);
  });

  it('lets site administrators alone manage site-wide hooks', async () => {
    expect((await api(server.url, 'POST', '/admin/hooks', { auth: as(owner), body: hookBody })).status).toBe(403);
    const created = await api(server.url, 'POST', '/admin/hooks', { auth: as(admin), body: hookBody });
    expect(created.status).toBe(201);
    expect((await api(server.url, 'GET', '/admin/hooks', { auth: as(admin) })).body.map((h: { id: number }) => h.id)).toEqual([created.body.id]);
    expect((await api(server.url, 'DELETE', `/admin/hooks/${created.body.id}`, { auth: as(admin) })).status).toBe(204);
  });
});
