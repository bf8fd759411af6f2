import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, SCREENSHOTS, sharedBrowser, signInWithForm } from '../helpers/browser.js';
import { join } from 'node:path';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

const LONG = Array.from({ length: 30 }, (_, i) => `export const ligne${i + 1} = ${i + 1};`);
/** A line far wider than a phone, and than a side of the split view at 1280 px. */
const WIDE = `export const zones = [${Array.from({ length: 40 }, (_, i) => `'zone-${i}'`).join(', ')}];`;
const BEFORE: Record<string, string> = {
  'src/long.ts': `${LONG.join('\n')}\n`,
  'README.md': '# Voirie\n\nTravaux prévus en 2025.\n',
  'src/tarifs.ts': `${WIDE}\nexport const base = 10;\nexport const max = 40;\n`,
  'src/page.ts': `export const hostile = "<img src=x onerror=\\"document.title='pwned'\\">";\nexport const size = 1;\n`,
};
const AFTER: Record<string, string> = {
  'src/long.ts': `${LONG.map((l, i) => (i === 1 || i === 27 ? l.replace('= ', '= 100 + ') : l)).join('\n')}\n`,
  'README.md': '# Voirie\n\nTravaux prévus en 2026.\n',
  'src/tarifs.ts': `${WIDE}\nexport const base = 12;\nexport const max = 40;\n`,
  'src/page.ts': `export const hostile = "<img src=y onerror=\\"document.title='pwned'\\">";\nexport const size = 1;\n`,
};

