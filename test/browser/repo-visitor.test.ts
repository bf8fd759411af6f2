import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildToken, buildUser } from '../helpers/factories.js';
import { lookAt, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { clientEnv, commitFiles, git, repoUrl, tempDir } from '../helpers/git.js';
import { catalogueFixture, type CatalogueFixture } from '../catalogue/fixtures.js';

/**
 * The repository pages as a visitor walks them (issue #16): clone at a glance on a project with a
 * publiccode.yml, 304 tags paged and found by typing, forks told apart, and the branches page with
 * ahead/behind counts and deletion.
 */
describe('a repository as visitors see it', { timeout: 120_000 }, () => {
  const browser = useBrowser();
  let server: TestServer;
  let f: CatalogueFixture;
  let org: string;
  let forker: string;

  beforeAll(async () => {
    // setup: the catalogue's carto (publiccode.yml), 304 tags and two branches pushed with git, and a fork
    server = await startServer();
    f = await catalogueFixture(server);
    org = f.org.username;
    const token = await buildToken(server.app.forge.db, f.owner, ['all']);
    const work = join(tempDir(), 'carto');
    await git(['clone', '-q', repoUrl(server.url, org, 'carto', { user: f.owner.username, secret: token }), work]);
    execFileSync('sh', ['-c', 'for i in $(seq 0 303); do git tag "v$((i / 100)).$((i % 100)).0"; done'], { cwd: work, env: clientEnv });
    await git(['checkout', '-q', '-b', 'feature-a'], { cwd: work });
    await commitFiles(work, { 'a.txt': 'one\n' }, 'First change on feature-a');
    await commitFiles(work, { 'a.txt': 'two\n' }, 'Second change on feature-a');
    await git(['checkout', '-q', 'main'], { cwd: work });
    await commitFiles(work, { 'NEWS.md': '# News\n' }, 'News on main');
    await git(['push', '-q', 'origin', 'main', 'feature-a', '--tags'], { cwd: work });
    const municipality = await buildUser(server.app.forge.db);
    forker = municipality.username;
    const response = await fetch(`${server.url}/api/v1/repos/${org}/carto/forks`, {
      method: 'POST',
      headers: { authorization: `token ${await buildToken(server.app.forge.db, municipality, ['all'])}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(202);
    // 304 git processes for the tags and a push of them: minutes on a loaded machine.
  }, 300_000);
  afterAll(() => server.close());

  it('shows the whole clone URL above the fold at 1280×800 from the "Code" button', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/${org}/carto`);
    await waitForHeading(page, `${org}/carto`);
    // test
    const button = page.getByRole('button', { name: 'Cloner' });
    await button.click();
    const url = page.locator('fab-repo-header [data-clone="url"]');
    await expect.poll(() => url.textContent()).toBe(`${server.url}/${org}/carto.git`);
    expect(await page.locator('fab-repo-header [data-clone="cmd"]').textContent()).toBe(`git clone ${server.url}/${org}/carto.git`);
    expect(await url.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    const box = await url.boundingBox();
    const buttonBox = await button.boundingBox();
    expect(box && buttonBox).toBeTruthy();
    expect((box?.y ?? 1e9) + (box?.height ?? 0)).toBeLessThanOrEqual(800);
    expect((buttonBox?.y ?? 1e9) + (buttonBox?.height ?? 0)).toBeLessThanOrEqual(800);
    expect(await page.locator('fab-repo-header a[href$="/archive/main.zip"]').count()).toBe(1);
    await lookAt(page, 'repo-clone-panel');
    // Escape closes the panel and gives the focus back to the button.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('fab-repo-header .fab-clone-panel').isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await close();
  });

  it('pages through 304 tags, 50 at a time', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.goto(`${server.url}/${org}/carto/tags`);
    await waitForHeading(page, 'Étiquettes');
    // test
    await expect.poll(() => page.locator('.fab-ref-count').textContent()).toBe('304 étiquettes');
    expect(await page.locator('ul.fab-refs > li').count()).toBe(50);
    expect(await page.locator('fab-pager [aria-current="page"]').textContent()).toBe('Page 1 sur 7');
    expect(await page.locator('ul.fab-refs > li .fab-ref-name').first().textContent()).toBe('v3.3.0');
    await lookAt(page, 'repo-tags');
    await page.getByRole('link', { name: 'Page suivante' }).click();
    await expect.poll(() => page.locator('fab-pager [aria-current="page"]').textContent()).toBe('Page 2 sur 7');
    expect(await page.locator('ul.fab-refs > li .fab-ref-name').first().textContent()).toBe('v2.53.0');
    await page.goto(`${server.url}/${org}/carto/tags?page=7`);
    await waitForHeading(page, 'Étiquettes');
    await expect.poll(() => page.locator('ul.fab-refs > li').count()).toBe(4);
    expect(await page.locator('ul.fab-refs > li .fab-ref-name').last().textContent()).toBe('v0.0.0');
    expect(errors).toEqual([]);
    await close();
  });

  it('finds a tag beyond the first 50 by typing in the branch and tag menu, and goes there', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.goto(`${server.url}/${org}/carto`);
    await waitForHeading(page, `${org}/carto`);
    // test
    await page.getByRole('button', { name: 'Branche ou étiquette : main' }).click();
    const search = page.getByRole('combobox', { name: 'Chercher une branche ou une étiquette' });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByRole('button', { name: 'Étiquettes' }).click();
    await search.fill('v0.7.0');
    await expect.poll(() => page.getByRole('option').allTextContents()).toEqual(['v0.7.0']);
    await lookAt(page, 'repo-ref-menu');
    await search.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/${org}/carto/src/tag/v0.7.0`);
    await waitForHeading(page, /./);
    expect(errors).toEqual([]);
    await close();
  });

  it('tells a fork apart: badge and parent on its page, the forks page, and explore\'s filter with sources first', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.goto(`${server.url}/${forker}/carto`);
    await waitForHeading(page, `${forker}/carto`);
    // test
    await expect.poll(() => page.locator('fab-repo-header .fab-badge').textContent()).toBe('fork');
    expect(await page.locator('fab-repo-header .fab-forked-from a').getAttribute('href')).toBe(`/${org}/carto`);
    await page.goto(`${server.url}/${org}/carto/forks`);
    await waitForHeading(page, `Forks de ${org}/carto`);
    await expect.poll(() => page.locator('fab-repo-list h3').allTextContents()).toEqual([`${forker}/carto`]);
    await lookAt(page, 'repo-forks');
    await page.goto(`${server.url}/explore?q=carto`);
    await waitForHeading(page, /./);
    await expect.poll(() => page.locator('fab-repo-list h3').allTextContents()).toEqual([`${org}/carto`, `${forker}/carto`]);
    await page.goto(`${server.url}/explore?q=carto&mode=fork`);
    await expect.poll(() => page.locator('fab-repo-list h3').allTextContents()).toEqual([`${forker}/carto`]);
    expect(await page.locator('fab-repo-list .fab-badge').allTextContents()).toEqual(['fork']);
    await page.goto(`${server.url}/explore?q=carto&mode=source`);
    await expect.poll(() => page.locator('fab-repo-list h3').allTextContents()).toEqual([`${org}/carto`]);
    await lookAt(page, 'explore-sources');
    expect(errors).toEqual([]);
    await close();
  });

  it('lists branches with the default first and ahead/behind counts, keeps the tabs, and deletes a branch after confirmation', async () => {
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, f.owner.username);
    // test: the same tabs on every page of the repository
    const tabs: string[][] = [];
    for (const path of ['', '/branches', '/tags', '/commits/branch/main', '/pulls']) {
      await page.goto(`${server.url}/${org}/carto${path}`);
      await waitForHeading(page, /./);
      await expect.poll(() => page.locator('fab-repo-header nav a').allTextContents()).toContain('Paramètres');
      tabs.push(await page.locator('fab-repo-header nav a').allTextContents());
    }
    for (const set of tabs) expect(set).toEqual(tabs[0]);
    expect(tabs[0]).toContain('Historique');
    await page.goto(`${server.url}/${org}/carto/branches`);
    await waitForHeading(page, 'Branches');
    await expect.poll(() => page.locator('ul.fab-refs > li').count()).toBe(2);
    expect(await page.locator('ul.fab-refs > li').first().getAttribute('data-branch')).toBe('main');
    const feature = page.locator('li[data-branch="feature-a"]');
    expect(await feature.locator('.fab-ahead-behind').textContent()).toMatch(/2 en avance\s*1 en retard/);
    expect(await feature.locator('.fab-ref-commit').textContent()).toContain('Second change on feature-a');
    expect(await feature.getByRole('link', { name: 'Nouvelle demande de fusion' }).getAttribute('href')).toBe(`/${org}/carto/pulls/new?base=main&head=feature-a`);
    expect(await page.locator('li[data-branch="main"] button').count()).toBe(0);
    await lookAt(page, 'repo-branches');
    await feature.getByRole('button', { name: 'Supprimer la branche feature-a' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Supprimer la branche' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('La branche feature-a a été supprimée.');
    await expect.poll(() => page.locator('ul.fab-refs > li').count()).toBe(1);
    expect((await fetch(`${server.url}/api/v1/repos/${org}/carto/branches/feature-a`)).status).toBe(404);
    expect(errors).toEqual([]);
    await close();
  });
});
