import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, git, hasObject, pushHistory, refOf, repoUrl, runGit, tempDir } from '../helpers/git.js';
import { buildRepo } from '../helpers/factories.js';
import { repoPath } from '../../server/git/store.js';
import { forkPath, makeWorld, type PullWorld } from '../pulls/setup.js';
import { api, as } from '../helpers/http.js';

describe('private forks stay private (issue #10, items 3, 12 and 17)', () => {
  let w: PullWorld;
  let o: string;
  let c: string;

  beforeAll(async () => {
    w = await makeWorld();
    o = w.maintainer.username;
    c = w.contributor.username;
  });
  afterAll(() => w.server.close());

  it('a read-only collaborator cannot publish a private repository through a fork, a fork of the fork, or its parent going private', async () => {
    // setup: a private repository with a secret, the contributor a read-only collaborator
    const { db } = w.server.app.forge;
    await buildRepo(db, w.server.config.reposDir, w.maintainer, { name: 'vault', isPrivate: true });
    pushHistory(repoPath(w.server.config.reposDir, o, 'vault'), [{ message: 'Secret', files: { 'SECRET.txt': 'the password\n' } }]);
    await db.prepare("UPDATE repositories SET is_empty = 0 WHERE lower_name = 'vault'").run();
    expect((await api(w.server.url, 'PUT', `/repos/${o}/vault/collaborators/${c}`, { auth: as(w.tokens.maintainer), body: { permission: 'read' } })).status).toBe(204);
    // test: the fork is private and stays so
    const fork = await api(w.server.url, 'POST', `/repos/${o}/vault/forks`, { auth: as(w.tokens.contributor), body: {} });
    expect(fork.status).toBe(202);
    expect(fork.body).toMatchObject({ private: true, fork: true });
    const publish = await api(w.server.url, 'PATCH', `/repos/${c}/vault`, { auth: as(w.tokens.contributor), body: { private: false } });
    expect(publish.status).toBe(422);
    expect(publish.body.message).toMatch(/must stay private/);
    expect((await fetch(`${w.server.url}/${c}/vault/raw/branch/main/SECRET.txt`)).status).toBe(404);
    expect((await api(w.server.url, 'GET', `/repos/${c}/vault`, {})).status).toBe(404);
    // a fork of the fork is private too, and cannot be published either
    const second = await api(w.server.url, 'POST', `/repos/${c}/vault/forks`, { auth: as(w.tokens.contributor), body: { name: 'vault-2' } });
    expect(second.body).toMatchObject({ private: true, fork: true });
    expect((await api(w.server.url, 'PATCH', `/repos/${c}/vault-2`, { auth: as(w.tokens.contributor), body: { private: false } })).status).toBe(422);
    expect((await fetch(`${w.server.url}/${c}/vault-2/raw/branch/main/SECRET.txt`)).status).toBe(404);
    // other settings of the private fork can still change
    expect((await api(w.server.url, 'PATCH', `/repos/${c}/vault`, { auth: as(w.tokens.contributor), body: { description: 'mine' } })).status).toBe(200);
  });

  it('a parent made private detaches its public forks (they stay public); its private forks stay private', async () => {
    // setup: a public repository, a public fork and a private fork of it
    const { db } = w.server.app.forge;
    await buildRepo(db, w.server.config.reposDir, w.maintainer, { name: 'doc' });
    pushHistory(repoPath(w.server.config.reposDir, o, 'doc'), [{ message: 'Doc', files: { 'doc.md': '# Doc\n' } }]);
    await db.prepare("UPDATE repositories SET is_empty = 0 WHERE lower_name = 'doc'").run();
    expect((await api(w.server.url, 'POST', `/repos/${o}/doc/forks`, { auth: as(w.tokens.contributor), body: {} })).body.private).toBe(false);
    expect((await api(w.server.url, 'POST', `/repos/${o}/doc/forks`, { auth: as(w.tokens.outsider), body: {} })).body.private).toBe(false);
    expect((await api(w.server.url, 'PATCH', `/repos/${w.outsider.username}/doc`, { auth: as(w.tokens.outsider), body: { private: true } })).status).toBe(200);
    // test
    expect((await api(w.server.url, 'PATCH', `/repos/${o}/doc`, { auth: as(w.tokens.maintainer), body: { private: true } })).status).toBe(200);
    const detached = await api(w.server.url, 'GET', `/repos/${c}/doc`, {});
    expect(detached.body).toMatchObject({ private: false, fork: false, parent: null });
    const kept = await api(w.server.url, 'GET', `/repos/${w.outsider.username}/doc`, { auth: as(w.tokens.outsider) });
    expect(kept.body).toMatchObject({ private: true, fork: true });
    const refused = await api(w.server.url, 'PATCH', `/repos/${w.outsider.username}/doc`, { auth: as(w.tokens.outsider), body: { private: false } });
    expect(refused.status).toBe(422);
  });

  it('counts forks as the fork list shows them to each viewer', async () => {
    // setup: two forks of the public repository, one made private by its owner
    expect((await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { auth: as(w.tokens.contributor), body: {} })).status).toBe(202);
    expect((await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { auth: as(w.tokens.outsider), body: {} })).status).toBe(202);
    expect((await api(w.server.url, 'PATCH', `/repos/${w.outsider.username}/site`, { auth: as(w.tokens.outsider), body: { private: true } })).status).toBe(200);
    // test
    for (const [who, expected] of [
      [null, 1],
      [w.tokens.contributor, 1],
      [w.tokens.outsider, 2],
    ] as const) {
      const repo = await api(w.server.url, 'GET', `/repos/${o}/site`, { auth: as(who) });
      const forks = await api(w.server.url, 'GET', `/repos/${o}/site/forks`, { auth: as(who) });
      expect(forks.body).toHaveLength(expected);
      expect(repo.body.forks_count).toBe(expected);
      const search = await api(w.server.url, 'GET', `/repos/search?q=site&uid=${w.maintainer.id}`, { auth: as(who) });
      expect(search.body.data.find((r: { full_name: string }) => r.full_name === `${o}/site`).forks_count).toBe(expected);
    }
  });

  it('a public fork made private, or deleted, stops feeding its pull requests: they keep their last head and say why', async () => {
    // setup: a branch of the contributor's public fork, proposed to the maintainer's public repository
    const work = tempDir();
    const remote = repoUrl(w.server.url, c, 'site', { user: c, secret: w.tokens.contributor });
    await git(['clone', '-q', remote, work]);
    await git(['checkout', '-q', '-b', 'topic'], { cwd: work });
    const published = await commitFiles(work, { 'topic.md': 'public\n' }, 'Public change');
    await git(['push', '-q', 'origin', 'topic'], { cwd: work });
    const pr = await api(w.server.url, 'POST', `/repos/${o}/site/pulls`, { auth: as(w.tokens.contributor), body: { head: `${c}:topic`, base: 'main', title: 'Topic' } });
    expect(pr.status).toBe(201);
    const ref = `refs/pull/${pr.body.number}/head`;
    expect(refOf(w.path, ref)).toBe(published);
    expect(pr.body.head_unavailable_reason).toBeNull();
    // test: made private, the fork's new commits reach neither the ref nor the base repository
    expect((await api(w.server.url, 'PATCH', `/repos/${c}/site`, { auth: as(w.tokens.contributor), body: { private: true } })).status).toBe(200);
    const hidden = await commitFiles(work, { 'topic.md': 'private\n' }, 'Private change');
    await git(['push', '-q', 'origin', 'topic'], { cwd: work });
    expect(refOf(forkPath(w, c, 'site'), 'refs/heads/topic')).toBe(hidden);
    expect(refOf(w.path, ref)).toBe(published);
    expect(hasObject(w.path, hidden)).toBe(false);
    const shown = await api(w.server.url, 'GET', `/repos/${o}/site/pulls/${pr.body.number}`, {});
    expect(shown.body).toMatchObject({ head_unavailable_reason: 'head_repo_private', head: { sha: published } });
    const fetched = tempDir();
    await git(['init', '-q', fetched]);
    const fetch = await runGit(['fetch', '-q', repoUrl(w.server.url, o, 'site'), `pull/${pr.body.number}/head`], { cwd: fetched });
    expect(fetch.code).toBe(0);
    expect((await git(['rev-parse', 'FETCH_HEAD'], { cwd: fetched })).trim()).toBe(published);
    // public again (its parent is public): it feeds the pull request again
    expect((await api(w.server.url, 'PATCH', `/repos/${c}/site`, { auth: as(w.tokens.contributor), body: { private: false } })).status).toBe(200);
    const again = await commitFiles(work, { 'topic.md': 'public again\n' }, 'Public again');
    await git(['push', '-q', 'origin', 'topic'], { cwd: work });
    expect(refOf(w.path, ref)).toBe(again);
    // deleted: the pull request keeps its head and says why
    expect((await api(w.server.url, 'DELETE', `/repos/${c}/site`, { auth: as(w.tokens.contributor) })).status).toBe(204);
    const orphan = await api(w.server.url, 'GET', `/repos/${o}/site/pulls/${pr.body.number}`, {});
    expect(orphan.body).toMatchObject({ head_unavailable_reason: 'head_repo_deleted', head: { sha: again } });
    expect(refOf(w.path, ref)).toBe(again);
  });

  it('refuses a pull request whose head is a private fork of a public repository, storing nothing', async () => {
    // setup: a fork made private, with a branch of its own
    const fork = await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { auth: as(w.tokens.contributor), body: { name: 'site-hidden' } });
    expect(fork.status).toBe(202);
    expect((await api(w.server.url, 'PATCH', `/repos/${c}/site-hidden`, { auth: as(w.tokens.contributor), body: { private: true } })).status).toBe(200);
    const work = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, c, 'site-hidden', { user: c, secret: w.tokens.contributor }), work]);
    await git(['checkout', '-q', '-b', 'secret'], { cwd: work });
    const hidden = await commitFiles(work, { 'secret.md': 'not for everyone\n' }, 'Secret change');
    await git(['push', '-q', 'origin', 'secret'], { cwd: work });
    const before = (await api(w.server.url, 'GET', `/repos/${o}/site/pulls?state=all`, {})).body.length;
    // test
    const pr = await api(w.server.url, 'POST', `/repos/${o}/site/pulls`, { auth: as(w.tokens.contributor), body: { head: `${c}:secret`, base: 'main', title: 'Secret' } });
    expect(pr.status).toBe(422);
    expect(pr.body.message).toMatch(/read by fewer people/);
    expect((await api(w.server.url, 'GET', `/repos/${o}/site/pulls?state=all`, {})).body.length).toBe(before);
    expect(hasObject(w.path, hidden)).toBe(false);
  });
});
