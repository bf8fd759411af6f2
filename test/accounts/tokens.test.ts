import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildToken, buildUser, count, PASSWORD } from '../helpers/factories.js';
import { basic, call, signIn } from '../helpers/http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
const db = () => server.app.forge.db;

describe('POST /api/v1/users/{username}/tokens', () => {
  it('refuses anonymous (401), a token (401), another user (403), unknown scopes (422), writing nothing', async () => {
    const owner = await buildUser(db());
    const other = await buildUser(db());
    const token = await buildToken(db(), owner, ['all']);
    const tokens = await count(db(), 'access_tokens');
    const path = `/api/v1/users/${owner.username}/tokens`;
    const body = { name: 'ci', scopes: ['read:repository'] };
    expect((await call(server.url, path, { body })).status).toBe(401);
    const byToken = await call(server.url, path, { body, headers: { authorization: `token ${token}` } });
    expect(byToken.status).toBe(401);
    expect(byToken.body.message).toMatch(/password/);
    expect((await call(server.url, path, { body, headers: basic(other.username, PASSWORD) })).status).toBe(403);
    const unknown = await call(server.url, path, { body: { name: 'ci', scopes: ['root'] }, headers: basic(owner.username, PASSWORD) });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toMatch(/Unknown token scope: root/);
    const none = await call(server.url, path, { body: { name: 'ci', scopes: [] }, headers: basic(owner.username, PASSWORD) });
    expect(none.status).toBe(422);
    expect((await call(server.url, `/api/v1/users/nobody-here/tokens`, { body, headers: basic(owner.username, PASSWORD) })).status).toBe(404);
    expect(await count(db(), 'access_tokens')).toBe(tokens);
  });

  it('creates a token with Basic auth, shown once; it works at once, lists without its value, and a duplicate name is 409', async () => {
    const owner = await buildUser(db());
    const path = `/api/v1/users/${owner.username}/tokens`;
    const created = await call(server.url, path, { body: { name: 'ci', scopes: ['read:user', 'write:repository'] }, headers: basic(owner.username, PASSWORD) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'ci', scopes: ['read:user', 'write:repository'] });
    const value = created.body.sha1 as string;
    expect(value).toMatch(/^[0-9a-f]{40}$/);
    expect(created.body.token_last_eight).toBe(value.slice(-8));
    expect(await db().prepare('SELECT count(*) FROM access_tokens WHERE token_hash = ?').pluck().get(value)).toBe(0);

    const me = await call(server.url, '/api/v1/user', { headers: { authorization: `token ${value}` } });
    expect(me.body.login).toBe(owner.username);
    const list = await call(server.url, path, { headers: basic(owner.username, PASSWORD) });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).not.toHaveProperty('sha1');
    expect((list.body[0] as { last_used_at: string | null }).last_used_at).not.toBeNull();

    const duplicate = await call(server.url, path, { body: { name: 'ci', scopes: ['read:user'] }, headers: basic(owner.username, PASSWORD) });
    expect(duplicate.status).toBe(409);
    const audit = await db().prepare("SELECT * FROM audit_events WHERE action = 'token.create' AND actor_id = ?").all(owner.id);
    expect(audit).toHaveLength(1);
  });

  it('lets the settings page create a token through the session, with the CSRF token', async () => {
    const owner = await buildUser(db());
    const session = await signIn(server.url, owner.username, PASSWORD);
    const path = `/api/v1/users/${owner.username}/tokens`;
    const noCsrf = await call(server.url, path, { body: { name: 'web', scopes: ['read:user'] }, cookie: session.cookie });
    expect(noCsrf.status).toBe(403);
    expect(await db().prepare('SELECT count(*) FROM access_tokens WHERE user_id = ?').pluck().get(owner.id)).toBe(0);
    const ok = await call(server.url, path, { body: { name: 'web', scopes: ['read:user'] }, cookie: session.cookie, csrf: session.csrf });
    expect(ok.status).toBe(201);
  });
});

describe('DELETE /api/v1/users/{username}/tokens/{token}', () => {
  it('revokes by id or name; the revoked token is refused at once; unknown is 404', async () => {
    const owner = await buildUser(db());
    const first = await buildToken(db(), owner, ['all'], 'first');
    await buildToken(db(), owner, ['all'], 'second');
    const [row] = await db().prepare("SELECT id FROM access_tokens WHERE user_id = ? AND name = 'first'").all(owner.id) as { id: number }[];
    const path = `/api/v1/users/${owner.username}/tokens`;
    expect((await call(server.url, `${path}/${row.id}`, { method: 'DELETE' })).status).toBe(401);
    const byId = await call(server.url, `${path}/${row.id}`, { method: 'DELETE', headers: basic(owner.username, PASSWORD) });
    expect(byId.status).toBe(204);
    expect((await call(server.url, '/api/v1/user', { headers: { authorization: `token ${first}` } })).status).toBe(401);
    expect((await call(server.url, `${path}/second`, { method: 'DELETE', headers: basic(owner.username, PASSWORD) })).status).toBe(204);
    expect((await call(server.url, `${path}/second`, { method: 'DELETE', headers: basic(owner.username, PASSWORD) })).status).toBe(404);
    expect(await db().prepare("SELECT count(*) FROM audit_events WHERE action = 'token.delete' AND actor_id = ?").pluck().get(owner.id)).toBe(2);
  });
});

describe('GET /api/v1/user and /api/v1/users/{username}', () => {
  it('answers 401 to anonymous, 403 to a token without a user scope, and the account otherwise', async () => {
    const user = await buildUser(db());
    expect((await call(server.url, '/api/v1/user')).status).toBe(401);
    const repoOnly = await buildToken(db(), user, ['read:repository']);
    expect((await call(server.url, '/api/v1/user', { headers: { authorization: `Bearer ${repoOnly}` } })).status).toBe(403);
    const me = await call(server.url, '/api/v1/user', { headers: basic(user.username, PASSWORD) });
    expect(me.body).toMatchObject({ id: user.id, login: user.username, email: user.email, is_admin: false, prohibit_login: false });
  });

  it('shows a profile without its email to others, and 404 for an unknown name', async () => {
    const user = await buildUser(db());
    const res = await call(server.url, `/api/v1/users/${user.username}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ login: user.username, email: '' });
    expect((await call(server.url, '/api/v1/users/nobody-here')).status).toBe(404);
  });
});
