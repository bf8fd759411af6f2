import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser, PASSWORD } from '../helpers/factories.js';
import { basic, call } from '../helpers/http.js';
import { ConfigError, loadConfig } from '../../server/config.js';

// The proxy is trusted here so that each test can be its own client (X-Forwarded-For) on one server.
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { FORGE_TRUST_PROXY: '127.0.0.1' } });
});
afterAll(() => server.close());
const db = () => server.app.forge.db;

let clients = 0;
/** A client address of its own, named through the trusted proxy. */
const newClient = () => ({ 'x-forwarded-for': `203.0.113.${++clients}` });

const signIn = (username: string, password: string, client: Record<string, string>) =>
  call(server.url, '/api/v1/auth/signin', { body: { username, password }, headers: client });

describe('sign-in throttling per account', () => {
  it('lets at most 5 of 30 concurrent wrong passwords be checked, then refuses the right one with 429 and Retry-After', async () => {
    const user = await buildUser(db());
    const client = newClient();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(user.username, `wrong${i}`, client)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    const blocked = await signIn(user.username, PASSWORD, newClient());
    expect(blocked.status).toBe(429);
    expect(blocked.body.message).toMatch(/Too many failed sign-ins for this account/);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.cookie).toBeNull();
  });

  it('counts the name and the e-mail address of one account in one budget', async () => {
    const user = await buildUser(db());
    for (let i = 0; i < 5; i++) {
      const res = await signIn(i % 2 === 0 ? user.username : user.email!.toUpperCase(), `wrong${i}`, newClient());
      expect(res.status).toBe(401);
    }
    expect((await signIn(user.email!, PASSWORD, newClient())).status).toBe(429);
    expect((await signIn(user.username, PASSWORD, newClient())).status).toBe(429);
  });

  it('counts Basic password guesses on the API and on git in the same budget as the sign-in form', async () => {
    const user = await buildUser(db());
    const repo = await buildRepo(db(), server.config.reposDir, user, { isPrivate: true });
    const client = newClient();
    const api = () => call(server.url, '/api/v1/user', { headers: { ...basic(user.username, 'wrong password'), ...client } });
    const git = () =>
      fetch(`${server.url}/${user.username}/${repo.name}.git/info/refs?service=git-upload-pack`, { headers: { ...basic(user.email!, 'wrong password'), ...client } });
    expect((await api()).status).toBe(401);
    expect((await git()).status).toBe(401);
    expect((await signIn(user.username, 'wrong', client)).status).toBe(401);
    expect((await api()).status).toBe(401);
    expect((await git()).status).toBe(401);
    const refusedApi = await api();
    expect(refusedApi.status).toBe(429);
    expect(refusedApi.body.message).toMatch(/Too many failed sign-ins for this account/);
    const refusedGit = await git();
    expect(refusedGit.status).toBe(429);
    expect(refusedGit.headers.get('retry-after')).toMatch(/^\d+$/);
    // The right password is refused too while the account is throttled: guessing gains nothing.
    expect((await call(server.url, '/api/v1/user', { headers: { ...basic(user.username, PASSWORD), ...newClient() } })).status).toBe(429);
  });

  it('clears the account count on the right password', async () => {
    const user = await buildUser(db());
    const client = newClient();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) expect((await signIn(user.username, `wrong${i}`, client)).status).toBe(401);
      expect((await call(server.url, '/api/v1/user', { headers: { ...basic(user.username, PASSWORD), ...client } })).status).toBe(200);
    }
    expect((await signIn(user.username, PASSWORD, client)).status).toBe(200);
  });

  it('counts a wrong token against its client only, never against the account', async () => {
    const user = await buildUser(db());
    const token = await buildToken(db(), user, ['read:user']);
    const client = newClient();
    for (let i = 0; i < 21; i++) {
      const wrong = await call(server.url, '/api/v1/user', { headers: { authorization: `token ${'0'.repeat(39)}${i % 10}`, ...client } });
      expect(wrong.status).toBe(401);
    }
    // The account was never guessed: its owner signs in, and the right token still works from that client.
    expect((await signIn(user.username, PASSWORD, newClient())).status).toBe(200);
    expect((await call(server.url, '/api/v1/user', { headers: { authorization: `token ${token}`, ...client } })).status).toBe(200);
    // The client's budget is spent: one password guess per account, then 429.
    const other = await buildUser(db());
    expect((await signIn(other.username, 'wrong', client)).status).toBe(401);
    const refused = await signIn(other.username, 'wrong again', client);
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/from your address/);
  });
});

