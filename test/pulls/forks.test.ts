import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { allRefs, commitFiles, git, refOf, repoUrl, tempDir } from '../helpers/git.js';
import { buildRepo } from '../helpers/factories.js';
import { forkPath, makeWorld, settledPull, type PullWorld } from './setup.js';
import { api, as } from '../helpers/http.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('forks and pull requests from a fork', () => {
  let w: PullWorld;
  let o: string;
  let c: string;
  const repoCount = async () => await w.server.app.forge.db.prepare('SELECT count(*) FROM repositories').pluck().get() as number;

  beforeAll(async () => {
    w = await makeWorld();
    o = w.maintainer.username;
    c = w.contributor.username;
  });
  afterAll(() => w.server.close());

  it('refuses forks it should not make, and writes nothing', async () => {
    // setup
    const priv = await buildRepo(w.server.app.forge.db, w.server.config.reposDir, w.maintainer, { name: 'secret', isPrivate: true });
    const before = await repoCount();
    // test
    expect((await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { body: {} })).status).toBe(401);
    expect((await api(w.server.url, 'POST', `/repos/${o}/nothing/forks`, { auth: as(w.tokens.contributor), body: {} })).status).toBe(404);
    expect((await api(w.server.url, 'POST', `/repos/${o}/${priv.name}/forks`, { auth: as(w.tokens.contributor), body: {} })).status).toBe(404);
    expect((await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { auth: as(w.tokens.contributor), body: { organization: 'no-such-org' } })).status).toBe(422);
    expect((await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { auth: as(w.tokens.maintainer), body: {} })).status).toBe(409);
    expect(await repoCount()).toBe(before);
    expect((await api(w.server.url, 'POST', `/repos/${o}/site/merge-upstream`, { auth: as(w.tokens.maintainer), body: { branch: 'main' } })).status).toBe(422);
  });

  it('forks with pack files hard-linked, the refs copied, and lists the fork', async () => {
    // setup: the parent's objects are packed, as after maintenance
    await git(['repack', '-a', '-d', '-q'], { cwd: w.path });
    // test
    const res = await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { auth: as(w.tokens.contributor), body: {} });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ fork: true, full_name: `${c}/site`, private: false, empty: false, default_branch: 'main' });
    const fork = forkPath(w, c, 'site');
    const packs = readdirSync(join(w.path, 'objects', 'pack')).filter((n) => n.endsWith('.pack'));
    expect(packs.length).toBeGreaterThan(0);
    for (const pack of packs) {
      expect(statSync(join(fork, 'objects', 'pack', pack)).ino).toBe(statSync(join(w.path, 'objects', 'pack', pack)).ino);
    }
    expect(allRefs(fork)).toBe(allRefs(w.path));
    const forks = await api(w.server.url, 'GET', `/repos/${o}/site/forks`, {});
    expect(forks.body.map((r: { full_name: string }) => r.full_name)).toEqual([`${c}/site`]);
    await git(['fsck', '--connectivity-only', '--no-progress'], { cwd: fork });
    const shown = await api(w.server.url, 'GET', `/repos/${c}/site`, {});
    expect(shown.body).toMatchObject({ fork: true, parent: { full_name: `${o}/site`, parent: null } });
    expect((await api(w.server.url, 'GET', `/repos/${o}/site`, {})).body.forks_count).toBe(1);
    // a private parent gives a private fork, into an organisation only where one may create repositories
    const priv = (await api(w.server.url, 'POST', `/repos/${o}/secret/forks`, { auth: as(w.tokens.maintainer), body: { name: 'secret-copy' } })).body;
    expect(priv).toMatchObject({ private: true, fork: true });
  });

  it('syncs a fork by fast-forward, and says so when it cannot', async () => {
    const fork = forkPath(w, c, 'site');
    const readme = await api(w.server.url, 'GET', `/repos/${o}/site/contents/README.md`, {});
    await api(w.server.url, 'PUT', `/repos/${o}/site/contents/README.md`, {
      auth: as(w.tokens.maintainer),
      body: { content: b64('# Upstream\n'), sha: readme.body.sha, message: 'Upstream change' },
    });
    expect((await api(w.server.url, 'POST', `/repos/${c}/site/merge-upstream`, { auth: as(w.tokens.outsider), body: { branch: 'main' } })).status).toBe(403);
    expect((await api(w.server.url, 'POST', `/repos/${c}/site/merge-upstream`, { auth: as(w.tokens.contributor), body: { branch: 'nope' } })).status).toBe(404);
    const synced = await api(w.server.url, 'POST', `/repos/${c}/site/merge-upstream`, { auth: as(w.tokens.contributor), body: { branch: 'main' } });
    expect(synced.status).toBe(200);
    expect(synced.body.merge_type).toBe('fast-forward');
    expect(refOf(fork, 'refs/heads/main')).toBe(refOf(w.path, 'refs/heads/main'));
    // feature diverged from main in the fork: upstream's main cannot fast-forward it
    const refs = allRefs(fork);
    await api(w.server.url, 'POST', `/repos/${o}/site/contents/feat.txt`, {
      auth: as(w.tokens.maintainer),
      body: { content: b64('x\n'), branch: 'feature', message: 'Upstream feature' },
    });
    await api(w.server.url, 'POST', `/repos/${c}/site/contents/mine.txt`, {
      auth: as(w.tokens.contributor),
      body: { content: b64('mine\n'), branch: 'feature', message: 'Fork feature' },
    });
    const refused = await api(w.server.url, 'POST', `/repos/${c}/site/merge-upstream`, { auth: as(w.tokens.contributor), body: { branch: 'feature' } });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/cannot be fast-forwarded/);
    expect(refOf(fork, 'refs/heads/feature')).not.toBe(refOf(w.path, 'refs/heads/feature'));
    expect(allRefs(fork)).not.toBe(refs);
  });

  it('opens a pull request from a fork pushed with the git CLI; the head and mergeability follow later pushes', async () => {
    // setup: the contributor pushes a branch to their fork with git
    const work = tempDir();
    const auth = { user: c, secret: w.tokens.contributor };
    await git(['clone', '-q', repoUrl(w.server.url, c, 'site', auth), work]);
    await git(['checkout', '-q', '-b', 'fix'], { cwd: work });
    await commitFiles(work, { 'src/app.txt': 'one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\n' }, 'Fix three');
    await git(['push', '-q', 'origin', 'fix'], { cwd: work });
    // test
    const created = await api(w.server.url, 'POST', `/repos/${o}/site/pulls`, {
      auth: as(w.tokens.contributor),
      body: { head: `${c}:fix`, base: 'main', title: 'Fix three' },
    });
    expect(created.status).toBe(201);
    const n = created.body.number as number;
    expect(created.body.head).toMatchObject({ label: `${c}:fix`, ref: 'fix', repo: { full_name: `${c}/site` } });
    expect(refOf(w.path, `refs/pull/${n}/head`)).toBe(refOf(forkPath(w, c, 'site'), 'refs/heads/fix'));
    expect((await settledPull(w, o, 'site', n)).mergeable_state).toBe('mergeable');

    // a push to the fork moves refs/pull/n/head in the base repository
    const second = await commitFiles(work, { 'other.txt': 'x\n' }, 'Second');
    await git(['push', '-q', 'origin', 'fix'], { cwd: work });
    expect(refOf(w.path, `refs/pull/${n}/head`)).toBe(second);
    const clone = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, o, 'site'), clone]);
    await git(['fetch', '-q', 'origin', `pull/${n}/head`], { cwd: clone });
    expect((await git(['rev-parse', 'FETCH_HEAD'], { cwd: clone })).trim()).toBe(second);

    // the maintainer changes the same line on main: the pull request now conflicts, with the file named
    const file = await api(w.server.url, 'GET', `/repos/${o}/site/contents/src/app.txt`, {});
    await api(w.server.url, 'PUT', `/repos/${o}/site/contents/src/app.txt`, {
      auth: as(w.tokens.maintainer),
      body: { content: b64('one\ntwo\nthree!\nfour\nfive\nsix\nseven\neight\n'), sha: file.body.sha, message: 'Three!' },
    });
    const checked = await settledPull(w, o, 'site', n);
    expect(checked).toMatchObject({ mergeable_state: 'conflict', conflicted_files: ['src/app.txt'] });
  });
});
