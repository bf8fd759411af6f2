import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { checkA11y, openPage, signInWithForm, useBrowser } from '../helpers/browser.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api } from '../helpers/http.js';
import { pushHistory } from '../helpers/git.js';
import { touchRepo } from '../../server/db/repos.js';
import { repoPath } from '../../server/git/store.js';

/** The merge box offers the styles the repository's settings allow, its default first, and says when there is none. */
describe('the merge box follows the repository merge styles', { timeout: 90_000 }, () => {
  let server: TestServer;
  const browser = useBrowser();
  let maintainer: string;
  let auth: Record<string, string>;
  const name = 'voirie';

  beforeAll(async () => {
    // setup
    server = await startServer();
    const { db, config } = server.app.forge;
    const owner = await buildUser(db);
    maintainer = owner.username;
    auth = { authorization: `token ${await buildToken(db, owner, ['all'])}` };
    const repo = await buildRepo(db, config.reposDir, owner, { name });
    pushHistory(repoPath(config.reposDir, maintainer, name), [
      { message: 'Premier commit', files: { 'README.md': '# Voirie\n' } },
      { message: 'Ajoute les rues', branch: 'rues', files: { 'rues.txt': 'rue de la République\n' } },
    ]);
    await touchRepo(db, repo.id, { isEmpty: false });
    const opened = await api(server.url, 'POST', `/repos/${maintainer}/${name}/pulls`, { auth, body: { head: 'rues', base: 'main', title: 'Les rues' } });
    expect(opened.status).toBe(201);
  });
  afterAll(async () => server?.close());

  it('offers only the allowed styles with the default first, then explains that none is allowed', async () => {
    const settings = { allow_merge_commits: false, allow_rebase: true, allow_squash_merge: true, allow_fast_forward_only_merge: true, default_merge_style: 'rebase' };
    expect((await api(server.url, 'PATCH', `/repos/${maintainer}/${name}`, { auth, body: settings })).status).toBe(200);
    const { page, errors, close } = await openPage(browser());
    await signInWithForm(page, server.url, maintainer);

    // test
    await page.goto(`${server.url}/${maintainer}/${name}/pulls/1`);
    const style = page.getByLabel('Méthode de fusion');
    await style.waitFor();
    const offered = await style.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(['rebase', 'squash', 'fast-forward-only']);
    expect(await style.inputValue()).toBe('rebase');

    const none = { allow_merge_commits: false, allow_rebase: false, allow_rebase_explicit: false, allow_squash_merge: false, allow_fast_forward_only_merge: false };
    expect((await api(server.url, 'PATCH', `/repos/${maintainer}/${name}`, { auth, body: none })).status).toBe(200);
    await page.reload();
    await page.getByText('Les réglages du dépôt n’autorisent aucune méthode de fusion').waitFor();
    expect(await page.getByLabel('Méthode de fusion').count()).toBe(0);
    expect(await checkA11y(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });
});
