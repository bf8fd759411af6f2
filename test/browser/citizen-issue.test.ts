import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { openAccountMenu, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';
import type { UserRow } from '../../server/db/users.js';

const TEMPLATE = ['---', 'name: Signaler un problème', 'about: Quelque chose ne marche pas', 'title: "[Problème] "', '---', '## Ce qui se passe', ''].join('\n');

// Issue #13's story end to end: the tracker, the notifications and the closing keywords of a merged pull request together.
describe("a citizen's issue, from the template to its closing by a maintainer's pull request", { timeout: 180_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let maintainer: UserRow;
  let citizen: UserRow;
  let token: string;
  const name = 'horaires';

  /** An API call as the maintainer; the status and the JSON answer. */
  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${server.url}/api/v1/repos/${maintainer.username}/${name}${path}`, {
      method,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  }

  beforeAll(async () => {
    // setup: the Métropole's repository with an issue template and a branch that fixes the problem
    server = await startServer();
    const { db, config } = server.app.forge;
    maintainer = await buildUser(db);
    citizen = await buildUser(db);
    token = await buildToken(db, maintainer, ['all']);
    const repo = await buildRepo(db, config.reposDir, maintainer, { name });
    pushHistory(repoPath(config.reposDir, maintainer.username, name), [
      { message: 'Premier commit', files: { 'README.md': '# Horaires des déchèteries\n', '.github/ISSUE_TEMPLATE/probleme.md': TEMPLATE } },
      { message: 'Horaires du dimanche', branch: 'dimanche', files: { 'horaires.md': 'Dimanche : 9 h – 12 h\n' } },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
  });
  afterAll(() => server.close());

  it('opens it, is told of the reply that mentions them, and sees it closed by the merged pull request', async () => {
    const home = `${server.url}/${maintainer.username}/${name}`;
    const { page, errors, close } = await openPage(browser());
    try {
      // the citizen signs in and opens an issue from the template
      await signInWithForm(page, server.url, citizen.username, { redirectTo: `/${maintainer.username}/${name}/issues/new` });
      await waitForHeading(page, 'Nouveau ticket');
      await page.getByRole('link', { name: 'Utiliser le modèle Signaler un problème' }).click();
      await expect.poll(() => page.getByLabel('Titre').inputValue()).toBe('[Problème] ');
      await page.getByLabel('Titre').fill('[Problème] Les horaires du dimanche manquent');
      await page.getByLabel('Description').fill('## Ce qui se passe\n\nLa déchèterie de Vaulx-en-Velin ouvre le dimanche, le site ne le dit pas.\n');
      await page.getByRole('button', { name: 'Ouvrir le ticket' }).click();
      await page.waitForURL(`${home}/issues/1`);
      await waitForHeading(page, /Les horaires du dimanche manquent #1/);
      expect(await page.locator('.fab-state').textContent()).toBe('Ouvert');

      // the maintainer replies and mentions the citizen: the header tells them, the inbox links the issue
      expect((await api('POST', '/issues/1/comments', { body: `Merci @${citizen.username}, nous corrigeons.` })).status).toBe(201);
      await page.reload();
      await waitForHeading(page, /Les horaires du dimanche manquent #1/);
      const badge = page.getByRole('link', { name: 'Notifications 1 non lue' });
      await openAccountMenu(page);
      await expect.poll(() => badge.count()).toBe(1);
      await badge.click();
      await page.waitForURL(`${server.url}/notifications`);
      await waitForHeading(page, 'Notifications');
      const entry = page.getByRole('link', { name: '[Problème] Les horaires du dimanche manquent' });
      expect(await entry.getAttribute('href')).toBe(`/${maintainer.username}/${name}/issues/1`);

      // the maintainer's pull request says "Corrige #1" and is merged into the default branch
      const opened = await api('POST', '/pulls', { head: 'dimanche', base: 'main', title: 'Horaires du dimanche', body: 'Corrige #1' });
      expect(opened.status).toBe(201);
      expect(opened.json.number).toBe(2);
      await expect.poll(async () => (await api('GET', '/pulls/2')).json.mergeable_state).toBe('mergeable');
      expect((await api('POST', '/pulls/2/merge', { Do: 'merge' })).status).toBe(200);

      // the citizen sees the issue closed, and by which pull request
      await entry.click();
      await page.waitForURL(`${home}/issues/1`);
      await waitForHeading(page, /Les horaires du dimanche manquent #1/);
      await expect.poll(() => page.locator('.fab-state').textContent()).toBe('Fermé');
      const closing = page.getByText(`${maintainer.username} a fermé avec la demande de fusion`);
      await expect.poll(() => closing.count()).toBe(1);
      expect(await page.locator(`a[href="/${maintainer.username}/${name}/pulls/2"]`).count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
