import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, as } from '../helpers/http.js';
import { makeWorld, type PullWorld } from '../pulls/setup.js';

describe('issue lists and search', () => {
  let w: PullWorld;
  let repo: string;
  const numbers = async (query: string, token?: string) =>
    ((await api(w.server.url, 'GET', `${repo}/issues?${query}`, { auth: token ? as(token) : undefined })).body as Array<{ number: number }>).map((i) => i.number);

  beforeAll(async () => {
    // setup: four issues and a pull request, by two authors, with labels, a milestone, an assignee and a mention
    w = await makeWorld();
    await w.server.app.forge.db.prepare("UPDATE users SET created_at = '2020-01-01T00:00:00.000Z'").run();
    repo = `/repos/${w.maintainer.username}/site`;
    const maintainer = as(w.tokens.maintainer);
    const bug = (await api(w.server.url, 'POST', `${repo}/labels`, { auth: maintainer, body: { name: 'bug', color: 'ff0000' } })).body.id;
    const milestone = (await api(w.server.url, 'POST', `${repo}/milestones`, { auth: maintainer, body: { title: 'v1' } })).body.id;
    const post = (token: string, body: Record<string, unknown>) => api(w.server.url, 'POST', `${repo}/issues`, { auth: as(token), body });
    await post(w.tokens.contributor, { title: 'Impossible de résoudre l’adresse', body: 'La géolocalisation échoue' }); // 1
    await post(w.tokens.maintainer, { title: 'Carte lente', labels: [bug], milestone, assignees: [w.maintainer.username] }); // 2
    await post(w.tokens.contributor, { title: 'Question', body: `@${w.maintainer.username} une idée ?` }); // 3
    await post(w.tokens.maintainer, { title: 'Vieux ticket', closed: true }); // 4
    await api(w.server.url, 'POST', `${repo}/pulls`, { auth: maintainer, body: { head: 'feature', base: 'main', title: 'Résoudre la carte' } }); // 5
  });
  afterAll(() => w.server.close());

  it('finds words without their accents, and words with them', async () => {
    // test
    expect(await numbers('type=issues&q=resoudre')).toEqual([1]);
    expect(await numbers('type=issues&q=RÉSOUDRE')).toEqual([1]);
    expect(await numbers('type=issues&q=geolocalisation')).toEqual([1]);
    expect(await numbers('q=resoudre')).toEqual([5, 1]);
    expect(await numbers('q=%22%29%28*')).toEqual([]);
  });

  it('filters by state, label, milestone, author, assignee and mention', async () => {
    // test
    expect(await numbers('type=issues')).toEqual([3, 2, 1]);
    expect(await numbers('type=issues&state=closed')).toEqual([4]);
    expect(await numbers('state=all')).toEqual([5, 4, 3, 2, 1]);
    expect(await numbers('labels=bug')).toEqual([2]);
    expect(await numbers('milestones=v1')).toEqual([2]);
    expect(await numbers(`type=issues&created_by=${w.contributor.username}`)).toEqual([3, 1]);
    expect(await numbers(`assigned_by=${w.maintainer.username}`)).toEqual([2]);
    expect(await numbers(`mentioned_by=${w.maintainer.username}`)).toEqual([3]);
    expect(await numbers('created_by=nobody-at-all')).toEqual([]);
    expect(await numbers('type=issues&sort=oldest')).toEqual([1, 2, 3]);
  });

  it('pages with Gitea\'s limit, X-Total-Count and Link', async () => {
    // test
    const page = await api(w.server.url, 'GET', `${repo}/issues?state=all&limit=2&page=2`);
    expect(page.body.map((i: { number: number }) => i.number)).toEqual([3, 2]);
    expect(page.headers.get('x-total-count')).toBe('5');
    expect(page.headers.get('link')).toContain('rel="next"');
    const milestone = (await api(w.server.url, 'GET', `${repo}/milestones`)).body[0];
    expect(milestone).toMatchObject({ title: 'v1', open_issues: 1, closed_issues: 0 });
  });

  it('searches across the repositories the viewer reads', async () => {
    // test
    const found = await api(w.server.url, 'GET', '/repos/issues/search?q=carte&state=all');
    expect(found.body.map((i: { number: number; repository: { full_name: string } }) => [i.number, i.repository.full_name])).toEqual([
      [5, `${w.maintainer.username}/site`],
      [2, `${w.maintainer.username}/site`],
    ]);
    const bad = await api(w.server.url, 'GET', '/repos/issues/search?since=yesterday');
    expect(bad.status).toBe(422);
  });
});
