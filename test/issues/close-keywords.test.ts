import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, git, repoUrl, tempDir } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';
import { makeWorld, settledPull, type PullWorld } from '../pulls/setup.js';

describe('closing keywords', () => {
  let w: PullWorld;
  let repo: string;
  const open = async (title: string) => (await api(w.server.url, 'POST', `${repo}/issues`, { auth: as(w.tokens.contributor), body: { title } })).body.number as number;
  const issue = async (n: number) => (await api(w.server.url, 'GET', `${repo}/issues/${n}`)).body;
  const timeline = async (n: number) => (await api(w.server.url, 'GET', `${repo}/issues/${n}/timeline`)).body as Array<Record<string, unknown>>;

  beforeAll(async () => {
    // setup
    w = await makeWorld();
    await w.server.app.forge.db.prepare("UPDATE users SET created_at = '2020-01-01T00:00:00.000Z'").run();
    repo = `/repos/${w.maintainer.username}/site`;
  });
  afterAll(() => w.server.close());

  it('closes an issue when a commit saying "Corrige #N" (any case, with accents or not) is pushed to the default branch', async () => {
    // setup
    const first = await open('La carte ne charge pas');
    const second = await open('Le texte déborde');
    const untouched = await open('Autre chose');
    const work = tempDir();
    const url = repoUrl(w.server.url, w.maintainer.username, 'site', { user: w.maintainer.username, secret: w.tokens.maintainer });
    await git(['clone', '-q', url, work]);
    const sha = await commitFiles(work, { 'fix.txt': 'ok\n' }, `Réparer la carte\n\nCORRIGE #${first}, résout #${second}; voir #${untouched}`);
    // test
    await git(['push', '-q', 'origin', 'main'], { cwd: work });
    expect(await issue(first)).toMatchObject({ state: 'closed' });
    expect(await issue(second)).toMatchObject({ state: 'closed' });
    expect(await issue(untouched)).toMatchObject({ state: 'open' });
    const closed = (await timeline(first)).find((e) => e.type === 'close');
    expect(closed).toMatchObject({ ref_commit_sha: sha, user: { login: w.maintainer.username } });
    expect((await timeline(untouched)).filter((e) => e.type === 'commit_ref').map((e) => e.ref_commit_sha)).toEqual([sha]);
  });

  it('leaves the issue open when the commit goes to another branch', async () => {
    // setup
    const number = await open('Sur une branche');
    const work = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, w.maintainer.username, 'site', { user: w.maintainer.username, secret: w.tokens.maintainer }), work]);
    await git(['checkout', '-q', '-b', 'topic'], { cwd: work });
    await commitFiles(work, { 'topic.txt': 'x\n' }, `fixes #${number}`);
    // test
    await git(['push', '-q', 'origin', 'topic'], { cwd: work });
    expect(await issue(number)).toMatchObject({ state: 'open' });
  });

  it('closes an issue when a pull request whose body says "fixes #N" is merged into the default branch', async () => {
    // setup
    const number = await open('Ajouter la page');
    const pull = await api(w.server.url, 'POST', `${repo}/pulls`, {
      auth: as(w.tokens.maintainer),
      body: { head: 'feature', base: 'main', title: 'Nouvelle page', body: `This Fixes #${number}.` },
    });
    expect(pull.status).toBe(201);
    expect(await issue(number)).toMatchObject({ state: 'open' });
    await settledPull(w, w.maintainer.username, 'site', pull.body.number);
    // test
    const merged = await api(w.server.url, 'POST', `${repo}/pulls/${pull.body.number}/merge`, { auth: as(w.tokens.maintainer), body: { Do: 'merge' } });
    expect(merged.status).toBe(200);
    expect(await issue(number)).toMatchObject({ state: 'closed' });
    const closed = (await timeline(number)).find((e) => e.type === 'close');
    expect(closed).toMatchObject({ ref_issue_number: pull.body.number, user: { login: w.maintainer.username } });
    // Opening the pull request already noted the reference.
    expect((await timeline(number)).filter((e) => e.type === 'pull_ref').map((e) => e.ref_issue_number)).toEqual([pull.body.number]);
  });
});
