import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, useBrowser, waitForHeading } from '../helpers/browser.js';
import { catalogueFixture, type CatalogueFixture } from './fixtures.js';

describe('software sheet and catalogue pages', () => {
  let server: TestServer;
  const browser = useBrowser();
  let f: CatalogueFixture;

  beforeAll(async () => {
    // setup
    server = await startServer();
    f = await catalogueFixture(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shows the software sheet on the repository home, in French and in English', async () => {
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/${f.org.username}/carto`);
    await waitForHeading(page, `${f.org.username}/carto`);
    const sheet = page.locator('fab-software-sheet');
    await expect.poll(() => sheet.locator('h2').first().textContent()).toBe('Fiche logiciel : Carto');
    // The sheet is in a shadow root: locators pierce it, textContent on the host does not.
    const text = await sheet.locator('section').first().textContent();
    expect(text).toContain('Cartographie des équipements de la Métropole');
    expect(text).toContain('Application web');
    expect(text).toContain('EUPL-1.2');
    expect(await checkA11y(page)).toEqual([]);
    await close();

    const english = await openPage(browser(), { locale: 'en-GB' });
    await english.page.goto(`${server.url}/${f.owner.username}/agenda`);
    const agenda = english.page.locator('fab-software-sheet');
    await expect.poll(() => agenda.locator('h2').first().textContent()).toBe('Software sheet: Agenda');
    // publiccode.yml says MIT, the licence file is Apache-2.0.
    expect(await agenda.locator('section').first().textContent()).toContain('The file LICENSE.md is under Apache-2.0, but publiccode.yml declares MIT.');
    expect(await checkA11y(english.page)).toEqual([]);
    expect([...errors, ...english.errors]).toEqual([]);
    await english.close();
  });

  it('lists the catalogue and filters it', async () => {
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/catalogue`);
    await waitForHeading(page, 'Catalogue des logiciels publics');
    const names = () => page.locator('ul.fab-software h3 a').allTextContents();
    await expect.poll(names).toEqual(expect.arrayContaining(['Agenda', 'Carto']));
    expect(await names()).not.toContain('Secret');
    expect(await checkA11y(page)).toEqual([]);

    await page.getByLabel('État de développement').selectOption('beta');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await expect.poll(() => page.url()).toContain('/catalogue?status=beta');
    await expect.poll(names).toEqual(['Agenda']);
    expect(await page.locator('a[download]').getAttribute('href')).toBe('/api/v1/catalogue.csv?status=beta');
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });
});
