import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRefs, commitFiles, git, gitSync, allObjects, refOf, repoUrl, runGit, tempDir } from '../helpers/git.js';
import { forkPath, LINES, makeWorld, type PullWorld } from '../pulls/setup.js';
import { api, as } from '../helpers/http.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** How many loose objects a bare repository holds: a refused write adds none. */

describe('every ref move goes through the one gate', () => {
  let w: PullWorld;
  let o: string;
  let c: string;
  let work: string;
  let pull: number;
  const call = (method: string, path: string, token: string, body?: unknown) => api(w.server.url, method, `/repos/${o}/site${path}`, { auth: as(token), body });

  beforeAll(async () => {
    // setup: the contributor writes to the repository and pushes `release`, opens a pull request
    // from it, then the maintainer protects release* (no direct pushes) and suggests a change.
    w = await makeWorld();
    o = w.maintainer.username;
    c = w.contributor.username;
    expect((await call('PUT', `/collaborators/${c}`, w.tokens.maintainer, { permission: 'write' })).status).toBe(204);
    work = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, o, 'site', { user: c, secret: w.tokens.contributor }), work]);
    await git(['checkout', '-q', '-b', 'release'], { cwd: work });
    await commitFiles(work, { 'src/app.txt': `${LINES.map((l) => l.toUpperCase()).join('\n')}\n` }, 'Shout');
    await git(['push', '-q', 'origin', 'release'], { cwd: work });
    pull = (await call('POST', '/pulls', w.tokens.contributor, { head: 'release', base: 'main', title: 'Release' })).body.number;
    expect((await call('POST', '/branch_protections', w.tokens.maintainer, { rule_name: 'release*', enable_push: false })).status).toBe(201);
  });
  afterAll(() => w.server.close());

  it('refuses applying a suggestion to a protected head branch, as git push is refused', async () => {
    // setup
    const comment = await call('POST', `/pulls/${pull}/comments`, w.tokens.maintainer, { path: 'src/app.txt', body: '```suggestion\ntwo\n```', new_position: 2 });
    expect(comment.status).toBe(201);
    const before = allRefs(w.path);
    const objects = allObjects(w.path);
    // test
    const applied = await call('POST', `/pulls/${pull}/comments/${comment.body.id}/suggestion`, w.tokens.contributor);
    expect(applied.status).toBe(403);
    expect(applied.body.message).toBe('The branch "release" is protected: changes go through a pull request.');
    expect(allRefs(w.path)).toBe(before);
    expect(allObjects(w.path)).toBe(objects);
    // the same rule, the same words, for git push
    await commitFiles(work, { 'src/app.txt': `ONE\ntwo\n${LINES.slice(2).map((l) => l.toUpperCase()).join('\n')}\n` }, 'Apply by hand');
    const pushed = await runGit(['push', 'origin', 'release'], { cwd: work });
    expect(pushed.stderr).toContain('refused refs/heads/release: the branch "release" is protected: changes go through a pull request.');
    expect(allRefs(w.path)).toBe(before);
  });

  it('refuses proposing a change on a new branch that protection forbids, storing nothing', async () => {
    // setup
    const before = allRefs(w.path);
    const objects = allObjects(w.path);
    const pulls = async () => await w.server.app.forge.db.prepare('SELECT count(*) FROM pull_requests').pluck().get();
    const count = await pulls();
    // test
    for (const token of [w.tokens.contributor, w.tokens.maintainer]) {
      const proposed = await call('POST', '/contents-propose/README.md', token, { content: b64('# Nine\n'), sha: refOf(w.path, 'main:README.md'), new_branch: 'release-9', title: 'Nine' });
      expect(proposed.status).toBe(403);
      expect(proposed.body.message).toBe('The branch "release-9" is protected: changes go through a pull request.');
    }
    const edited = await call('PUT', '/contents/src/app.txt', w.tokens.contributor, { content: b64('x\n'), sha: refOf(w.path, 'release:src/app.txt'), branch: 'release' });
    expect(edited.status).toBe(403);
    expect(allRefs(w.path)).toBe(before);
    expect(allObjects(w.path)).toBe(objects);
    expect(await pulls()).toBe(count);
    // an unprotected new branch is proposed as before
    const allowed = await call('POST', '/contents-propose/README.md', w.tokens.contributor, { content: b64('# Ten\n'), sha: refOf(w.path, 'main:README.md'), new_branch: 'patch-10', title: 'Ten' });
    expect(allowed.status).toBe(201);
  });

  it('opens a pull request from any branch git accepts, such as "><img-id=x>', async () => {
    // setup
    const name = '"><img-id=x>';
    await git(['checkout', '-q', '-b', name, 'origin/main'], { cwd: work });
    await commitFiles(work, { 'odd.txt': 'odd\n' }, 'Odd name');
    await git(['push', '-q', 'origin', name], { cwd: work });
    // test
    const opened = await call('POST', '/pulls', w.tokens.contributor, { head: name, base: 'main', title: 'Odd' });
    expect(opened.status).toBe(201);
    expect(opened.body.head).toMatchObject({ ref: name, sha: refOf(w.path, `refs/heads/${name}`) });
    expect(refOf(w.path, `refs/pull/${opened.body.number}/head`)).toBe(refOf(w.path, `refs/heads/${name}`));
  });

  /** Writes a commit with an injected header line straight into a bare repository, on `branch`: what the forge must never point a ref at. */
  function malformedBranch(gitdir: string, branch: string): string {
    const main = refOf(gitdir, 'refs/heads/main');
    const raw = `tree ${refOf(gitdir, 'main^{tree}')}\nparent ${main}\nauthor x>\nparent ${'0'.repeat(40)} <a@b> 1700000000 +0000\ncommitter A <a@b> 1700000000 +0000\n\nInjected into ${branch}\n`;
    const bad = gitSync(gitdir, ['hash-object', '--literally', '-w', '-t', 'commit', '--stdin'], { input: raw });
    gitSync(gitdir, ['update-ref', `refs/heads/${branch}`, bad]);
    return bad;
  }

  it('never points a ref at a commit git fsck would refuse, even one already on disk', async () => {
    // setup: malformed commits on a branch of the repository and of the outsider's fork, written behind the forge's back
    const bad = malformedBranch(w.path, 'bad');
    expect((await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { auth: as(w.tokens.outsider), body: {} })).status).toBe(202);
    malformedBranch(forkPath(w, w.outsider.username, 'site'), 'worse');
    const before = allRefs(w.path);
    const count = async () => await w.server.app.forge.db.prepare("SELECT count(*) FROM pull_requests WHERE title = 'Bad'").pluck().get();
    // test
    const same = await call('POST', '/pulls', w.tokens.maintainer, { head: 'bad', base: 'main', title: 'Bad' });
    expect(same.status).toBe(422);
    expect(same.body.message).toBe(`The commit ${bad} is malformed: its author line is malformed; git fsck would refuse it.`);
    const forked = await call('POST', '/pulls', w.tokens.outsider, { head: `${w.outsider.username}:worse`, base: 'main', title: 'Bad' });
    expect(forked.status).toBe(422);
    expect(forked.body.message).toBe('The commits of the branch worse are malformed: git fsck refuses them.');
    expect(allRefs(w.path)).toBe(before);
    expect(await count()).toBe(0);
  });
});
