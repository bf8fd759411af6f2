import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildUser, count, PASSWORD } from '../helpers/factories.js';
import { call, signIn } from '../helpers/http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());
const db = () => server.app.forge.db;

describe('sign-up', () => {
  it('refuses a form post (login CSRF) and a foreign origin, writing nothing', async () => {
    const users = await count(db(), 'users');
    const form = await call(server.url, '/api/v1/auth/signup', {
      body: 'username=mallory&email=m%40example.org&password=longenough1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(form.status).toBe(400);
    const foreign = await call(server.url, '/api/v1/auth/signup', {
      body: { username: 'mallory', email: 'm@example.org', password: 'longenough1' },
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(await count(db(), 'users')).toBe(users);
  });

  it('refuses an invalid or reserved name, a short password and a taken name with a clear message', async () => {
    const taken = await buildUser(db());
    const users = await count(db(), 'users');
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ username: 'bad name', email: 'a@example.org', password: 'longenough1' }, 422, /username/],
      [{ username: 'admin', email: 'a@example.org', password: 'longenough1' }, 422, /reserved/],
      [{ username: 'alice', email: 'a@example.org', password: 'short' }, 422, /password/],
      [{ username: 'alice', email: 'not-an-email', password: 'longenough1' }, 422, /email/],
      [{ username: taken.username.toUpperCase(), email: 'a@example.org', password: 'longenough1' }, 409, /taken/],
      [{ username: 'alice', email: taken.email!, password: 'longenough1' }, 409, /email/],
    ];
    for (const [body, status, message] of cases) {
      const res = await call(server.url, '/api/v1/auth/signup', { body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.message).toMatch(message);
    }
    expect(await count(db(), 'users')).toBe(users);
    expect(await count(db(), 'sessions')).toBe(0);
  });

  it('creates the account, signs it in with a secure cookie and records the last login', async () => {
    const res = await call(server.url, '/api/v1/auth/signup', {
      body: { username: 'Camille', email: 'camille@example.org', password: 'longenough1' },
      headers: { origin: server.url },
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ login: 'Camille', email: 'camille@example.org', is_admin: false });
    expect(res.body.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('fabrique_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/i);
    const me = await call(server.url, '/api/v1/user', { cookie: res.cookie! });
    expect(me.status).toBe(200);
    expect(me.body.login).toBe('Camille');
    expect(me.body.last_login).not.toBe('0001-01-01T00:00:00Z');
    // The cookie value is not stored: only its hash.
    const value = res.cookie!.split('=')[1];
    expect(await db().prepare('SELECT count(*) FROM sessions WHERE id = ?').pluck().get(value)).toBe(0);
  });
});

describe('sign-up closed', () => {
  it('answers 403 and writes nothing when FORGE_ALLOW_SIGNUP=false', async () => {
    const closed = await startServer({ env: { FORGE_ALLOW_SIGNUP: 'false' } });
    try {
      const res = await call(closed.url, '/api/v1/auth/signup', { body: { username: 'alice', email: 'a@example.org', password: 'longenough1' } });
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/closed/);
      expect(await count(closed.app.forge.db, 'users')).toBe(0);
      const providers = await call(closed.url, '/api/v1/auth/providers');
      expect(providers.body).toEqual({ password: true, signup: false, oidc: null, mail: false });
    } finally {
      await closed.close();
    }
  });
});

describe('sign-in', () => {
  it('refuses a wrong password with 401, opens no session and records the failure', async () => {
    const user = await buildUser(db());
    const sessions = await count(db(), 'sessions');
    const res = await call(server.url, '/api/v1/auth/signin', { body: { username: user.username, password: 'wrong password' } });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('Wrong username or password.');
    expect(res.cookie).toBeNull();
    expect(await count(db(), 'sessions')).toBe(sessions);
    const event = await db().prepare("SELECT * FROM audit_events WHERE action = 'user.signin.failed' ORDER BY id DESC").get() as { target: string; ip: string };
    expect(event.target).toBe(`user:${user.username}`);
    expect(event.ip).toBe('127.0.0.1');
  });

  it('signs in by username or email, and the session authenticates the API', async () => {
    const user = await buildUser(db());
    const byName = await signIn(server.url, user.username, PASSWORD);
    const byEmail = await signIn(server.url, user.email!, PASSWORD);
    for (const session of [byName, byEmail]) {
      const me = await call(server.url, '/api/v1/user', { cookie: session.cookie });
      expect(me.body.login).toBe(user.username);
    }
    const state = await call(server.url, '/api/v1/auth/session', { cookie: byName.cookie });
    expect(state.body).toMatchObject({ user: { login: user.username }, csrf_token: byName.csrf });
    expect(await db().prepare("SELECT count(*) FROM audit_events WHERE action = 'user.signin' AND actor_id = ?").pluck().get(user.id)).toBe(2);
  });

  it('limits failed sign-ins per account with 429, even with the right password afterwards', async () => {
    const user = await buildUser(db());
    for (let i = 0; i < 5; i++) {
      const res = await call(server.url, '/api/v1/auth/signin', { body: { username: user.username, password: `wrong${i}` } });
      expect(res.status).toBe(401);
    }
    const blocked = await call(server.url, '/api/v1/auth/signin', { body: { username: user.username, password: PASSWORD } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.message).toMatch(/Too many failed sign-ins for this account/);
    expect(blocked.cookie).toBeNull();
  });

  it('refuses a suspended account with 403', async () => {
    const user = await buildUser(db());
    await db().prepare('UPDATE users SET prohibit_login = 1 WHERE id = ?').run(user.id);
    const res = await call(server.url, '/api/v1/auth/signin', { body: { username: user.username, password: PASSWORD } });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/suspended/);
  });
});

describe('sessions and CSRF', () => {
  it('refuses a state change by cookie without the CSRF token, then signs out and revokes the row', async () => {
    const user = await buildUser(db());
    const session = await signIn(server.url, user.username, PASSWORD);
    const sessions = await count(db(), 'sessions');
    const missing = await call(server.url, '/api/v1/auth/signout', { method: 'POST', cookie: session.cookie });
    expect(missing.status).toBe(403);
    expect(missing.body.message).toMatch(/CSRF/);
    const wrong = await call(server.url, '/api/v1/auth/signout', { method: 'POST', cookie: session.cookie, csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect(await count(db(), 'sessions')).toBe(sessions);

    const out = await call(server.url, '/api/v1/auth/signout', { method: 'POST', cookie: session.cookie, csrf: session.csrf });
    expect(out.status).toBe(204);
    expect(await count(db(), 'sessions')).toBe(sessions - 1);
    const after = await call(server.url, '/api/v1/user', { cookie: session.cookie });
    expect(after.status).toBe(401);
  });

  it('treats an expired session as anonymous', async () => {
    const user = await buildUser(db());
    const session = await signIn(server.url, user.username, PASSWORD);
    await db().prepare("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE user_id = ?").run(user.id);
    const res = await call(server.url, '/api/v1/user', { cookie: session.cookie });
    expect(res.status).toBe(401);
    const state = await call(server.url, '/api/v1/auth/session', { cookie: session.cookie });
    expect(state.body).toEqual({ user: null, csrf_token: null });
  });

  it('ignores a forged cookie', async () => {
    const res = await call(server.url, '/api/v1/user', { cookie: `fabrique_session=${'a'.repeat(43)}` });
    expect(res.status).toBe(401);
  });
});

describe('secure cookie', () => {
  it('marks the cookie Secure when the base URL is https', async () => {
    const tls = await startServer({ env: { FORGE_BASE_URL: 'https://forge.example.org' }, listen: false });
    try {
      const user = await buildUser(tls.app.forge.db);
      tls.config.baseUrl = 'https://forge.example.org';
      const res = await tls.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signin',
        headers: { 'content-type': 'application/json' },
        payload: { username: user.username, password: PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
    } finally {
      await tls.close();
    }
  });
});