describe('the review page: drafts, dismissed reviews, highlighted and expandable diffs, the to-review list, shortcuts, no overflow', { timeout: 240_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let owner: string;
  let reviewer: string;
  let contributorName: string;
  let tokens: { owner: string; reviewer: string; contributor: string };
  const name = 'voirie';

  async function api<T>(method: string, path: string, body?: unknown, token = tokens.owner): Promise<{ status: number; json: T }> {
    const response = await fetch(`${server.url}/api/v1/repos/${owner}/${name}${path}`, {
      method,
      headers: { authorization: `token ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : null) as T };
  }

  beforeAll(async () => {
    // setup: a maintainer's repository, a second writer, a contributor's draft pull request that the writer approved
    [server, browser] = await Promise.all([startServer(), sharedBrowser()]);
    const { db, config } = server.app.forge;
    const user = await buildUser(db);
    const second = await buildUser(db);
    const contributor = await buildUser(db);
    owner = user.username;
    contributorName = contributor.username;
    reviewer = second.username;
    tokens = { owner: await buildToken(db, user), reviewer: await buildToken(db, second), contributor: await buildToken(db, contributor) };
    const repo = await buildRepo(db, config.reposDir, user, { name });
    pushHistory(repoPath(config.reposDir, owner, name), [
      { message: 'Premier commit', files: BEFORE },
      { message: 'Tarifs 2026', branch: 'tarifs-2026', files: AFTER },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
    expect((await api('PUT', `/collaborators/${reviewer}`, { permission: 'write' })).status).toBe(204);
    const created = await api<{ number: number; draft: boolean }>('POST', '/pulls', { head: 'tarifs-2026', base: 'main', title: 'Tarifs 2026', draft: true }, tokens.contributor);
    expect(created.json.draft).toBe(true);
    expect((await api('POST', '/pulls/1/reviews', { event: 'APPROVED', body: 'Bon pour moi' }, tokens.reviewer)).status).toBe(200);
    for (let i = 0; i < 200 && (await api<{ mergeable_state: string }>('GET', '/pulls/1')).json.mergeable_state === 'checking'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    await server?.close();
  });

  it('a draft is badged in the list and on the page, its merge button is disabled with the reason, and "Marquer comme prête" makes it mergeable', async () => {
    const { page, errors, close } = await openPage(browser);
    await signInWithForm(page, server.url, owner);
    // test
    await page.goto(`${server.url}/${owner}/${name}/pulls`);
    await page.locator('fab-pulls-page li', { hasText: 'WIP: Tarifs 2026' }).getByText('Brouillon', { exact: true }).waitFor();
    await page.goto(`${server.url}/${owner}/${name}/pulls/1`);
    const box = page.locator('fab-merge-box');
    await box.getByText('Brouillon : marquez-la comme prête').waitFor();
    expect(await page.locator('.fab-pull-meta .fab-state[data-state="draft"]').textContent()).toBe('Brouillon');
    expect(await box.getByRole('button', { name: 'Fusionner', exact: true }).isDisabled()).toBe(true);
    expect(await checkA11y(page)).toEqual([]);
    await box.getByRole('button', { name: 'Marquer comme prête' }).click();
    await expect.poll(() => page.locator('h1').textContent()).not.toContain('WIP');
    await expect.poll(() => box.getByRole('button', { name: 'Fusionner', exact: true }).isDisabled()).toBe(false);
    expect(await page.locator('.fab-pull-meta .fab-state[data-state="draft"]').count()).toBe(0);
    expect((await api<{ title: string; draft: boolean }>('GET', '/pulls/1')).json).toMatchObject({ title: 'Tarifs 2026', draft: false });
    expect(errors).toEqual([]);
    await close();
  });

  it('a writer dismisses an approval with a reason from the conversation: the review says so, the timeline gives the reason, and it counts no more', async () => {
    const { page, errors, close } = await openPage(browser);
    await signInWithForm(page, server.url, owner);
    // test
    await page.goto(`${server.url}/${owner}/${name}/pulls/1`);
    const review = page.locator('li[id^="pullrequestreview-"]', { hasText: 'Bon pour moi' });
    await review.waitFor();
    expect(await page.locator('fab-merge-box').getByText(`Approuvée par ${reviewer}.`).count()).toBe(1);
    await review.getByText('Rejeter la revue').click();
    await review.getByLabel('Pourquoi rejeter cette revue ?').fill('Approuvée avant la dernière poussée');
    expect(await checkA11y(page)).toEqual([]);
    await review.getByRole('button', { name: 'Rejeter', exact: true }).click();
    await review.getByText('Revue rejetée').waitFor();
    await page.locator('li.fab-event[data-type="dismiss_review"]', { hasText: 'Approuvée avant la dernière poussée' }).waitFor();
    expect(await page.locator('fab-merge-box').getByText(`Approuvée par ${reviewer}.`).count()).toBe(0);
    const reviews = await api<{ dismissed: boolean; user: { login: string } }[]>('GET', '/pulls/1/reviews');
    expect(reviews.json.find((r) => r.user.login === reviewer)?.dismissed).toBe(true);
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('highlights the diff by language, still marks the changed words, and shows a hostile line as text', async () => {
    const { page, errors, close } = await openPage(browser);
    await signInWithForm(page, server.url, owner);
    // test
    await page.goto(`${server.url}/${owner}/${name}/pulls/1/files`);
    const added = page.locator('fab-diff-view tr.fab-add', { hasText: 'hostile' });
    await added.waitFor();
    // The string is a highlight.js string, with the changed word marked inside it.
    expect(await added.locator('.hljs-string').textContent()).toBe(`"<img src=y onerror=\\"document.title='pwned'\\">"`);
    expect(await added.locator('.hljs-string mark').textContent()).toBe('y');
    expect(await page.locator('fab-diff-view tr.fab-add .hljs-keyword', { hasText: 'export' }).count()).toBeGreaterThan(0);
    expect(await page.locator('fab-diff-view img').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
    // The API gives the escaped HTML beside the text.
    const pull = await api<{ merge_base: string; head: { sha: string } }>('GET', '/pulls/1');
    const diff = await api<{ diff: { files: { filename: string; hunks: { lines: { type: string; content: string; html?: string }[] }[] }[] } }>(
      'GET',
      `/compare/${pull.json.merge_base}...${pull.json.head.sha}`,
    );
    const line = diff.json.diff.files.find((f) => f.filename === 'src/page.ts')?.hunks[0].lines.find((l) => l.type === 'add');
    expect(line?.html).toContain('&lt;img src=y');
    expect(line?.html).not.toContain('<img');
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('shows the unchanged lines between two hunks from the head, with the keyboard', async () => {
    const { page, errors, close } = await openPage(browser);
    await signInWithForm(page, server.url, owner);
    // test
    await page.goto(`${server.url}/${owner}/${name}/pulls/1/files`);
    const file = page.locator('details.fab-diff-file', { hasText: 'src/long.ts' });
    // Hunks at lines 1–5 and 25–30: the 19 lines between them are hidden.
    const button = file.getByRole('button', { name: 'Afficher 19 lignes' });
    await button.focus();
    await page.keyboard.press('Enter');
    await file.locator('tr.fab-expanded', { hasText: 'ligne15' }).waitFor();
    expect(await file.locator('tr.fab-expanded').count()).toBe(19);
    const row = await file.locator('tr.fab-expanded', { hasText: 'ligne15' }).locator('td.fab-num').allTextContents();
    expect(row).toEqual(['15', '15']);
    // Highlighted as the file view highlights it.
    expect(await file.locator('tr.fab-expanded .hljs-keyword', { hasText: 'export' }).count()).toBe(19);
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('lists on the home page the pull requests whose review is asked of the signed-in user, with repository and author', async () => {
    expect((await api('POST', '/pulls/1/requested_reviewers', { reviewers: [reviewer] })).status).toBe(201);
    const { page, errors, close } = await openPage(browser);
    await signInWithForm(page, server.url, reviewer);
    // test
    await page.goto(`${server.url}/`);
    const queue = page.locator('fab-review-queue');
    await queue.getByRole('heading', { name: 'À relire' }).waitFor();
    const item = queue.locator('li', { hasText: 'Tarifs 2026' });
    await item.waitFor();
    expect(await item.textContent()).toContain(`${owner}/${name} · #1 par ${contributorName}`);
    expect(await item.getByRole('link').getAttribute('href')).toBe(`/${owner}/${name}/pulls/1`);
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('moves through the files tab with j, k, n and v, shows the keys with ?, and leaves typing alone', async () => {
    expect((await api('POST', '/pulls/1/comments', { path: 'src/tarifs.ts', body: 'Pourquoi 12 ?', new_position: 2 })).status).toBe(201);
    const { page, errors, close } = await openPage(browser);
    await signInWithForm(page, server.url, owner);
    // test
    await page.goto(`${server.url}/${owner}/${name}/pulls/1/files`);
    await page.locator('fab-diff-view details.fab-diff-file').first().waitFor();
    const files = await page.locator('fab-diff-view details.fab-diff-file summary .fab-file').allTextContents();
    const focusedFile = () => page.evaluate(() => document.activeElement?.closest('details')?.querySelector('summary .fab-file')?.textContent ?? null);
    await page.keyboard.press('?');
    await page.getByRole('heading', { name: 'Raccourcis clavier' }).waitFor();
    expect(await page.locator('.fab-shortcuts').textContent()).toContain('Fichier suivant');
    expect(await checkA11y(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await page.locator('.fab-shortcuts').count()).toBe(0);
    await page.keyboard.press('j');
    expect(await focusedFile()).toBe(files[0]);
    await page.keyboard.press('j');
    expect(await focusedFile()).toBe(files[1]);
    await page.keyboard.press('k');
    expect(await focusedFile()).toBe(files[0]);
    await page.keyboard.press('v');
    await expect.poll(async () => (await api<string[]>('GET', '/pulls/1/viewed')).json).toContain(files[0]);
    // The page reloads its data after the mark: the viewed file comes back folded.
    const first = page.locator('fab-diff-view details.fab-diff-file', { hasText: files[0] });
    await expect.poll(() => first.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await page.keyboard.press('n');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('FAB-REVIEW-THREAD');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Pourquoi 12 ?');
    // Typing in a field is typing: j stays in the text.
    const field = page.locator('fab-review-form textarea').first();
    await field.fill('');
    await field.focus();
    await page.keyboard.type('jkv');
    expect(await field.inputValue()).toBe('jkv');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    expect(errors).toEqual([]);
    await close();
  });

  for (const layout of ['unified', 'split'] as const) {
    it(`the files tab in the ${layout} view does not widen the page at 1280 or 390 px: long lines scroll in their file's box`, async () => {
      const { page, errors, close } = await openPage(browser);
      await signInWithForm(page, server.url, owner);
      // test
      await page.goto(`${server.url}/${owner}/${name}/pulls/1/files`);
      await page.getByRole('button', { name: layout === 'split' ? 'Côte à côte' : 'Unifié' }).click();
      await page.locator('fab-diff-view details.fab-diff-file', { hasText: 'src/tarifs.ts' }).locator(`table.fab-${layout}`).waitFor();
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        const sizes = await page.evaluate(() => {
          const wrap = [...document.querySelectorAll<HTMLElement>('fab-diff-view .fab-table-wrap')].find((w) => w.textContent?.includes('zone-39'));
          return {
            page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            box: wrap ? wrap.scrollWidth - wrap.clientWidth : -1,
          };
        });
        expect(sizes.page).toBe(0);
        expect(sizes.box).toBeGreaterThan(0);
        expect(await checkA11y(page)).toEqual([]);
        await page.screenshot({ path: join(SCREENSHOTS, `review-files-${layout}-${width}.png`), fullPage: true });
      }
      expect(errors).toEqual([]);
      await close();
    });
  }
});
