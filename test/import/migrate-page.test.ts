import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openAccountMenu, openPage, signInWithForm, useBrowser } from '../helpers/browser.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { git, makeWorkTree, repoUrl } from '../helpers/git.js';
import type { UserRow } from '../../server/db/users.js';

const ALLOW = { FORGE_IMPORT_ALLOW_PRIVATE: 'true' };

describe('the import page', () => {
  let source: TestServer;
  let target: TestServer;
  const browser = useBrowser();
  let user: UserRow;

  beforeAll(async () => {
    // setup: a public repository with history on a first instance
    [source, target] = await Promise.all([startServer({ env: ALLOW }), startServer({ env: ALLOW })]);
    const metropole = await buildUser(source.app.forge.db, { username: 'metropole' });
    const token = await buildToken(source.app.forge.db, metropole, ['all']);
    await buildRepo(source.app.forge.db, source.config.reposDir, metropole, { name: 'voirie' });
    const work = await makeWorkTree(2, 'main');
    await git(['push', repoUrl(source.url, 'metropole', 'voirie', { user: 'metropole', secret: token }), 'main'], { cwd: work });
    user = await buildUser(target.app.forge.db);
  }, 60_000);

  afterAll(async () => {
    await target?.close();
    await source?.close();
  });

  it('mirrors a repository from another instance, shows where it came from, and explains a refusal', async () => {
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, target.url, user.username, { landing: '/' });

    // test: the page, reached from the account menu, passes axe
    await openAccountMenu(page);
    await page.getByRole('banner').getByRole('link', { name: 'Importer un dépôt' }).click();
    await page.getByLabel('Adresse de clonage').waitFor();
    expect(await page.title()).toBe('Importer un dépôt · Fabrique');
    await page.getByLabel(/^Miroir/).check();
    await page.getByLabel('Intervalle de synchronisation').waitFor();
    expect(await checkA11y(page)).toEqual([]);

    // test: a web page is not a git repository; the alert says so and nothing is created
    await page.getByLabel('Adresse de clonage').fill(`${source.url}/explore`);
    expect(await page.getByLabel('Nom du dépôt').inputValue()).toBe('explore');
    await page.getByLabel('Nom du dépôt').fill('voirie');
    await page.getByRole('button', { name: 'Importer' }).click();
    await expect.poll(() => page.getByRole('main').getByRole('alert').first().textContent()).toContain('is not a git repository');
    expect(await target.app.forge.db.prepare('SELECT count(*) FROM repositories').pluck().get()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);

    // test: the real address imports it and the repository's home says where it came from
    await page.getByLabel('Adresse de clonage').fill(`${source.url}/metropole/voirie.git`);
    await page.getByRole('button', { name: 'Importer' }).click();
    await page.waitForURL((url) => url.pathname === `/${user.username}/voirie`);
    await page.getByText('Miroir de').waitFor();
    expect(await page.getByRole('link', { name: `${source.url}/metropole/voirie.git` }).count()).toBe(1);
    await page.getByText('Dernière synchronisation').waitFor();
    await page.getByRole('button', { name: 'Synchroniser maintenant' }).click();
    await page.getByRole('button', { name: 'Synchroniser maintenant' }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await close();
  });
});
