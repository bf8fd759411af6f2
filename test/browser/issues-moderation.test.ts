import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';
import type { UserRow } from '../../server/db/users.js';

// Spam control from the issue page (issue #13): writers delete an issue, site administrators suspend its author.
describe('moderating an issue in the browser', { timeout: 120_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let maintainer: UserRow;
  let spammer: UserRow;
  let admin: UserRow;
  let spammerToken: string;
  const name = 'voirie';

  /** An API call with a token; the status. */
  const status = async (token: string, method: string, path: string, body?: unknown) =>
    (await fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `token ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).status;
  const issueCount = async () => await server.app.forge.db.prepare('SELECT count(*) FROM issues').pluck().get() as number;

  beforeAll(async () => {
    // setup: a public repository with two spam issues from an account old enough to escape the new-account limit
    server = await startServer();
    const { db, config } = server.app.forge;
    maintainer = await buildUser(db);
    spammer = await buildUser(db);
    admin = await buildUser(db, { isAdmin: true });
    await db.prepare("UPDATE users SET created_at = '2020-01-01T00:00:00.000Z'").run();
    spammerToken = await buildToken(db, spammer, ['all']);
    const repo = await buildRepo(db, config.reposDir, maintainer, { name });
    pushHistory(repoPath(config.reposDir, maintainer.username, name), [{ message: 'Premier commit', files: { 'README.md': '# Voirie\n' } }]);
    await touchRepo(db, repo.id, { isEmpty: false });
    for (const title of ['Achetez des montres', 'Encore des montres']) {
      expect(await status(spammerToken, 'POST', `/repos/${maintainer.username}/${name}/issues`, { title })).toBe(201);
    }
  });
  afterAll(() => server.close());

  it('shows neither button to the author, who may not delete nor suspend', async () => {
    const { page, errors, close } = await openPage(browser());
    try {
      // test
      await signInWithForm(page, server.url, spammer.username, { redirectTo: `/${maintainer.username}/${name}/issues/1` });
      await waitForHeading(page, 'Achetez des montres #1');
      await page.getByRole('button', { name: 'Commenter' }).waitFor();
      expect(await page.getByRole('button', { name: 'Supprimer le ticket' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: "Suspendre l'auteur" }).count()).toBe(0);
      expect(await status(spammerToken, 'DELETE', `/repos/${maintainer.username}/${name}/issues/1`)).toBe(403);
      expect(await issueCount()).toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('lets a site administrator suspend the author with the keyboard, after a confirmation', async () => {
    const { page, errors, close } = await openPage(browser());
    try {
      // test
      await signInWithForm(page, server.url, admin.username, { redirectTo: `/${maintainer.username}/${name}/issues/1` });
      await waitForHeading(page, 'Achetez des montres #1');
      await page.getByRole('button', { name: "Suspendre l'auteur" }).focus();
      await page.keyboard.press('Enter');
      await page.getByText(`Suspendre le compte ${spammer.username} ? Il ne pourra plus se connecter.`).waitFor();
      // Asking is not doing: the account still works until the confirmation.
      expect(await status(spammerToken, 'GET', '/user')).toBe(200);
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Oui, suspendre le compte');
      await page.keyboard.press('Enter');
      await page.getByText("Le compte de l'auteur est suspendu.").waitFor({ state: 'attached' });
      const suspended = await server.app.forge.db.prepare('SELECT prohibit_login FROM users WHERE id = ?').pluck().get(spammer.id);
      expect(suspended).toBe(1);
      expect(await status(spammerToken, 'GET', '/user')).not.toBe(200);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('lets a writer delete the issue after a confirmation, and cancel first', async () => {
    const { page, errors, close } = await openPage(browser());
    try {
      // test
      await signInWithForm(page, server.url, maintainer.username, { redirectTo: `/${maintainer.username}/${name}/issues/2` });
      await waitForHeading(page, 'Encore des montres #2');
      expect(await page.getByRole('button', { name: "Suspendre l'auteur" }).count()).toBe(0);
      await page.getByRole('button', { name: 'Supprimer le ticket' }).click();
      await page.getByText('Supprimer définitivement le ticket #2 ? Son numéro ne sera pas réutilisé.').waitFor();
      await page.getByRole('button', { name: 'Annuler' }).last().click();
      expect(await issueCount()).toBe(2);
      await page.getByRole('button', { name: 'Supprimer le ticket' }).click();
      await page.getByRole('button', { name: 'Oui, supprimer le ticket' }).click();
      await page.waitForURL(`${server.url}/${maintainer.username}/${name}/issues`);
      await waitForHeading(page, 'Tickets');
      expect(await issueCount()).toBe(1);
      const gone = await fetch(`${server.url}/api/v1/repos/${maintainer.username}/${name}/issues/2`);
      expect(gone.status).toBe(404);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