describe('sign-in throttling per client', () => {
  it('does not lock a real user out after 20 failures for unknown accounts from the same address', async () => {
    const user = await buildUser(db());
    const client = newClient();
    for (let i = 0; i < 20; i++) expect((await signIn(`nobody${i}`, 'guess', client)).status).toBe(401);
    // An account this client has not failed on: the right password goes through.
    const res = await signIn(user.username, PASSWORD, client);
    expect(res.status).toBe(200);
    expect(res.cookie).not.toBeNull();
    // A name this client has already failed on is refused, with the time to wait.
    const again = await signIn('nobody3', 'guess', client);
    expect(again.status).toBe(429);
    expect(again.body.message).toMatch(/from your address/);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await signIn('nobody3', 'guess', newClient())).status).toBe(401);
  });

  it('leaves an exhausted client one guess per account, whether the account exists or not', async () => {
    const user = await buildUser(db());
    const client = newClient();
    for (let i = 0; i < 21; i++) expect((await signIn(`ghost${i}`, 'guess', client)).status).toBe(401);
    for (const login of [user.username, 'ghost-new']) {
      expect((await signIn(login, 'guess', client)).status).toBe(401);
      expect((await signIn(login, 'guess', client)).status).toBe(429);
    }
    // The same account by its e-mail address is the same account.
    expect((await signIn(user.email!, PASSWORD, client)).status).toBe(429);
  });
});

describe('FORGE_TRUST_PROXY', () => {
  it('is off by default: X-Forwarded-For does not make a client new', async () => {
    const direct = await startServer();
    try {
      for (let i = 0; i < 21; i++) {
        const res = await call(direct.url, '/api/v1/auth/signin', { body: { username: 'nobody', password: 'guess' }, headers: { 'x-forwarded-for': `198.51.100.${i}` } });
        expect(res.status).toBe(i < 5 ? 401 : 429);
      }
      const again = await call(direct.url, '/api/v1/auth/signin', { body: { username: `someone-else`, password: 'guess' }, headers: { 'x-forwarded-for': '198.51.100.200' } });
      expect(again.status).toBe(401);
      const twice = await call(direct.url, '/api/v1/auth/signin', { body: { username: `someone-else`, password: 'guess' }, headers: { 'x-forwarded-for': '198.51.100.201' } });
      expect(twice.status).toBe(429);
      expect(twice.body.message).toMatch(/from your address/);
    } finally {
      await direct.close();
    }
  });

  it('accepts true, false and a list of addresses and ranges, and names the variable for anything else', () => {
    const root = mkdtempSync(join(tmpdir(), 'fabrique-proxy-'));
    try {
      const dirs = { FORGE_DATA_DIR: join(root, 'data'), FORGE_REPOS_DIR: join(root, 'repos') };
      expect(loadConfig(dirs).trustProxy).toBe(false);
      expect(loadConfig({ ...dirs, FORGE_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
      expect(loadConfig({ ...dirs, FORGE_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1,loopback' }).trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16', '::1', 'loopback']);
      for (const wrong of ['proxy.example.org', '10.0.0.0/33', '2', '10.0.0.1,,']) {
        expect(() => loadConfig({ ...dirs, FORGE_TRUST_PROXY: wrong }), wrong).toThrow(ConfigError);
        expect(() => loadConfig({ ...dirs, FORGE_TRUST_PROXY: wrong }), wrong).toThrow(/^FORGE_TRUST_PROXY: /);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
