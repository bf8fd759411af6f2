import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkA11y, lookAt, openPage, signInWithForm, useBrowser, waitForHeading } from '../helpers/browser.js';
import { api, as } from '../helpers/http.js';
import { autoMergeSettled, makeStatusWorld, openPull, type StatusWorld } from '../statuses/setup.js';

/** Commit statuses where people look: the pull request's checks and merge box, the pull request list, history, branches and the commit page. */
describe('commit statuses in the web app', { timeout: 180_000 }, () => {
  let w: StatusWorld;
  let pull: { number: number; sha: string };
  const browser = useBrowser();
  const post = (body: Record<string, string>) =>
    api(w.server.url, 'POST', `/repos/${w.maintainer.username}/site/statuses/${pull.sha}`, { auth: as(w.ciToken), body });

  beforeAll(async () => {
    // setup
    w = await makeStatusWorld(['ci/test']);
    pull = await openPull(w, 'feature');
    expect((await post({ state: 'pending', context: 'ci/test', description: '<b>Tests</b> en cours', target_url: 'https://ci.example.org/builds/1' })).status).toBe(201);
    expect((await post({ state: 'success', context: 'lint' })).status).toBe(201);
  });
  afterAll(() => w.server.close());

  it('shows each check on the pull request, disables the merge button with the reason, and merges by itself once green', async () => {
    const { page, errors, close } = await openPage(browser());
    const owner = w.maintainer.username;
    await signInWithForm(page, w.server.url, owner);
    // test
    await page.goto(`${w.server.url}/${owner}/site/pulls/${pull.number}`);
    const check = page.locator('.fab-checks li[data-context="ci/test"]');
    await check.waitFor();
    expect(await check.getByRole('img', { name: 'Vérifications en cours' }).count()).toBe(1);
    // The description is text, never markup.
    expect(await check.textContent()).toContain('<b>Tests</b> en cours');
    const details = check.getByRole('link', { name: 'Détails de ci/test' });
    expect(await details.getAttribute('href')).toBe('https://ci.example.org/builds/1');
    expect(await details.getAttribute('rel')).toBe('noopener nofollow');
    expect(await page.locator('.fab-checks li[data-context="lint"]').getByRole('img', { name: 'Vérifications réussies' }).count()).toBe(1);
    expect(await page.locator('.fab-checks li[data-context="lint"] a').count()).toBe(0);
    expect(await page.locator('.fab-checks-box h3').getByRole('img', { name: 'Vérifications en cours' }).count()).toBe(1);

    const mergeButton = page.getByRole('button', { name: 'Fusionner', exact: true });
    expect(await mergeButton.isDisabled()).toBe(true);
    // It looks disabled too: not the accent colour of a button that acts.
    const look = (name: string) => page.getByRole('button', { name, exact: true }).evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(await look('Fusionner')).not.toBe(await look('Commenter'));
    expect(await page.locator('#fab-merge-blockers li[data-code="status_checks"]').textContent()).toContain('Vérifications requises non réussies : ci/test.');
    await lookAt(page, 'pull-checks');

    await page.getByRole('button', { name: 'Fusionner quand les vérifications réussissent' }).click();
    await page.getByText(`Fusion automatique activée par ${owner}`).waitFor();
    expect(await page.getByRole('button', { name: 'Annuler la fusion automatique' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Fusionner quand les vérifications réussissent' }).count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);

    expect((await post({ state: 'success', context: 'ci/test' })).status).toBe(201);
    await autoMergeSettled(w, pull.number);
    await page.reload();
    await page.locator('fab-merge-box .fab-success').getByText(owner).waitFor();
    expect(errors).toEqual([]);
    await close();
  });

  it('shows an icon with an accessible name in the pull request list, history, branches and on the commit page', async () => {
    const { page, errors, close } = await openPage(browser());
    const owner = w.maintainer.username;
    // test
    await page.goto(`${w.server.url}/${owner}/site/pulls?state=all`);
    await page.locator('ol.fab-pulls li').first().getByRole('img', { name: 'Vérifications réussies' }).waitFor();

    await page.goto(`${w.server.url}/${owner}/site/commits/branch/feature`);
    await waitForHeading(page, /./);
    const first = page.locator('fab-commit-list li').first();
    await first.getByRole('img', { name: 'Vérifications réussies' }).waitFor();
    // A commit without statuses has no icon.
    expect(await page.locator('fab-commit-list li').last().locator('fab-commit-status [role="img"]').count()).toBe(0);
    await lookAt(page, 'commits-checks');

    await page.goto(`${w.server.url}/${owner}/site/branches`);
    await page.locator('ul.fab-refs li').filter({ hasText: 'feature' }).getByRole('img', { name: 'Vérifications réussies' }).waitFor();

    await page.goto(`${w.server.url}/${owner}/site/commit/${pull.sha}`);
    await page.locator('dd').getByRole('img', { name: 'Vérifications réussies' }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });
});
