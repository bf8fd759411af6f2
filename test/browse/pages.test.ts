import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browseFixture, type BrowseFixture } from './setup.js';

let f: BrowseFixture;

// setup
beforeAll(async () => {
  f = await browseFixture();
  await f.server.app.forge.db.prepare('UPDATE repositories SET description = ? WHERE id = ?').run('Le <meilleur> projet', f.repo.id);
  await f.server.app.forge.db.prepare('UPDATE repositories SET description = ? WHERE id = ?').run('Top secret plans', f.privateRepo.id);
});
afterAll(async () => {
  await f?.server.close();
});

/** A page as a crawler sees it: plain HTTP, no JavaScript. */
async function page(path: string, lang = 'fr') {
  const res = await fetch(`${f.server.url}${path}`, { headers: { accept: 'text/html', 'accept-language': lang } });
  const html = await res.text();
  return {
    res,
    title: /<title>([^<]*)<\/title>/.exec(html)?.[1],
    description: /<meta name="description" content="([^"]*)"/.exec(html)?.[1],
    html,
  };
}

describe('page heads filled by the server', () => {
  it('gives a repository page its name as title and its description', async () => {
    const home = await page(`/${f.owner.username}/projet`);
    expect(home.res.status).toBe(200);
    expect(home.title).toBe(`${f.owner.username}/projet · Fabrique`);
    expect(home.description).toBe('Le &lt;meilleur&gt; projet');
    const file = await page(`/${f.owner.username}/projet/src/branch/main/src/app.ts`);
    expect(file.title).toBe(`src/app.ts · ${f.owner.username}/projet · Fabrique`);
    const commit = await page(`/${f.owner.username}/projet/commit/${f.commits[1]}`, 'en');
    expect(commit.title).toBe(`Change the answer · ${f.owner.username}/projet@${f.commits[1].slice(0, 10)} · Fabrique`);
  });

  it('leaks nothing of a private repository to an anonymous visitor', async () => {
    const secret = await page(`/${f.owner.username}/secret`);
    const missing = await page(`/${f.owner.username}/does-not-exist`);
    expect(secret.title).toBe('Fabrique');
    expect(secret.html).not.toContain('secret plans');
    expect(secret.html).not.toContain(`${f.owner.username}/secret`);
    expect(secret.res.headers.get('x-robots-tag')).toBe('noindex');
    expect(secret.html).toBe(missing.html);
  });

  it('titles an owner page', async () => {
    const owner = await page(`/${f.owner.username}`);
    expect(owner.title).toBe(`${f.owner.username} · Fabrique`);
  });
});

describe('robots and sitemap', () => {
  it('lets crawlers in, keeps them out of the API, and names the sitemap', async () => {
    const res = await fetch(`${f.server.url}/robots.txt`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toContain('Disallow: /api/');
    expect(text).toContain(`Sitemap: ${f.server.url}/sitemap.xml`);
  });

  it('lists public repositories and never private ones', async () => {
    const res = await fetch(`${f.server.url}/sitemap.xml`);
    const xml = await res.text();
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(xml).toContain(`<loc>${f.server.url}/${f.owner.username}/projet</loc>`);
    expect(xml).not.toContain('secret');
  });
});
