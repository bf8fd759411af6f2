import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { lookAt, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { gitSync, pushHistory } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

const CSV = 'commune;surface\nLyon;47,87\n';

// Three pages in Chromium, with axe and screenshots at two widths: beyond vitest's 30 s.
describe('releases in the browser', { timeout: 240_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let maintainer: string;
  let token: string;
  const name = 'cartes';
  let base: string;

  beforeAll(async () => {
    // setup: a repository with a merged pull request, and a first release v1.0 with a file
    server = await startServer();
    const { db, config } = server.app.forge;
    const owner = await buildUser(db);
    const contributor = await buildUser(db);
    maintainer = owner.username;
    token = await buildToken(db, owner, ['all']);
    const repo = await buildRepo(db, config.reposDir, owner, { name });
    const path = repoPath(config.reposDir, maintainer, name);
    pushHistory(path, [
      { message: 'Premier commit', files: { 'README.md': '# Cartes\n\nLes cartes de la Métropole.\n' } },
      { message: 'Légende', branch: 'legende', files: { 'LEGENDE.md': 'Légende\n' } },
    ]);
    gitSync(path, ['symbolic-ref', 'HEAD', 'refs/heads/main']);
    await touchRepo(db, repo.id, { isEmpty: false });
    base = `/repos/${maintainer}/${name}`;
    const v1 = await api(server.url, 'POST', `${base}/releases`, { auth: as(token), body: { tag_name: 'v1.0', name: 'Version 1.0', body: 'Première version **publique**.' } });
    expect(v1.status).toBe(201);
    const form = new FormData();
    form.append('attachment', new Blob([Buffer.alloc(1_500_000, 7)]), 'cartes-1.0.zip');
    const upload = await fetch(`${server.url}/api/v1${base}/releases/${v1.body.id}/assets`, { method: 'POST', headers: as(token), body: form });
    expect(upload.status).toBe(201);
    const contributorToken = await buildToken(db, contributor, ['all']);
    const pull = await api(server.url, 'POST', `${base}/pulls`, { auth: as(contributorToken), body: { head: 'legende', base: 'main', title: 'Ajoute la légende' } });
    for (let i = 0; i < 200; i++) {
      const { body } = await api(server.url, 'GET', `${base}/pulls/${pull.body.number}`, { auth: as(token) });
      if (body.mergeable_state !== 'checking') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect((await api(server.url, 'POST', `${base}/pulls/${pull.body.number}/merge`, { auth: as(token), body: { Do: 'merge' } })).status).toBe(200);
  });
  afterAll(() => server.close());

  it('lists the releases with their notes, badges, files, sizes and download counts', async () => {
    // test
    const { page, errors, close } = await openPage(browser());
    try {
      await page.goto(`${server.url}/${maintainer}/${name}/releases`);
      await waitForHeading(page, 'Versions');
      const release = page.locator('article.fab-release').first();
      await expect.poll(() => release.locator('h2').textContent()).toContain('Version 1.0');
      expect(await release.locator('.fab-badge').allTextContents()).toEqual(['Dernière version']);
      expect(await release.locator('strong').textContent()).toBe('publique');
      expect(await release.locator('.fab-release-assets li').first().textContent()).toMatch(/cartes-1\.0\.zip\s*1,5 MB · 0 téléchargement\(s\)/);
      expect(await page.getByRole('link', { name: 'Flux Atom des versions' }).getAttribute('href')).toBe(`/${maintainer}/${name}/releases.atom`);
      expect(await page.getByRole('link', { name: 'Nouvelle version' }).count()).toBe(0);
      await lookAt(page, 'releases-list');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('creates a release in the form: a new tag, generated notes, a file uploaded; then shows it, and on the repository home', async () => {
    // test
    const { page, errors, close } = await openPage(browser());
    try {
      await signInWithForm(page, server.url, maintainer);
      await page.goto(`${server.url}/${maintainer}/${name}/releases`);
      await waitForHeading(page, 'Versions');
      await page.getByRole('link', { name: 'Nouvelle version' }).click();
      await waitForHeading(page, 'Nouvelle version');
      await page.getByLabel('Étiquette', { exact: true }).fill('v2.0');
      await page.getByLabel('Titre', { exact: true }).fill('Version 2.0 <b>grasse</b>');
      await page.getByRole('button', { name: 'Générer les notes' }).click();
      await expect.poll(() => page.getByLabel('Notes (Markdown)').inputValue()).toContain('Ajoute la légende (#1)');
      await page.getByLabel('Fichiers à joindre').setInputFiles({ name: 'cartes-2.0.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
      await lookAt(page, 'releases-form');
      await page.getByRole('button', { name: 'Publier la version' }).click();
      await page.waitForURL(`${server.url}/${maintainer}/${name}/releases/tag/v2.0`);
      await waitForHeading(page, /Version 2\.0 <b>grasse<\/b>/);
      expect(await page.locator('h1 b').count()).toBe(0);
      await expect.poll(() => page.locator('.fab-release-assets li').first().textContent()).toContain('cartes-2.0.csv');
      expect(await page.locator('article.fab-release').textContent()).toContain('Ajoute la légende');
      await lookAt(page, 'releases-release');
      const { body } = await api(server.url, 'GET', `${base}/releases/latest`);
      expect(body).toMatchObject({ tag_name: 'v2.0', name: 'Version 2.0 <b>grasse</b>', assets: [{ name: 'cartes-2.0.csv', size: Buffer.byteLength(CSV) }] });
      expect(gitSync(repoPath(server.config.reposDir, maintainer, name), ['rev-parse', 'refs/tags/v2.0'])).toBe(gitSync(repoPath(server.config.reposDir, maintainer, name), ['rev-parse', 'refs/heads/main']));

      await page.goto(`${server.url}/${maintainer}/${name}`);
      const box = page.locator('section.fab-latest-release');
      await expect.poll(() => box.locator('h2').textContent()).toBe('Dernière version');
      expect(await box.getByRole('link', { name: 'Version 2.0 <b>grasse</b>' }).getAttribute('href')).toBe(`/${maintainer}/${name}/releases/tag/v2.0`);
      await lookAt(page, 'releases-home');

      // Editing: the form lists the release's files, and removes one.
      await page.goto(`${server.url}/${maintainer}/${name}/releases/tag/v2.0`);
      await page.getByRole('link', { name: 'Modifier la version' }).click();
      await waitForHeading(page, 'Modifier la version');
      expect(await page.getByLabel('Étiquette', { exact: true }).getAttribute('readonly')).not.toBeNull();
      await lookAt(page, 'releases-edit');
      await page.getByRole('button', { name: 'Retirer cartes-2.0.csv' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Retirer cartes-2.0.csv' }).count()).toBe(0);
      expect((await api(server.url, 'GET', `${base}/releases/latest`)).body.assets).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
