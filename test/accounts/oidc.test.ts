import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildUser, count } from '../helpers/factories.js';
import { call } from '../helpers/http.js';

// setup: a real OpenID provider on 127.0.0.1 (oidc-provider, dev interactions accept any login),
// signing userinfo as ProConnect does.
let idp: Server;
let issuer: string;
let forge: TestServer;
const userinfoTypes: string[] = [];

beforeAll(async () => {
  idp = createServer();
  await new Promise<void>((done) => idp.listen(0, '127.0.0.1', done));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  forge = await startServer({
    env: { FORGE_OIDC_ISSUER: issuer, FORGE_OIDC_CLIENT_ID: 'fabrique', FORGE_OIDC_CLIENT_SECRET: 'a-client-secret-of-some-length', FORGE_OIDC_NAME: 'ProConnect' },
  });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'fabrique',
        client_secret: 'a-client-secret-of-some-length',
        redirect_uris: [`${forge.url}/user/oidc/callback`],
        token_endpoint_auth_method: 'client_secret_basic',
        userinfo_signed_response_alg: 'RS256',
      },
    ],
    features: { devInteractions: { enabled: true }, jwtUserinfo: { enabled: true } },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email'], profile: ['preferred_username', 'given_name', 'usual_name'] },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, email: `${id}@example.org`, preferred_username: id, given_name: 'Claude', usual_name: 'Martin' }),
    }),
  });
  const handle = provider.callback();
  idp.on('request', (req, res) => {
    if (req.url?.startsWith('/me')) res.on('finish', () => userinfoTypes.push(String(res.getHeader('content-type'))));
    handle(req, res);
  });
});

afterAll(async () => {
  await forge?.close();
  await new Promise((done) => idp.close(done));
});

/** A browser with one cookie jar (cookies ignore ports, as in browsers), following redirects by hand. */
async function browse(start: string, login: string): Promise<{ location: string; cookies: Map<string, string> }> {
  const cookies = new Map<string, string>();
  let url = start;
  let method = 'GET';
  let body: string | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const response = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
    });
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = response.headers.get('location');
    if (location) {
      const next = new URL(location, url).href;
      if (new URL(next).origin === forge.url && !next.includes('/user/oidc/')) return { location: next, cookies };
      url = next;
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await response.text();
    const action = /action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`stuck at ${url}: ${response.status} ${html.slice(0, 200)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    url = new URL(action, url).href;
    method = 'POST';
    body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt: prompt ?? 'consent' }).toString();
  }
  throw new Error('too many redirects');
}

describe('OpenID Connect sign-in', () => {
  it('advertises the provider by name', async () => {
    const res = await call(forge.url, '/api/v1/auth/providers');
    expect(res.body.oidc).toEqual({ name: 'ProConnect', url: '/user/oidc/login' });
  });

  it('sends PKCE, a state and a nonce of at least 32 characters', async () => {
    const res = await fetch(`${forge.url}/user/oidc/login`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const target = new URL(res.headers.get('location')!);
    expect(target.origin).toBe(issuer);
    expect(target.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(target.searchParams.get('nonce')!.length).toBeGreaterThanOrEqual(32);
    expect(target.searchParams.get('code_challenge_method')).toBe('S256');
  });

  it('creates an account on first sign-in, links it by issuer and sub, and signs in again into the same account', async () => {
    await buildUser(forge.app.forge.db, { username: 'claude' });
    const first = await browse(`${forge.url}/user/oidc/login`, 'claude');
    expect(first.location).toBe(`${forge.url}/`);
    const cookie = `fabrique_session=${first.cookies.get('fabrique_session')}`;
    const me = await call(forge.url, '/api/v1/user', { cookie });
    expect(me.status).toBe(200);
    // "claude" is taken by a password account: a free name with a suffix, never the existing account.
    expect(me.body.login).toBe('claude2');
    expect(me.body.full_name).toBe('Claude Martin');
    expect(await count(forge.app.forge.db, 'oidc_identities')).toBe(1);
    expect(userinfoTypes).toEqual([expect.stringMatching(/^application\/jwt/)]);

    const users = await count(forge.app.forge.db, 'users');
    const again = await browse(`${forge.url}/user/oidc/login`, 'claude');
    const me2 = await call(forge.url, '/api/v1/user', { cookie: `fabrique_session=${again.cookies.get('fabrique_session')}` });
    expect(me2.body.login).toBe('claude2');
    expect(await count(forge.app.forge.db, 'users')).toBe(users);
  });

  it('refuses a callback whose state does not match', async () => {
    const sessions = await count(forge.app.forge.db, 'sessions');
    const res = await fetch(`${forge.url}/user/oidc/callback?code=x&state=forged`, { redirect: 'manual' });
    expect(res.headers.get('location')).toBe('/user/login?error=oidc');
    expect(await count(forge.app.forge.db, 'sessions')).toBe(sessions);
  });
});
