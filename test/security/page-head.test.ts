import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { touchRepo } from '../../server/db/repos.js';
import { findUserByName, type UserRow } from '../../server/db/users.js';
import { repoPath } from '../../server/git/store.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { openPage, useBrowser } from '../helpers/browser.js';
import { JSDOM } from 'jsdom';

/**
 * Every special pattern of a `String.prototype.replace` replacement string, quotes, markup and a
 * ready-made refresh tag. `$2` is what the shell's description pattern captured as the closing
 * quote, so `...$2 http-equiv=$2refresh` closed the attribute and added a refresh before the fix.
 */
const HOSTILE = `0;url=//evil.example/$2 http-equiv=$2refresh $& $1 $\` $' "quoted' <b> </title> "><meta http-equiv=refresh content=0;url=//evil>`;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The same within an organisation full name's 100 characters. */
const HOSTILE_SHORT = `$& $1 $\` $' "quoted' </title> "><meta http-equiv=refresh content=0;url=//evil>`;

/**
 * The <meta> tags of a served page: web/index.html's charset, viewport, description, og:title,
 * og:description, og:type, color-scheme, and the application-name the server adds (the instance's name).
 */
const TEMPLATE_METAS = 8;

let server: TestServer;
let owner: string;
let orgName: string;
let commitId: string;

// setup: every user-controlled field that reaches a page head holds HOSTILE, written through the API where it has a write path
beforeAll(async () => {
  server = await startServer();
  const { db } = server.app.forge;
  const admin = await buildUser(db, { isAdmin: true });
  owner = admin.username;
  const token = await buildToken(db, admin, ['all']);
  const api = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

  const repo = await buildRepo(db, server.config.reposDir, admin, { name: 'projet' });
  [commitId] = pushHistory(repoPath(server.config.reposDir, owner, repo.name), [
    { message: `${HOSTILE}\n\nBody`, files: { 'README.md': '# Projet\n' } },
    { message: 'A feature', branch: 'feature', files: { 'feature.txt': 'yes\n' } },
  ]);
  await touchRepo(db, repo.id, { isEmpty: false });
  await api('PATCH', `/repos/${owner}/projet`, { description: HOSTILE });
  await api('POST', `/repos/${owner}/projet/pulls`, { base: 'main', head: 'feature', title: HOSTILE });

  await api('POST', '/admin/users', { username: 'hostile', email: 'hostile@example.org', password: 'correct horse battery', full_name: HOSTILE });
  // The API has no write path for a user's description; the database is where it would come from.
  await db.prepare('UPDATE users SET description = ? WHERE username = ?').run(HOSTILE, 'hostile');
  orgName = 'collectivite';
  await api('POST', '/orgs', { username: orgName, full_name: HOSTILE_SHORT, description: HOSTILE });
});

afterAll(async () => {
  await server?.close();
});

/** A page as a crawler sees it: plain HTTP, no JavaScript. */
async function head(path: string, status = 200) {
  const res = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html', 'accept-language': 'en' } });
  expect(res.status).toBe(status);
  const html = await res.text();
  return { html, head: html.slice(0, html.indexOf('</head>')) };
}

/**
 * The one shape every served head must have, whatever the user wrote: read as a browser reads it,
 * one title, no http-equiv anywhere, every tag of the template once, the description as written.
 */
function expectSafe(html: string, description?: string): void {
  expect(html.match(/<title>/g)).toHaveLength(1);
  expect(html.match(/<\/title>/g)).toHaveLength(1);
  const { document } = new JSDOM(html).window;
  expect(document.querySelectorAll('title')).toHaveLength(1);
  expect(document.querySelectorAll('meta[http-equiv]')).toHaveLength(0);
  for (const selector of ['meta[name="description"]', 'meta[property="og:title"]', 'meta[property="og:description"]', 'script', 'fab-app']) {
    expect(document.querySelectorAll(selector), selector).toHaveLength(1);
  }
  expect(document.querySelectorAll('meta')).toHaveLength(TEMPLATE_METAS);
  expect(document.querySelector('meta[name="application-name"]')?.getAttribute('content')).toBe('Fabrique');
  if (description !== undefined) {
    expect(document.querySelector('meta[name="description"]')?.getAttribute('content')).toBe(description);
    expect(document.querySelector('meta[property="og:description"]')?.getAttribute('content')).toBe(description);
  }
}

