import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refOf } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';
import { makeWorld, settledPull, type PullWorld } from './setup.js';

describe('draft pull requests (Gitea: a "WIP:" or "[WIP]" title prefix)', () => {
  let w: PullWorld;
  let o: string;
  const call = (method: string, path: string, token: string | null, body?: unknown) =>
    api(w.server.url, method, `/repos/${o}/site${path}`, { auth: token === null ? {} : as(token), body });

  beforeAll(async () => {
    // setup
    w = await makeWorld();
    o = w.maintainer.username;
  });
  afterAll(() => w.server.close());

  it('marks a pull request titled "[WIP] …" (any case) or opened with draft: true as a draft, in the pull request and the lists', async () => {
    const prefixed = await call('POST', '/pulls', w.tokens.contributor, { head: 'feature', base: 'main', title: '[wip] Feature' });
    expect(prefixed.status).toBe(201);
    expect(prefixed.body).toMatchObject({ title: '[wip] Feature', draft: true });
    const flagged = await call('POST', '/pulls', w.tokens.contributor, { head: 'clash', base: 'main', title: 'Clash', draft: true });
    expect(flagged.body).toMatchObject({ title: 'WIP: Clash', draft: true });
    const list = await call('GET', '/pulls?state=open', null);
    expect(list.body.map((p: { draft: boolean }) => p.draft)).toEqual([true, true]);
    const issues = await call('GET', '/issues?type=pulls&state=open', null);
    expect(issues.body.map((i: { pull_request: { draft: boolean } }) => i.pull_request.draft)).toEqual([true, true]);
  });

  it('refuses to merge a draft with a 405 that says why, moving nothing; the merge state names the draft as a blocker', async () => {
    const before = refOf(w.path, 'refs/heads/main');
    const pull = await settledPull(w, o, 'site', 1);
    expect(pull.mergeable_state).toBe('mergeable');
    const shown = await call('GET', '/pulls/1', w.tokens.maintainer);
    expect(shown.body.merge_state.status).toBe('blocked');
    expect(shown.body.merge_state.blockers.map((b: { code: string }) => b.code)).toContain('draft');
    const merge = await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge' });
    expect(merge.status).toBe(405);
    expect(merge.body.message).toMatch(/draft/i);
    expect(refOf(w.path, 'refs/heads/main')).toBe(before);
  });

  it('lets the author or a writer mark it ready (the prefix goes, the timeline says so), nobody else; then it merges', async () => {
    const refused = await call('PATCH', '/pulls/1', w.tokens.outsider, { draft: false });
    expect(refused.status).toBe(403);
    expect((await call('GET', '/pulls/1', null)).body).toMatchObject({ title: '[wip] Feature', draft: true });
    const ready = await call('PATCH', '/pulls/1', w.tokens.contributor, { draft: false });
    expect(ready.status).toBe(201);
    expect(ready.body).toMatchObject({ title: 'Feature', draft: false });
    expect(ready.body.merge_state.blockers.map((b: { code: string }) => b.code)).not.toContain('draft');
    const timeline = await call('GET', '/issues/1/timeline', null);
    expect(timeline.body.find((e: { type: string }) => e.type === 'change_title')).toMatchObject({ old_title: '[wip] Feature', new_title: 'Feature' });
    // A writer may turn it back into a draft, which blocks again.
    const again = await call('PATCH', '/pulls/1', w.tokens.maintainer, { draft: true });
    expect(again.body).toMatchObject({ title: 'WIP: Feature', draft: true });
    expect((await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge' })).status).toBe(405);
    await call('PATCH', '/pulls/1', w.tokens.maintainer, { draft: false });
    const merged = await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge' });
    expect(merged.status).toBe(200);
    expect((await call('GET', '/pulls/1', null)).body.merged).toBe(true);
  });
});
