import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openAccountMenu, openPage, signInWithForm, useBrowser } from '../helpers/browser.js';
import { buildToken, buildUser } from '../helpers/factories.js';
import type { UserRow } from '../../server/db/users.js';

describe('teams, repositories and collaborators in the web UI', () => {
  let server: TestServer;
  const browser = useBrowser();
  let owner: UserRow;
  let member: UserRow;
  let collaborator: UserRow;

  beforeAll(async () => {
    // setup
    server = await startServer();
    const { db } = server.app.forge;
    owner = await buildUser(db, { username: 'camille' });
    member = await buildUser(db, { username: 'noa' });
    collaborator = await buildUser(db, { username: 'lou' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('creates an organisation, its repositories and a team with write permission, then a collaborator and a rename', async () => {
    const { page, errors, close } = await openPage(browser());
    const memberToken = await buildToken(server.app.forge.db, member, ['write:repository']);
    const asMember = { authorization: `token ${memberToken}` };
    /** What the member may do on the private repository, as the API says: null while it is hidden. */
    const memberPermissions = async () => {
      const res = await fetch(`${server.url}/api/v1/repos/ville/parc`, { headers: asMember });
      return res.status === 200 ? ((await res.json()) as { permissions: object }).permissions : res.status;
    };

    // setup: sign in through the form
    await signInWithForm(page, server.url, owner.username, { landing: '/' });

    // test: the organisation, reached from the account menu
    await openAccountMenu(page);
    await page.getByRole('link', { name: 'Nouvelle organisation' }).click();
    await page.getByLabel("Nom de l'organisation").fill('ville');
    await page.getByRole('button', { name: "Créer l'organisation" }).click();
    await page.getByRole('heading', { level: 2, name: 'Équipes' }).waitFor();

    // test: a private and a public repository, from the account menu
    for (const [name, isPrivate] of [['parc', true], ['site', false]] as const) {
      await openAccountMenu(page);
      await page.getByRole('link', { name: 'Nouveau dépôt' }).click();
      await page.getByLabel('Nom du dépôt').waitFor();
      await page.getByLabel('Propriétaire').selectOption('ville');
      await page.getByLabel('Nom du dépôt').fill(name);
      if (isPrivate) await page.getByLabel(/Privé/).check();
      await page.getByRole('button', { name: 'Créer le dépôt' }).click();
      await page.waitForURL((url) => url.pathname === `/ville/${name}`);
    }
    expect(await server.app.forge.db.prepare("SELECT name, is_private FROM repositories ORDER BY name").all()).toEqual([
      { name: 'parc', is_private: 1 },
      { name: 'site', is_private: 0 },
    ]);
    expect(await memberPermissions()).toBe(404);

    // test: /{org} is the organisation's page; a team with write permission, a member and a repository
    await page.goto(`${server.url}/ville`);
    await page.getByLabel('Nom de l’équipe').waitFor();
    expect(await page.getByRole('main').getByRole('link', { name: 'parc' }).count()).toBeGreaterThan(0);
    expect(await checkA11y(page)).toEqual([]);
    await page.getByLabel('Nom de l’équipe').fill('voirie');
    await page.getByLabel('Écriture').check();
    await page.getByRole('button', { name: 'Créer l’équipe' }).click();
    const team = page.getByRole('region', { name: 'voirie' });
    await team.waitFor();
    await team.getByLabel('Ajouter un membre à l’équipe voirie').fill(member.username);
    await team.getByLabel('Ajouter un membre à l’équipe voirie').press('Enter');
    await team.getByRole('link', { name: member.username }).waitFor();
    await team.getByLabel('Ajouter un dépôt à l’équipe voirie').selectOption('parc');
    await team.locator('form', { has: page.getByLabel('Ajouter un dépôt à l’équipe voirie') }).getByRole('button', { name: 'Ajouter' }).click();
    await team.getByRole('link', { name: 'parc' }).waitFor();
    expect(await team.getByText('Écriture').count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);
    // Write through the team: pushes and pull requests, not the settings (an admin's, as in Gitea).
    expect(await memberPermissions()).toEqual({ admin: false, push: true, pull: true });
    const edit = await fetch(`${server.url}/api/v1/repos/ville/parc`, {
      method: 'PATCH',
      headers: { ...asMember, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'Parcs et jardins' }),
    });
    expect(edit.status).toBe(403);

    // test: the member sees the teams read-only
    const other = await openPage(browser());
    await signInWithForm(other.page, server.url, member.username, { landing: '/' });
    await other.page.goto(`${server.url}/org/ville`);
    await other.page.getByRole('region', { name: 'voirie' }).waitFor();
    expect(await other.page.getByRole('button', { name: /Retirer|Créer l’équipe/ }).count()).toBe(0);
    expect(other.errors).toEqual([]);
    await other.close();

    // test: a collaborator through the settings tab, then a rename whose old address redirects
    await page.goto(`${server.url}/ville/site`);
    await page.getByRole('link', { name: 'Paramètres' }).click();
    await page.getByLabel("Nom d'utilisateur à ajouter").fill(collaborator.username);
    await page.getByRole('button', { name: 'Ajouter le collaborateur' }).click();
    await page.getByRole('rowheader', { name: collaborator.username }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
    await page.getByLabel('Nouveau nom').fill('portail');
    await page.getByRole('button', { name: 'Renommer' }).click();
    await page.waitForURL((url) => url.pathname === '/ville/portail/settings');
    await page.getByRole('heading', { level: 1, name: 'Paramètres de ville/portail' }).waitFor();
    await page.goto(`${server.url}/ville/site`);
    await page.waitForURL((url) => url.pathname === '/ville/portail');

    expect(errors).toEqual([]);
    await close();
  });
});
