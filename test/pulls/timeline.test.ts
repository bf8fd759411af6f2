import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitFiles, git, refOf, repoUrl, runGit, tempDir } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';
import { makeWorld, settledPull, type PullWorld } from './setup.js';

interface Entry {
  type: string;
  user: { login: string } | null;
  commits: Array<{ sha: string; subject: string }>;
  is_force_push: boolean;
  review_state: string;
  old_title: string;
  new_title: string;
  old_ref: string;
  ref_commit_sha: string;
  body: string;
}

describe('contributing from a fork: push hints, the timeline, commit messages in the actor language', () => {
  let w: PullWorld;
  let o: string;
  let c: string;
  let work: string;
  const timeline = async (n: number): Promise<Entry[]> => {
    const res = await api(w.server.url, 'GET', `/repos/${o}/site/issues/${n}/timeline`, {});
    expect(res.status).toBe(200);
    return res.body as Entry[];
  };

  beforeAll(async () => {
    // setup: the contributor's fork of the maintainer's repository, cloned with git
    w = await makeWorld();
    o = w.maintainer.username;
    c = w.contributor.username;
    expect((await api(w.server.url, 'POST', `/repos/${o}/site/forks`, { auth: as(w.tokens.contributor), body: {} })).status).toBe(202);
    work = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, c, 'site', { user: c, secret: w.tokens.contributor }), work]);
  });
  afterAll(() => w.server.close());

  it('answers 404 for the timeline of a pull request or repository that does not exist', async () => {
    expect((await api(w.server.url, 'GET', `/repos/${o}/site/issues/99/timeline`, {})).status).toBe(404);
    expect((await api(w.server.url, 'GET', `/repos/${o}/nothing/issues/1/timeline`, {})).status).toBe(404);
    expect((await api(w.server.url, 'GET', `/repos/${o}/site/issues/0/timeline`, {})).status).toBe(422);
  });

  it('prints where to open a pull request on the parent when a new branch is pushed to a fork, and where the open one is afterwards', async () => {
    // setup
    await git(['checkout', '-q', '-b', 'fix-three'], { cwd: work });
    await commitFiles(work, { 'src/app.txt': 'one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\n' }, 'Fix three');
    // test
    const pushed = await runGit(['push', 'origin', 'fix-three'], { cwd: work });
    expect(pushed.code).toBe(0);
    expect(pushed.stderr).toContain(`remote: Create a pull request for 'fix-three': ${w.server.url}/${o}/site/compare/main...${c}:fix-three`);
    // pushing an existing branch again prints no new hint
    const again = await runGit(['push', 'origin', 'fix-three'], { cwd: work });
    expect(again.stderr).not.toContain('Create a pull request');
    // the maintainer's own new branch points at their own repository
    const own = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, o, 'site', { user: o, secret: w.tokens.maintainer }), own]);
    await git(['checkout', '-q', '-b', 'docs'], { cwd: own });
    await commitFiles(own, { 'DOCS.md': 'docs\n' }, 'Docs');
    const ownPush = await runGit(['push', 'origin', 'docs'], { cwd: own });
    expect(ownPush.stderr).toContain(`remote: Create a pull request for 'docs': ${w.server.url}/${o}/site/compare/main...docs`);
    // opening the pull request, then pushing: the hint names it
    const created = await api(w.server.url, 'POST', `/repos/${o}/site/pulls`, { auth: as(w.tokens.contributor), body: { head: `${c}:fix-three`, base: 'main', title: 'Fix three' } });
    expect(created.status).toBe(201);
    await commitFiles(work, { 'NOTES.md': 'notes\n' }, 'Notes');
    const third = await runGit(['push', 'origin', 'fix-three'], { cwd: work });
    expect(third.stderr).toContain(`remote: Visit the existing pull request: ${w.server.url}/${o}/site/pulls/${created.body.number}`);
  }, 120_000);

  it('shows pushes with their commits, force pushes, title changes, reviews, the merge and the branch deletion, in order', async () => {
    // setup: a new pull request from the fork
    await git(['checkout', '-q', '-b', 'timeline', 'origin/main'], { cwd: work });
    await commitFiles(work, { 'A.md': 'a\n' }, 'Add A');
    await git(['push', '-q', 'origin', 'timeline'], { cwd: work });
    const created = await api(w.server.url, 'POST', `/repos/${o}/site/pulls`, { auth: as(w.tokens.contributor), body: { head: `${c}:timeline`, base: 'main', title: 'Timeline' } });
    const n = created.body.number as number;
    // test: a push of two commits
    const b = await commitFiles(work, { 'B.md': 'b\n' }, 'Add B');
    const cc = await commitFiles(work, { 'C.md': 'c\n' }, 'Add C');
    await git(['push', '-q', 'origin', 'timeline'], { cwd: work });
    // a force push replacing the last commit
    await git(['reset', '-q', '--hard', b], { cwd: work });
    const d = await commitFiles(work, { 'D.md': 'd\n' }, 'Add D');
    await git(['push', '-q', '--force', 'origin', 'timeline'], { cwd: work });
    expect(refOf(w.path, `refs/pull/${n}/head`)).toBe(d);
    expect((await api(w.server.url, 'PATCH', `/repos/${o}/site/pulls/${n}`, { auth: as(w.tokens.contributor), body: { title: 'Timeline, renamed' } })).status).toBe(201);
    const review = await api(w.server.url, 'POST', `/repos/${o}/site/pulls/${n}/reviews`, { auth: as(w.tokens.maintainer), body: { event: 'APPROVED', body: 'Looks good' } });
    expect(review.status).toBe(200);
    await settledPull(w, o, 'site', n);
    const merged = await api(w.server.url, 'POST', `/repos/${o}/site/pulls/${n}/merge`, { auth: as(w.tokens.maintainer), body: { Do: 'merge', delete_branch_after_merge: true } });
    expect(merged.status).toBe(200);
    // the maintainer may not delete a branch of the contributor's fork: the contributor does, with git
    await git(['push', '-q', 'origin', '--delete', 'timeline'], { cwd: work });
    const events = await timeline(n);
    expect(events.map((e) => e.type)).toEqual(['pull_push', 'pull_push', 'change_title', 'review', 'merge_pull', 'delete_branch']);
    expect(events[0]).toMatchObject({ is_force_push: false, user: { login: c }, commits: [{ sha: b, subject: 'Add B' }, { sha: cc, subject: 'Add C' }] });
    expect(events[1]).toMatchObject({ is_force_push: true, commits: [{ sha: cc }, { sha: d }] });
    expect(JSON.parse(events[1].body)).toEqual({ is_force_push: true, commit_ids: [cc, d] });
    expect(events[2]).toMatchObject({ old_title: 'Timeline', new_title: 'Timeline, renamed' });
    expect(events[3]).toMatchObject({ review_state: 'APPROVED', body: 'Looks good', user: { login: o } });
    expect(events[4]).toMatchObject({ user: { login: o }, ref_commit_sha: refOf(w.path, 'refs/heads/main') });
    expect(events[5]).toMatchObject({ old_ref: 'timeline', user: { login: c } });
  }, 120_000);

  it('marks a pull request merged by hand with git when its head reaches the base', async () => {
    // setup
    await git(['checkout', '-q', '-b', 'by-hand', 'origin/main'], { cwd: work });
    await git(['pull', '-q', repoUrl(w.server.url, o, 'site'), 'main'], { cwd: work });
    const head = await commitFiles(work, { 'HAND.md': 'hand\n' }, 'By hand');
    await git(['push', '-q', 'origin', 'by-hand'], { cwd: work });
    const created = await api(w.server.url, 'POST', `/repos/${o}/site/pulls`, { auth: as(w.tokens.contributor), body: { head: `${c}:by-hand`, base: 'main', title: 'By hand' } });
    const n = created.body.number as number;
    // test: the maintainer merges with git and pushes main
    const own = tempDir();
    await git(['clone', '-q', repoUrl(w.server.url, o, 'site', { user: o, secret: w.tokens.maintainer }), own]);
    await git(['fetch', '-q', 'origin', `pull/${n}/head`], { cwd: own });
    await git(['merge', '-q', '--no-edit', 'FETCH_HEAD'], { cwd: own });
    await git(['push', '-q', 'origin', 'main'], { cwd: own });
    const pull = await api(w.server.url, 'GET', `/repos/${o}/site/pulls/${n}`, {});
    expect(pull.body).toMatchObject({ merged: true, state: 'closed', merged_by: { login: o } });
    expect(head).toHaveLength(40);
    expect((await timeline(n)).map((e) => e.type)).toEqual(['merge_pull']);
  }, 120_000);

  it('writes default commit messages in the language of the person acting, French by default', async () => {
    // test: a web edit without a message, with no language said, then in English
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const put = async (path: string, lang: string | null) => {
      const auth = { ...as(w.tokens.maintainer), ...(lang ? { cookie: `lang=${lang}` } : {}) };
      return api(w.server.url, 'POST', `/repos/${o}/site/contents/${path}`, { auth, body: { content: b64('x\n'), branch: 'main' } });
    };
    expect((await put('fr.md', null)).body.commit.message.trim()).toBe('Ajout de fr.md');
    expect((await put('en.md', 'en')).body.commit.message.trim()).toBe('Add en.md');
    const fr = await api(w.server.url, 'POST', `/repos/${o}/site/contents/accept.md`, { auth: { ...as(w.tokens.maintainer), 'accept-language': 'en-GB,en;q=0.8' }, body: { content: b64('x\n'), branch: 'main' } });
    expect(fr.body.commit.message.trim()).toBe('Add accept.md');
    // a merge commit in French
    await git(['checkout', '-q', '-b', 'french', 'origin/main'], { cwd: work });
    await git(['pull', '-q', repoUrl(w.server.url, o, 'site'), 'main'], { cwd: work });
    await commitFiles(work, { 'FR.md': 'fr\n' }, 'Français');
    await git(['push', '-q', 'origin', 'french'], { cwd: work });
    const created = await api(w.server.url, 'POST', `/repos/${o}/site/pulls`, { auth: as(w.tokens.contributor), body: { head: `${c}:french`, base: 'main', title: 'Français' } });
    await settledPull(w, o, 'site', created.body.number);
    const merged = await api(w.server.url, 'POST', `/repos/${o}/site/pulls/${created.body.number}/merge`, { auth: as(w.tokens.maintainer), body: { Do: 'merge' } });
    expect(merged.status).toBe(200);
    const subject = (await git(['log', '-1', '--format=%s', 'main'], { cwd: w.path })).trim();
    expect(subject).toBe(`Fusion de la demande 'Français' (#${created.body.number}) depuis ${c}:french dans main`);
  }, 120_000);
});
