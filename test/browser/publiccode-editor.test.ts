import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, lookAt, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { pushFiles } from '../catalogue/fixtures.js';
import { repoPath } from '../../server/git/store.js';
import { checkPubliccode } from '../../server/services/publiccode.js';
import type { UserRow } from '../../server/db/users.js';

describe('"Describe this software" and the catalogue', () => {
  let server: TestServer;
  let owner: UserRow;
  const browser = useBrowser();

  beforeAll(async () => {
    // setup
    server = await startServer();
    const { db } = server.app.forge;
    owner = await buildUser(db);
    for (const name of ['demarches', 'agenda']) await pushFiles(server, await buildRepo(db, server.config.reposDir, owner, { name }), { 'README.md': `# ${name}\n` });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('fills the form in French, commits publiccode.yml, and the catalogue then shows the software under its French filters', async () => {
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, owner.username);
    // test: the link for writers on the repository home
    await page.goto(`${server.url}/${owner.username}/demarches`);
    await waitForHeading(page, `${owner.username}/demarches`);
    await page.locator('fab-software-sheet').getByRole('link', { name: 'Décrire ce logiciel (publiccode.yml)' }).click();
    await waitForHeading(page, 'Décrire ce logiciel');
    expect(new URL(page.url()).pathname).toBe(`/${owner.username}/demarches/settings/publiccode`);
    await expect.poll(() => page.getByLabel('Nom du logiciel').inputValue()).toBe('demarches');
    await lookAt(page, 'publiccode-editor');

    await page.getByLabel('Nom du logiciel').fill('Démarches');
    const french = page.getByRole('group', { name: 'Description en français' });
    await french.getByLabel('Description courte').fill('Les démarches en ligne de la Métropole');
    await french
      .getByLabel('Description longue')
      .fill(
        'Un portail où les habitants de la Métropole font leurs démarches administratives en ligne : demandes de documents, inscriptions, signalements, avec le suivi de chaque demande.',
      );
    await french.getByLabel('Fonctionnalités').fill('Suivi des demandes\nNotifications par courriel');
    await page.getByLabel('Citoyenneté numérique').check();
    await page.getByLabel('État de développement').selectOption({ label: 'Bêta' });
    await page.getByLabel('Licence (liste des licences autorisées pour les administrations)').selectOption('CECILL-2.1');
    await page.getByLabel('Nom du contact').fill('Ada Lovelace');
    await page.getByLabel('Courriel', { exact: true }).fill('ada@example.org');
    await page.getByRole('button', { name: 'Enregistrer publiccode.yml' }).click();

    await expect.poll(() => page.locator('.fab-success').textContent()).toContain('Le fichier publiccode.yml est enregistré sur la branche main');
    expect(await checkA11y(page)).toEqual([]);
    await lookAt(page, 'publiccode-editor-saved');
    // The file on the branch is the one the validator accepts.
    const file = execFileSync('git', ['--git-dir', repoPath(server.config.reposDir, owner.username, 'demarches'), 'show', 'main:publiccode.yml'], { encoding: 'utf8' });
    expect(checkPubliccode(file)).toMatchObject({ valid: true, problems: [], data: { name: 'Démarches', developmentStatus: 'beta', legal: { license: 'CECILL-2.1' } } });

    // The catalogue, filtered by the French labels of a category and a type.
    await page.goto(`${server.url}/catalogue`);
    await waitForHeading(page, 'Catalogue des logiciels publics');
    await page.getByLabel('Catégorie').selectOption({ label: 'Citoyenneté numérique' });
    await page.getByLabel('Type de logiciel').selectOption({ label: 'Application web' });
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await expect.poll(() => page.url()).toContain('category=digital-citizenship');
    expect(page.url()).toContain('type=standalone%2Fweb');
    await expect.poll(() => page.locator('ul.fab-software h3 a').allTextContents()).toEqual(['Démarches']);
    expect(await page.locator('ul.fab-software').textContent()).toContain('Citoyenneté numérique');
    await lookAt(page, 'catalogue-filters');
    expect(errors).toEqual([]);
    await close();
  }, 180_000);

  it('is in English for an English reader, and shows the server\'s refusal of a too short description', async () => {
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, owner.username);
    await page.context().addCookies([{ name: 'lang', value: 'en', url: server.url }]);
    await page.goto(`${server.url}/${owner.username}/agenda/settings/publiccode`);
    await waitForHeading(page, 'Describe this software');
    const french = page.getByRole('group', { name: 'Description in French' });
    await french.getByLabel('Short description').fill('Agenda');
    await french.getByLabel('Long description').fill('Too short.');
    await french.getByLabel('Features').fill('Events');
    await page.getByLabel('Name of the contact').fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Save publiccode.yml' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The long description must be 150 to 10,000 characters');
    expect(await checkA11y(page)).toEqual([]);
    await lookAt(page, 'publiccode-editor-refused-en');
    // Nothing was written.
    expect(() => execFileSync('git', ['--git-dir', repoPath(server.config.reposDir, owner.username, 'agenda'), 'cat-file', '-e', 'main:publiccode.yml'], { stdio: 'ignore' })).toThrow();
    // The console shows the refused request (a 422), nothing else.
    expect(errors.filter((e) => !e.includes('422'))).toEqual([]);
    await close();
  }, 120_000);
});
