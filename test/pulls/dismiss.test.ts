import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';
import { makeWorld, settledPull, type PullWorld } from './setup.js';

describe('dismissing a review (Gitea: POST …/reviews/{id}/dismissals and /undismissals)', () => {
  let w: PullWorld;
  let o: string;
  let second: string;
  const call = (method: string, path: string, token: string | null, body?: unknown) =>
    api(w.server.url, method, `/repos/${o}/site${path}`, { auth: token === null ? {} : as(token), body });
  const codes = async () => ((await call('GET', '/pulls/1', w.tokens.maintainer)).body.merge_state as { blockers: { code: string }[]; advice: { code: string }[]; approved_by: string[] });

  beforeAll(async () => {
    // setup: a second writer, a pull request, and a protection rule requiring one approval and blocking on requested changes
    w = await makeWorld();
    o = w.maintainer.username;
    const { db } = w.server.app.forge;
    const writer = await buildUser(db);
    second = await buildToken(db, writer, ['all']);
    await call('PUT', `/collaborators/${writer.username}`, w.tokens.maintainer, { permission: 'write' });
    await call('POST', '/branch_protections', w.tokens.maintainer, { rule_name: 'main', required_approvals: 1, block_on_rejected_reviews: true });
    await call('POST', '/pulls', w.tokens.contributor, { head: 'feature', base: 'main', title: 'Feature' });
    await settledPull(w, o, 'site', 1);
  });
  afterAll(() => w.server.close());

  it('refuses anonymous callers, people who may not write, comments, pending reviews and a missing reason, changing nothing', async () => {
    const approval = await call('POST', '/pulls/1/reviews', second, { event: 'APPROVED', body: 'Fine' });
    const comment = await call('POST', '/pulls/1/reviews', w.tokens.outsider, { event: 'COMMENT', body: 'Hmm' });
    const pending = await call('POST', '/pulls/1/reviews', w.tokens.maintainer, { event: 'PENDING', body: 'later' });
    const id = approval.body.id as number;
    expect((await call('POST', `/pulls/1/reviews/${id}/dismissals`, null, { message: 'x' })).status).toBe(401);
    expect((await call('POST', `/pulls/1/reviews/${id}/dismissals`, w.tokens.contributor, { message: 'x' })).status).toBe(403);
    const noReason = await call('POST', `/pulls/1/reviews/${id}/dismissals`, w.tokens.maintainer, { message: '  ' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.message).toMatch(/why/);
    const ofComment = await call('POST', `/pulls/1/reviews/${comment.body.id}/dismissals`, w.tokens.maintainer, { message: 'x' });
    expect(ofComment.status).toBe(422);
    expect(ofComment.body.message).toMatch(/approval or a request for changes/);
    expect((await call('POST', `/pulls/1/reviews/${pending.body.id}/dismissals`, second, { message: 'x' })).status).toBe(404);
    expect((await call('POST', '/pulls/1/reviews/9999/dismissals', w.tokens.maintainer, { message: 'x' })).status).toBe(404);
    expect((await call('GET', `/pulls/1/reviews/${id}`, null)).body.dismissed).toBe(false);
    expect((await codes()).approved_by).toHaveLength(1);
    await call('DELETE', `/pulls/1/reviews/${pending.body.id}`, w.tokens.maintainer);
  });

  it('a dismissed approval no longer counts, an earlier approval of the same reviewer does not come back, and undismissing restores it', async () => {
    const [first] = (await call('GET', '/pulls/1/reviews', null)).body as { id: number }[];
    const later = await call('POST', '/pulls/1/reviews', second, { event: 'APPROVED', body: 'Still fine' });
    const dismissed = await call('POST', `/pulls/1/reviews/${later.body.id}/dismissals`, w.tokens.maintainer, { message: 'Approved before the last push' });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({ id: later.body.id, dismissed: true, state: 'APPROVED' });
    const state = await codes();
    expect(state.approved_by).toEqual([]);
    expect(state.blockers.map((b) => b.code)).toContain('approvals');
    expect((await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge' })).status).toBe(405);
    expect(first.id).toBeLessThan(later.body.id);
    const timeline = await call('GET', '/issues/1/timeline', null);
    const event = timeline.body.find((e: { type: string }) => e.type === 'dismiss_review');
    expect(event).toMatchObject({ body: 'Approved before the last push', review_id: later.body.id, user: { login: o } });
    const restored = await call('POST', `/pulls/1/reviews/${later.body.id}/undismissals`, w.tokens.maintainer);
    expect(restored.body.dismissed).toBe(false);
    expect((await codes()).blockers.map((b) => b.code)).not.toContain('approvals');
  });

  it('a request for changes from someone who may not write is advice: it cannot hold the merge', async () => {
    const request = await call('POST', '/pulls/1/reviews', w.tokens.outsider, { event: 'REQUEST_CHANGES', body: 'No' });
    expect(request.status).toBe(200);
    const state = await codes();
    expect(state.blockers.map((b) => b.code)).not.toContain('changes_requested');
    expect(state.advice.map((b) => b.code)).toContain('changes_requested');
    await call('POST', `/pulls/1/reviews/${request.body.id}/dismissals`, w.tokens.maintainer, { message: 'Not a reviewer' });
  });

  it('a dismissed request for changes no longer blocks the merge', async () => {
    const request = await call('POST', '/pulls/1/reviews', w.tokens.maintainer, { event: 'REQUEST_CHANGES', body: 'Rename it' });
    expect((await codes()).blockers.map((b) => b.code)).toContain('changes_requested');
    const dismissed = await call('POST', `/pulls/1/reviews/${request.body.id}/dismissals`, second, { message: 'Renamed since' });
    expect(dismissed.body.dismissed).toBe(true);
    expect((await codes()).blockers).toEqual([]);
    expect((await call('POST', '/pulls/1/merge', w.tokens.maintainer, { Do: 'merge' })).status).toBe(200);
    const afterMerge = await call('POST', `/pulls/1/reviews/${request.body.id}/undismissals`, second);
    expect(afterMerge.status).toBe(409);
  });
});
