import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { pushHistory, type FixtureCommit } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

const BUDGET = ['# Budget participatif', 'voirie : 100 000 €', 'écoles : 200 000 €', 'culture : 50 000 €', ''].join('\n');

/**
 * The parent's history. pushHistory writes fixed authors and dates, so pushing a longer prefix of
 * it gives the same commits plus new ones: the parent's branch advances by a fast-forward.
 */
const HISTORY: FixtureCommit[] = [
  // A README: without one, the home page's request for it is a 404 that Chromium logs as an error.
  { message: 'Premier commit', files: { 'README.md': '# Budget participatif\n', 'budget.txt': BUDGET } },
  { message: 'Calendrier du vote', files: { 'calendrier.txt': 'vote : mars\n' } },
  { message: 'Date des résultats', files: { 'calendrier.txt': 'vote : mars\nrésultats : avril\n' } },
];

describe('fork into an organisation, sync the fork, close and reopen, threads and suggestions in the browser', { timeout: 180_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let maintainer: string;
  let contributor: string;
  let maintainerToken: string;
  let contributorToken: string;
  let parentPath: string;
  const name = 'budget';
  const org = `ville${process.pid}`;
  const forkName = 'budget-ville';

  /** Calls the API with a token; returns the status and the JSON answer. */
  async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const response = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : null) as T };
  }

  const branchTip = async (owner: string, repo: string, branch: string) =>
    (await api<{ commit: { id: string } }>(contributorToken, 'GET', `/repos/${owner}/${repo}/branches/${branch}`)).json.commit.id;

  async function signIn(page: Page, login: string) {
    await signInWithForm(page, server.url, login);
  }

  beforeAll(async () => {
    // setup
    server = await startServer();
    const { db, config } = server.app.forge;
    const owner = await buildUser(db);
    const camille = await buildUser(db);
    maintainer = owner.username;
    contributor = camille.username;
    maintainerToken = await buildToken(db, owner);
    contributorToken = await buildToken(db, camille, ['write:repository', 'write:organization']);
    const repo = await buildRepo(db, config.reposDir, owner, { name });
    parentPath = repoPath(config.reposDir, maintainer, name);
    pushHistory(parentPath, HISTORY.slice(0, 1));
    await touchRepo(db, repo.id, { isEmpty: false });
    const created = await api(contributorToken, 'POST', '/orgs', { username: org, full_name: 'Ville', visibility: 'public' });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('forks into an organisation, syncs the fork, closes and reopens a pull request, answers and resolves a thread, applies a suggestion', async () => {
    const contributorPage = await openPage(browser());
    const c = contributorPage.page;
    await signIn(c, contributor);

    // test — fork into the organisation, under another name
    await c.goto(`${server.url}/${maintainer}/${name}`);
    await waitForHeading(c, `${maintainer}/${name}`);
    await c.getByRole('button', { name: 'Bifurquer' }).click();
    await c.getByLabel('Propriétaire de la bifurcation').selectOption(org);
    await c.getByLabel('Nom de la bifurcation').fill(forkName);
    expect(await checkA11y(c)).toEqual([]);
    await c.getByRole('button', { name: 'Créer la bifurcation' }).click();
    await c.waitForURL(`${server.url}/${org}/${forkName}`);
    await waitForHeading(c, `${org}/${forkName}`);
    await c.getByText('Bifurqué depuis').waitFor();
    const fork = await api<{ fork: boolean; parent: { full_name: string } }>(contributorToken, 'GET', `/repos/${org}/${forkName}`);
    expect(fork.json.fork).toBe(true);
    expect(fork.json.parent.full_name).toBe(`${maintainer}/${name}`);

    // the parent advances; Sync fork fast-forwards the fork's branch, then says it is up to date
    const ids = pushHistory(parentPath, HISTORY.slice(0, 2));
    expect(await branchTip(org, forkName, 'main')).toBe(ids[0]);
    const sync = c.getByRole('button', { name: 'Synchroniser main avec le dépôt d’origine' });
    await sync.click();
    const status = c.locator('fab-sync-fork [role="status"]');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('a été avancée jusqu’au commit');
    expect(await branchTip(org, forkName, 'main')).toBe(ids[1]);
    expect(await checkA11y(c)).toEqual([]);
    await sync.click();
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('est déjà à jour');

    // a pull request from a branch of the fork, opened through the API
    const file = await api<{ sha: string }>(contributorToken, 'GET', `/repos/${org}/${forkName}/contents/budget.txt?ref=main`);
    const changed = BUDGET.replace('200 000 €', '250 000 €').replace('50 000 €', '60 000 €');
    const commit = await api(contributorToken, 'PUT', `/repos/${org}/${forkName}/contents/budget.txt`, {
      content: Buffer.from(changed).toString('base64'),
      sha: file.json.sha,
      branch: 'main',
      new_branch: 'hausse',
      message: 'Hausse des budgets',
    });
    expect(commit.status).toBe(200);
    const opened = await api<{ number: number }>(contributorToken, 'POST', `/repos/${maintainer}/${name}/pulls`, {
      head: `${org}:hausse`,
      base: 'main',
      title: 'Hausse des budgets',
    });
    expect(opened.status).toBe(201);
    const pullUrl = `${server.url}/${maintainer}/${name}/pulls/${opened.json.number}`;

    // the author closes it on the Conversation tab, then reopens it
    await c.goto(pullUrl);
    await waitForHeading(c, `Hausse des budgets #${opened.json.number}`);
    await c.locator('fab-merge-box').waitFor();
    await c.getByRole('button', { name: 'Fermer la demande de fusion' }).click();
    await expect.poll(() => c.locator('.fab-state').textContent()).toBe('Fermée');
    await c.getByText('Cette demande de fusion est fermée sans avoir été fusionnée.').waitFor();
    expect(await c.locator('fab-merge-box section').count()).toBe(0);
    expect(await c.locator('fab-pull-page > [role="status"]').textContent()).toContain('Demande de fusion fermée.');
    expect((await api<{ state: string }>(contributorToken, 'GET', `/repos/${maintainer}/${name}/pulls/1`)).json.state).toBe('closed');
    expect(await checkA11y(c)).toEqual([]);
    await c.getByRole('button', { name: 'Rouvrir la demande de fusion' }).click();
    await expect.poll(() => c.locator('.fab-state').textContent()).toBe('Ouverte');
    await c.locator('fab-merge-box section').waitFor();
    expect((await api<{ state: string }>(contributorToken, 'GET', `/repos/${maintainer}/${name}/pulls/1`)).json.state).toBe('open');

    // the maintainer comments on two lines through the API, one comment a suggested change
    const pulls = `/repos/${maintainer}/${name}/pulls/${opened.json.number}`;
    const question = await api(maintainerToken, 'POST', `${pulls}/comments`, { path: 'budget.txt', new_position: 3, body: 'Pourquoi 250 000 € ?' });
    expect(question.status).toBe(201);
    const suggestion = await api<{ id: number }>(maintainerToken, 'POST', `${pulls}/comments`, {
      path: 'budget.txt',
      new_position: 4,
      body: 'Le conseil a voté 65 000 €.\n\n```suggestion\nculture : 65 000 €\n```',
    });
    expect(suggestion.status).toBe(201);

    // the author answers the first thread and resolves it in the Files changed tab
    const headBefore = await branchTip(org, forkName, 'hausse');
    await c.goto(`${pullUrl}/files`);
    await waitForHeading(c, `Hausse des budgets #${opened.json.number}`);
    const thread = c.locator('fab-review-thread', { hasText: 'Pourquoi 250 000 €' });
    await thread.waitFor();
    expect(await checkA11y(c)).toEqual([]);
    await thread.getByRole('button', { name: 'Répondre' }).click();
    await thread.getByLabel('Répondre').fill('Deux écoles à rénover.');
    await thread.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await thread.getByText('Deux écoles à rénover.').waitFor();
    await thread.getByRole('button', { name: 'Marquer comme résolue' }).click();
    await thread.getByText(`Résolue par ${contributor}`).waitFor();

    // and applies the suggestion: a commit on the head branch, in the fork
    const suggested = c.locator('fab-review-thread', { hasText: 'Le conseil a voté' });
    await suggested.getByRole('button', { name: 'Appliquer la suggestion' }).click();
    await c.locator('fab-review-thread', { hasText: 'Le conseil a voté' }).getByText('Suggestion appliquée').waitFor();
    const headAfter = await branchTip(org, forkName, 'hausse');
    expect(headAfter).not.toBe(headBefore);
    const applied = await api<{ content: string }>(contributorToken, 'GET', `/repos/${org}/${forkName}/contents/budget.txt?ref=hausse`);
    expect(Buffer.from(applied.json.content, 'base64').toString('utf8')).toContain('culture : 65 000 €');
    expect(await checkA11y(c)).toEqual([]);

    // the parent advances again while the fork's branch has its own commit: the sync says it cannot
    await api(contributorToken, 'PUT', `/repos/${org}/${forkName}/contents/calendrier.txt`, {
      content: Buffer.from('vote : mai\n').toString('base64'),
      sha: (await api<{ sha: string }>(contributorToken, 'GET', `/repos/${org}/${forkName}/contents/calendrier.txt?ref=main`)).json.sha,
      branch: 'main',
      message: 'Vote en mai',
    });
    pushHistory(parentPath, HISTORY);
    const forkMain = await branchTip(org, forkName, 'main');
    await c.goto(`${server.url}/${org}/${forkName}`);
    await waitForHeading(c, `${org}/${forkName}`);
    await sync.click();
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('ne peut pas être synchronisée');
    expect(await branchTip(org, forkName, 'main')).toBe(forkMain);
    expect(await checkA11y(c)).toEqual([]);

    // Chromium reports the refused sync (409) as a failed resource load; nothing else may fail.
    expect(contributorPage.errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
    await contributorPage.close();
  });
});
