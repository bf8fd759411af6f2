import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildToken, buildUser, count, PASSWORD } from '../helpers/factories.js';
import { eraseAuditIps } from '../../server/db/audit.js';
import { basic, call, signIn } from '../helpers/http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
const db = () => server.app.forge.db;

describe('POST /api/v1/admin/users', () => {
  it('refuses anonymous (401), a non-administrator (403) and bad input (422), writing nothing', async () => {
    const user = await buildUser(db());
    const admin = await buildUser(db(), { isAdmin: true });
    const users = await count(db(), 'users');
    const body = { username: 'dominique', email: 'dominique@example.org', password: 'longenough1' };
    expect((await call(server.url, '/api/v1/admin/users', { body })).status).toBe(401);
    expect((await call(server.url, '/api/v1/admin/users', { body: {}, headers: basic(user.username, PASSWORD) })).status).toBe(403);
    const bad = await call(server.url, '/api/v1/admin/users', { body: { ...body, username: 'api' }, headers: basic(admin.username, PASSWORD) });
    expect(bad.status).toBe(422);
    expect(await count(db(), 'users')).toBe(users);
  });

  it('creates an account for a site administrator', async () => {
    const admin = await buildUser(db(), { isAdmin: true });
    const res = await call(server.url, '/api/v1/admin/users', {
      body: { username: 'dominique', email: 'dominique@example.org', password: 'longenough1', full_name: 'Dominique', must_change_password: false },
      headers: basic(admin.username, PASSWORD),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ login: 'dominique', full_name: 'Dominique', email: 'dominique@example.org' });
    expect((await call(server.url, '/api/v1/auth/signin', { body: { username: 'dominique', password: 'longenough1' } })).status).toBe(200);
  });
});

describe('PATCH /api/v1/admin/users/{username} (suspension)', () => {
  it('suspends: sessions end and tokens fail at once; the event is in the audit trail', async () => {
    const admin = await buildUser(db(), { isAdmin: true });
    const user = await buildUser(db());
    const token = await buildToken(db(), user, ['all']);
    const session = await signIn(server.url, user.username, PASSWORD);
    expect((await call(server.url, '/api/v1/user', { cookie: session.cookie })).status).toBe(200);

    const refused = await call(server.url, `/api/v1/admin/users/${user.username}`, { method: 'PATCH', body: { prohibit_login: true }, headers: basic(user.username, PASSWORD) });
    expect(refused.status).toBe(403);

    const res = await call(server.url, `/api/v1/admin/users/${user.username}`, { method: 'PATCH', body: { prohibit_login: true }, headers: basic(admin.username, PASSWORD) });
    expect(res.status).toBe(200);
    expect(res.body.prohibit_login).toBe(true);
    expect(await db().prepare('SELECT count(*) FROM sessions WHERE user_id = ?').pluck().get(user.id)).toBe(0);
    expect((await call(server.url, '/api/v1/user', { cookie: session.cookie })).status).toBe(401);
    expect((await call(server.url, '/api/v1/user', { headers: { authorization: `token ${token}` } })).status).toBe(403);
    expect((await call(server.url, '/api/v1/auth/signin', { body: { username: user.username, password: PASSWORD } })).status).toBe(403);

    const audit = await call(server.url, '/api/v1/admin/audit?action=user.suspend', { headers: basic(admin.username, PASSWORD) });
    expect(audit.status).toBe(200);
    expect(audit.body[0]).toMatchObject({ actor: admin.username, action: 'user.suspend', target: `user:${user.username}`, ip: '127.0.0.1' });
  });

  it('refuses to suspend oneself, and 404 for an unknown user', async () => {
    const admin = await buildUser(db(), { isAdmin: true });
    const self = await call(server.url, `/api/v1/admin/users/${admin.username}`, { method: 'PATCH', body: { prohibit_login: true }, headers: basic(admin.username, PASSWORD) });
    expect(self.status).toBe(422);
    const unknown = await call(server.url, '/api/v1/admin/users/nobody-here', { method: 'PATCH', body: { prohibit_login: true }, headers: basic(admin.username, PASSWORD) });
    expect(unknown.status).toBe(404);
  });
});

describe('GET /api/v1/admin/audit', () => {
  it('is for site administrators only, newest first, with the total count', async () => {
    const user = await buildUser(db());
    const admin = await buildUser(db(), { isAdmin: true });
    await call(server.url, '/api/v1/auth/signin', { body: { username: user.username, password: 'nope nope' } });
    expect((await call(server.url, '/api/v1/admin/audit')).status).toBe(401);
    expect((await call(server.url, '/api/v1/admin/audit', { headers: basic(user.username, PASSWORD) })).status).toBe(403);
    const session = await signIn(server.url, admin.username, PASSWORD);
    const res = await call(server.url, '/api/v1/admin/audit?limit=2', { cookie: session.cookie });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    expect(res.body[0]).toMatchObject({ action: 'user.signin', actor: admin.username });
    expect(res.body[1]).toMatchObject({ action: 'user.signin.failed', target: `user:${user.username}`, data: { reason: 'invalid' } });
    expect(Number(res.headers.get('x-total-count'))).toBeGreaterThanOrEqual(2);
  });

  it('erases IP addresses older than the retention period', async () => {
    await db().prepare("INSERT INTO audit_events (action, ip, created_at) VALUES ('old', '192.0.2.1', '2000-01-01T00:00:00.000Z')").run();
    await db().prepare("INSERT INTO audit_events (action, ip) VALUES ('new', '192.0.2.2')").run();
    await eraseAuditIps(db(), server.config.logRetentionDays);
    expect(await db().prepare("SELECT ip FROM audit_events WHERE action = 'old'").pluck().get()).toBeNull();
    expect(await db().prepare("SELECT ip FROM audit_events WHERE action = 'new'").pluck().get()).toBe('192.0.2.2');
  });
});
