import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { checkA11y, lookAt, openPage, useBrowser, waitForHeading } from '../helpers/browser.js';
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
    await createOrg(db, founder, { username: 'metropole-lyon', fullName: 'Métropole de Lyon', description: 'Logiciels de la Métropole' }, context);
    await createOrg(db, founder, { username: 'commune-x', description: 'Cartographie des pistes cyclables' }, context);
    await createOrg(db, founder, { username: 'secret-service', description: 'Cartographie interne', visibility: 'private' }, context);
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

describe('explore: every repository, counted and paged', () => {
  let server: TestServer;
  const browser = useBrowser();
  const names: string[] = [];

  beforeAll(async () => {
    // setup: one more public repository than a page holds (20), and a private one nobody else may see
    server = await startServer();
    const { db, config } = server.app.forge;
    const owner = await buildUser(db);
    for (let i = 1; i <= 21; i++) {
      const repo = await buildRepo(db, config.reposDir, owner, { name: `projet-${String(i).padStart(2, '0')}` });
      names.push(`${owner.username}/${repo.name}`);
    }
    await buildRepo(db, config.reposDir, owner, { name: 'interne', isPrivate: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('counts the public repositories in X-Total-Count and on the page, and its pages list each of them once', async () => {
    const answer = await fetch(`${server.url}/api/v1/repos/search?limit=20`);
    expect(answer.headers.get('x-total-count')).toBe('21');
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/explore?sort=alpha`);
    await waitForHeading(page, 'Explorer les dépôts');
    await page.getByText('21 dépôts').waitFor();
    const pager = page.getByRole('navigation', { name: 'Pagination' });
    expect(await pager.getByText('Page 1 sur 2').isVisible()).toBe(true);
    const listed = () => page.locator('fab-repo-list h3 a').allTextContents();
    const first = await listed();
    expect(first).toHaveLength(20);
    await lookAt(page, 'explore-total');

    await pager.getByRole('link', { name: 'Page suivante' }).click();
    await expect.poll(() => pager.getByText('Page 2 sur 2').count()).toBe(1);
    await expect.poll(listed).toHaveLength(1);
    // The last page has no link to an empty one after it.
    expect(await pager.getByRole('link', { name: 'Page suivante' }).count()).toBe(0);
    expect([...first, ...(await listed())].sort()).toEqual(names);
    expect(await page.getByText('interne').count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });
});
