import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { request } from '../helpers/http.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';
import { imageLinks } from '../../server/lib/image-links.js';

const BADGE = '<svg xmlns="http://www.w3.org/2000/svg" width="90" height="20"><rect width="90" height="20" fill="#2a7"/></svg>';

/** Another site on 127.0.0.1 (another origin than the forge's): a badge, a page, a huge file, a redirect; it counts what it is asked. */
function otherSite(): Promise<{ server: Server; origin: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    if (path === '/badge.svg') res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-cache' }).end(BADGE);
    else if (path === '/page.html') res.writeHead(200, { 'content-type': 'text/html' }).end('<script>alert(1)</script>');
    else if (path === '/huge.png') res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(6 * 1024 * 1024));
    else if (path === '/moved.svg') res.writeHead(302, { location: '/badge.svg' }).end();
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits })));
}

describe('the image proxy: other sites never see the visitors', { timeout: 90_000 }, () => {
  let forge: TestServer;
  let site: Awaited<ReturnType<typeof otherSite>>;
  const browser = useBrowser();
  let owner: string;
  const name = 'badges';

  beforeAll(async () => {
    site = await otherSite();
    // The other site is on 127.0.0.1: the instance lets its outbound requests reach private addresses.
    forge = await startServer({ env: { FORGE_IMPORT_ALLOW_PRIVATE: 'true' } });
    const { db, config } = forge.app.forge;
    const user = await buildUser(db);
    owner = user.username;
    const repo = await buildRepo(db, config.reposDir, user, { name });
    const readme = [
      '# Badges',
      '',
      `![build](${site.origin}/badge.svg) ![moved](${site.origin}/moved.svg)`,
      '',
      `<picture><source media="(prefers-color-scheme: dark)" srcset="${site.origin}/badge.svg?dark 2x"><img alt="logo" src="${site.origin}/badge.svg?logo"></picture>`,
      '',
    ].join('\n');
    pushHistory(repoPath(config.reposDir, owner, name), [{ message: 'README with badges', files: { 'README.md': readme } }]);
    await touchRepo(db, repo.id, { isEmpty: false });
  });

  afterAll(async () => {
    await forge?.close();
    await new Promise((resolve) => site?.server.close(resolve));
  });

  const readmeHtml = async () => {
    const answer = await request(forge.url, `/api/v1/repos/${owner}/${name}/readme/main`);
    expect(answer.status).toBe(200);
    return (answer.body as { markdown: string }).markdown;
  };

  it('renders other sites\' images, in src and srcset, as signed links to the forge', async () => {
    const html = await readmeHtml();
    expect(html).not.toContain(site.origin);
    const sources = [...html.matchAll(/(?:src|srcset)="([^"]+)"/g)].map((m) => m[1]!.split(' ')[0]!);
    expect(sources).toHaveLength(4);
    for (const src of sources) expect(src).toMatch(/^\/-\/image\/[\w-]+\/[\w-]+$/);
  });

  it('serves the image from the forge, fetched once, as an inert image', async () => {
    const src = (await readmeHtml()).match(/src="([^"]+)"/)![1]!;
    const before = site.hits.filter((h) => h === '/badge.svg').length;
    const first = await fetch(`${forge.url}${src}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/svg+xml');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('content-security-policy')).toContain('sandbox');
    // The other site said no-cache; the proxy keeps its copy a few minutes rather than asking at each view.
    expect(first.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await first.text()).toBe(BADGE);
    const second = await fetch(`${forge.url}${src}`);
    expect(await second.text()).toBe(BADGE);
    expect(site.hits.filter((h) => h === '/badge.svg').length - before).toBeLessThanOrEqual(1);
  });

  it('follows a redirect of the other site', async () => {
    const link = imageLinks(forge.config.secret).proxied(`${site.origin}/moved.svg`)!;
    const answer = await fetch(`${forge.url}${link}`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(BADGE);
  });

  it('is not an open proxy: a link the forge did not sign is a 404, and nothing is fetched', async () => {
    const hits = site.hits.length;
    const foreign = imageLinks('another instance secret, not this one').proxied(`${site.origin}/badge.svg?foreign`)!;
    const answer = await request(forge.url, foreign);
    expect(answer.status).toBe(404);
    const good = imageLinks(forge.config.secret).proxied(`${site.origin}/badge.svg?tampered`)!;
    const tampered = good.replace(/\/[\w-]+$/, `/${Buffer.from(`${site.origin}/page.html`).toString('base64url')}`);
    expect((await request(forge.url, tampered)).status).toBe(404);
    expect(site.hits.length).toBe(hits);
  });

  it('refuses what is not an image, an error page and an image over 5 MB, with a message', async () => {
    const links = imageLinks(forge.config.secret);
    const page = await request(forge.url, links.proxied(`${site.origin}/page.html`)!);
    expect(page.status).toBe(502);
    expect((page.body as { message: string }).message).toMatch(/text\/html, not an image/);
    const missing = await request(forge.url, links.proxied(`${site.origin}/gone.png`)!);
    expect(missing.status).toBe(502);
    expect((missing.body as { message: string }).message).toMatch(/answered 404/);
    const huge = await request(forge.url, links.proxied(`${site.origin}/huge.png`)!);
    expect(huge.status).toBe(502);
    expect((huge.body as { message: string }).message).toMatch(/larger than 5 MB/);
  });

  it('on an instance that keeps to public addresses, refuses a private one without asking it', async () => {
    const strict = await startServer();
    try {
      const hits = site.hits.length;
      const answer = await request(strict.url, imageLinks(strict.config.secret).proxied(`${site.origin}/badge.svg?strict`)!);
      expect(answer.status).toBe(403);
      expect((answer.body as { message: string }).message).toMatch(/private, loopback or link-local/);
      expect(site.hits.length).toBe(hits);
    } finally {
      await strict.close();
    }
  });

  it('in Chromium, shows the badges while every request of the page goes to the forge', async () => {
    const { page, errors, close } = await openPage(browser());
    const origins = new Set<string>();
    page.on('request', (req) => origins.add(new URL(req.url()).origin));
    await page.goto(`${forge.url}/${owner}/${name}`);
    await waitForHeading(page, `${owner}/${name}`);
    const badge = page.locator('fab-markdown img[alt="build"]');
    await expect.poll(() => badge.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(90);
    expect([...origins]).toEqual([forge.url]);
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });
});
