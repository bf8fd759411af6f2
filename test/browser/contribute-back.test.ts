import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { fillSignIn, lookAt, openPage, sharedBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { commitFiles, git, makeWorkTree, repoUrl, tempDir } from '../helpers/git.js';

// Two Fabrique instances: A (the Métropole's) is reached as localhost and B (a municipality's) as
// 127.0.0.1, so that the browser keeps one session cookie for each (cookies ignore ports).
describe('contributing back from another Fabrique, by clicking', { timeout: 240_000 }, () => {
  let a: TestServer;
  let b: TestServer;
  let browser: Browser;
  let aUrl: string;
  let communeToken: string;
  let local: string;

  beforeAll(async () => {
    // setup: A's project, imported by B as a mirror; the same agent has an account on both
    [a, b, browser] = await Promise.all([
      startServer({ env: { FORGE_IMPORT_ALLOW_PRIVATE: 'true' } }),
      startServer({ env: { FORGE_IMPORT_ALLOW_PRIVATE: 'true', FORGE_WEBHOOK_ALLOWED_HOSTS: 'private' } }),
      sharedBrowser(),
    ]);
    aUrl = a.url.replace('127.0.0.1', 'localhost');
    // A's own links and its sign-in's origin check name the host the browser uses for it.
    a.config.baseUrl = aUrl;
    const metropole = await buildUser(a.app.forge.db, { username: 'metropole' });
    const metropoleToken = await buildToken(a.app.forge.db, metropole, ['all']);
    await buildUser(a.app.forge.db, { username: 'agent' });
    const commune = await buildUser(b.app.forge.db, { username: 'agent' });
    communeToken = await buildToken(b.app.forge.db, commune, ['all']);
    await buildRepo(a.app.forge.db, a.config.reposDir, metropole, { name: 'voirie' });
    const work = await makeWorkTree(2, 'main');
    await git(['push', '-q', repoUrl(a.url, 'metropole', 'voirie', { user: 'metropole', secret: metropoleToken }), 'main'], { cwd: work });
    const imported = await fetch(`${b.url}/api/v1/repos/migrate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `token ${communeToken}` },
      body: JSON.stringify({ clone_addr: `${aUrl}/metropole/voirie.git`, repo_name: 'voirie', mirror: true }),
    });
    expect(imported.status).toBe(201);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('makes the mirror a working fork, proposes a branch upstream, opens the pull request on A, which shows its source and refreshes', async () => {
    const { page, context, errors, close } = await openPage(browser);
    // A loaded machine runs two forges and a browser here.
    page.setDefaultTimeout(30_000);

    // test — on B, the agent turns the mirror into a working fork from its branches page
    await page.goto(`${b.url}/user/login`);
    await fillSignIn(page, 'agent');
    await page.waitForURL((url) => url.pathname !== '/user/login');
    await page.goto(`${b.url}/agent/voirie/branches`);
    await waitForHeading(page, 'Branches');
    await page.getByText('C’est un miroir').waitFor();
    await page.getByRole('button', { name: 'En faire une bifurcation de travail' }).click();
    await page.getByRole('button', { name: 'Synchroniser depuis l’origine' }).waitFor();

    // A branch pushed with git, then "Propose upstream" on it
    local = tempDir();
    await git(['clone', '-q', repoUrl(b.url, 'agent', 'voirie', { user: 'agent', secret: communeToken }), local]);
    await git(['checkout', '-q', '-b', 'horaires'], { cwd: local });
    await commitFiles(local, { 'horaires.txt': 'lundi : 8 h - 17 h\n' }, 'Ajoute les horaires');
    await git(['push', '-q', 'origin', 'horaires'], { cwd: local });
    await page.reload();
    await waitForHeading(page, 'Branches');
    const propose = page.getByRole('button', { name: 'Proposer à l’origine : horaires' });
    await propose.waitFor();
    await lookAt(page, 'federation-branches');

    // On A (signed in there too), the new pull request page comes prefilled with B's branch
    const signInA = await context.newPage();
    signInA.setDefaultTimeout(30_000);
    await signInA.goto(`${aUrl}/user/login`);
    await fillSignIn(signInA, 'agent');
    await signInA.waitForURL((url) => url.pathname !== '/user/login');
    await signInA.close();
    await propose.click();
    await page.waitForURL((url) => url.origin === aUrl && url.pathname === '/metropole/voirie/pulls/new');
    await waitForHeading(page, 'Nouvelle demande de fusion');
    const form = page.locator('.fab-remote-pull');
    await expect.poll(() => form.getByLabel('Adresse de clonage du dépôt (https://…)').inputValue()).toBe(`${b.url}/agent/voirie.git`);
    expect(await form.getByLabel('Branche', { exact: true }).inputValue()).toBe('horaires');
    await form.getByLabel('Titre').fill('Horaires du lundi');
    await lookAt(page, 'federation-new-pull');
    await form.getByRole('button', { name: 'Créer la demande de fusion' }).click();

    // The pull request page says where it comes from, linking to B, and refreshes from there
    await page.waitForURL(`${aUrl}/metropole/voirie/pulls/1`);
    const source = page.getByRole('link', { name: `depuis 127.0.0.1:${new URL(b.url).port}/agent/voirie:horaires` });
    await source.waitFor();
    expect(await source.getAttribute('href')).toBe(`${b.url}/agent/voirie/src/branch/horaires`);
    await lookAt(page, 'federation-pull');
    const next = await commitFiles(local, { 'horaires.txt': 'lundi : 8 h - 17 h\nmardi : 8 h - 17 h\n' }, 'Ajoute le mardi');
    await git(['push', '-q', 'origin', 'horaires'], { cwd: local });
    await page.getByRole('button', { name: 'Actualiser depuis la source' }).click();
    // The webhook B sends may have brought the commit first: then the source "has not changed".
    await page.getByText(/La demande de fusion suit maintenant|La branche source n’a pas changé/).waitFor();
    await expect.poll(async () => ((await (await fetch(`${a.url}/api/v1/repos/metropole/voirie/pulls/1`)).json()) as { head: { sha: string } }).head.sha).toBe(next);
    expect(errors).toEqual([]);
    await close();
  });
});
