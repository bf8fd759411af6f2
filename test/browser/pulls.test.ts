import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildUser, PASSWORD } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

const RATES = ['# Taux de la taxe de séjour', 'hôtel 1 étoile : 0,80 €', 'hôtel 2 étoiles : 0,90 €', 'hôtel 3 étoiles : 1,00 €', 'hôtel 4 étoiles : 1,50 €', 'palace : 4,00 €', ''].join('\n');

/** The answer to a review being submitted. */
const submitted = (page: Page) => page.waitForResponse((r) => /\/pulls\/1\/reviews/.test(r.url()) && r.request().method() === 'POST');

/**
 * Runs git with no user configuration, as a contributor's machine would. Asynchronously: the server
 * answering it runs in this process, and a synchronous call would block it.
 */
async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
  });
  return stdout.trim();
}

// The whole story runs in two browser contexts with axe on several pages: far beyond vitest's 30 s.
describe('propose, review and merge a change in the browser', { timeout: 180_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let maintainer: string;
  const name = 'taxe';
  const contributor = `camille${process.pid}`;
  const work = mkdtempSync(join(tmpdir(), 'fabrique-pulls-'));

  beforeAll(async () => {
    // setup
    server = await startServer();
    const { db, config } = server.app.forge;
    const user = await buildUser(db);
    maintainer = user.username;
    const repo = await buildRepo(db, config.reposDir, user, { name });
    pushHistory(repoPath(config.reposDir, maintainer, name), [
      { message: 'Premier commit', files: { 'README.md': '# Taxe de séjour\n' } },
      { message: 'Ajoute les taux', files: { 'taux.txt': RATES } },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a visitor proposes an edit, the maintainer requests changes on a range, the fix is pushed with git, approved and merged', async () => {
    const visitor = await openPage(browser());
    const owner = await openPage(browser());
    const v = visitor.page;
    const m = owner.page;
    const home = `${server.url}/${maintainer}/${name}`;

    // test — the visitor signs up, opens the file and proposes a change
    await v.goto(`${server.url}/user/sign_up`);
    await v.getByLabel("Nom d'utilisateur").fill(contributor);
    await v.getByLabel('Adresse électronique').fill(`${contributor}@example.org`);
    await v.getByLabel('Mot de passe').fill(PASSWORD);
    await v.getByRole('button', { name: 'Créer le compte' }).click();
    await v.waitForURL((url) => url.pathname !== '/user/sign_up');

    await v.goto(`${home}/src/branch/main/taux.txt`);
    await waitForHeading(v, 'taux.txt');
    await v.getByRole('link', { name: 'Modifier taux.txt' }).click();
    await waitForHeading(v, 'Modifier taux.txt');
    await expect.poll(() => v.getByLabel('Contenu du fichier').inputValue()).toBe(RATES);
    expect(await v.locator('h1').count()).toBe(1);
    expect(await checkA11y(v)).toEqual([]);
    await v.getByLabel('Contenu du fichier').fill(RATES.replace('0,90 €', '0,95 €').replace('1,00 €', '1,10 €'));
    await v.getByLabel('Message du commit').fill('Actualise les taux 2025');
    await v.getByRole('button', { name: 'Proposer la modification' }).click();
    await v.waitForURL(`${home}/pulls/1`, { timeout: 15_000 });
    await waitForHeading(v, 'Actualise les taux 2025 #1');
    expect(await v.getByText(`${contributor}:`).first().textContent()).toContain(`${contributor}:`);

    // the maintainer signs in and reviews the files
    await signInWithForm(m, server.url, maintainer);

    await m.goto(`${home}/pulls`);
    await waitForHeading(m, 'Demandes de fusion');
    await m.getByRole('link', { name: 'Actualise les taux 2025' }).click();
    await waitForHeading(m, 'Actualise les taux 2025 #1');
    expect(await checkA11y(m)).toEqual([]);
    await m.goto(`${home}/pulls?state=open`);
    await m.getByRole('link', { name: 'Actualise les taux 2025' }).waitFor();
    expect(await checkA11y(m)).toEqual([]);

    await m.goto(`${home}/pulls/1/commits`);
    await waitForHeading(m, 'Actualise les taux 2025 #1');
    await m.locator('fab-commit-list').getByText('Actualise les taux 2025').waitFor();
    expect(await checkA11y(m)).toEqual([]);

    await m.getByRole('link', { name: 'Fichiers modifiés' }).click();
    await waitForHeading(m, 'Actualise les taux 2025 #1');
    await m.locator('fab-diff-view tr.fab-add', { hasText: '0,95 €' }).waitFor();
    expect(await checkA11y(m)).toEqual([]);
    await m.getByRole('button', { name: 'Commenter la ligne 3 de taux.txt (nouveau fichier)' }).click();
    await m.getByRole('button', { name: 'Commenter la ligne 4 de taux.txt (nouveau fichier)' }).click({ modifiers: ['Shift'] });
    expect(await m.locator('fab-diff-view tr.fab-selected').count()).toBe(2);
    const field = m.getByLabel('Commentaire sur taux.txt, lignes 3 à 4 (nouveau fichier)');
    await field.fill('Les taux 2025 votés sont 0,98 € et 1,15 €.');
    expect(await checkA11y(m)).toEqual([]);
    await m.getByRole('button', { name: 'Commencer une revue' }).click();
    await m.locator('fab-review-thread').getByText('Les taux 2025 votés').waitFor();
    await m.getByLabel('Résumé de la revue').fill('Merci ! Quelques corrections.');
    await m.getByLabel('Demander des modifications').check();
    await Promise.all([submitted(m), m.getByRole('button', { name: 'Envoyer la revue' }).click()]);
    await m.getByRole('link', { name: 'Conversation' }).click();
    await m.getByText(`${maintainer} a demandé des modifications`).waitFor();
    await m.locator('fab-merge-box').getByText(`Des modifications ont été demandées par ${maintainer}.`).waitFor();

    // the contributor pushes a fix to their fork with git, authenticated by a token made through the API
    const created = await fetch(`${server.url}/api/v1/users/${contributor}/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${contributor}:${PASSWORD}`).toString('base64')}` },
      body: JSON.stringify({ name: 'git', scopes: ['write:repository'] }),
    });
    expect(created.status).toBe(201);
    const { sha1: token } = (await created.json()) as { sha1: string };
    const pull = (await (await fetch(`${server.url}/api/v1/repos/${maintainer}/${name}/pulls/1`)).json()) as { head: { ref: string; label: string } };
    expect(pull.head.label).toBe(`${contributor}:${pull.head.ref}`);
    const port = new URL(server.url).port;
    const clone = join(work, 'fork');
    await git(work, ['clone', '--quiet', '--branch', pull.head.ref, `http://${contributor}:${token}@127.0.0.1:${port}/${contributor}/${name}.git`, clone]);
    const file = join(clone, 'taux.txt');
    writeFileSync(file, readFileSync(file, 'utf8').replace('0,95 €', '0,98 €').replace('1,10 €', '1,15 €'));
    await git(clone, ['-c', 'user.name=Camille', '-c', 'user.email=camille@example.org', 'commit', '--quiet', '-am', 'Taux votés']);
    await git(clone, ['push', '--quiet', 'origin', pull.head.ref]);

    // the maintainer sees the comment outdated, approves and merges
    await expect
      .poll(async () => {
        await m.goto(`${home}/pulls/1`);
        await waitForHeading(m, 'Actualise les taux 2025 #1');
        return m.locator('fab-review-thread').getByText('Obsolète').count();
      }, { timeout: 20_000 })
      .toBe(1);
    expect(await checkA11y(m)).toEqual([]);
    await m.getByRole('link', { name: 'Fichiers modifiés' }).click();
    await m.locator('fab-diff-view tr.fab-add', { hasText: '0,98 €' }).waitFor();
    await m.getByLabel('Approuver').check();
    await Promise.all([submitted(m), m.getByRole('button', { name: 'Envoyer la revue' }).click()]);
    await m.getByRole('link', { name: 'Conversation' }).click();
    await m.getByText(`${maintainer} a approuvé`).waitFor();
    await m.getByLabel('Méthode de fusion').selectOption('merge');
    await m.getByRole('button', { name: 'Fusionner', exact: true }).click();
    await m.locator('fab-merge-box').getByText(`Fusionnée par ${maintainer} dans main`).waitFor();
    expect(await m.locator('.fab-state').textContent()).toBe('Fusionnée');
    expect(await checkA11y(m)).toEqual([]);

    // the base branch has the change, and a clone shows it
    const base = join(work, 'base');
    await git(work, ['clone', '--quiet', `${server.url}/${maintainer}/${name}.git`, base]);
    const merged = readFileSync(join(base, 'taux.txt'), 'utf8');
    expect(merged).toContain('hôtel 2 étoiles : 0,98 €');
    expect(merged).toContain('hôtel 3 étoiles : 1,15 €');

    expect(visitor.errors).toEqual([]);
    expect(owner.errors.filter((e) => !e.includes('404'))).toEqual([]);
    await visitor.close();
    await owner.close();
  });
});
