import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '@rowanmanning/feed-parser';
import { JSDOM } from 'jsdom';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { gitSync, pushHistory } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';
import { repoPath } from '../../server/git/store.js';
import type { UserRow } from '../../server/db/users.js';

const HOSTILE = `</title><script>alert(1)</script> & "v2" <![CDATA[ ]]>`;

describe('Atom feeds of releases and of a branch', () => {
  let server: TestServer;
  let owner: UserRow;
  let token: string;

  beforeAll(async () => {
    // setup: a public repository with two commits on main, two releases (one with a hostile title) and a draft
    server = await startServer();
    const { db } = server.app.forge;
    owner = await buildUser(db);
    token = await buildToken(db, owner, ['all']);
    const repo = await buildRepo(db, server.config.reposDir, owner, { name: 'atlas' });
    const path = repoPath(server.config.reposDir, owner.username, 'atlas');
    pushHistory(path, [
      { message: 'Premier jet\n\nLe début.', files: { 'README.md': '# A\n' } },
      { message: 'Ajoute <la> carte & "légende"', files: { 'map.txt': 'carte\n' } },
    ]);
    gitSync(path, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
    await db.prepare('UPDATE repositories SET is_empty = 0 WHERE id = ?').run(repo.id);
    for (const body of [
      { tag_name: 'v1.0', name: 'Version un', body: 'Des *notes*' },
      { tag_name: 'v2.0', name: HOSTILE, body: '<script>alert(2)</script>' },
      { tag_name: 'v3.0', name: 'Brouillon secret', draft: true },
    ]) {
      expect((await api(server.url, 'POST', `/repos/${owner.username}/atlas/releases`, { auth: as(token), body })).status).toBe(201);
    }
  });
  afterAll(() => server.close());

  it('serves the releases as Atom that a feed parser reads back: titles, links and dates, no draft, the hostile title as text', async () => {
    // test
    const answer = await fetch(`${server.url}/${owner.username}/atlas/releases.atom`, { headers: as(token) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await answer.text();
    expect(xml).not.toContain('<script>');
    const feed = parseFeed(xml);
    expect(feed.meta.type).toBe('atom');
    expect(feed.title).toBe(`${owner.username}/atlas: releases`);
    expect(feed.url).toBe(`${server.url}/${owner.username}/atlas/releases`);
    expect(feed.items.map((i) => i.title)).toEqual([HOSTILE, 'Version un']);
    expect(feed.items.map((i) => i.url)).toEqual([`${server.url}/${owner.username}/atlas/releases/tag/v2.0`, `${server.url}/${owner.username}/atlas/releases/tag/v1.0`]);
    const { body: v1 } = await api(server.url, 'GET', `/repos/${owner.username}/atlas/releases/tags/v1.0`);
    expect(feed.items[1].published?.toISOString()).toBe(new Date(v1.published_at).toISOString());
    expect(feed.items[1].content).toContain('<em>notes</em>');
    expect(feed.items[0].content ?? '').not.toContain('<script>');
    const rss = await fetch(`${server.url}/${owner.username}/atlas/releases.rss`);
    const parsed = parseFeed(await rss.text());
    expect(parsed.meta.type).toBe('rss');
    expect(parsed.items.map((i) => i.title)).toEqual([HOSTILE, 'Version un']);
  });

  it('serves the commits of a branch as Atom, newest first, with their authors and dates', async () => {
    // test
    const answer = await fetch(`${server.url}/${owner.username}/atlas/atom/branch/main`);
    expect(answer.status).toBe(200);
    const feed = parseFeed(await answer.text());
    expect(feed.items.map((i) => i.title)).toEqual(['Ajoute <la> carte & "légende"', 'Premier jet']);
    const { body: commits } = await api(server.url, 'GET', `/repos/${owner.username}/atlas/commits?sha=main`);
    expect(feed.items[0].url).toBe(commits[0].html_url);
    expect(feed.items[0].updated?.getTime()).toBe(new Date(commits[0].commit.committer.date).getTime());
    expect(feed.items[1].authors[0].name).toBe(commits[1].commit.author.name);
    expect((await fetch(`${server.url}/${owner.username}/atlas/atom/branch/nope`)).status).toBe(404);
  });

  it('answers 404 for the feeds of a private repository, as for a missing one', async () => {
    // setup
    const { db } = server.app.forge;
    const secret = await buildRepo(db, server.config.reposDir, owner, { name: 'secret', isPrivate: true });
    pushHistory(repoPath(server.config.reposDir, owner.username, 'secret'), [{ message: 'First', files: { 'README.md': '# S\n' } }]);
    await db.prepare('UPDATE repositories SET is_empty = 0 WHERE id = ?').run(secret.id);
    const stranger = await buildToken(db, await buildUser(db), ['all']);
    // test
    for (const headers of [{}, as(stranger)]) {
      for (const path of ['releases.atom', 'releases.rss', 'atom/branch/main']) {
        const answer = await fetch(`${server.url}/${owner.username}/secret/${path}`, { headers });
        expect(answer.status).toBe(404);
      }
    }
    const own = await fetch(`${server.url}/${owner.username}/secret/releases.atom`, { headers: as(token) });
    expect(own.status).toBe(200);
    // a shared cache on the way must not keep it for the next reader
    expect(own.headers.get('cache-control')).toBe('private, max-age=300');
  });

  it('announces the feeds in the page head of the repository', async () => {
    // test
    const page = await fetch(`${server.url}/${owner.username}/atlas`, { headers: { accept: 'text/html' } });
    const { document } = new JSDOM(await page.text()).window;
    const links = [...document.querySelectorAll('link[rel="alternate"][type="application/atom+xml"]')].map((l) => l.getAttribute('href'));
    expect(links).toEqual([`/${owner.username}/atlas/releases.atom`, `/${owner.username}/atlas/atom/branch/main`]);
  });
});
