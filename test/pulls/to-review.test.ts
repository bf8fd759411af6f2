import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToken, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';
import { makeWorld, type PullWorld } from './setup.js';

describe('the "to review" list (Gitea: /repos/issues/search?type=pulls&review_requested=true)', () => {
  let w: PullWorld;
  let o: string;
  let reviewer: string;
  const search = (token: string | null) =>
    api(w.server.url, 'GET', '/repos/issues/search?type=pulls&state=open&review_requested=true', { auth: token === null ? {} : as(token) });
  const call = (method: string, path: string, token: string, body?: unknown) => api(w.server.url, method, `/repos/${o}/site${path}`, { auth: as(token), body });

  beforeAll(async () => {
    // setup: a writer asked to review two pull requests
    w = await makeWorld();
    o = w.maintainer.username;
    const { db } = w.server.app.forge;
    const user = await buildUser(db);
    reviewer = await buildToken(db, user, ['all']);
    await call('PUT', `/collaborators/${user.username}`, w.tokens.maintainer, { permission: 'write' });
    for (const [head, title] of [['feature', 'Feature'], ['clash', 'Clash']]) {
      const opened = await call('POST', '/pulls', w.tokens.contributor, { head, base: 'main', title });
      expect((await call('POST', `/pulls/${opened.body.number}/requested_reviewers`, w.tokens.maintainer, { reviewers: [user.username] })).status).toBe(201);
    }
  });
  afterAll(() => w.server.close());

  it('asks who is signed in, then lists the open pull requests whose review is asked of them, newest first, with repository and author', async () => {
    expect((await search(null)).status).toBe(401);
    const listed = await search(reviewer);
    expect(listed.status).toBe(200);
    expect(listed.body.map((i: { title: string }) => i.title)).toEqual(['Clash', 'Feature']);
    expect(listed.body[0]).toMatchObject({ repository: { full_name: `${o}/site` }, user: { login: w.contributor.username }, pull_request: { merged: false } });
    expect((await search(w.tokens.outsider)).body).toEqual([]);
  });

  it('drops a pull request once the review is given, or when it is closed; a new request after the review brings it back', async () => {
    expect((await call('POST', '/pulls/2/reviews', reviewer, { event: 'APPROVED', body: 'ok' })).status).toBe(200);
    expect((await search(reviewer)).body.map((i: { title: string }) => i.title)).toEqual(['Feature']);
    await call('PATCH', '/pulls/1', w.tokens.maintainer, { state: 'closed' });
    expect((await search(reviewer)).body).toEqual([]);
    const login = (await api(w.server.url, 'GET', '/user', { auth: as(reviewer) })).body.login as string;
    await call('DELETE', '/pulls/2/requested_reviewers', w.tokens.maintainer, { reviewers: [login] });
    await call('POST', '/pulls/2/requested_reviewers', w.tokens.maintainer, { reviewers: [login] });
    expect((await search(reviewer)).body.map((i: { title: string }) => i.title)).toEqual(['Clash']);
  });
});
