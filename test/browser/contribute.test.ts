import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, sharedBrowser, waitForHeading, lookAt } from '../helpers/browser.js';
import { buildRepo, buildUser, PASSWORD } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

const SHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** An API call as a user, with the shared test password. */
async function call(server: TestServer, login: string, method: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${login}:${PASSWORD}`).toString('base64')}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

// A whole story in the browser, with axe and screenshots at two widths: beyond vitest's 30 s.
describe('contributing back from a fork, by clicking', { timeout: 180_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let maintainer: string;
  let contributor: string;
  const name = 'voirie';

  beforeAll(async () => {
    // setup: the Métropole's repository; another municipality's fork, one commit ahead on its main branch
    mkdirSync(SHOTS, { recursive: true });
    [server, browser] = await Promise.all([startServer(), sharedBrowser()]);
    const { db, config } = server.app.forge;
    const owner = await buildUser(db);
    maintainer = owner.username;
    contributor = (await buildUser(db)).username;
    const repo = await buildRepo(db, config.reposDir, owner, { name });
    pushHistory(repoPath(config.reposDir, maintainer, name), [
      { message: 'Premier commit', files: { 'README.md': '# Voirie\n\nTravaux de voirie de la Métropole.\n', 'horaires.txt': 'lundi : 8 h - 17 h\n' } },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
    expect((await call(server, contributor, 'POST', `/repos/${maintainer}/${name}/forks`, {})).status).toBe(202);
    const file = await call(server, contributor, 'GET', `/repos/${contributor}/${name}/contents/horaires.txt`, undefined);
    const edited = await call(server, contributor, 'PUT', `/repos/${contributor}/${name}/contents/horaires.txt`, {
      content: b64('lundi : 8 h - 17 h\nmardi : 8 h - 17 h\n'),
      sha: file.body.sha,
      message: 'Ajoute les horaires du mardi',
    });
    expect(edited.status).toBe(200);
  });

  afterAll(async () => {
    await server?.close();
  });

  it("goes from the fork's home to an open pull request on the parent, whose timeline then shows a push, a review and the merge", async () => {
    const { page, errors, close } = await openPage(browser);
    const upstream = `${maintainer}/${name}`;

    // test — the contributor signs in and opens their fork
    await page.goto(`${server.url}/user/login`);
    await page.getByLabel("Nom d'utilisateur ou adresse électronique").fill(contributor);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await page.waitForURL((url) => url.pathname !== '/user/login');
    await page.goto(`${server.url}/${contributor}/${name}`);
    await waitForHeading(page, new RegExp(name));
    await page.getByRole('heading', { name: 'Contribuer' }).waitFor();
    await lookAt(page, 'contribute-fork-home');

    // "Contribuer" → compare with upstream: the fork's commit, read against the parent's main
    await page.getByRole('link', { name: `Comparer avec ${upstream}` }).click();
    await page.waitForURL(`${server.url}/${upstream}/compare/main...${contributor}:main`);
    await waitForHeading(page, `Comparer main...${contributor}:main`);
    await page.getByText(`Branche lue dans ${contributor}/${name}`).waitFor();
    await page.locator('fab-commit-list').getByText('Ajoute les horaires du mardi').waitFor();
    await page.locator('fab-diff-view tr.fab-add', { hasText: 'mardi' }).waitFor();
    await lookAt(page, 'contribute-compare');

    // → open the pull request: on the parent, its title the commit's subject
    await page.getByRole('link', { name: 'Nouvelle demande de fusion' }).click();
    await waitForHeading(page, 'Nouvelle demande de fusion');
    expect(new URL(page.url()).pathname).toBe(`/${upstream}/pulls/new`);
    await expect.poll(() => page.getByLabel('Dépôt de destination').inputValue()).toBe(upstream);
    await expect.poll(() => page.getByLabel('Titre').inputValue()).toBe('Ajoute les horaires du mardi');
    // the head is in a fork: its author may let the parent's maintainers push to it
    await page.getByLabel('Autoriser les modifications par les mainteneurs').check();
    await lookAt(page, 'contribute-new-pull');
    expect(await checkA11y(page)).toEqual([]);
    await page.getByRole('button', { name: 'Créer la demande de fusion' }).click();
    await page.waitForURL(`${server.url}/${upstream}/pulls/1`);
    expect((await call(server, contributor, 'GET', `/repos/${upstream}/pulls/1`, undefined)).body.allow_maintainer_edit).toBe(true);
    await waitForHeading(page, 'Ajoute les horaires du mardi #1');
    expect(await page.locator('.fab-state').textContent()).toBe('Ouverte');

    // the contributor pushes again, the maintainer approves and merges (through the API, as a second person)
    const file = await call(server, contributor, 'GET', `/repos/${contributor}/${name}/contents/horaires.txt`, undefined);
    const pushed = await call(server, contributor, 'PUT', `/repos/${contributor}/${name}/contents/horaires.txt`, {
      content: b64('lundi : 8 h - 17 h\nmardi : 8 h - 17 h\nmercredi : 8 h - 12 h\n'),
      sha: file.body.sha,
      message: 'Ajoute le mercredi',
    });
    expect(pushed.status).toBe(200);
    await expect.poll(async () => (await call(server, maintainer, 'GET', `/repos/${upstream}/pulls/1/commits`, undefined)).body, { timeout: 10_000 }).toHaveLength(2);
    expect((await call(server, maintainer, 'POST', `/repos/${upstream}/pulls/1/reviews`, { event: 'APPROVED', body: 'Merci !' })).status).toBe(200);
    await expect
      .poll(async () => (await call(server, maintainer, 'POST', `/repos/${upstream}/pulls/1/merge`, { Do: 'merge' })).status, { timeout: 10_000 })
      .toBe(200);

    await page.reload();
    await waitForHeading(page, 'Ajoute les horaires du mardi #1');
    const timeline = page.locator('.fab-timeline');
    await timeline.getByText(`${contributor} a ajouté 1 commit(s)`).waitFor();
    await timeline.getByText('Ajoute le mercredi').waitFor();
    await page.getByText(`${maintainer} a approuvé`).first().waitFor();
    await timeline.getByText(new RegExp(`${maintainer} a fusionné la demande dans main`)).waitFor();
    expect(await page.locator('.fab-state').textContent()).toBe('Fusionnée');
    await lookAt(page, 'contribute-pull-conversation');

    expect(errors).toEqual([]);
    await close();
  });

  it('a new pull request opened inside the fork defaults to the parent as base, and the fork can still be chosen', async () => {
    const { page, close } = await openPage(browser);
    await page.goto(`${server.url}/user/login`);
    await page.getByLabel("Nom d'utilisateur ou adresse électronique").fill(contributor);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await page.waitForURL((url) => url.pathname !== '/user/login');
    // test
    await page.goto(`${server.url}/${contributor}/${name}/pulls/new?head=main`);
    await page.waitForURL((url) => url.pathname === `/${maintainer}/${name}/pulls/new`);
    expect(new URL(page.url()).searchParams.get('head')).toBe(`${contributor}:main`);
    await expect.poll(() => page.getByLabel('Dépôt de destination').inputValue()).toBe(`${maintainer}/${name}`);
    await page.getByLabel('Dépôt de destination').selectOption(`${contributor}/${name}`);
    await page.waitForURL((url) => url.pathname === `/${contributor}/${name}/pulls/new`);
    await expect.poll(() => page.getByLabel('Dépôt de destination').inputValue()).toBe(`${contributor}/${name}`);
    expect(new URL(page.url()).searchParams.get('base')).toBe('main');
    await close();
  });
});
