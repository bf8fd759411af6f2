import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRefs, commitFiles, git, refOf, repoUrl, tempDir } from '../helpers/git.js';
import { forkPath, LINES, makeWorld, type PullWorld } from './setup.js';
import { api, as } from '../helpers/http.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('reviews, threads, suggestions, viewed marks, web edits and proposed changes', () => {
  let w: PullWorld;
  let o: string;
  let c: string;
  let n: number;
  let work: string;
  const call = (method: string, path: string, token: string | null, body?: unknown) =>
    api(w.server.url, method, `/repos/${o}/site${path}`, { auth: token === null ? {} : as(token), body });

  beforeAll(async () => {
    // setup: the contributor's fork with a branch pushed by git, and a pull request from it
    w = await makeWorld();
    o = w.maintainer.username;
    c = w.contributor.username;
    await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { auth: as(w.tokens.contributor), body: {} });
    work = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, c, 'site', { user: c, secret: w.tokens.contributor }), work]);
    await git(['checkout', '-q', '-b', 'words'], { cwd: work });
    await commitFiles(work, { 'src/app.txt': `${LINES.map((l) => l.toUpperCase()).join('\n')}\n`, 'other.txt': 'other\n' }, 'Shout');
    await git(['push', '-q', 'origin', 'words'], { cwd: work });
    n = (await call('POST', '/pulls', w.tokens.contributor, { head: `${c}:words`, base: 'main', title: 'Shout' })).body.number;
  });
  afterAll(() => w.server.close());

  it('refuses bad reviews and comments, writing nothing', async () => {
    const count = async () => await w.server.app.forge.db.prepare('SELECT (SELECT count(*) FROM reviews) + (SELECT count(*) FROM review_comments)').pluck().get();
    expect((await call('POST', `/pulls/${n}/reviews`, null, { event: 'COMMENT', body: 'x' })).status).toBe(401);
    expect((await call('POST', `/pulls/${n}/reviews`, w.tokens.contributor, { event: 'APPROVED' })).status).toBe(422);
    expect((await call('POST', `/pulls/${n}/reviews`, w.tokens.maintainer, { event: 'COMMENT' })).status).toBe(422);
    // a review names one of the pull request's commits only: not the base's, nor any other the store holds
    const notOwn = await call('POST', `/pulls/${n}/reviews`, w.tokens.outsider, { event: 'COMMENT', body: 'x', commit_id: refOf(w.path, 'refs/heads/main') });
    expect(notOwn.status).toBe(422);
    expect(notOwn.body.message).toContain('is not in this pull request');
    expect((await call('POST', `/pulls/${n}/comments`, w.tokens.maintainer, { path: 'nope.txt', body: 'x', new_position: 1 })).status).toBe(422);
    expect((await call('POST', `/pulls/${n}/comments`, w.tokens.maintainer, { path: 'src/app.txt', body: 'x', new_position: 99 })).status).toBe(422);
    expect((await call('POST', `/pulls/${n}/comments`, w.tokens.maintainer, { path: 'src/app.txt', body: 'x', new_position: 2, start_line: 3 })).status).toBe(422);
    expect((await call('POST', `/pulls/${n}/comments`, w.tokens.maintainer, { path: 'src/app.txt', body: 'x' })).status).toBe(422);
    expect(await count()).toBe(0);
  });

  it('comments on a range of lines in a review that requests changes; threads get replies and resolution', async () => {
    const review = await call('POST', `/pulls/${n}/reviews`, w.tokens.maintainer, {
      event: 'REQUEST_CHANGES',
      body: 'Please keep lower case',
      comments: [{ path: 'src/app.txt', body: 'Lower case here:\n```suggestion\ntwo\nthree\n```', new_position: 3, start_line: 2 }],
    });
    expect(review.status).toBe(200);
    expect(review.body).toMatchObject({ state: 'REQUEST_CHANGES', official: true, stale: false, comments_count: 1 });
    const comments = await call('GET', `/pulls/${n}/reviews/${review.body.id}/comments`, null);
    expect(comments.body[0]).toMatchObject({ path: 'src/app.txt', side: 'RIGHT', start_line: 2, line: 3, original_lines: ['TWO', 'THREE'], outdated: false, suggestion: ['two', 'three'] });
    const id = comments.body[0].id as number;
    const reply = await call('POST', `/pulls/${n}/comments/${id}/replies`, w.tokens.contributor, { body: 'Will do' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ thread_id: id, in_reply_to: id, start_line: 2, line: 3 });
    expect((await call('PUT', `/pulls/${n}/comments/${id}/resolution`, w.tokens.outsider)).status).toBe(403);
    const resolved = await call('PUT', `/pulls/${n}/comments/${id}/resolution`, w.tokens.contributor);
    expect(resolved.body.resolver).toMatchObject({ login: c });
    expect((await call('DELETE', `/pulls/${n}/comments/${id}/resolution`, w.tokens.maintainer)).body.resolver).toBeNull();
    const left = await call('POST', `/pulls/${n}/comments`, w.tokens.maintainer, { path: 'src/app.txt', body: 'Was fine', old_position: 1 });
    expect(left.body).toMatchObject({ side: 'LEFT', line: 1, original_position: 1, position: 0, original_lines: ['one'] });
    const all = await call('GET', `/pulls/${n}/comments`, null);
    expect(all.body.map((x: { id: number }) => x.id)).toEqual([id, reply.body.id, left.body.id]);
  });

  it('applies a suggestion as a commit on the head branch, only for the author, refused once the lines changed', async () => {
    const [comment] = (await call('GET', `/pulls/${n}/comments`, null)).body;
    const fork = forkPath(w, c, 'site');
    const before = refOf(fork, 'refs/heads/words');
    expect((await call('POST', `/pulls/${n}/comments/${comment.id}/suggestion`, w.tokens.outsider)).status).toBe(403);
    expect(refOf(fork, 'refs/heads/words')).toBe(before);
    const applied = await call('POST', `/pulls/${n}/comments/${comment.id}/suggestion`, w.tokens.contributor);
    expect(applied.status).toBe(201);
    expect(refOf(fork, 'refs/heads/words')).toBe(applied.body.sha);
    expect(refOf(w.path, `refs/pull/${n}/head`)).toBe(applied.body.sha);
    const text = (await api(w.server.url, 'GET', `/repos/${c}/site/contents/src/app.txt?ref=words`, {})).body.content;
    expect(Buffer.from(text, 'base64').toString()).toBe('ONE\ntwo\nthree\nFOUR\nFIVE\nSIX\nSEVEN\nEIGHT\n');
    // the commented lines changed: the comment is outdated, and applying again is refused
    const after = (await call('GET', `/pulls/${n}/comments`, null)).body[0];
    expect(after).toMatchObject({ outdated: true, suggestion_applied_sha: applied.body.sha });
    expect((await call('POST', `/pulls/${n}/comments/${comment.id}/suggestion`, w.tokens.contributor)).status).toBe(409);
    await git(['pull', '-q', 'origin', 'words'], { cwd: work });
  });

  it('keeps viewed marks while a file stays the same, and shows the changes since one\'s last review', async () => {
    expect((await call('PUT', `/pulls/${n}/viewed/other.txt`, null)).status).toBe(401);
    expect((await call('PUT', `/pulls/${n}/viewed/other.txt`, w.tokens.maintainer)).status).toBe(204);
    expect((await call('PUT', `/pulls/${n}/viewed/src/app.txt`, w.tokens.maintainer)).status).toBe(204);
    expect((await call('GET', `/pulls/${n}/viewed`, w.tokens.maintainer)).body).toEqual(['other.txt', 'src/app.txt']);
    const files = (await call('GET', `/pulls/${n}/files`, w.tokens.maintainer)).body;
    expect(files.find((f: { filename: string }) => f.filename === 'other.txt').viewed).toBe(true);

    const thread = await call('POST', `/pulls/${n}/comments`, w.tokens.maintainer, { path: 'other.txt', body: 'Why?', new_position: 1 });
    expect(thread.body.outdated).toBe(false);

    // the contributor pushes a change to other.txt with git: its mark goes, app.txt's stays, the comment is outdated
    await commitFiles(work, { 'other.txt': 'other, changed\n' }, 'Change other');
    await git(['push', '-q', 'origin', 'words'], { cwd: work });
    expect((await call('GET', `/pulls/${n}/viewed`, w.tokens.maintainer)).body).toEqual(['src/app.txt']);
    const kept = (await call('GET', `/pulls/${n}/comments`, null)).body.find((x: { id: number }) => x.id === thread.body.id);
    expect(kept).toMatchObject({ outdated: true, original_lines: ['other'], body: 'Why?' });

    const since = await call('GET', `/pulls/${n}/changes-since-review`, w.tokens.maintainer);
    expect(since.status).toBe(200);
    expect(since.body.since).not.toBeNull();
    expect(since.body.diff.files.map((f: { filename: string }) => f.filename).sort()).toEqual(['other.txt', 'src/app.txt']);

    // approving the new head, the requested changes are superseded
    expect((await call('POST', `/pulls/${n}/reviews`, w.tokens.maintainer, { event: 'APPROVED' })).status).toBe(200);
    const none = await call('GET', `/pulls/${n}/changes-since-review`, w.tokens.maintainer);
    expect(none.body.diff.files).toEqual([]);
  });

  it('pending reviews are seen by their author only, until submitted', async () => {
    const pending = await call('POST', `/pulls/${n}/reviews`, w.tokens.outsider, {
      event: 'PENDING',
      comments: [{ path: 'other.txt', body: 'Hmm', new_position: 1 }],
    });
    expect(pending.body.state).toBe('PENDING');
    expect((await call('GET', `/pulls/${n}/reviews/${pending.body.id}`, w.tokens.maintainer)).status).toBe(404);
    expect((await call('GET', `/pulls/${n}/comments`, w.tokens.maintainer)).body.some((x: { body: string }) => x.body === 'Hmm')).toBe(false);
    expect((await call('POST', `/pulls/${n}/reviews/${pending.body.id}`, w.tokens.maintainer, { event: 'COMMENT' })).status).toBe(404);
    const more = await call('POST', `/pulls/${n}/reviews`, w.tokens.outsider, { event: 'PENDING', comments: [{ path: 'other.txt', body: 'And', new_position: 1 }] });
    expect(more.body).toMatchObject({ id: pending.body.id, comments_count: 2 });
    const submitted = await call('POST', `/pulls/${n}/reviews/${pending.body.id}`, w.tokens.outsider, { event: 'COMMENT', body: 'Done' });
    expect(submitted.body).toMatchObject({ state: 'COMMENT', official: false });
    expect((await call('POST', `/pulls/${n}/reviews/${pending.body.id}`, w.tokens.outsider, { event: 'COMMENT', body: 'Again' })).status).toBe(422);
    expect((await call('GET', `/pulls/${n}/comments`, w.tokens.maintainer)).body.some((x: { body: string }) => x.body === 'Hmm')).toBe(true);
  });

  it('has a conversation through the issue comment paths', async () => {
    expect((await call('POST', `/issues/${n}/comments`, null, { body: 'x' })).status).toBe(401);
    const posted = await call('POST', `/issues/${n}/comments`, w.tokens.outsider, { body: 'Nice *work*' });
    expect(posted.status).toBe(201);
    expect(posted.body.body_html).toContain('<em>work</em>');
    expect((await call('PATCH', `/issues/comments/${posted.body.id}`, w.tokens.contributor, { body: 'Mine now' })).status).toBe(403);
    expect((await call('PATCH', `/issues/comments/${posted.body.id}`, w.tokens.outsider, { body: 'Nice work!' })).body.body).toBe('Nice work!');
    expect((await call('GET', `/issues/${n}/comments`, null)).body).toHaveLength(1);
    expect((await call('GET', `/pulls/${n}`, null)).body.comments).toBe(1);
    expect((await call('DELETE', `/issues/comments/${posted.body.id}`, w.tokens.maintainer)).status).toBe(204);
  });

  it('edits files on the web: refusals first, nothing written; then create, update and a new branch', async () => {
    const refs = allRefs(w.path);
    const readme = (await call('GET', '/contents/README.md', null)).body;
    expect((await call('PUT', '/contents/README.md', w.tokens.outsider, { content: b64('x'), sha: readme.sha })).status).toBe(403);
    expect((await call('PUT', '/contents/README.md', null, { content: b64('x'), sha: readme.sha })).status).toBe(401);
    expect((await call('PUT', '/contents/README.md', w.tokens.maintainer, { content: b64('x'), sha: 'a'.repeat(40) })).status).toBe(409);
    expect((await call('PUT', '/contents/README.md', w.tokens.maintainer, { content: b64('x') })).status).toBe(422);
    expect((await call('POST', '/contents/README.md', w.tokens.maintainer, { content: b64('x') })).status).toBe(422);
    expect((await call('POST', '/contents/new.txt', w.tokens.maintainer, { content: b64('x'), branch: 'nope' })).status).toBe(404);
    expect((await call('POST', '/contents/new.txt', w.tokens.maintainer, { content: b64('x'), new_branch: 'feature' })).status).toBe(422);
    expect((await call('POST', '/contents/../x', w.tokens.maintainer, { content: b64('x') })).status).toBeGreaterThanOrEqual(400);
    expect(allRefs(w.path)).toBe(refs);

    const created = await call('POST', '/contents/docs/new.txt', w.tokens.maintainer, { content: b64('new\n'), message: 'Add a doc' });
    expect(created.status).toBe(201);
    expect(created.body.commit).toMatchObject({ message: 'Add a doc\n', author: { name: o, email: `${o}@example.org` } });
    expect(created.body.content).toMatchObject({ path: 'docs/new.txt', type: 'file' });
    expect(refOf(w.path, 'refs/heads/main')).toBe(created.body.commit.sha);
    const updated = await call('PUT', '/contents/docs/new.txt', w.tokens.maintainer, {
      content: b64('newer\n'),
      sha: created.body.content.sha,
      new_branch: 'docs-update',
    });
    expect(updated.status).toBe(200);
    expect(refOf(w.path, 'refs/heads/docs-update')).toBe(updated.body.commit.sha);
    expect(refOf(w.path, 'refs/heads/main')).toBe(created.body.commit.sha);
  });

  it('proposes a change: through a fork for someone who may not write, on a new branch for a maintainer', async () => {
    const readme = (await call('GET', '/contents/README.md', null)).body;
    expect((await call('POST', '/contents-propose/README.md', null, { content: b64('x'), sha: readme.sha })).status).toBe(401);
    const proposed = await call('POST', '/contents-propose/README.md', w.tokens.outsider, {
      content: b64('# Site, better\n'),
      sha: readme.sha,
      message: 'Better title',
    });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ forked: true, branch: 'patch-1', repository: { full_name: `${w.outsider.username}/site`, fork: true } });
    expect(proposed.body.pull).toMatchObject({ title: 'Better title', head: { label: `${w.outsider.username}:patch-1` }, base: { ref: 'main' } });
    const fork = forkPath(w, w.outsider.username, 'site');
    expect(refOf(w.path, `refs/pull/${proposed.body.pull.number}/head`)).toBe(refOf(fork, 'refs/heads/patch-1'));

    const again = await call('POST', '/contents-propose/README.md', w.tokens.outsider, { content: b64('# Again\n'), sha: readme.sha });
    expect(again.body).toMatchObject({ forked: true, branch: 'patch-2' });

    const own = await call('POST', '/contents-propose/README.md', w.tokens.maintainer, { content: b64('# Mine\n'), sha: readme.sha, title: 'Mine' });
    expect(own.body).toMatchObject({ forked: false, branch: 'patch-1', pull: { title: 'Mine', head: { label: 'patch-1' } } });
  });
});