describe('page heads hold user text as text', () => {
  it('escapes a repository description', async () => {
    const { html, head: h } = await head(`/${owner}/projet`);
    expectSafe(html, HOSTILE);
    expect(h).toContain(`<meta name="description" content="${escapeHtml(HOSTILE)}">`);
  });

  it("escapes a user's full name and description", async () => {
    const { html, head: h } = await head('/hostile');
    expectSafe(html, HOSTILE);
    expect(h).toContain(`<title>${escapeHtml(`${HOSTILE} (hostile)`)} · Fabrique</title>`);
    expect(h).toContain(`<meta name="description" content="${escapeHtml(HOSTILE)}">`);
  });

  it("escapes an organisation's full name and description", async () => {
    const { html, head: h } = await head(`/${orgName}`);
    expectSafe(html, HOSTILE);
    expect(h).toContain(`<title>${escapeHtml(`${HOSTILE_SHORT} (${orgName})`)} · Fabrique</title>`);
    expect(h).toContain(`<meta name="description" content="${escapeHtml(HOSTILE)}">`);
  });

  it('escapes a commit message', async () => {
    const { html, head: h } = await head(`/${owner}/projet/commit/${commitId}`);
    expectSafe(html);
    expect(h).toContain(`<title>${escapeHtml(HOSTILE)} · ${owner}/projet@${commitId.slice(0, 10)} · Fabrique</title>`);
  });

  it('escapes a pull request title', async () => {
    for (const tab of ['', '/files']) {
      const { html, head: h } = await head(`/${owner}/projet/pulls/1${tab}`);
      expectSafe(html);
      expect(h).toContain(`<title>${escapeHtml(HOSTILE)} #1 · ${owner}/projet · Fabrique</title>`);
    }
  });

  it('escapes a file path and a compare range taken from the address', async () => {
    const path = encodeURIComponent(HOSTILE);
    // No such file: a 404 whose head still names, escaped, the path that was asked for.
    const file = await head(`/${owner}/projet/src/branch/main/docs/${path}`, 404);
    expectSafe(file.html);
    expect(file.head).toContain(`<title>${escapeHtml(`docs/${HOSTILE}`)} · ${owner}/projet · Fabrique</title>`);
    const history = await head(`/${owner}/projet/commits/branch/main/${path}`);
    expectSafe(history.html);
    const compare = await head(`/${owner}/projet/compare/main...${path}`);
    expectSafe(compare.html);
    expect(compare.head).toContain(escapeHtml(`main...${HOSTILE}`));
  });
});

describe('a renamed repository', () => {
  it("redirects its old page addresses once, with the rest of the address as sent, and the new page's head names it", async () => {
    // setup
    const { db } = server.app.forge;
    const admin = await findUserByName(db, owner) as UserRow;
    const token = await buildToken(db, admin, ['all']);
    await buildRepo(db, server.config.reposDir, admin, { name: 'ancien' });
    const renamed = await fetch(`${server.url}/api/v1/repos/${owner}/ancien`, {
      method: 'PATCH',
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'nouveau', description: 'Le projet renommé' }),
    });
    expect(renamed.status).toBe(200);
    // test
    const rest = `src/branch/main/docs/${encodeURIComponent(HOSTILE)}?q=${encodeURIComponent(HOSTILE)}`;
    const res = await fetch(`${server.url}/${owner}/ancien/${rest}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(res.status).toBe(301);
    // As the client sent it: its URL parser percent-encodes the query's quotes.
    const sent = new URL(`${server.url}/${owner}/nouveau/${rest}`);
    expect(res.headers.get('location')).toBe(`${sent.pathname}${sent.search}`);
    const page = await head(`/${owner}/nouveau`);
    expectSafe(page.html, 'Le projet renommé');
    expect(page.head).toContain(`<title>${owner}/nouveau · Fabrique</title>`);
  });
});

describe('in a browser', () => {
  const browser = useBrowser();
  beforeAll(async () => {
  });
  afterAll(async () => {
  });

  it('stays on the page of a repository whose description is a refresh tag', async () => {
    const { page, close } = await openPage(browser());
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    // Anything leaving the test server is refused, so a redirect could never reach a real host.
    await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
    const url = `${server.url}/${owner}/projet`;
    await page.goto(url, { waitUntil: 'load' });
    await page.locator('h1').filter({ hasText: 'projet' }).waitFor();
    expect(await page.locator('meta[http-equiv]').count()).toBe(0);
    expect(await page.getAttribute('meta[name="description"]', 'content')).toBe(HOSTILE);
    expect(page.url()).toBe(url);
    expect(navigations.every((address) => address.startsWith(server.url))).toBe(true);
    await close();
  });
});
