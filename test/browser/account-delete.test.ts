import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { PASSWORD, buildRepo, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';
import { lookAt, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';

describe('the "Your data" settings page in Chromium', () => {
  let server: TestServer;
  const browser = useBrowser();

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it('downloads the account data, then deletes the account after a confirmation, its issue kept as the deleted user', async () => {
    // setup: a citizen who opened an issue in the Métropole's repository
    const db = server.app.forge.db;
    const maintainer = await buildUser(db, { username: 'metropole-dev' });
    await buildRepo(db, server.config.reposDir, maintainer, { name: 'voirie' });
    const claire = await buildUser(db, { username: 'claire' });
    const opened = await api(server.url, 'POST', '/repos/metropole-dev/voirie/issues', { auth: as(claire), body: { title: 'Piste cyclable interrompue', body: 'Quai Claude-Bernard.' } });
    expect(opened.status).toBe(201);
    const { page, errors, close } = await openPage(browser());

    // test: the page, reached from the profile settings
    await signInWithForm(page, server.url, 'claire', { redirectTo: '/user/settings', landing: '/user/settings' });
    await waitForHeading(page, 'Votre profil');
    await page.getByRole('link', { name: 'Vos données et la suppression du compte' }).click();
    await waitForHeading(page, 'Vos données et votre compte');
    expect(await page.title()).toMatch(/^Vos données · /);
    await lookAt(page, 'account-data');

    // test: "Download my data" gives the JSON file
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Télécharger mes données' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^fabrique-claire-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(readFileSync(await download.path(), 'utf8')) as { account: { username: string }; issues_and_pull_requests: Array<{ title: string }> };
    expect(data.account.username).toBe('claire');
    expect(data.issues_and_pull_requests.map((i) => i.title)).toEqual(['Piste cyclable interrompue']);

    // test: a wrong password is refused, the account stays
    await page.getByLabel('Votre mot de passe').fill('pas le bon');
    await page.getByRole('button', { name: 'Supprimer mon compte…' }).click();
    await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await page.getByRole('alert').getByText('The password is not correct').waitFor();
    expect(await page.getByLabel('Votre mot de passe').getAttribute('aria-invalid')).toBe('true');
    expect((await api(server.url, 'GET', '/users/claire')).status).toBe(200);

    // test: the right password, the confirmation, and the account is gone
    await page.getByLabel('Votre mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Supprimer mon compte…' }).click();
    await page.getByText('Supprimer le compte claire pour de bon ? Cela ne peut pas être annulé.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Supprimer définitivement');
    await lookAt(page, 'account-delete-confirm');
    await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await page.getByText('Le compte claire a été supprimé.').waitFor();
    expect((await api(server.url, 'GET', '/users/claire')).status).toBe(404);
    expect((await api(server.url, 'GET', '/repos/metropole-dev/voirie/issues/1')).body).toMatchObject({ title: 'Piste cyclable interrompue', user: { login: 'ghost' } });
    // The header no longer shows an account: the browser's session ended with it.
    await page.getByRole('link', { name: 'Se connecter' }).first().waitFor();
    // The issue stays, its author named "deleted user" in the page's language.
    await page.goto(`${server.url}/metropole-dev/voirie/issues/1`);
    await waitForHeading(page, /Piste cyclable interrompue/);
    await page.getByText('Ouvert par utilisateur supprimé').waitFor();
    await page.getByRole('heading', { name: 'Description par utilisateur supprimé' }).waitFor();
    expect(await page.getByText('claire').count()).toBe(0);
    // The refused password's 422 is the one console error.
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await close();
    // Two screenshots with axe at two widths, a download and two sign-in states: long on a loaded machine.
  }, 120_000);
});
