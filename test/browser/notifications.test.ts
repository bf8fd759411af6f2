import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { openAccountMenu, openPage, signInWithForm, useBrowser, waitForHeading, lookAt } from '../helpers/browser.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';
import type { UserRow } from '../../server/db/users.js';

describe('the notification inbox in the browser: the badge, the list, marking read, watch and subscribe', { timeout: 120_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let maintainer: UserRow;
  let citizen: UserRow;
  let maintainerToken: string;
  let citizenToken: string;

  /** An API call with a token; the status and the JSON answer. */
  async function api(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  }

  beforeAll(async () => {
    // setup: a public repository with two branches proposed by the citizen, who is mentioned twice
    server = await startServer();
    const { db } = server.app.forge;
    maintainer = await buildUser(db, { username: `metropole${process.pid}` });
    citizen = await buildUser(db, { username: `camille${process.pid}` });
    maintainerToken = await buildToken(db, maintainer, ['all']);
    citizenToken = await buildToken(db, citizen, ['all']);
    const repo = await buildRepo(db, server.config.reposDir, maintainer, { name: 'voirie' });
    pushHistory(repoPath(server.config.reposDir, maintainer.username, 'voirie'), [
      { message: 'Premier commit', files: { 'README.md': '# Voirie\n' } },
      { message: 'Pistes cyclables', branch: 'pistes', files: { 'pistes.md': 'rue Garibaldi\n' } },
      { message: 'Bancs', branch: 'bancs', files: { 'bancs.md': 'place Bellecour\n' } },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
    for (const [branch, title] of [['pistes', 'Pistes cyclables rue Garibaldi'], ['bancs', 'Bancs place Bellecour']]) {
      const opened = await api(citizenToken, 'POST', `/repos/${maintainer.username}/voirie/pulls`, { head: branch, base: 'main', title });
      expect(opened.status).toBe(201);
      const comment = await api(maintainerToken, 'POST', `/repos/${maintainer.username}/voirie/issues/${opened.json.number}/comments`, {
        body: `Merci @${citizen.username}, pouvez-vous relire ?`,
      });
      expect(comment.status).toBe(201);
    }
  });
  afterAll(() => server.close());

  it('shows the unread count in the header, lists the notifications, marks one then all read', async () => {
    const { page, errors, close } = await openPage(browser());
    try {
      // setup
      await signInWithForm(page, server.url, citizen.username, { redirectTo: `/${maintainer.username}/voirie` });
      // test: the badge, with its spoken count
      const badge = page.getByRole('link', { name: 'Notifications 2 non lues' });
      await openAccountMenu(page);
      await expect.poll(() => badge.count()).toBe(1);
      await expect.poll(() => badge.locator('.fab-unread').textContent()).toBe('2');
      await badge.click();
      await page.waitForURL(`${server.url}/notifications`);
      await waitForHeading(page, 'Notifications');
      const list = page.locator('ol.fab-notifications > li');
      await expect.poll(() => list.count()).toBe(2);
      const first = page.getByRole('link', { name: 'Bancs place Bellecour' });
      expect(await first.getAttribute('href')).toBe(`/${maintainer.username}/voirie/pulls/2`);
      expect(await list.first().textContent()).toContain('Vous êtes mentionné·e');
      await lookAt(page, 'notifications-unread');

      // one marked read: it leaves the unread tab, the badge says 1
      await page.getByRole('button', { name: 'Marquer comme lue : Bancs place Bellecour' }).click();
      await expect.poll(() => list.count()).toBe(1);
      await openAccountMenu(page);
      await expect.poll(() => page.getByRole('link', { name: 'Notifications 1 non lue' }).count()).toBe(1);
      await page.getByRole('link', { name: 'Lues', exact: true }).click();
      await waitForHeading(page, 'Notifications');
      await expect.poll(() => page.locator('ol.fab-notifications > li').textContent()).toContain('Bancs place Bellecour');

      // all marked read: the badge goes, the unread tab is empty
      await page.getByRole('link', { name: 'Non lues', exact: true }).click();
      await expect.poll(() => list.count()).toBe(1);
      await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
      await expect.poll(() => page.getByText('Aucune notification non lue.').count()).toBe(1);
      await openAccountMenu(page);
      await expect.poll(() => page.getByRole('link', { name: 'Notifications', exact: true }).count()).toBe(1);
      expect((await api(citizenToken, 'GET', '/notifications/new')).json).toEqual({ new: 0 });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('unsubscribes from a pull request and watches a repository with their buttons', async () => {
    const { page, errors, close } = await openPage(browser());
    try {
      // setup
      await signInWithForm(page, server.url, citizen.username, { redirectTo: `/${maintainer.username}/voirie/pulls/1` });
      await waitForHeading(page, /Pistes cyclables/);
      // test: the citizen opened it, so follows it; unsubscribing stops the news
      await page.getByRole('button', { name: 'Se désabonner' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'S’abonner' }).count()).toBe(1);
      await api(maintainerToken, 'POST', `/repos/${maintainer.username}/voirie/issues/1/comments`, { body: 'Fusion prévue lundi.' });
      expect((await api(citizenToken, 'GET', '/notifications/new')).json).toEqual({ new: 0 });
      await lookAt(page, 'notifications-pull-subscribe');
      // watching the repository: a new pull request is news
      await page.getByRole('button', { name: 'Suivre le dépôt' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Ne plus suivre le dépôt' }).count()).toBe(1);
      expect((await api(citizenToken, 'GET', `/repos/${maintainer.username}/voirie/subscription`)).json).toMatchObject({ subscribed: true });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows the page in English too, and asks an anonymous visitor to sign in', async () => {
    const visitor = await openPage(browser(), { locale: 'en-GB' });
    try {
      await visitor.page.goto(`${server.url}/notifications`);
      await waitForHeading(visitor.page, 'Notifications');
      await expect.poll(() => visitor.page.getByRole('link', { name: 'Sign in to see your notifications.' }).count()).toBe(1);
      expect(visitor.errors).toEqual([]);
    } finally {
      await visitor.close();
    }
    const { page, context, errors, close } = await openPage(browser());
    try {
      await signInWithForm(page, server.url, citizen.username);
      // The language the server reads first: the cookie the language switch sets.
      await context.addCookies([{ name: 'lang', value: 'en', url: server.url }]);
      await page.goto(`${server.url}/notifications?tab=read`);
      await waitForHeading(page, 'Notifications');
      await expect.poll(() => page.locator('ol.fab-notifications > li').count()).toBe(2);
      expect(await page.locator('ol.fab-notifications').textContent()).toContain('You were mentioned');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
