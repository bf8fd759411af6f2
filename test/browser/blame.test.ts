import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { lookAt, openPage, useBrowser, waitForHeading } from '../helpers/browser.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { pushHistory } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

const LONG = `  const parcelles = [${Array.from({ length: 40 }, (_, i) => `'parcelle-${i}'`).join(', ')}];`;
const V1 = ['export function surface(a: number, b: number): number {', '  return a * b;', '}', ''].join('\n');
const V2 = ['export function surface(a: number, b: number): number {', LONG, '  return Math.round(a * b);', '}', ''].join('\n');

// Each walk runs axe and takes screenshots at two widths: more than vitest's default 30 s on a busy machine.
describe('blame page and permalinks', { timeout: 120_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let owner: string;
  let commits: string[];

  beforeAll(async () => {
    // setup: a file whose lines come from two commits, one of them a very long line
    server = await startServer();
    const { db, config } = server.app.forge;
    const user = await buildUser(db);
    owner = user.username;
    const repo = await buildRepo(db, config.reposDir, user, { name: 'cadastre' });
    commits = pushHistory(repoPath(config.reposDir, owner, 'cadastre'), [
      { message: 'Calcul des surfaces', files: { 'src/main.ts': V1 } },
      { message: 'Arrondit la surface <b>et liste les parcelles</b>', files: { 'src/main.ts': V2 } },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('opens the blame from the file view: each block with its commit, axe-clean, no page scroll at 390 px', async () => {
    const { page, errors, close } = await openPage(browser());
    // test
    await page.goto(`${server.url}/${owner}/cadastre/src/branch/main/src/main.ts`);
    await waitForHeading(page, 'main.ts');
    await page.getByRole('link', { name: 'Annotations de main.ts' }).click();
    await waitForHeading(page, 'Annotations de main.ts');
    expect(new URL(page.url()).pathname).toBe(`/${owner}/cadastre/blame/branch/main/src/main.ts`);
    await page.locator('fab-code-view .hljs-keyword').first().waitFor();
    // Three blocks: line 1 (first commit), lines 2-3 (second), line 4 (first).
    const starts = page.locator('.fab-blame-start');
    expect(await starts.count()).toBe(3);
    expect(await starts.nth(0).locator('a').textContent()).toBe(commits[0].slice(0, 7));
    expect(await starts.nth(1).locator('a').getAttribute('href')).toBe(`/${owner}/cadastre/commit/${commits[1]}`);
    // The subject is text, never markup.
    expect(await starts.nth(1).locator('.fab-blame-summary').textContent()).toBe('Arrondit la surface <b>et liste les parcelles</b>');
    expect(await page.locator('fab-code-view b').count()).toBe(0);
    // The newer commit's bar is darker than the older one's.
    expect(await starts.nth(1).getAttribute('class')).toContain('fab-age-7');
    expect(await starts.nth(0).getAttribute('class')).toContain('fab-age-0');
    await lookAt(page, 'blame');
    await page.setViewportSize({ width: 390, height: 900 });
    // The long line scrolls inside the code box, not the page.
    expect(await page.locator('fab-code-view').evaluate((box) => box.scrollWidth > box.clientWidth)).toBe(true);
    expect(errors).toEqual([]);
    await close();
  });

  it('y rewrites the URL to the commit, keeping the selected lines, on the blame and the file view', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.goto(`${server.url}/${owner}/cadastre/blame/branch/main/src/main.ts#L2-L3`);
    await waitForHeading(page, 'Annotations de main.ts');
    await page.locator('.fab-line.fab-selected').first().waitFor();
    expect(await page.locator('.fab-line.fab-selected').count()).toBe(2);
    await page.keyboard.press('y');
    expect(new URL(page.url()).pathname + new URL(page.url()).hash).toBe(`/${owner}/cadastre/blame/commit/${commits[1]}/src/main.ts#L2-L3`);
    // The permalink works as a link of its own.
    await page.reload();
    await waitForHeading(page, 'Annotations de main.ts');
    await page.locator('.fab-line.fab-selected').first().waitFor();
    expect(await page.locator('.fab-line.fab-selected').count()).toBe(2);

    await page.goto(`${server.url}/${owner}/cadastre/src/branch/main/src/main.ts`);
    await waitForHeading(page, 'main.ts');
    await page.getByRole('link', { name: 'Ligne 1', exact: true }).click();
    await page.getByRole('link', { name: 'Ligne 3', exact: true }).click({ modifiers: ['Shift'] });
    expect(new URL(page.url()).hash).toBe('#L1-L3');
    await page.keyboard.press('y');
    expect(new URL(page.url()).pathname + new URL(page.url()).hash).toBe(`/${owner}/cadastre/src/commit/${commits[1]}/src/main.ts#L1-L3`);
    await page.reload();
    await waitForHeading(page, 'main.ts');
    await page.locator('.fab-line.fab-selected').first().waitFor();
    expect(await page.locator('.fab-line.fab-selected').count()).toBe(3);
    expect(errors).toEqual([]);
    await close();
  });
});
