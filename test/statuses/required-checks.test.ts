import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, as } from '../helpers/http.js';
import { getPull, makeStatusWorld, openPull, postStatus, type StatusWorld } from './setup.js';

const merge = (w: StatusWorld, number: number) =>
  api(w.server.url, 'POST', `/repos/${w.maintainer.username}/site/pulls/${number}/merge`, { auth: as(w.tokens.maintainer), body: { Do: 'merge' } });

describe('required status checks', () => {
  let w: StatusWorld;
  beforeAll(async () => {
    w = await makeStatusWorld(['ci/test']);
  });
  afterAll(() => w.server.close());

  it('refuses the merge with 405 naming the context until it succeeds on the head, then merges', async () => {
    // setup
    const pull = await openPull(w, 'feature');
    // test: nothing reported yet
    let refused = await merge(w, pull.number);
    expect(refused.status).toBe(405);
    expect(refused.body.message).toContain('"ci/test" has not been reported');
    let shown = await getPull(w, pull.number);
    expect(shown.merge_state.status).toBe('blocked');
    expect(shown.merge_state.blockers).toContainEqual(expect.objectContaining({ code: 'status_checks', names: ['ci/test'] }));
    expect(shown.merge_state.checks).toMatchObject({ state: null, required: ['ci/test'], required_passed: false, auto_merge: null });

    // Pending, then a warning (not a success, as in Gitea), and a success on another commit: still refused.
    await postStatus(w, pull.sha, 'pending');
    refused = await merge(w, pull.number);
    expect(refused.status).toBe(405);
    expect(refused.body.message).toContain('"ci/test" is pending');
    await postStatus(w, pull.sha, 'warning');
    expect((await merge(w, pull.number)).body.message).toContain('"ci/test" is warning');
    const main = (await api(w.server.url, 'GET', `/repos/${w.maintainer.username}/site/branches/main`)).body.commit.id as string;
    await postStatus(w, main, 'success');
    expect((await merge(w, pull.number)).status).toBe(405);
    expect((await getPull(w, pull.number)).merged).toBe(false);

    // A success on the head: the rule is met.
    await postStatus(w, pull.sha, 'success');
    shown = await getPull(w, pull.number);
    expect(shown.merge_state.checks).toMatchObject({ state: 'success', required_passed: true });
    expect(shown.merge_state.blockers).toEqual([]);
    expect((await merge(w, pull.number)).status).toBe(200);
    expect((await getPull(w, pull.number)).merged).toBe(true);
  });
});

describe('required status checks by glob pattern', () => {
  let w: StatusWorld;
  beforeAll(async () => {
    w = await makeStatusWorld(['ci/*']);
  });
  afterAll(() => w.server.close());

  it('needs at least one matching context, and every matching context green', async () => {
    // setup
    const pull = await openPull(w, 'feature');
    // test: a context the pattern does not match does not count
    await postStatus(w, pull.sha, 'success', 'deploy/preview');
    let refused = await merge(w, pull.number);
    expect(refused.status).toBe(405);
    expect(refused.body.message).toContain('"ci/*" has not been reported');
    await postStatus(w, pull.sha, 'success', 'ci/unit');
    await postStatus(w, pull.sha, 'failure', 'ci/lint');
    refused = await merge(w, pull.number);
    expect(refused.status).toBe(405);
    expect(refused.body.message).toContain('"ci/lint" is failure');
    expect((await getPull(w, pull.number)).merge_state.blockers[0].names).toEqual(['ci/lint']);
    await postStatus(w, pull.sha, 'success', 'ci/lint');
    expect((await merge(w, pull.number)).status).toBe(200);
  });
});
