import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';

describe('the running server', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('reports healthy over real HTTP once the database and repositories folder are usable', async () => {
    const response = await fetch(`${server.url}/api/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'pass' });
  });

  it('answers unknown API paths with a JSON 404 in Gitea\'s shape', async () => {
    const response = await fetch(`${server.url}/api/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not found.' });
  });

  it('answers deep links that accept HTML with the app shell, in the visitor\'s language (a 404 for a missing repository)', async () => {
    const response = await fetch(`${server.url}/some-owner/some-repo/src/branch/main/README.md`, {
      headers: { accept: 'text/html', 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toMatch(/<html lang="en"/);
    expect(html).toMatch(/<title>[^<]*Fabrique<\/title>/);
    const french = await fetch(`${server.url}/explore`, { headers: { accept: 'text/html', cookie: 'lang=fr' } });
    expect(await french.text()).toMatch(/<html lang="fr"/);
  });

  it('serves hashed assets with a long immutable cache', async () => {
    const html = await (await fetch(`${server.url}/`, { headers: { accept: 'text/html' } })).text();
    const asset = /(?:src|href)="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const response = await fetch(`${server.url}${asset}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
  });

  it('turns an unexpected failure into a 500 that shows no internals', async () => {
    // setup: a route that fails the way a bug would
    const broken = await startServer({ listen: false });
    // (a rename both engines accept, where PostgreSQL would refuse to drop a table others refer to)
    await broken.app.forge.db.exec('ALTER TABLE users RENAME TO users_gone');
    // test
    const response = await broken.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      payload: { token: broken.app.forge.setupToken, username: 'ada', email: 'ada@example.org', password: 'long enough' },
    });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ message: 'Internal server error. The incident was logged.' });
    expect(response.body).not.toMatch(/users|sqlite|stack/i);
    await broken.close();
  });

  it('serves the OpenAPI document', async () => {
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toContain('/api/v1/setup');
  });

  it('lists every API endpoint of both forges with the token scope it needs', async () => {
    const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'x-token-scope'?: string; security?: unknown[] }>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ id: `${method.toUpperCase()} ${path}`, operation })),
    );
    const unscoped = operations.filter(({ operation }) => typeof operation['x-token-scope'] !== 'string').map(({ id }) => id);
    expect(unscoped).toEqual([]);
    const scopeOf = (id: string) => operations.find((entry) => entry.id === id)?.operation;
    expect(scopeOf('POST /api/v1/user/repos')).toMatchObject({ 'x-token-scope': 'write:repository', security: [{ Token: [] }, { BasicAuth: [] }] });
    expect(scopeOf('DELETE /api/v1/repos/{owner}/{repo}')?.['x-token-scope']).toBe('write:repository');
    expect(scopeOf('GET /api/v1/user')?.['x-token-scope']).toBe('read:user');
    expect(scopeOf('GET /api/v4/projects')?.['x-token-scope']).toMatch(/^(none|read:repository)$/);
    expect(scopeOf('POST /api/v1/setup')).toMatchObject({ 'x-token-scope': 'none', security: [] });
  });
});

describe('first start', () => {
  it('creates the first administrator with the one-time link, once', async () => {
    // setup
    const server = await startServer();
    const token = server.app.forge.setupToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const post = (body: Record<string, string>) =>
      fetch(`${server.url}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const admin = { username: 'ada', email: 'ada@example.org', password: 'long enough password' };
    // test
    expect((await (await fetch(`${server.url}/api/v1/setup`)).json())).toEqual({ needed: true });
    const wrong = await post({ ...admin, token: 'x'.repeat(32) });
    expect(wrong.status).toBe(403);
    expect(await server.app.forge.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
    const weak = await post({ ...admin, password: 'short', token: token as string });
    expect(weak.status).toBe(422);
    expect((await weak.json()).message).toMatch(/password/);
    expect(await server.app.forge.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
    const created = await post({ ...admin, token: token as string });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ login: 'ada', is_admin: true });
    const again = await post({ ...admin, username: 'second', email: 'b@example.org', token: token as string });
    expect(again.status).toBe(409);
    expect((await (await fetch(`${server.url}/api/v1/setup`)).json())).toEqual({ needed: false });
    await server.close();
  });
});
