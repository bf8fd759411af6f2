import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { lookAt, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { gitSync, pushHistory, refOf } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

// Sign-in, two pages with axe and screenshots at two widths: more than vitest's default 30 s on a busy machine.
describe('New file and Upload files on the folder view', { timeout: 120_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let writer: string;
  let reader: string;
  let gitdir: string;

  beforeAll(async () => {
    // setup: a repository with a docs folder, its owner (a writer) and another account (a reader)
    server = await startServer();
    const { db, config } = server.app.forge;
    const owner = await buildUser(db);
    writer = owner.username;
    reader = (await buildUser(db)).username;
    const repo = await buildRepo(db, config.reposDir, owner, { name: 'deliberations' });
    gitdir = repoPath(config.reposDir, writer, 'deliberations');
    pushHistory(gitdir, [{ message: 'Premier commit', files: { 'README.md': '# Délibérations\n', 'docs/index.md': '# Index\n' } }]);
    await touchRepo(db, repo.id, { isEmpty: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a writer uploads two files into a folder: one commit holds both', async () => {
    const { page, errors, close } = await openPage(browser());
    // test
    await signInWithForm(page, server.url, writer);
    const before = refOf(gitdir, 'refs/heads/main');
    await page.goto(`${server.url}/${writer}/deliberations/src/branch/main/docs`);
    await waitForHeading(page, 'docs');
    expect(await page.getByRole('link', { name: 'Nouveau fichier' }).getAttribute('href')).toBe(`/${writer}/deliberations/_new/main/docs`);
    await page.getByRole('link', { name: 'Téléverser des fichiers' }).click();
    await waitForHeading(page, 'Téléverser des fichiers');
    expect(new URL(page.url()).pathname).toBe(`/${writer}/deliberations/_upload/main/docs`);
    await page.getByLabel('Fichiers', { exact: true }).setInputFiles([
      { name: 'seance-2026-11.md', mimeType: 'text/markdown', buffer: Buffer.from('# Séance de novembre\n') },
      { name: 'budget.csv', mimeType: 'text/csv', buffer: Buffer.from('poste;montant\nvoirie;1200\n') },
    ]);
    await page.getByRole('button', { name: 'Retirer budget.csv' }).waitFor();
    await lookAt(page, 'upload');
    await page.getByLabel('Message du commit').fill('Séance de novembre');
    await page.getByRole('button', { name: 'Enregistrer la modification' }).click();
    await page.waitForURL(`${server.url}/${writer}/deliberations/src/branch/main/docs`);
    await page.getByRole('link', { name: 'Fichier budget.csv' }).waitFor();
    const head = refOf(gitdir, 'refs/heads/main');
    expect(gitSync(gitdir, ['rev-parse', `${head}^`])).toBe(before);
    expect(gitSync(gitdir, ['diff-tree', '--no-commit-id', '--name-only', '-r', head]).split('\n').sort()).toEqual(['docs/budget.csv', 'docs/seance-2026-11.md']);
    expect(gitSync(gitdir, ['log', '-1', '--format=%s', head])).toBe('Séance de novembre');
    expect(gitSync(gitdir, ['show', `${head}:docs/budget.csv`])).toBe('poste;montant\nvoirie;1200');
    expect(errors).toEqual([]);
    await close();
  });

  it('a writer drops two files on the page: one commit holds both', async () => {
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, writer);
    const before = refOf(gitdir, 'refs/heads/main');
    await page.goto(`${server.url}/${writer}/deliberations/_upload/main/docs`);
    await waitForHeading(page, 'Téléverser des fichiers');
    // test: two files dragged from the desktop, as the browser hands them to the drop zone
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['# Séance de décembre\n'], 'seance-2026-12.md', { type: 'text/markdown' }));
      transfer.items.add(new File(['poste;montant\néclairage;800\n'], 'budget-2027.csv', { type: 'text/csv' }));
      return transfer;
    });
    const zone = page.locator('fab-upload-page .fab-drop');
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
    await page.getByRole('button', { name: 'Retirer seance-2026-12.md' }).waitFor();
    expect(await page.getByRole('list', { name: 'Fichiers à enregistrer' }).getByRole('listitem').count()).toBe(2);
    await page.getByLabel('Message du commit').fill('Séance de décembre');
    await page.getByRole('button', { name: 'Enregistrer la modification' }).click();
    await page.waitForURL(`${server.url}/${writer}/deliberations/src/branch/main/docs`);
    await page.getByRole('link', { name: 'Fichier budget-2027.csv' }).waitFor();
    const head = refOf(gitdir, 'refs/heads/main');
    expect(gitSync(gitdir, ['rev-parse', `${head}^`])).toBe(before);
    expect(gitSync(gitdir, ['diff-tree', '--no-commit-id', '--name-only', '-r', head]).split('\n').sort()).toEqual(['docs/budget-2027.csv', 'docs/seance-2026-12.md']);
    expect(gitSync(gitdir, ['show', `${head}:docs/budget-2027.csv`])).toBe('poste;montant\néclairage;800');
    expect(errors).toEqual([]);
    await close();
  });

  it('a reader sees neither button', async () => {
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, reader);
    await page.goto(`${server.url}/${writer}/deliberations/src/branch/main/docs`);
    await waitForHeading(page, 'docs');
    await page.getByRole('link', { name: 'Fichier index.md' }).waitFor();
    expect(await page.getByRole('link', { name: 'Nouveau fichier' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Téléverser des fichiers' }).count()).toBe(0);
    // Typing the address gives the reason, not a form.
    await page.goto(`${server.url}/${writer}/deliberations/_upload/main/docs`);
    await page.getByText('Téléverser des fichiers demande le droit d’écrire dans ce dépôt.').waitFor();
    expect(await page.getByRole('button', { name: 'Enregistrer la modification' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });
});
