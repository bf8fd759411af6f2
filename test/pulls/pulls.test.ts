import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCollaborator } from '../../server/services/repos.js';
import { buildRepo } from '../helpers/factories.js';
import { createProtection } from '../../server/services/branch-protections.js';
import { allRefs, git, gitSync, refOf, repoUrl, tempDir } from '../helpers/git.js';
import { makeWorld, settledPull, type PullWorld } from './setup.js';
import { api, as } from '../helpers/http.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('pull requests', () => {
  let w: PullWorld;
  let o: string;
  const call = (method: string, path: string, token: string | null, body?: unknown) =>
    api(w.server.url, method, `/repos/${o}/site${path}`, { auth: token === null ? {} : as(token), body });
  const pullCount = async () => await w.server.app.forge.db.prepare('SELECT count(*) FROM pull_requests').pluck().get() as number;

  beforeAll(async () => {
    w = await makeWorld();
    o = w.maintainer.username;
  });
  afterAll(() => w.server.close());

  it('refuses bad input and writes nothing', async () => {
    // setup
    const refs = allRefs(w.path);
    // test
    expect((await call('POST', '/pulls', null, { head: 'feature', base: 'main', title: 'x' })).status).toBe(401);
    expect((await call('POST', '/pulls', w.tokens.contributor, { head: 'nope', base: 'main', title: 'x' })).status).toBe(404);
    expect((await call('POST', '/pulls', w.tokens.contributor, { head: 'feature', base: 'nope', title: 'x' })).status).toBe(404);
    expect((await call('POST', '/pulls', w.tokens.contributor, { head: 'main', base: 'main', title: 'x' })).status).toBe(422);
    expect((await call('POST', '/pulls', w.tokens.contributor, { head: 'stranger:feature', base: 'main', title: 'x' })).status).toBe(404);
    expect((await call('POST', '/pulls', w.tokens.contributor, { head: 'feature', base: 'main' })).status).toBe(422);
    // the title becomes a merge commit's subject: a second line would write its trailers
    const twoLines = await call('POST', '/pulls', w.tokens.contributor, { head: 'feature', base: 'main', title: 'Fix\n\nCo-authored-by: Mallory <m@example.org>' });
    expect(twoLines.status).toBe(422);
    expect(twoLines.body.message).toBe('The title must be one line.');
    expect((await call('GET', '/pulls/99', w.tokens.contributor)).status).toBe(404);
    expect((await call('POST', '/pulls/99/merge', w.tokens.maintainer, { Do: 'merge' })).status).toBe(404);
    const { db } = w.server.app.forge;
    const secret = await buildRepo(db, w.server.config.reposDir, w.maintainer, { name: 'hidden', isPrivate: true });
    for (const path of ['/pulls', '/pulls/1', '/pulls/1/files', '/issues/1/comments']) {
      expect((await api(w.server.url, 'GET', `/repos/${o}/${secret.name}${path}`, { auth: as(w.tokens.outsider) })).status).toBe(404);
    }
    expect((await api(w.server.url, 'POST', `/repos/${o}/${secret.name}/pulls`, { auth: as(w.tokens.outsider), body: { head: 'a', base: 'b', title: 'x' } })).status).toBe(404);
    await db.prepare('UPDATE repositories SET is_archived = 1 WHERE id = ?').run(w.repo.id);
    expect((await call('POST', '/pulls', w.tokens.contributor, { head: 'feature', base: 'main', title: 'x' })).status).toBe(403);
    await db.prepare('UPDATE repositories SET is_archived = 0 WHERE id = ?').run(w.repo.id);
    expect(await pullCount()).toBe(0);
    expect(allRefs(w.path)).toBe(refs);
  });

  it('opens a pull request, lists it, serves its commits, files, diff and patch, and refs/pull/1/head', async () => {
    const created = await call('POST', '/pulls', w.tokens.maintainer, { head: 'feature', base: 'main', title: 'Feature', body: '**bold** <script>x</script>' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ number: 1, state: 'open', head: { ref: 'feature' }, base: { ref: 'main' }, merged: false });
    expect(created.body.body_html).toContain('<strong>bold</strong>');
    expect(created.body.body_html).not.toContain('<script');
    expect(refOf(w.path, 'refs/pull/1/head')).toBe(refOf(w.path, 'refs/heads/feature'));
    const pr = await settledPull(w, o, 'site', 1);
    expect(pr).toMatchObject({ mergeable: true, mergeable_state: 'mergeable' });
    expect((await call('POST', '/pulls', w.tokens.maintainer, { head: 'feature', base: 'main', title: 'Again' })).status).toBe(409);

    const list = await call('GET', '/pulls?state=open', null);
    expect(list.body.map((p: { number: number }) => p.number)).toEqual([1]);
    expect((await call('GET', '/pulls?state=closed', null)).body).toEqual([]);
    const commits = await call('GET', '/pulls/1/commits', null);
    expect(commits.body.map((c: { commit: { message: string } }) => c.commit.message.trim())).toEqual(['Feature']);
    const files = await call('GET', '/pulls/1/files', null);
    expect(files.body.map((f: { filename: string }) => f.filename).sort()).toEqual(['NEW.md', 'src/app.txt']);
    const diff = await fetch(`${w.server.url}/api/v1/repos/${o}/site/pulls/1.diff`);
    expect(diff.headers.get('content-type')).toMatch(/^text\/plain/);
    const diffText = await diff.text();
    expect(diffText.startsWith('diff --git')).toBe(true);
    expect(diffText).toContain('\n+nine\n');
    const openapi = await fetch(`${w.server.url}/api/v1/openapi.json`);
    expect(Object.keys((await openapi.json()).paths)).toEqual(expect.arrayContaining(['/api/v1/repos/{owner}/{repo}/pulls/{index}/merge']));
    const patch = await fetch(`${w.server.url}/api/v1/repos/${o}/site/pulls/1.patch`);
    expect(await patch.text()).toContain('Subject: [PATCH] Feature');

    // test: git fetch origin pull/1/head, as on the big forges
    const work = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, o, 'site'), work]);
    await git(['fetch', '-q', 'origin', 'pull/1/head'], { cwd: work });
    expect((await git(['rev-parse', 'FETCH_HEAD'], { cwd: work })).trim()).toBe(refOf(w.path, 'refs/heads/feature'));
  });

  it('edits title, body and state only for the author or a maintainer', async () => {
    expect((await call('PATCH', '/pulls/1', w.tokens.outsider, { title: 'Hijack' })).status).toBe(403);
    expect((await call('PATCH', '/pulls/1', null, { title: 'Hijack' })).status).toBe(401);
    const edited = await call('PATCH', '/pulls/1', w.tokens.maintainer, { title: 'Feature, renamed', state: 'closed' });
    expect(edited.body).toMatchObject({ title: 'Feature, renamed', state: 'closed' });
    expect((await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge' })).status).toBe(405);
    expect((await call('PATCH', '/pulls/1', w.tokens.maintainer, { state: 'open' })).body.state).toBe('open');
  });

  it('refuses merges: read-only users, conflicts with the files named, a stale head, missing approvals; nothing moves', async () => {
    // setup
    const clash = await call('POST', '/pulls', w.tokens.maintainer, { head: 'clash', base: 'main', title: 'Clash' });
    expect(clash.body.number).toBe(2);
    await settledPull(w, o, 'site', 2);
    const refs = allRefs(w.path);
    // test
    expect((await call('POST', '/pulls/1/merge', w.tokens.outsider, { Do: 'merge' })).status).toBe(403);
    expect((await call('POST', '/pulls/1/merge', null, { Do: 'merge' })).status).toBe(401);
    expect((await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge', head_commit_id: 'a'.repeat(40) })).status).toBe(409);
    // clash is fine on its own, until main changes README.md too: merge #1 first? No: change main by a web edit.
    const readme = await call('GET', '/contents/README.md', w.tokens.maintainer);
    const edit = await call('PUT', '/contents/README.md', w.tokens.maintainer, { content: b64('# Main\n'), message: 'Main readme', sha: readme.body.sha });
    expect(edit.status).toBe(200);
    const checked = await settledPull(w, o, 'site', 2);
    expect(checked).toMatchObject({ mergeable: false, mergeable_state: 'conflict', conflicted_files: ['README.md'] });
    const refsBefore = allRefs(w.path);
    const refused = await call('POST', '/pulls/2/merge', w.tokens.maintainer, { Do: 'merge' });
    expect(refused.status).toBe(409);
    expect(refused.body.files).toEqual(['README.md']);
    expect(allRefs(w.path)).toBe(refsBefore);
    expect(refs).not.toBe(refsBefore);

    // required approvals: counted from people with write access, on the current head
    await createProtection(w.server.app.forge.db, w.repo.id, 'main', { enable_push: true, required_approvals: 1, block_on_rejected_reviews: true });
    const blocked = await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge' });
    expect(blocked.status).toBe(405);
    expect(blocked.body.message).toMatch(/approval/);
    expect((await call('POST', '/pulls/1/reviews', w.tokens.outsider, { event: 'APPROVED' })).status).toBe(200);
    expect((await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge' })).status).toBe(405);
    await setCollaborator(w.server.app.forge.db, w.repo, w.contributor, 'write', { actor: { kind: 'anonymous' }, ip: null });
    expect((await call('POST', '/pulls/1/reviews', w.tokens.contributor, { event: 'REQUEST_CHANGES', body: 'Not yet' })).status).toBe(200);
    expect((await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge' })).body.message).toMatch(/Changes were requested/);
    expect((await call('POST', '/pulls/1/reviews', w.tokens.maintainer, { event: 'APPROVED' })).status).toBe(422);
    expect((await call('POST', '/pulls/1/reviews', w.tokens.contributor, { event: 'APPROVED' })).status).toBe(200);
    expect(allRefs(w.path)).toBe(refsBefore);

    // test: now it merges, and records who and when
    const mainBefore = refOf(w.path, 'refs/heads/main');
    const merged = await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge', head_commit_id: refOf(w.path, 'refs/pull/1/head') });
    expect(merged.status).toBe(200);
    const pr = (await call('GET', '/pulls/1', null)).body;
    expect(pr).toMatchObject({ merged: true, state: 'closed', merged_by: { login: o } });
    expect(pr.merge_commit_sha).toBe(refOf(w.path, 'refs/heads/main'));
    expect(gitSync(w.path, ['rev-list', '--parents', '-n1', 'main']).split(' ').slice(1)).toEqual([
      mainBefore,
      refOf(w.path, 'refs/heads/feature'),
    ]);
    expect((await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge' })).status).toBe(405);
    expect((await call('GET', '/pulls/1/merge', null)).status).toBe(204);
    await w.server.app.forge.db.prepare('DELETE FROM branch_protections').run();
  });

  it('merges by squash, fast-forward and rebase, and deletes the branch when asked', async () => {
    const branch = async (name: string, file: string, text: string) => {
      const r = await call('POST', `/contents/${file}`, w.tokens.maintainer, { content: b64(text), message: `Add ${file}`, new_branch: name });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    };
    const open = async (head: string) => (await call('POST', '/pulls', w.tokens.maintainer, { head, base: 'main', title: head })).body.number as number;

    await branch('ff', 'ff.txt', 'ff\n');
    const ff = await open('ff');
    await settledPull(w, o, 'site', ff);
    expect((await call('POST', `/pulls/${ff}/merge`, w.tokens.maintainer, { Do: 'fast-forward-only', delete_branch_after_merge: true })).status).toBe(200);
    expect(refOf(w.path, 'refs/heads/main')).toBe(refOf(w.path, `refs/pull/${ff}/head`));
    expect(refOf(w.path, 'refs/heads/ff')).toBe('');

    await branch('sq', 'sq.txt', 'sq\n');
    await branch('rb', 'rb.txt', 'rb\n');
    const sq = await open('sq');
    const rb = await open('rb');
    await settledPull(w, o, 'site', sq);
    expect((await call('POST', `/pulls/${sq}/merge`, w.tokens.maintainer, { Do: 'fast-forward-only' })).status).toBe(200);
    // sq started from the same main as rb: main moved, so rb is no fast-forward any more
    await settledPull(w, o, 'site', rb);
    expect((await call('POST', `/pulls/${rb}/merge`, w.tokens.maintainer, { Do: 'fast-forward-only' })).status).toBe(409);
    const before = refOf(w.path, 'refs/heads/main');
    expect((await call('POST', `/pulls/${rb}/merge`, w.tokens.maintainer, { Do: 'rebase' })).status).toBe(200);
    const parents = gitSync(w.path, ['rev-list', '--parents', '-n1', 'main']).split(' ');
    expect(parents.slice(1)).toEqual([before]);
    expect(gitSync(w.path, ['log', '-1', '--format=%s', 'main'])).toBe('Add rb.txt');

    await branch('sq2', 'sq2.txt', 'sq2\n');
    const sq2 = await open('sq2');
    await settledPull(w, o, 'site', sq2);
    expect((await call('POST', `/pulls/${sq2}/merge`, w.tokens.maintainer, { Do: 'squash', MergeTitleField: 'Squashed' })).status).toBe(200);
    expect(gitSync(w.path, ['log', '-1', '--format=%s %P', 'main']).split(' ').length).toBe(2);
    expect(gitSync(w.path, ['log', '-1', '--format=%s', 'main'])).toBe('Squashed');
  }, 90_000); // four branches made, checked and merged one after another: a loaded CI machine needs more than 30 s
});
