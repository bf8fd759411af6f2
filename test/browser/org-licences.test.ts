import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../server/auth/policy.js';
import type { UserRow } from '../../server/db/users.js';
import { addTeamMember, createOrg, createTeam } from '../../server/services/orgs.js';
import { licenceFile, publiccode, pushFiles } from '../catalogue/fixtures.js';
import { lookAt, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { startServer, type TestServer } from '../helpers/server.js';

const system = { actor: ANONYMOUS, ip: '127.0.0.1' };

describe("an organisation's licence page", () => {
  let server: TestServer;
  const browser = useBrowser();
  let owner: UserRow;
  let member: UserRow;
  let org: UserRow;

  beforeAll(async () => {
    // setup: an organisation whose repositories cover each case, and a member who is not an owner
    server = await startServer();
    const { db } = server.app.forge;
    const { reposDir } = server.config;
    owner = await buildUser(db);
    member = await buildUser(db);
    org = await createOrg(db, owner, { username: 'metropole', fullName: 'Métropole de Lyon', visibility: 'public' }, system);
    await addTeamMember(db, org, await createTeam(db, org, { name: 'devs', permission: 'write', includesAllRepositories: true }, system), member, system);
    const french = readFileSync(new URL('../fixtures/licences/Licence_CeCILL-B_V1-fr.txt', import.meta.url), 'utf8');
    await pushFiles(server, await buildRepo(db, reposDir, org, { name: 'carto' }), { LICENSE: french, 'publiccode.yml': publiccode({ license: 'CECILL-B' }) });
    await pushFiles(server, await buildRepo(db, reposDir, org, { name: 'agenda' }), { LICENSE: licenceFile('Apache-2.0'), 'publiccode.yml': publiccode({ license: 'MIT' }) });
    await pushFiles(server, await buildRepo(db, reposDir, org, { name: 'outil-interne-de-gestion-des-subventions', isPrivate: true }), { LICENSE: licenceFile('WTFPL') });
    await pushFiles(server, await buildRepo(db, reposDir, org, { name: 'nue' }), { 'README.md': '# Nue\n' });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('shows an owner every repository with its flags, and adds a LICENSE with the EUPL text from the link', async () => {
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, owner.username);

    // test: the page, reached from the organisation's, in French, at 1280 and 390 px, axe-clean
    await page.goto(`${server.url}/metropole`);
    await page.getByRole('link', { name: 'Licences des dépôts (propriétaires)' }).click();
    await page.waitForURL((url) => url.pathname === '/org/metropole/licences');
    await waitForHeading(page, 'Licences des dépôts de metropole');
    await page.getByText('4 dépôts, dont 3 à corriger.').waitFor();
    const item = (name: string) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: new RegExp(`^${name}`) }) });
    expect(await item('carto').getByText('Rien à corriger.').count()).toBe(1);
    expect(await item('carto').getByText('CECILL-B', { exact: true }).count()).toBe(2);
    expect(await item('agenda').getByText('Le fichier est sous Apache-2.0, mais publiccode.yml déclare MIT.').count()).toBe(1);
    expect(await item('outil-interne').getByText('Privé').count()).toBe(1);
    expect(await item('outil-interne').getByText('WTFPL ne figure pas sur la liste des licences autorisées pour les administrations.').count()).toBe(1);
    expect(await item('agenda').getByRole('link', { name: 'Décrire la licence du dépôt agenda dans publiccode.yml' }).getAttribute('href')).toBe('/metropole/agenda/-/publiccode');
    await lookAt(page, 'org-licences');

    // test: "Add a LICENSE" opens the new-file page with the French EUPL text; committing it makes the licence detected
    await item('nue').getByRole('link', { name: 'Ajouter un fichier LICENSE EUPL-1.2 au dépôt nue' }).click();
    await page.waitForURL((url) => url.pathname === '/metropole/nue/_new/main' && url.search === '?licence=EUPL-1.2');
    await expect.poll(() => page.getByLabel('Contenu du fichier').inputValue()).toContain("LICENCE PUBLIQUE DE L'UNION EUROPÉENNE v. 1.2");
    expect(await page.getByLabel('Chemin du fichier').inputValue()).toBe('LICENSE');
    await page.getByRole('button', { name: 'Enregistrer la modification' }).click();
    await page.waitForURL((url) => url.pathname === '/metropole/nue/src/branch/main/LICENSE');
    const repository = await fetch(`${server.url}/api/v1/repos/metropole/nue`);
    expect(((await repository.json()) as { licenses: string[] }).licenses).toEqual(['EUPL-1.2']);
    await page.goto(`${server.url}/org/metropole/licences`);
    await page.getByText('4 dépôts, dont 2 à corriger.').waitFor();
    expect(errors).toEqual([]);
    await close();
  }, 180_000);

  it('tells a member who is not an owner that the page is for owners, naming no repository', async () => {
    const { page, close } = await openPage(browser());
    await signInWithForm(page, server.url, member.username);
    await page.goto(`${server.url}/org/metropole/licences`);
    await page.getByRole('alert').getByText("Seuls les propriétaires de l'organisation voient cette page.").waitFor();
    expect(await page.getByRole('main').textContent()).not.toContain('outil-interne');
    await close();
  }, 60_000);
});
