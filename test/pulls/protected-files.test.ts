import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, git, hasObject, refOf, repoUrl, runGit, tempDir } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';
import { makeWorld, settledPull, type PullWorld } from './setup.js';

describe('protected file patterns of a branch rule (Gitea: protected_file_patterns)', () => {
  let w: PullWorld;
  let o: string;
  let work: string;
  const call = (method: string, path: string, token: string | null, body?: unknown) =>
    api(w.server.url, method, `/repos/${o}/site${path}`, { auth: token === null ? {} : as(token), body });

  beforeAll(async () => {
    // setup: main may be pushed to, but not its README nor anything under src/; a clone of it
    w = await makeWorld();
    o = w.maintainer.username;
    const rule = await call('POST', '/branch_protections', w.tokens.maintainer, { rule_name: 'main', enable_push: true, protected_file_patterns: 'readme.MD; src/**' });
    expect(rule.status).toBe(201);
    work = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, o, 'site', { user: o, secret: w.tokens.maintainer }), work]);
  });
  afterAll(() => w.server.close());

  it('refuses a push that changes a protected file, naming it in a remote: line, and stores nothing', async () => {
    const before = refOf(w.path, 'refs/heads/main');
    const id = await commitFiles(work, { 'src/app.txt': 'changed\n', 'docs.txt': 'fine\n' }, 'Touch the source');
    const pushed = await runGit(['push', 'origin', 'main'], { cwd: work });
    expect(pushed.code).not.toBe(0);
    expect(pushed.stderr).toContain('remote: Fabrique: refused refs/heads/main: the branch "main" is protected from changing the file "src/app.txt".');
    expect(refOf(w.path, 'refs/heads/main')).toBe(before);
    expect(hasObject(w.path, id)).toBe(false);
  });

  it('matches without case (README.md against "readme.MD"), and lets a push that changes other files through', async () => {
    await git(['reset', '-q', '--hard', 'origin/main'], { cwd: work });
    await commitFiles(work, { 'README.md': '# Changed\n' }, 'Touch the README');
    const refused = await runGit(['push', 'origin', 'main'], { cwd: work });
    expect(refused.stderr).toContain('protected from changing the file "README.md"');
    await git(['reset', '-q', '--hard', 'origin/main'], { cwd: work });
    const id = await commitFiles(work, { 'docs.txt': 'fine\n' }, 'Docs');
    const pushed = await runGit(['push', 'origin', 'main'], { cwd: work });
    expect(pushed.code).toBe(0);
    expect(refOf(w.path, 'refs/heads/main')).toBe(id);
  });

  it('refuses to merge a pull request that changes a protected file (405 naming it); the base does not move', async () => {
    const opened = await call('POST', '/pulls', w.tokens.contributor, { head: 'feature', base: 'main', title: 'Feature' });
    expect(opened.status).toBe(201);
    const pull = await settledPull(w, o, 'site', opened.body.number);
    expect(pull.mergeable_state).toBe('mergeable');
    const before = refOf(w.path, 'refs/heads/main');
    const merge = await call('POST', `/pulls/${opened.body.number}/merge`, w.tokens.maintainer, { Do: 'merge' });
    expect(merge.status).toBe(405);
    expect(merge.body.message).toBe('The branch "main" is protected from changing the file "src/app.txt".');
    expect(refOf(w.path, 'refs/heads/main')).toBe(before);
    expect((await call('GET', `/pulls/${opened.body.number}`, null)).body.merged).toBe(false);
  });
});
