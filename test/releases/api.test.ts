import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRepo, buildToken } from '../helpers/factories.js';
import { gitSync, pushHistory } from '../helpers/git.js';
import { api, as, request } from '../helpers/http.js';
import { repoPath } from '../../server/git/store.js';
import type { ReleaseEvent } from '../../server/services/events.js';
import { makeWorld, settledPull, type PullWorld } from '../pulls/setup.js';

describe('releases over the Gitea API', () => {
  let w: PullWorld;
  let repo: string;
  const events: ReleaseEvent[] = [];
  const rows = async () => await w.server.app.forge.db.prepare('SELECT count(*) FROM releases').pluck().get() as number;
  const tagOf = (name: string) => {
    try {
      return gitSync(w.path, ['rev-parse', '--verify', '--quiet', `refs/tags/${name}^{commit}`]);
    } catch {
      return null;
    }
  };

  beforeAll(async () => {
    // setup: the world's public repository (main, feature, clash) and a subscriber of the bus
    w = await makeWorld();
    repo = `/repos/${w.maintainer.username}/site`;
    w.server.app.events.subscribe('release', (e) => void events.push(e));
  });
  afterAll(() => w.server.close());

  it('refuses anonymous, strangers and read-only tokens, storing nothing and creating no tag', async () => {
    // test
    const body = { tag_name: 'v0.1', name: 'Nope' };
    expect((await api(w.server.url, 'POST', `${repo}/releases`, { body })).status).toBe(401);
    expect((await api(w.server.url, 'POST', `${repo}/releases`, { auth: as(w.tokens.outsider), body })).status).toBe(403);
    const reader = await buildToken(w.server.app.forge.db, w.maintainer, ['read:repository']);
    const scoped = await api(w.server.url, 'POST', `${repo}/releases`, { auth: as(reader), body });
    expect(scoped.status).toBe(403);
    expect(scoped.body.message).toContain('write:repository');
    const bad = await api(w.server.url, 'POST', `${repo}/releases`, { auth: as(w.tokens.maintainer), body: { tag_name: 'v..1' } });
    expect(bad.status).toBe(422);
    const nowhere = await api(w.server.url, 'POST', `${repo}/releases`, { auth: as(w.tokens.maintainer), body: { tag_name: 'v0.1', target_commitish: 'no-such-branch' } });
    expect(nowhere.status).toBe(422);
    expect(nowhere.body.message).toContain('no-such-branch');
    expect(await rows()).toBe(0);
    expect(tagOf('v0.1')).toBeNull();
    expect(events).toEqual([]);
  });

  it('creates a release and its lightweight tag at the target through the gate, in Gitea\'s shape, and tells the bus', async () => {
    // test
    const feature = gitSync(w.path, ['rev-parse', 'refs/heads/feature']);
    const created = await api(w.server.url, 'POST', `${repo}/releases`, {
      auth: as(w.tokens.maintainer),
      body: { tag_name: 'v1.0', target_commitish: 'feature', name: 'Première version', body: 'Notes **importantes**' },
    });
    expect(created.status).toBe(201);
    const base = `${w.server.url}/api/v1${repo}`;
    expect(created.body).toMatchObject({
      tag_name: 'v1.0',
      target_commitish: 'feature',
      name: 'Première version',
      body: 'Notes **importantes**',
      url: `${base}/releases/${created.body.id}`,
      html_url: `${w.server.url}/${w.maintainer.username}/site/releases/tag/v1.0`,
      tarball_url: `${base}/archive/v1.0.tar.gz`,
      zipball_url: `${base}/archive/v1.0.zip`,
      upload_url: `${base}/releases/${created.body.id}/assets`,
      draft: false,
      prerelease: false,
      author: { login: w.maintainer.username },
      assets: [],
    });
    expect(created.body.body_html).toContain('<strong>importantes</strong>');
    expect(created.body.published_at).toBeTypeOf('string');
    expect(tagOf('v1.0')).toBe(feature);
    // The archive the release links to is served.
    const archive = await request(w.server.url, `/api/v1${repo}/archive/v1.0.tar.gz`);
    expect(archive.status).toBe(200);
    expect(events).toMatchObject([{ repoId: w.repo.id, actorId: w.maintainer.id, action: 'published', release: { id: created.body.id, tag_name: 'v1.0' } }]);
    const again = await api(w.server.url, 'POST', `${repo}/releases`, { auth: as(w.tokens.maintainer), body: { tag_name: 'v1.0' } });
    expect(again.status).toBe(409);
  });

  it('releases an existing annotated tag as it is, at its commit', async () => {
    // setup: an annotated tag on main, pushed as git would
    const main = gitSync(w.path, ['rev-parse', 'refs/heads/main']);
    gitSync(w.path, ['-c', 'user.name=T', '-c', 'user.email=t@example.org', 'tag', '-a', '-m', 'Annotated', 'v0.9', main]);
    const tagObject = gitSync(w.path, ['rev-parse', 'refs/tags/v0.9']);
    // test
    const created = await api(w.server.url, 'POST', `${repo}/releases`, { auth: as(w.tokens.maintainer), body: { tag_name: 'v0.9', prerelease: true } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'v0.9', prerelease: true });
    expect(gitSync(w.path, ['rev-parse', 'refs/tags/v0.9'])).toBe(tagObject);
    const byTag = await api(w.server.url, 'GET', `${repo}/releases/tags/v0.9`);
    expect(byTag.body.id).toBe(created.body.id);
  });

  it('keeps drafts from readers who may not write, and creates a draft\'s tag only when it is published', async () => {
    // test
    const draft = await api(w.server.url, 'POST', `${repo}/releases`, { auth: as(w.tokens.maintainer), body: { tag_name: 'v2.0', name: 'Brouillon', draft: true } });
    expect(draft.status).toBe(201);
    expect(draft.body.published_at).toBeNull();
    expect(tagOf('v2.0')).toBeNull();
    const before = events.length;
    for (const auth of [undefined, as(w.tokens.outsider)]) {
      expect((await api(w.server.url, 'GET', `${repo}/releases/${draft.body.id}`, { auth })).status).toBe(404);
      expect((await api(w.server.url, 'GET', `${repo}/releases/tags/v2.0`, { auth })).status).toBe(404);
      const list = await api(w.server.url, 'GET', `${repo}/releases`, { auth });
      expect(list.body.map((r: { tag_name: string }) => r.tag_name)).not.toContain('v2.0');
    }
    const mine = await api(w.server.url, 'GET', `${repo}/releases?draft=true`, { auth: as(w.tokens.maintainer) });
    expect(mine.body.map((r: { tag_name: string }) => r.tag_name)).toEqual(['v2.0']);
    const pre = await api(w.server.url, 'GET', `${repo}/releases?pre-release=true`);
    expect(pre.body.map((r: { tag_name: string }) => r.tag_name)).toEqual(['v0.9']);
    const published = await api(w.server.url, 'PATCH', `${repo}/releases/${draft.body.id}`, { auth: as(w.tokens.maintainer), body: { draft: false, body: 'Enfin' } });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ draft: false, body: 'Enfin', name: 'Brouillon' });
    expect(published.body.published_at).toBeTypeOf('string');
    expect(tagOf('v2.0')).toBe(gitSync(w.path, ['rev-parse', 'refs/heads/main']));
    expect(events.slice(before).map((e) => e.action)).toEqual(['published']);
    expect((await api(w.server.url, 'GET', `${repo}/releases/tags/v2.0`)).status).toBe(200);
  });

  it('answers the latest release (newest published, not a pre-release), and pages the list', async () => {
    // test
    const latest = await api(w.server.url, 'GET', `${repo}/releases/latest`);
    expect(latest.status).toBe(200);
    expect(latest.body.tag_name).toBe('v2.0');
    const page = await api(w.server.url, 'GET', `${repo}/releases?limit=1&page=2`);
    expect(page.headers.get('x-total-count')).toBe('3');
    expect(page.body.map((r: { tag_name: string }) => r.tag_name)).toEqual(['v0.9']);
  });

  it('edits and deletes a release; its tag stays', async () => {
    // test
    const { body: release } = await api(w.server.url, 'GET', `${repo}/releases/tags/v1.0`);
    const edited = await api(w.server.url, 'PATCH', `${repo}/releases/${release.id}`, { auth: as(w.tokens.maintainer), body: { name: 'Renommée', prerelease: true } });
    expect(edited.body).toMatchObject({ name: 'Renommée', prerelease: true, tag_name: 'v1.0' });
    const retag = await api(w.server.url, 'PATCH', `${repo}/releases/${release.id}`, { auth: as(w.tokens.maintainer), body: { tag_name: 'v1.1' } });
    expect(retag.status).toBe(422);
    expect((await api(w.server.url, 'DELETE', `${repo}/releases/${release.id}`, { auth: as(w.tokens.contributor) })).status).toBe(403);
    const before = events.length;
    expect((await api(w.server.url, 'DELETE', `${repo}/releases/${release.id}`, { auth: as(w.tokens.maintainer) })).status).toBe(204);
    expect((await api(w.server.url, 'GET', `${repo}/releases/${release.id}`)).status).toBe(404);
    expect(tagOf('v1.0')).not.toBeNull();
    expect(events.slice(before)).toMatchObject([{ action: 'deleted', release: { tag_name: 'v1.0' } }]);
    expect((await api(w.server.url, 'DELETE', `${repo}/releases/tags/v0.9`, { auth: as(w.tokens.maintainer) })).status).toBe(204);
    expect((await api(w.server.url, 'GET', `${repo}/releases/tags/v0.9`)).status).toBe(404);
    expect(tagOf('v0.9')).not.toBeNull();
  });

  it('generates notes from the pull requests merged since the previous release', async () => {
    // setup: a pull request merged after v2.0
    const opened = await api(w.server.url, 'POST', `${repo}/pulls`, { auth: as(w.tokens.contributor), body: { head: 'feature', base: 'main', title: 'Ajoute la carte' } });
    await settledPull(w, w.maintainer.username, 'site', opened.body.number);
    expect((await api(w.server.url, 'POST', `${repo}/pulls/${opened.body.number}/merge`, { auth: as(w.tokens.maintainer), body: { Do: 'merge' } })).status).toBe(200);
    // test
    const notes = await api(w.server.url, 'POST', `${repo}/releases/generate-notes`, { auth: as(w.tokens.maintainer), body: { tag_name: 'v3.0' } });
    expect(notes.status).toBe(200);
    expect(notes.body.body).toContain(`* Ajoute la carte (#${opened.body.number}) @${w.contributor.username}`);
    expect(notes.body.body).toContain('v2.0...v3.0');
    expect((await api(w.server.url, 'POST', `${repo}/releases/generate-notes`, { auth: as(w.tokens.outsider), body: { tag_name: 'v3.0' } })).status).toBe(403);
  });

  it('refuses a new tag in a mirror at the ref gate, creating nothing', async () => {
    // setup: a repository with a commit, marked as a mirror
    const { db } = w.server.app.forge;
    const mirror = await buildRepo(db, w.server.config.reposDir, w.maintainer, { name: 'mirrored' });
    pushHistory(repoPath(w.server.config.reposDir, w.maintainer.username, 'mirrored'), [{ message: 'First', files: { 'README.md': '# M\n' } }]);
    await db.prepare('UPDATE repositories SET is_empty = 0, is_mirror = 1 WHERE id = ?').run(mirror.id);
    // test
    const refused = await api(w.server.url, 'POST', `/repos/${w.maintainer.username}/mirrored/releases`, { auth: as(w.tokens.maintainer), body: { tag_name: 'v1' } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('mirror');
    expect(await db.prepare('SELECT count(*) FROM releases WHERE repo_id = ?').pluck().get(mirror.id)).toBe(0);
  });

  it('answers 404 for every release path of a private repository to strangers, as for a missing one', async () => {
    // setup
    const { db } = w.server.app.forge;
    const secret = await buildRepo(db, w.server.config.reposDir, w.maintainer, { name: 'secret', isPrivate: true });
    pushHistory(repoPath(w.server.config.reposDir, w.maintainer.username, 'secret'), [{ message: 'First', files: { 'README.md': '# S\n' } }]);
    await db.prepare('UPDATE repositories SET is_empty = 0 WHERE id = ?').run(secret.id);
    const created = await api(w.server.url, 'POST', `/repos/${w.maintainer.username}/secret/releases`, { auth: as(w.tokens.maintainer), body: { tag_name: 'v1' } });
    expect(created.status).toBe(201);
    // test
    const paths = ['/releases', `/releases/${created.body.id}`, '/releases/latest', '/releases/tags/v1', `/releases/${created.body.id}/assets`];
    for (const auth of [undefined, as(w.tokens.outsider)]) {
      for (const path of paths) expect((await api(w.server.url, 'GET', `/repos/${w.maintainer.username}/secret${path}`, { auth })).status).toBe(404);
      expect((await request(w.server.url, `/api/v4/projects/${w.maintainer.username}%2Fsecret/releases`, { headers: auth })).status).toBe(404);
    }
  });

  it('lists published releases in GitLab v4\'s shape', async () => {
    // test
    const list = await request(w.server.url, `/api/v4/projects/${w.maintainer.username}%2Fsite/releases`);
    expect(list.status).toBe(200);
    const body = list.body as Array<Record<string, unknown>>;
    expect(body.map((r) => r.tag_name)).toEqual(['v2.0']);
    expect(body[0]).toMatchObject({ name: 'Brouillon', description: 'Enfin', author: { username: w.maintainer.username }, upcoming_release: false });
    expect((body[0].assets as { sources: Array<{ format: string }> }).sources.map((s) => s.format)).toEqual(['zip', 'tar.gz']);
    const one = await request(w.server.url, `/api/v4/projects/${w.repo.id}/releases/v2.0`);
    expect(one.status).toBe(200);
    expect((await request(w.server.url, `/api/v4/projects/${w.repo.id}/releases/v9`)).status).toBe(404);
  });
});
