import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allObjects, allRefs, commitFiles, git, refOf, repoUrl, runGit, tempDir } from '../helpers/git.js';
import { buildToken, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';
import { forkPath, makeWorld, type PullWorld } from './setup.js';
import type { UserRow } from '../../server/db/users.js';

describe('edits from maintainers on a pull request from a fork', () => {
  let w: PullWorld;
  let o: string;
  let c: string;
  let writer: UserRow;
  let writerToken: string;
  let fork: string;
  let pull: number;
  /** The writer's clone of the fork, on the pull request's head branch. */
  let work: string;
  const call = (method: string, path: string, token: string, body?: unknown) => api(w.server.url, method, path, { auth: as(token), body });
  const pullRow = async () => await w.server.app.forge.db.prepare('SELECT allow_maintainer_edit, head_sha FROM pull_requests WHERE base_repo_id = ? AND number = ?').get(w.repo.id, pull) as { allow_maintainer_edit: number; head_sha: string };

  /** The writer pushes `refspec` to the fork and shows that it was refused, naming `words`, and stored nothing. */
  async function refusedPush(refspec: string[], words: string): Promise<void> {
    const refs = allRefs(fork);
    const objects = allObjects(fork);
    const pushed = await runGit(['push', 'origin', ...refspec], { cwd: work });
    expect(pushed.code).not.toBe(0);
    expect(pushed.stderr).toContain(`remote: `);
    expect(pushed.stderr).toContain(words);
    expect(allRefs(fork)).toBe(refs);
    expect(allObjects(fork)).toBe(objects);
  }

  beforeAll(async () => {
    // setup: the contributor forks site and opens a pull request from its branch topic, letting
    // maintainers edit it; `writer` may write to the base (not to the fork) and clones the fork.
    w = await makeWorld();
    o = w.maintainer.username;
    c = w.contributor.username;
    writer = await buildUser(w.server.app.forge.db);
    writerToken = await buildToken(w.server.app.forge.db, writer, ['all']);
    expect((await call('PUT', `/repos/${o}/site/collaborators/${writer.username}`, w.tokens.maintainer, { permission: 'write' })).status).toBe(204);
    expect((await call('POST', `/repos/${o}/site/forks`, w.tokens.contributor, {})).status).toBe(202);
    fork = forkPath(w, c, 'site');
    const own = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, c, 'site', { user: c, secret: w.tokens.contributor }), own]);
    await git(['checkout', '-q', '-b', 'topic'], { cwd: own });
    await commitFiles(own, { 'TOPIC.md': 'topic\n' }, 'Topic');
    await git(['push', '-q', 'origin', 'topic'], { cwd: own });
    const opened = await call('POST', `/repos/${o}/site/pulls`, w.tokens.contributor, { head: `${c}:topic`, base: 'main', title: 'Topic', allow_maintainer_edit: true });
    expect(opened.status).toBe(201);
    expect(opened.body.allow_maintainer_edit).toBe(true);
    pull = opened.body.number;
    work = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, c, 'site', { user: writer.username, secret: writerToken }), work]);
    await git(['checkout', '-q', 'topic'], { cwd: work });
  });
  afterAll(() => w.server.close());

  it('lets a writer of the base push to the head branch with git push, and the pull request follows', async () => {
    // setup
    const sha = await commitFiles(work, { 'TOPIC.md': 'topic, edited by a maintainer\n' }, 'Maintainer edit');
    // test
    await git(['push', '-q', 'origin', 'topic'], { cwd: work });
    expect(refOf(fork, 'refs/heads/topic')).toBe(sha);
    for (let i = 0; i < 200 && (await pullRow()).head_sha !== sha; i++) await new Promise((r) => setTimeout(r, 25));
    expect((await pullRow()).head_sha).toBe(sha);
    expect(refOf(w.path, `refs/pull/${pull}/head`)).toBe(sha);
    const shown = await call('GET', `/repos/${o}/site/pulls/${pull}`, w.tokens.maintainer);
    expect(shown.body).toMatchObject({ allow_maintainer_edit: true, head: { sha } });
  });

  it('refuses the same writer any other branch, a new branch, a tag or deleting the head branch of the fork, storing nothing', async () => {
    // setup
    await git(['checkout', '-q', '-b', 'sneaky'], { cwd: work });
    await commitFiles(work, { 'EVIL.md': 'evil\n' }, 'Elsewhere');
    await git(['tag', 'v9'], { cwd: work });
    // test
    const only = 'you may push only to the head branch of a pull request that allows edits from maintainers ("topic").';
    await refusedPush(['sneaky:main'], `refused refs/heads/main: ${only}`);
    await refusedPush(['sneaky'], `refused refs/heads/sneaky: ${only}`);
    await refusedPush(['v9'], `refused refs/tags/v9: ${only}`);
    await refusedPush([':topic'], "refused refs/heads/topic: a pull request's head branch cannot be deleted by a maintainer of its base.");
    // a push of several refs is refused whole, the head branch included
    await refusedPush(['sneaky:topic', 'sneaky:main'], 'refused refs/heads/main');
    await git(['checkout', '-q', 'topic'], { cwd: work });
  });

  it('refuses a push to the head branch by someone who may not write to the base', async () => {
    // setup
    const outsiderWork = tempDir();
    await git(['clone', '-q', '-b', 'topic', repoUrl(w.server.url, c, 'site', { user: w.outsider.username, secret: w.tokens.outsider }), outsiderWork]);
    await commitFiles(outsiderWork, { 'TOPIC.md': 'hijacked\n' }, 'Hijack');
    const refs = allRefs(fork);
    // test
    const pushed = await runGit(['push', 'origin', 'topic'], { cwd: outsiderWork });
    expect(pushed.code).not.toBe(0);
    expect(pushed.stderr).toContain(`remote: You need write access to ${c}/site.`);
    expect(allRefs(fork)).toBe(refs);
  });

  it('lets only the author set the flag (403 for the base maintainers), and refuses the writer once it is off', async () => {
    // test: others may not set or clear it
    for (const token of [writerToken, w.tokens.maintainer]) {
      const edited = await call('PATCH', `/repos/${o}/site/pulls/${pull}`, token, { allow_maintainer_edit: false });
      expect(edited.status).toBe(403);
      expect(edited.body.message).toBe('Only the author of the pull request, who may write to its head repository, may let maintainers edit its branch.');
    }
    expect((await call('PATCH', `/repos/${o}/site/pulls/${pull}`, w.tokens.outsider, { allow_maintainer_edit: false })).status).toBe(403);
    expect((await pullRow()).allow_maintainer_edit).toBe(1);
    // nor open a pull request from a fork they may not write to with it
    const other = await call('POST', `/repos/${o}/site/pulls`, w.tokens.outsider, { head: `${c}:feature`, base: 'main', title: 'Not mine', allow_maintainer_edit: true });
    expect(other.status).toBe(403);
    expect(await w.server.app.forge.db.prepare("SELECT count(*) FROM pull_requests WHERE title = 'Not mine'").pluck().get()).toBe(0);
    // the author turns it off: the writer's push is refused
    const off = await call('PATCH', `/repos/${o}/site/pulls/${pull}`, w.tokens.contributor, { allow_maintainer_edit: false });
    expect(off.status).toBe(201);
    expect(off.body.allow_maintainer_edit).toBe(false);
    await commitFiles(work, { 'TOPIC.md': 'after the flag went off\n' }, 'Too late');
    await refusedPush(['topic'], `remote: You need write access to ${c}/site.`);
  });

  it('refuses the writer once the pull request is closed, even with the flag on', async () => {
    // setup
    expect((await call('PATCH', `/repos/${o}/site/pulls/${pull}`, w.tokens.contributor, { allow_maintainer_edit: true })).body.allow_maintainer_edit).toBe(true);
    expect((await call('PATCH', `/repos/${o}/site/pulls/${pull}`, w.tokens.contributor, { state: 'closed' })).status).toBe(201);
    // test
    await refusedPush(['topic'], `remote: You need write access to ${c}/site.`);
  });
});
