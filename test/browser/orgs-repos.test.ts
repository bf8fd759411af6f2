import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, signInWithForm, useBrowser } from '../helpers/browser.js';
import { buildUser } from '../helpers/factories.js';
import type { UserRow } from '../../server/db/users.js';

describe('organisations and repositories in the web UI', () => {
  let server: TestServer;
  const browser = useBrowser();
  let owner: UserRow;
  let helper: UserRow;

  beforeAll(async () => {
    // setup
    server = await startServer();
    owner = await buildUser(server.app.forge.db, { username: 'dominique' });
    helper = await buildUser(server.app.forge.db, { username: 'sacha' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('creates an organisation and a private repository with a licence, then manages its settings and deletes it', async () => {
    const { page, errors, close } = await openPage(browser());
    const { db } = server.app.forge;

    // setup: sign in through the form
    await signInWithForm(page, server.url, owner.username, { landing: '/' });

    // test: new organisation
    await page.goto(`${server.url}/org/create`);
    await page.getByLabel("Nom de l'organisation").waitFor();
    expect(await page.title()).toBe('Nouvelle organisation · Fabrique');
    expect(await checkA11y(page)).toEqual([]);
    await page.getByLabel("Nom de l'organisation").fill('admin');
    await page.getByRole('button', { name: "Créer l'organisation" }).click();
    await expect.poll(() => page.getByRole('main').getByRole('alert').textContent(), { timeout: 10_000 }).toContain('reserved');
    expect(await db.prepare("SELECT count(*) FROM users WHERE type = 'org'").pluck().get()).toBe(0);
    await page.getByLabel("Nom de l'organisation").fill('grand-lyon');
    await page.getByLabel('Nom complet (facultatif)').fill('Métropole de Lyon');
    await page.getByRole('button', { name: "Créer l'organisation" }).click();
    await page.getByRole('heading', { level: 1, name: 'Métropole de Lyon' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/org/grand-lyon');

    // test: new private repository in the organisation, initialised with a licence
    await page.goto(`${server.url}/repo/create`);
    await page.getByLabel('Nom du dépôt').waitFor();
    expect(await checkA11y(page)).toEqual([]);
    await page.getByLabel('Propriétaire').selectOption('grand-lyon');
    await page.getByLabel('Nom du dépôt').fill('voirie');
    await page.getByLabel('Description').fill('Gestion de la voirie');
    await page.getByLabel(/Privé/).check();
    await page.getByLabel('Licence').selectOption('EUPL-1.2');
    await page.getByRole('button', { name: 'Créer le dépôt' }).click();
    await page.waitForURL((url) => url.pathname === '/grand-lyon/voirie');
    const row = await db.prepare("SELECT is_private, is_empty FROM repositories WHERE lower_name = 'voirie'").get();
    expect(row).toEqual({ is_private: 1, is_empty: 0 });

    // test: the organisation page shows the private repository to its member, not to anonymous visitors
    await page.goto(`${server.url}/org/grand-lyon`);
    // The repository list and the Owners team (all repositories) both link to it.
    await page.getByRole('link', { name: 'voirie' }).first().waitFor();
    // In the members list; the Owners team lists the owner too.
    expect(await page.locator('fab-org-page > ul.fab-org-list').last().getByRole('link', { name: owner.username }).count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);
    const anonymous = await fetch(`${server.url}/api/v1/orgs/grand-lyon/repos`).then((r) => r.json());
    expect(anonymous).toEqual([]);

    // test: settings: description, a collaborator, then deletion confirmed by typing the name
    await page.goto(`${server.url}/grand-lyon/voirie/settings`);
    await page.getByLabel('Site web').waitFor();
    expect(await checkA11y(page)).toEqual([]);
    await page.getByLabel('Site web').fill('https://www.grandlyon.com');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 10_000 }).toContain('Paramètres enregistrés.');
    expect(await db.prepare("SELECT website FROM repositories WHERE lower_name = 'voirie'").pluck().get()).toBe('https://www.grandlyon.com');

    await page.getByLabel("Nom d'utilisateur à ajouter").fill(helper.username);
    await page.getByRole('button', { name: 'Ajouter le collaborateur' }).click();
    await page.getByRole('rowheader', { name: helper.username }).waitFor();
    await page.getByLabel(`Droit de ${helper.username}`).selectOption('admin');
    await expect
      .poll(async () => await db.prepare('SELECT permission FROM collaborators WHERE user_id = ?').pluck().get(helper.id), { timeout: 10_000 })
      .toBe('admin');
    expect(await checkA11y(page)).toEqual([]);

    const remove = page.getByRole('button', { name: 'Supprimer définitivement ce dépôt' });
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel(/Pour confirmer/).fill('voiri');
    expect(await remove.isDisabled()).toBe(true);
    await page.getByLabel(/Pour confirmer/).fill('voirie');
    await remove.click();
    await page.waitForURL((url) => url.pathname === '/grand-lyon');
    expect(await db.prepare("SELECT count(*) FROM repositories WHERE lower_name = 'voirie'").pluck().get()).toBe(0);

    // Only the refused organisation name, provoked on purpose, shows in the console.
    expect(errors).toEqual(['console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
    await close();
  });
});
