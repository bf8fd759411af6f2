import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildUser } from '../helpers/factories.js';
import { openPage, useBrowser, waitForHeading } from '../helpers/browser.js';
import { repoPath } from '../../server/git/store.js';
import { pushHistory } from '../helpers/git.js';

/**
 * Names are chosen by people, and a municipality's are long: at 390 px a repository's pages must
 * break them rather than scroll sideways (a 3 px overflow once came from the home page's title).
 */
describe('long owner and repository names on a phone', () => {
  const browser = useBrowser();
  let server: TestServer;
  const owner = 'municipalite-de-villeurbanne';
  const name = 'plan-velo-metropolitain-2030';

  beforeAll(async () => {
    // setup
    server = await startServer();
    const { db, config } = server.app.forge;
    const user = await buildUser(db, { username: owner });
    const repo = await buildRepo(db, config.reposDir, user, { name });
    pushHistory(repoPath(config.reposDir, owner, name), [{ message: 'Premier jet', files: { 'README.md': '# Plan vélo\n', 'docs/itineraires-cyclables-structurants.md': '# Itinéraires\n' } }]);
    await db.prepare('UPDATE repositories SET is_empty = 0 WHERE id = ?').run(repo.id);
  });
  afterAll(() => server.close());

  it('breaks them on the repository home, a folder and a file at 390 px instead of widening the page', async () => {
    const { page, errors, close } = await openPage(browser());
    await page.setViewportSize({ width: 390, height: 900 });
    // test
    for (const path of ['', '/src/branch/main/docs', '/src/branch/main/docs/itineraires-cyclables-structurants.md']) {
      await page.goto(`${server.url}/${owner}/${name}${path}`);
      await waitForHeading(page, /./);
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(await overflow(), `${path || 'home'} scrolls sideways`).toBeLessThanOrEqual(0);
    }
    expect(errors).toEqual([]);
    await close();
  });
});
