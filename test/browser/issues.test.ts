import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, signInWithForm, useBrowser, waitForHeading, lookAt } from '../helpers/browser.js';
import { buildRepo, buildUser, PASSWORD } from '../helpers/factories.js';
import { commitFiles, git, pushHistory, repoUrl, tempDir } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

const SHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

const TEMPLATE = [
  '---',
  'name: Signaler un bogue',
  'about: Quelque chose ne marche pas comme prévu',
  'title: "[Bogue] "',
  'labels: ["bogue"]',
  '---',
  '## Ce qui se passe',
  '',
  '## Ce qui était attendu',
  '',
].join('\n');

/** An API call as a user, with the shared test password. */
async function call(server: TestServer, login: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${login}:${PASSWORD}`).toString('base64')}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The numbers of the issues the list shows, in order. */
const listed = (page: Page) => page.locator('ol.fab-issues > li').evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-number'))));

// A whole story in three browser contexts, with axe and screenshots at two widths: beyond vitest's 30 s.
describe('issues in the browser', { timeout: 240_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let maintainer: string;
  let citizen: string;
  let neighbour: string;
  const name = 'stationnement';
  const title = '[Bogue] Le plan de stationnement ne charge pas';

  beforeAll(async () => {
    // setup: the Métropole's repository with an issue template and two labels; a citizen and a neighbouring municipality's agent
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer();
    const { db, config } = server.app.forge;
    const owner = await buildUser(db);
    maintainer = owner.username;
    citizen = (await buildUser(db)).username;
    neighbour = (await buildUser(db)).username;
    const repo = await buildRepo(db, config.reposDir, owner, { name });
    pushHistory(repoPath(config.reposDir, maintainer, name), [
      {
        message: 'Premier commit',
        files: { 'README.md': '# Stationnement\n\nLe plan du stationnement de la Métropole.\n', '.gitea/ISSUE_TEMPLATE/bogue.md': TEMPLATE },
      },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
    for (const label of [
      { name: 'bogue', color: '#d73a4a', description: 'Quelque chose ne marche pas' },
      { name: 'documentation', color: '#fef2c0', description: 'Explications à compléter' },
    ])
      expect((await call(server, maintainer, 'POST', `/repos/${maintainer}/${name}/labels`, label)).status).toBe(201);
    expect((await call(server, maintainer, 'POST', `/repos/${maintainer}/${name}/milestones`, { title: 'Version 2026' })).status).toBe(201);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('a citizen opens an issue from a template, a neighbour replies, a writer labels it, the list filters it and shows it closed', async () => {
    const home = `${server.url}/${maintainer}/${name}`;

    // test — the citizen signs in and opens an issue from the template
    const c = await openPage(browser());
    await signInWithForm(c.page, server.url, citizen);
    await c.page.goto(`${home}/issues`);
    await waitForHeading(c.page, 'Tickets');
    await c.page.getByRole('link', { name: 'Nouveau ticket' }).click();
    await waitForHeading(c.page, 'Nouveau ticket');
    await c.page.getByRole('heading', { name: 'Signaler un bogue' }).waitFor();
    await c.page.getByRole('link', { name: 'Utiliser le modèle Signaler un bogue' }).click();
    await expect.poll(() => c.page.getByLabel('Titre').inputValue()).toBe('[Bogue] ');
    expect(await c.page.getByLabel('Description').inputValue()).toContain('## Ce qui était attendu');
    expect(await c.page.getByText('Étiquettes du modèle :').textContent()).toContain('bogue');
    await c.page.getByLabel('Titre').fill(title);
    await c.page.getByLabel('Description').fill('## Ce qui se passe\n\nLa carte reste **blanche** sur mobile.\n');
    await c.page.getByRole('button', { name: 'Aperçu' }).click();
    await c.page.getByRole('region', { name: 'Aperçu du texte' }).locator('strong', { hasText: 'blanche' }).waitFor();
    await lookAt(c.page, 'issues-new');
    await c.page.getByRole('button', { name: 'Aperçu' }).click();
    await c.page.getByRole('button', { name: 'Ouvrir le ticket' }).click();
    await c.page.waitForURL(`${home}/issues/1`);
    await waitForHeading(c.page, `${title} #1`);
    await c.page.locator('.fab-description').getByText('La carte reste').waitFor();
    expect(await c.page.locator('.fab-state').textContent()).toBe('Ouvert');
    // the citizen corrects the description: the earlier version stays readable behind "modifié"
    await c.page.getByRole('button', { name: 'Modifier la description' }).click();
    await c.page.getByLabel('Texte').fill('## Ce qui se passe\n\nLa carte reste blanche sur mobile et sur tablette.\n');
    await c.page.getByRole('button', { name: 'Enregistrer' }).click();
    await c.page.locator('.fab-description').getByText('sur tablette').waitFor();
    await c.page.locator('.fab-description').getByText('modifié').click();
    await c.page.getByRole('list', { name: 'Versions précédentes' }).getByText('La carte reste **blanche** sur mobile.').waitFor();

    // a neighbour replies and mentions the citizen
    const n = await openPage(browser());
    await signInWithForm(n.page, server.url, neighbour);
    await n.page.goto(`${home}/issues/1`);
    await waitForHeading(n.page, `${title} #1`);
    await n.page.getByLabel('Ajouter un commentaire').fill(`@${citizen} chez nous aussi : quel navigateur utilisez-vous ?`);
    await n.page.getByRole('button', { name: 'Commenter' }).click();
    await n.page.locator('li.fab-comment', { hasText: 'quel navigateur' }).waitFor();
    await n.page.locator('.fab-description').getByText('Réagir').click();
    await n.page.locator('.fab-description').getByRole('button', { name: "J'approuve", exact: true }).click();
    await n.page.locator('.fab-description').getByRole('button', { name: "J'approuve : 1", pressed: true }).waitFor();

    // a writer labels the issue from the sidebar
    const m = await openPage(browser());
    await signInWithForm(m.page, server.url, maintainer);
    await m.page.goto(`${home}/issues/1`);
    await waitForHeading(m.page, `${title} #1`);
    await m.page.getByText('Choisir les étiquettes').click();
    await m.page.locator('fab-issue-sidebar').getByRole('checkbox', { name: 'bogue' }).check();
    await m.page.locator('fab-issue-sidebar').getByRole('checkbox', { name: 'documentation' }).check();
    await m.page.getByRole('button', { name: 'Appliquer les étiquettes' }).click();
    await expect
      .poll(() => m.page.locator('fab-issue-sidebar section').first().locator(':scope > ul fab-issue-label').allTextContents())
      .toEqual(['bogue', 'documentation']);
    await m.page.locator('li.fab-event[data-type="label"]', { hasText: 'documentation' }).getByText(`${maintainer} a ajouté l’étiquette`).waitFor();
    await m.page.getByRole('combobox', { name: 'Jalon' }).selectOption({ label: 'Version 2026' });
    await m.page.getByRole('button', { name: 'Appliquer le jalon' }).click();
    await m.page.getByText(`${maintainer} a ajouté ceci au jalon Version 2026`).waitFor();
    await m.page.getByText('Choisir les personnes').click();
    await m.page.locator('fab-issue-sidebar').getByRole('checkbox', { name: maintainer }).check();
    await m.page.getByRole('button', { name: 'Assigner', exact: true }).click();
    await m.page.getByText(`${maintainer} s’est assigné ce ticket`).waitFor();

    // a second issue, without labels, so that the filters have something to leave out
    expect((await call(server, maintainer, 'POST', `/repos/${maintainer}/${name}/issues`, { title: 'Ajouter les parkings relais à la carte', body: 'Les parcs relais manquent.' })).status).toBe(201);

    // the list filters by label and by text, in the address
    await m.page.goto(`${home}/issues`);
    await waitForHeading(m.page, 'Tickets');
    await expect.poll(() => listed(m.page)).toEqual([2, 1]);
    expect(await m.page.getByRole('link', { name: '2 ouvert(s)' }).getAttribute('aria-current')).toBe('page');
    await m.page.getByRole('search').getByRole('checkbox', { name: 'bogue' }).check();
    await m.page.getByRole('button', { name: 'Filtrer', exact: true }).click();
    await m.page.waitForURL(`${home}/issues?labels=bogue`);
    await expect.poll(() => listed(m.page)).toEqual([1]);
    await m.page.getByRole('link', { name: 'Effacer les filtres' }).click();
    await expect.poll(() => listed(m.page)).toEqual([2, 1]);
    await lookAt(m.page, 'issues-list');
    await m.page.getByLabel('Rechercher dans les titres et les descriptions').fill('relais');
    await m.page.getByRole('button', { name: 'Filtrer', exact: true }).click();
    await m.page.waitForURL(`${home}/issues?q=relais`);
    await expect.poll(() => listed(m.page)).toEqual([2]);

    // the writer closes the issue: its timeline says so, the list shows it under "closed"
    await m.page.goto(`${home}/issues/1`);
    await waitForHeading(m.page, `${title} #1`);
    await m.page.getByRole('button', { name: 'Fermer le ticket' }).click();
    await expect.poll(() => m.page.locator('.fab-state').textContent()).toBe('Fermé');
    await m.page.locator('li.fab-event[data-type="close"]').getByText(`${maintainer} a fermé`).waitFor();
    await lookAt(m.page, 'issues-issue');
    await m.page.goto(`${home}/issues`);
    await waitForHeading(m.page, 'Tickets');
    await expect.poll(() => listed(m.page)).toEqual([2]);
    await m.page.getByRole('link', { name: '1 fermé(s)' }).click();
    await m.page.waitForURL(`${home}/issues?state=closed`);
    await expect.poll(() => listed(m.page)).toEqual([1]);
    expect(await m.page.locator('fab-repo-header').getByRole('link', { name: 'Tickets (1)' }).getAttribute('aria-current')).toBe('page');

    // a writer locks the conversation: the neighbour may read it but no longer comment
    await m.page.goto(`${home}/issues/1`);
    await waitForHeading(m.page, `${title} #1`);
    await m.page.getByRole('button', { name: 'Verrouiller la conversation' }).click();
    await m.page.getByRole('button', { name: 'Déverrouiller la conversation' }).waitFor();
    expect(await m.page.getByLabel('Ajouter un commentaire').count()).toBe(1);
    await n.page.reload();
    await waitForHeading(n.page, `${title} #1`);
    await n.page.getByText('La conversation est verrouillée').waitFor();
    expect(await n.page.locator('textarea').count()).toBe(0);

    for (const p of [c, n, m]) {
      expect(p.errors).toEqual([]);
      await p.close();
    }
  });

  it('a writer creates, edits and deletes a label, and plans a milestone whose progress counts the closed issue', async () => {
    const home = `${server.url}/${maintainer}/${name}`;
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, maintainer);

    // test — labels
    await page.goto(`${home}/labels`);
    await waitForHeading(page, 'Étiquettes');
    await page.getByRole('button', { name: 'Nouvelle étiquette' }).click();
    await page.getByLabel('Nom', { exact: true }).fill('type/amélioration');
    await page.getByLabel('Description').fill('Une fonction à ajouter');
    await page.getByLabel('Exclusive dans sa portée').check();
    expect(await checkA11y(page)).toEqual([]);
    await page.getByRole('button', { name: "Créer l'étiquette" }).click();
    await page.locator('ul.fab-labels fab-issue-label', { hasText: 'amélioration' }).waitFor();
    expect(await page.locator('ul.fab-labels fab-issue-label .fab-label-scope', { hasText: 'type' }).count()).toBe(1);
    await page.getByRole('button', { name: "Modifier l'étiquette documentation" }).click();
    await page.getByRole('form', { name: "Modifier l'étiquette documentation" }).getByLabel('Description').fill('Guides et explications');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.locator('ul.fab-labels li', { hasText: 'Guides et explications' }).waitFor();
    await page.getByRole('button', { name: "Supprimer l'étiquette type/amélioration" }).click();
    await page.getByRole('button', { name: 'Confirmer la suppression de type/amélioration' }).click();
    await expect.poll(() => page.locator('ul.fab-labels fab-issue-label').allTextContents()).toEqual(['bogue', 'documentation']);
    expect(await checkA11y(page)).toEqual([]);

    // milestones: the one the issue was put in shows it closed, 100 %
    await page.goto(`${home}/milestones`);
    await waitForHeading(page, 'Jalons');
    await page.locator('li', { hasText: 'Version 2026' }).getByText('100 % terminé (0 ouvert(s), 1 fermé(s))').waitFor();
    await page.getByRole('button', { name: 'Nouveau jalon' }).click();
    await page.getByLabel('Titre').fill('Version 2027');
    await page.getByLabel('Échéance').fill('2027-06-30');
    await page.getByRole('button', { name: 'Créer le jalon' }).click();
    await page.getByRole('heading', { name: 'Version 2027' }).waitFor();
    expect(await page.locator('li', { hasText: 'Version 2027' }).locator('progress').getAttribute('value')).toBe('0');
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('a commit pushed to the default branch with "Corrige #2" closes that issue, whose timeline links the commit', async () => {
    // setup
    const work = tempDir();
    await git(['clone', '-q', repoUrl(server.url, maintainer, name, { user: maintainer, secret: PASSWORD }), work]);
    const sha = (await commitFiles(work, { 'parcs-relais.txt': 'Parc relais Vaise\n' }, 'Ajoute les parcs relais\n\nCorrige #2')).trim();
    await git(['push', '-q', 'origin', 'main'], { cwd: work });
    const { page, errors, close } = await openPage(browser());

    // test
    await page.goto(`${server.url}/${maintainer}/${name}/issues/2`);
    await waitForHeading(page, 'Ajouter les parkings relais à la carte #2');
    expect(await page.locator('.fab-state').textContent()).toBe('Fermé');
    const event = page.locator('li.fab-event[data-type="close"]');
    await event.getByText(`${maintainer} a fermé avec le commit`).waitFor();
    expect(await event.getByRole('link', { name: sha.slice(0, 10) }).getAttribute('href')).toBe(`/${maintainer}/${name}/commit/${sha}`);
    expect(errors).toEqual([]);
    await close();
    rmSync(work, { recursive: true, force: true });
  });

  it("renders a preview as Gitea's POST /markdown does, with links into a readable context only", async () => {
    // setup
    const { db, config } = server.app.forge;
    const owner = await buildUser(db);
    await buildRepo(db, config.reposDir, owner, { name: 'secret', isPrivate: true });
    const preview = (body: unknown) =>
      fetch(`${server.url}/api/v1/markdown`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // test
    const readable = await preview({ Text: 'Voir [le guide](docs/guide.md) et <script>alert(1)</script>', Mode: 'gfm', Context: `${maintainer}/${name}` });
    expect(readable.status).toBe(200);
    expect(readable.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await readable.text();
    expect(html).toContain(`href="/${maintainer}/${name}/src/branch/main/docs/guide.md"`);
    expect(html).not.toContain('<script');
    const hidden = await (await preview({ Text: '[le guide](docs/guide.md)', Context: `${owner.username}/secret` })).text();
    expect(hidden).toContain('href="docs/guide.md"');
    const refused = await preview({ Mode: 'gfm' });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { message: string }).message).toMatch(/Text/);
  });

  it('an anonymous visitor reads the issue and its conversation, with no comment box but a way to sign in', async () => {
    const home = `${server.url}/${maintainer}/${name}`;
    const { page, errors, close } = await openPage(browser());

    // test
    await page.goto(`${home}/issues/1`);
    await waitForHeading(page, `${title} #1`);
    await page.locator('li.fab-comment', { hasText: 'quel navigateur' }).waitFor();
    expect(await page.locator('textarea').count()).toBe(0);
    await page.locator('.fab-description').getByText('modifié').click();
    await page.getByRole('list', { name: 'Versions précédentes' }).getByText('sur mobile.').waitFor();
    expect(await page.getByRole('button', { name: 'Fermer le ticket' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /J'approuve/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Connectez-vous pour commenter' }).getAttribute('href')).toBe(
      `/user/login?redirect_to=${encodeURIComponent(`/${maintainer}/${name}/issues/1`)}`,
    );
    expect(await checkA11y(page)).toEqual([]);

    await page.goto(`${home}/issues/new`);
    await waitForHeading(page, 'Nouveau ticket');
    expect(await page.getByRole('link', { name: 'Connectez-vous pour ouvrir un ticket' }).getAttribute('href')).toBe(
      `/user/login?redirect_to=${encodeURIComponent(`/${maintainer}/${name}/issues/new`)}`,
    );
    await page.locator('fab-repo-header').getByRole('link', { name: 'Tickets (0)' }).waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  it('shows no Issues tab once a writer turns the tracker off', async () => {
    // setup
    expect((await call(server, maintainer, 'PATCH', `/repos/${maintainer}/${name}`, { has_issues: false })).status).toBe(200);
    const { page, errors, close } = await openPage(browser());

    // test
    await page.goto(`${server.url}/${maintainer}/${name}/branches`);
    await page.locator('fab-repo-header').getByRole('link', { name: 'Demandes de fusion' }).waitFor();
    await expect.poll(() => page.locator('fab-repo-header nav li').allTextContents()).toEqual(['Code', 'Historique', 'Branches', 'Étiquettes', 'Versions', 'Demandes de fusion']);
    expect(errors).toEqual([]);
    await close();
  });
});
