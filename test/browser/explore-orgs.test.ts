import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildUser } from '../helpers/factories.js';
import { checkA11y, openPage, useBrowser } from '../helpers/browser.js';
import { createOrg } from '../../server/services/orgs.js';

describe('explore: organisations', () => {
  let server: TestServer;
  const browser = useBrowser();

  beforeAll(async () => {
    // setup: a public organisation, a private one, and one whose description matches a search
    server = await startServer();
    const { db } = server.app.forge;
    const founder = await buildUser(db);
    const context = { actor: { kind: 'user' as const, user: founder, via: 'password' as const, scopes: null }, ip: null };
    createOrg(db, founder, { username: 'metropole-lyon', fullName: 'Métropole de Lyon', description: 'Logiciels de la Métropole' }, context);
    createOrg(db, founder, { username: 'commune-x', description: 'Cartographie des pistes cyclables' }, context);
    createOrg(db, founder, { username: 'secret-service', description: 'Cartographie interne', visibility: 'private' }, context);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('the API lists visible organisations and searches them by name or description, never a private one', async () => {
    const all = (await (await fetch(`${server.url}/api/v1/orgs`)).json()) as Array<{ username: string }>;
    expect(all.map((o) => o.username)).toEqual(['commune-x', 'metropole-lyon']);
    const found = (await (await fetch(`${server.url}/api/v1/orgs?q=cartographie`)).json()) as Array<{ username: string }>;
    expect(found.map((o) => o.username)).toEqual(['commune-x']);
    const wildcard = (await (await fetch(`${server.url}/api/v1/orgs?q=%25`)).json()) as unknown[];
    expect(wildcard).toEqual([]);
  });

  it('the explore page shows public organisations, filtered by the search, accessibly', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.goto(`${server.url}/explore`);
    await expect.poll(() => page.getByRole('link', { name: 'Métropole de Lyon' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Organisations' }).count()).toBe(1);
    expect(await page.getByText('secret-service').count()).toBe(0);
    await page.getByLabel('Rechercher un dépôt').fill('cartographie');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'commune-x' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Métropole de Lyon' }).count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });
});
