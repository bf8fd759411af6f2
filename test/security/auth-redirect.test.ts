import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { openPage, signInWithForm, useBrowser } from '../helpers/browser.js';
import { buildUser, PASSWORD } from '../helpers/factories.js';
import { call } from '../helpers/http.js';

let server: TestServer;
const browser = useBrowser();
beforeAll(async () => {
  // setup
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});
const db = () => server.app.forge.db;

/** `redirect_to` values (as the page reads them from its query string) that would leave the site. */
const HOSTILE = [
  '//example.org',
  '/\\example.org',
  '/\t/example.org',
  '/\n/example.org',
  '/\r\n/example.org',
  '\t//example.org',
  '%2F%2Fexample.org',
  'https://example.org/',
  'https:example.org',
  'http://127.0.0.1.example.org/',
  '\\\\example.org',
  '\\/example.org',
  '/.//example.org',
  '/./\\example.org',
  'javascript:alert(1)',
  ' /explore',
  'example.org',
  '@example.org',
  '//@example.org',
  '//user:pass@example.org/',
];

describe('redirect_to after sign-in', () => {
  it('answers the home page for every value that would leave the site', async () => {
    const user = await buildUser(db());
    for (const redirectTo of HOSTILE) {
      const res = await call(server.url, '/api/v1/auth/signin', { body: { username: user.username, password: PASSWORD, redirect_to: redirectTo } });
      expect(res.status, JSON.stringify(redirectTo)).toBe(200);
      expect(res.body.redirect_to, JSON.stringify(redirectTo)).toBe('/');
    }
  });

  it('keeps a path of this forge, with its query and fragment, and a userinfo-looking path', async () => {
    const user = await buildUser(db());
    const cases: [string, string][] = [
      ['/explore?q=carto#top', '/explore?q=carto#top'],
      ['/@example.org', '/@example.org'],
      ['/metropole/carto/src/branch/main/a%2Fb', '/metropole/carto/src/branch/main/a%2Fb'],
      ['/%2F%2Fexample.org', '/%2F%2Fexample.org'],
    ];
    for (const [redirectTo, expected] of cases) {
      const res = await call(server.url, '/api/v1/auth/signin', { body: { username: user.username, password: PASSWORD, redirect_to: redirectTo } });
      expect(res.body.redirect_to, redirectTo).toBe(expected);
      expect(new URL(res.body.redirect_to as string, server.url).origin).toBe(server.url);
    }
    const none = await call(server.url, '/api/v1/auth/signin', { body: { username: user.username, password: PASSWORD } });
    expect(none.body.redirect_to).toBe('/');
  });

  it('keeps Chromium on the forge when the sign-in link carries a hostile redirect_to', async () => {
    const user = await buildUser(db());
    const { page, close } = await openPage(browser());
    try {
      // Nothing leaves the machine: a request to another origin fails, and the wait below with it.
      const outside: string[] = [];
      await page.route(
        (url) => url.origin !== server.url,
        (route) => {
          outside.push(route.request().url());
          return route.abort();
        },
      );
      for (const hostile of ['%2F%09%2Fexample.org', '%2F%0A%2Fexample.org', '%2F%5Cexample.org']) {
        await signInWithForm(page, server.url, user.username, { redirectTo: hostile, landing: '/' });
        expect(new URL(page.url()).origin).toBe(server.url);
        await page.context().clearCookies();
      }
      // A path of this forge is still where the sign-in goes.
      await signInWithForm(page, server.url, user.username, { redirectTo: encodeURIComponent('/explore'), landing: '/explore' });
      expect(outside).toEqual([]);
    } finally {
      await close();
    }
  });
});
