import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

const README = '# Atlas\n\nLe **cadastre** de la Métropole. Voir [la doc](docs/guide.md).\n';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const MAIN_TS = ['export function surface(a: number, b: number): number {', '  // aire d’une parcelle', '  const result = a * b;', '  return result;', '}', ''].join('\n');

// Each walk visits several pages and runs axe on each: more than vitest's default 30 s on a busy machine.
describe('browse pages', { timeout: 90_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let owner: string;
  let commits: string[];
  const name = 'atlas';

  beforeAll(async () => {
    // setup
    server = await startServer();
    const { db, config } = server.app.forge;
    const user = await buildUser(db);
    owner = user.username;
    const repo = await buildRepo(db, config.reposDir, user, { name });
    commits = pushHistory(repoPath(config.reposDir, owner, name), [
      { message: 'Premier commit : README', files: { 'README.md': README } },
      { message: 'Ajoute le calcul des surfaces', files: { 'src/main.ts': MAIN_TS, 'docs/guide.md': '# Guide\n\nBonjour.\n', 'docs/logo.png': PNG, 'docs/data.bin': Buffer.from([0, 1, 2, 0, 255]) }, tag: { name: 'v1.0', message: 'Version 1.0' } },
      { message: 'Corrige la surface\n\nLe résultat est arrondi.', files: { 'src/main.ts': MAIN_TS.replace('a * b', 'Math.round(a * b)'), 'LICENSE': 'EUPL-1.2\n' } },
      { message: 'Essai sur une branche', branch: 'essai', files: { 'notes.txt': 'essai\n' } },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('walks explore → repository → folder → file → history → commit → branches, with axe on each page', async () => {
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/explore`);
    await waitForHeading(page, 'Explorer les dépôts');
    await page.getByRole('link', { name: `${owner}/${name}` }).waitFor();
    expect(await checkA11y(page)).toEqual([]);

    await page.getByRole('link', { name: `${owner}/${name}` }).click();
    await waitForHeading(page, `${owner}/${name}`);
    expect(await page.title()).toBe(`${owner}/${name} · Fabrique`);
    await page.locator('fab-markdown strong', { hasText: 'cadastre' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Atlas', exact: true }).evaluate((h) => h.tagName)).toBe('H3');
    await page.getByRole('button', { name: 'Cloner' }).click();
    expect(await page.locator('fab-repo-header [data-clone="url"]').textContent()).toBe(`${server.url}/${owner}/${name}.git`);
    expect(await page.locator('fab-repo-header [data-clone="cmd"]').textContent()).toBe(`git clone ${server.url}/${owner}/${name}.git`);
    expect(await page.getByRole('link', { name: 'LICENSE' }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('row', { name: /docs/ }).getByRole('link', { name: 'Ajoute le calcul des surfaces' }).isVisible()).toBe(true);
    expect(await page.locator('h1').count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);

    await page.getByRole('link', { name: 'Dossier src' }).click();
    await waitForHeading(page, 'src');
    expect(new URL(page.url()).pathname).toBe(`/${owner}/${name}/src/branch/main/src`);
    expect(await page.title()).toBe(`src · ${owner}/${name} · Fabrique`);
    expect(await checkA11y(page)).toEqual([]);

    await page.getByRole('link', { name: 'Fichier main.ts' }).click();
    await waitForHeading(page, 'main.ts');
    await page.locator('fab-code-view .hljs-keyword').first().waitFor();
    await page.getByRole('link', { name: 'Ligne 3', exact: true }).click();
    expect(new URL(page.url()).hash).toBe('#L3');
    expect(await page.locator('#L3').evaluate((a) => a.parentElement?.classList.contains('fab-selected'))).toBe(true);
    await page.getByRole('link', { name: 'Ligne 4', exact: true }).click({ modifiers: ['Shift'] });
    expect(new URL(page.url()).hash).toBe('#L3-L4');
    expect(await page.locator('.fab-line.fab-selected').count()).toBe(2);
    expect(await page.getByRole('link', { name: 'Version brute' }).getAttribute('href')).toMatch(/\/api\/v1\/repos\/.+\/raw\/src\/main\.ts\?ref=/);
    expect(await checkA11y(page)).toEqual([]);

    await page.getByRole('link', { name: 'Historique', exact: true }).last().click();
    await waitForHeading(page, 'Historique de src/main.ts');
    expect(await page.locator('fab-commit-list li').count()).toBe(2);
    expect(await checkA11y(page)).toEqual([]);

    await page.getByRole('link', { name: 'Corrige la surface' }).click();
    await waitForHeading(page, `Commit ${commits[2].slice(0, 10)}`);
    await page.locator('fab-diff-view tr.fab-add', { hasText: 'Math.round' }).waitFor();
    expect(await page.locator('fab-diff-view tr.fab-del', { hasText: 'const result = a * b;' }).count()).toBe(1);
    expect(await page.getByText('Le résultat est arrondi.').isVisible()).toBe(true);
    expect(await page.locator('fab-diff-view summary', { hasText: 'LICENSE' }).textContent()).toContain('ajouté');
    expect(await checkA11y(page)).toEqual([]);
    // Collapsing a file hides its lines.
    await page.locator('fab-diff-view summary', { hasText: 'src/main.ts' }).click();
    expect(await page.locator('fab-diff-view tr.fab-add', { hasText: 'Math.round' }).isVisible()).toBe(false);

    await page.getByRole('link', { name: 'Branches', exact: true }).click();
    await waitForHeading(page, 'Branches');
    await page.getByRole('link', { name: 'essai', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Comparer avec main' }).getAttribute('href')).toBe(`/${owner}/${name}/compare/main...essai`);
    expect(await page.getByRole('link', { name: 'Archive ZIP de main' }).getAttribute('href')).toBe(`/api/v1/repos/${owner}/${name}/archive/main.zip`);
    expect(await checkA11y(page)).toEqual([]);

    await page.getByRole('link', { name: 'Comparer avec main' }).click();
    await waitForHeading(page, 'Comparer main...essai');
    await page.getByRole('link', { name: 'Essai sur une branche' }).waitFor();
    await page.locator('fab-diff-view summary', { hasText: 'notes.txt' }).waitFor();
    expect(await checkA11y(page)).toEqual([]);

    await page.getByRole('link', { name: 'Étiquettes' }).click();
    await waitForHeading(page, 'Étiquettes');
    await page.getByRole('link', { name: 'v1.0', exact: true }).waitFor();
    expect(await checkA11y(page)).toEqual([]);

    await page.goto(`${server.url}/${owner}`);
    await waitForHeading(page, owner);
    await page.getByRole('link', { name: `${owner}/${name}` }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('opens a deep link to a line range of a file directly, highlighted and scrolled to', async () => {
    const { page, errors, close } = await openPage(browser(), { locale: 'en-GB' });
    // test
    const response = await page.goto(`${server.url}/${owner}/${name}/src/tag/v1.0/src/main.ts#L2-L3`);
    expect(response?.status()).toBe(200);
    await waitForHeading(page, 'main.ts');
    await expect.poll(() => page.locator('.fab-line.fab-selected').count()).toBe(2);
    expect(await page.locator('#L2').getAttribute('aria-current')).toBe('true');
    expect(await page.title()).toBe(`src/main.ts · ${owner}/${name} · Fabrique`);
    expect(await page.getByRole('link', { name: 'Line 3', exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Branch or tag: v1.0' }).isVisible()).toBe(true);
    expect(await checkA11y(page)).toEqual([]);

    await page.goto(`${server.url}/${owner}/${name}/src/branch/main/docs/guide.md`);
    await waitForHeading(page, 'guide.md');
    await page.locator('fab-markdown h2', { hasText: 'Guide' }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
    await page.getByRole('link', { name: 'Source', exact: true }).click();
    await page.locator('fab-code-view', { hasText: '# Guide' }).waitFor();
    expect(new URL(page.url()).search).toBe('?display=source');

    await page.goto(`${server.url}/${owner}/${name}/src/branch/main/docs/logo.png`);
    await waitForHeading(page, 'logo.png');
    await expect.poll(() => page.getByRole('img', { name: 'logo.png' }).evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await checkA11y(page)).toEqual([]);
    await page.goto(`${server.url}/${owner}/${name}/src/branch/main/docs/data.bin`);
    await waitForHeading(page, 'data.bin');
    expect(await page.getByText('This is a binary file').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await close();
  });

  it('is usable with the keyboard alone: switch branch, open a file, move between line numbers', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.goto(`${server.url}/${owner}/${name}`);
    await waitForHeading(page, `${owner}/${name}`);
    // test
    const tabTo = async (matches: () => Promise<boolean>) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if (await matches()) return;
      }
      throw new Error('never reached by Tab');
    };
    await tabTo(() => page.evaluate(() => document.activeElement?.classList.contains('fab-ref-button') ?? false));
    // The menu opens on its search field; branches by name: essai, main. Moving through the options does not leave the page (WCAG 3.2.2).
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('combobox');
    await expect.poll(() => page.getByRole('option').allTextContents()).toEqual(['essai', 'main']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => document.getElementById(document.activeElement?.getAttribute('aria-activedescendant') ?? '')?.textContent)).toBe('essai');
    expect(new URL(page.url()).pathname).toBe(`/${owner}/${name}`);
    await page.keyboard.press('Enter');
    await waitForHeading(page, name);
    expect(new URL(page.url()).pathname).toBe(`/${owner}/${name}/src/branch/essai`);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await tabTo(() => page.evaluate(() => document.activeElement?.textContent?.includes('notes.txt') ?? false));
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'notes.txt');
    await tabTo(() => page.evaluate(() => document.activeElement?.id === 'L1'));
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#L1');
    expect(await page.locator('#L1').evaluate((a) => a.parentElement?.classList.contains('fab-selected'))).toBe(true);
    expect(errors).toEqual([]);
    await close();
  });

  it('searches and sorts on the explore page, from the URL', async () => {
    const { db, config } = server.app.forge;
    const user = await buildUser(db);
    await buildRepo(db, config.reposDir, user, { name: 'zebre' });
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/explore`);
    await waitForHeading(page, 'Explorer les dépôts');
    await page.getByLabel('Rechercher un dépôt').fill('atla');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?q=atla');
    await expect.poll(() => page.locator('fab-repo-list h3').allTextContents()).toEqual([`${owner}/${name}`]);
    await page.getByLabel('Rechercher un dépôt').fill('');
    await page.getByLabel('Trier par').selectOption('alpha');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?sort=alpha');
    await expect.poll(async () => (await page.locator('fab-repo-list h3').allTextContents()).map((text) => text.split('/')[1])).toEqual(
      expect.arrayContaining(['atlas', 'zebre']),
    );
    const names = (await page.locator('fab-repo-list h3').allTextContents()).map((text) => text.split('/')[1]);
    expect(names).toEqual([...names].sort());

    await page.goto(`${server.url}/explore?q=inexistant`);
    await page.getByText('Aucun dépôt ne correspond à « inexistant ».').waitFor();
    expect(await page.getByLabel('Rechercher un dépôt').inputValue()).toBe('inexistant');
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('paginates a long history and loads the rest of a diff the server truncated', async () => {
    const { db, config } = server.app.forge;
    const user = await buildUser(db);
    const repo = await buildRepo(db, config.reposDir, user, { name: 'gros' });
    const many: Record<string, string> = {};
    for (let i = 0; i < 201; i++) many[`data/f${String(i).padStart(3, '0')}.txt`] = `${i}\n`;
    const ids = pushHistory(repoPath(config.reposDir, user.username, 'gros'), [
      ...Array.from({ length: 31 }, (_, i) => ({ message: `Étape ${i + 1}`, files: { 'journal.txt': `${i}\n` } })),
      { message: 'Ajoute 201 fichiers', files: many },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/${user.username}/gros/commits/branch/main`);
    await waitForHeading(page, 'Historique de main');
    expect(await page.locator('fab-commit-list li').count()).toBe(30);
    await page.getByRole('link', { name: 'Page suivante' }).click();
    await expect.poll(() => page.locator('fab-commit-list li').count()).toBe(2);
    expect(new URL(page.url()).search).toBe('?page=2');
    expect(await page.getByRole('link', { name: 'Étape 1', exact: true }).isVisible()).toBe(true);

    await page.goto(`${server.url}/${user.username}/gros/commit/${ids[31]}`);
    await waitForHeading(page, `Commit ${ids[31].slice(0, 10)}`);
    expect(await page.locator('fab-diff-view details').count()).toBe(200);
    expect(await page.getByText('201 fichiers modifiés, 200 ajouts, 0 suppression').isVisible()).toBe(true);
    // The rest loads as the reader scrolls to it (the button stays for keyboards and readers that do not scroll).
    const rest = page.getByRole('button', { name: 'Charger le dernier fichier' });
    expect(await rest.count()).toBe(1);
    await rest.scrollIntoViewIfNeeded();
    await page.locator('fab-diff-view summary', { hasText: 'data/f200.txt' }).waitFor();
    expect(await page.locator('fab-diff-view details').count()).toBe(201);
    expect(await page.getByRole('button', { name: 'Charger le dernier fichier' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });

  it('reads branch names that hold slashes, in file, folder and history URLs', async () => {
    const { db, config } = server.app.forge;
    const user = await buildUser(db);
    const repo = await buildRepo(db, config.reposDir, user, { name: 'carto' });
    pushHistory(repoPath(config.reposDir, user.username, 'carto'), [
      { message: 'Début', files: { 'README.md': '# Carto\n' } },
      { message: 'Ajoute la carte', branch: 'fonction/carte', files: { 'src/carte.ts': 'export const zoom = 12;\n' } },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
    const { page, errors, close } = await openPage(browser());
    const base = `${server.url}/${user.username}/carto`;
    // test
    await page.goto(`${base}/src/branch/fonction/carte/src/carte.ts`);
    await waitForHeading(page, 'carte.ts');
    expect(await page.getByRole('button', { name: 'Branche ou étiquette : fonction/carte' }).isVisible()).toBe(true);
    expect(await page.getByRole('navigation', { name: 'Chemin du fichier' }).getByRole('link').allTextContents()).toEqual(['carto', 'src', 'carte.ts']);

    await page.goto(`${base}/src/branch/fonction/carte`);
    await waitForHeading(page, 'carto');
    await page.getByRole('link', { name: 'Dossier src' }).waitFor();

    await page.goto(`${base}/commits/branch/fonction/carte`);
    await waitForHeading(page, 'Historique de fonction/carte');
    expect(await page.locator('fab-commit-list li').count()).toBe(2);
    expect(errors).toEqual([]);
    await close();
  });

  it('shows push instructions for an empty repository', async () => {
    const { db, config } = server.app.forge;
    const user = await buildUser(db);
    await buildRepo(db, config.reposDir, user, { name: 'vide' });
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/${user.username}/vide`);
    await waitForHeading(page, `${user.username}/vide`);
    await page.getByRole('heading', { name: 'Ce dépôt est vide' }).waitFor();
    expect(await page.locator('pre.fab-commands').first().textContent()).toContain(`git remote add origin ${server.url}/${user.username}/vide.git`);
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it("shows a file page in the visitor's language from its first paint: a French visitor downloads no English, an English one gets the page's messages in English", async () => {
    const file = `${server.url}/${owner}/${name}/src/branch/main/src/main.ts`;
    const french = await openPage(browser());
    const scripts: string[] = [];
    french.page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    // test
    await french.page.goto(file);
    await waitForHeading(french.page, 'main.ts');
    expect(await french.page.getByRole('link', { name: 'Historique' }).first().isVisible()).toBe(true);
    expect(scripts.length).toBeGreaterThan(1);
    expect(scripts.filter((path) => /(^|\/|\.)en-[\w-]+\.js$/.test(path))).toEqual([]);
    expect(french.errors).toEqual([]);
    await french.close();

    const english = await openPage(browser(), { locale: 'en-GB' });
    await english.page.goto(file);
    await waitForHeading(english.page, 'main.ts');
    // The area's message (browse) and the core's (footer) are both English at the first paint.
    expect(await english.page.getByRole('link', { name: 'History' }).first().isVisible()).toBe(true);
    expect(await english.page.getByRole('button', { name: 'Branch or tag: main' }).isVisible()).toBe(true);
    expect(await english.page.getByRole('link', { name: 'Accessibility: partially compliant' }).isVisible()).toBe(true);
    await english.page.getByRole('button', { name: 'Français' }).click();
    await english.page.getByRole('button', { name: 'Branche ou étiquette : main' }).waitFor();
    expect(await english.page.getByRole('link', { name: 'Historique' }).first().isVisible()).toBe(true);
    expect(english.errors).toEqual([]);
    await english.close();
  });
});
