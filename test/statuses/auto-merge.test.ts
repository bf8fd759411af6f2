import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, as } from '../helpers/http.js';
import { autoMergeSettled, getPull, makeStatusWorld, openPull, postStatus, pushCommit, type StatusWorld } from './setup.js';

const mergeWhenGreen = (w: StatusWorld, number: number, token = w.tokens.maintainer) =>
  api(w.server.url, 'POST', `/repos/${w.maintainer.username}/site/pulls/${number}/merge`, {
    auth: as(token),
    body: { Do: 'squash', merge_when_checks_succeed: true, MergeTitleField: 'Automatic squash' },
  });
/** The auto-merge events of a pull request's timeline, as `type:login`. */
async function autoMergeEvents(w: StatusWorld, number: number): Promise<string[]> {
  const { body } = await api(w.server.url, 'GET', `/repos/${w.maintainer.username}/site/issues/${number}/timeline`);
  return (body as Array<{ type: string; user: { login: string } | null }>)
    .filter((e) => e.type.endsWith('scheduled_merge'))
    .map((e) => `${e.type}:${e.user?.login ?? ''}`);
}
const cancel = (w: StatusWorld, number: number, token = w.tokens.maintainer) =>
  api(w.server.url, 'DELETE', `/repos/${w.maintainer.username}/site/pulls/${number}/merge`, { auth: as(token) });

describe('merge when checks succeed', () => {
  let w: StatusWorld;
  beforeAll(async () => {
    w = await makeStatusWorld(['ci/test']);
    // setup: more head branches, each its own file so that they never conflict
    for (const branch of ['two', 'three', 'four']) await pushCommit(w, branch, `${branch}.txt`, 'main');
  });
  afterAll(() => w.server.close());

  it('schedules, then merges by itself as the person who asked once the required status is green', async () => {
    // setup
    const pull = await openPull(w, 'feature');
    // test
    const scheduled = await mergeWhenGreen(w, pull.number);
    expect(scheduled.status).toBe(201);
    expect((await mergeWhenGreen(w, pull.number)).status).toBe(409);
    let shown = await getPull(w, pull.number);
    expect(shown.merged).toBe(false);
    expect(shown.merge_state.checks.auto_merge).toMatchObject({ doer: w.maintainer.username, merge_style: 'squash' });
    await postStatus(w, pull.sha, 'pending');
    await autoMergeSettled(w, pull.number);
    expect((await getPull(w, pull.number)).merged).toBe(false);
    // The CI account posts the success; the merge is made as the maintainer who asked.
    await postStatus(w, pull.sha, 'success');
    await autoMergeSettled(w, pull.number);
    shown = await getPull(w, pull.number);
    expect(shown.merged).toBe(true);
    expect(shown.merged_by.login).toBe(w.maintainer.username);
    const commit = await api(w.server.url, 'GET', `/repos/${w.maintainer.username}/site/git/commits/${shown.merge_commit_sha}`);
    expect(commit.body.commit.message).toMatch(/^Automatic squash/);
    expect(shown.merge_state.checks.auto_merge).toBeNull();
  });

  it('drops the request when the head moves: the new commits were not checked', async () => {
    // setup
    const pull = await openPull(w, 'two');
    expect((await mergeWhenGreen(w, pull.number)).status).toBe(201);
    // test
    const newHead = await pushCommit(w, 'two', 'two-more.txt');
    expect((await getPull(w, pull.number)).merge_state.checks.auto_merge).toBeNull();
    const who = w.maintainer.username;
    expect(await autoMergeEvents(w, pull.number)).toEqual([`pull_scheduled_merge:${who}`, `pull_cancel_scheduled_merge:${who}`]);
    await postStatus(w, pull.sha, 'success');
    await postStatus(w, newHead, 'success');
    await autoMergeSettled(w, pull.number);
    expect((await getPull(w, pull.number)).merged).toBe(false);
  });

  it('is cancelled by DELETE, by the person who asked; others who may not write cannot', async () => {
    // setup
    const pull = await openPull(w, 'three');
    expect((await mergeWhenGreen(w, pull.number)).status).toBe(201);
    // test
    expect((await cancel(w, pull.number, w.tokens.contributor)).status).toBe(403);
    const cancelled = await cancel(w, pull.number);
    expect(cancelled.status).toBe(204);
    const who = w.maintainer.username;
    expect(await autoMergeEvents(w, pull.number)).toEqual([`pull_scheduled_merge:${who}`, `pull_cancel_scheduled_merge:${who}`]);
    expect((await cancel(w, pull.number)).status).toBe(404);
    await postStatus(w, pull.sha, 'success');
    await autoMergeSettled(w, pull.number);
    expect((await getPull(w, pull.number)).merged).toBe(false);
  });

  it('merges at once when the checks are already green', async () => {
    // setup
    const pull = await openPull(w, 'four');
    await postStatus(w, pull.sha, 'success');
    // test
    const merged = await mergeWhenGreen(w, pull.number);
    expect(merged.status).toBe(200);
    expect((await getPull(w, pull.number)).merged).toBe(true);
  });
});

describe('merge when checks succeed, with a required approval', () => {
  let w: StatusWorld;
  beforeAll(async () => {
    w = await makeStatusWorld(['ci/test'], { required_approvals: 1 });
  });
  afterAll(() => w.server.close());

  it('waits for the approval after the checks, and merges when it comes', async () => {
    // setup
    const pull = await openPull(w, 'feature');
    expect((await mergeWhenGreen(w, pull.number)).status).toBe(201);
    // test
    await postStatus(w, pull.sha, 'success');
    await autoMergeSettled(w, pull.number);
    expect((await getPull(w, pull.number)).merged).toBe(false);
    const review = await api(w.server.url, 'POST', `/repos/${w.maintainer.username}/site/pulls/${pull.number}/reviews`, {
      auth: as(w.ciToken),
      body: { event: 'APPROVED', body: 'Looks good' },
    });
    expect(review.status).toBe(200);
    await autoMergeSettled(w, pull.number);
    const shown = await getPull(w, pull.number);
    expect(shown.merged).toBe(true);
    expect(shown.merged_by.login).toBe(w.maintainer.username);
  });
});
