import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';
import { makeWorld, type PullWorld } from '../pulls/setup.js';

/** Makes accounts old enough to escape the new-account limit on issues. */
async function ageAccounts(w: PullWorld): Promise<void> {
  await w.server.app.forge.db.prepare("UPDATE users SET created_at = '2020-01-01T00:00:00.000Z'").run();
}

describe('issues over the Gitea API', () => {
  let w: PullWorld;
  let repo: string;
  const count = async (table: string) => await w.server.app.forge.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

  beforeAll(async () => {
    // setup: a public repository with a pull request (#1); accounts past the new-account limit
    w = await makeWorld();
    await ageAccounts(w);
    repo = `/repos/${w.maintainer.username}/site`;
    const pull = await api(w.server.url, 'POST', `${repo}/pulls`, { auth: as(w.tokens.maintainer), body: { head: 'feature', base: 'main', title: 'Feature' } });
    expect(pull.body.number).toBe(1);
  });
  afterAll(() => w.server.close());

  it('refuses anonymous, then opens an issue numbered after the pull request, in Gitea\'s shape', async () => {
    // test
    const anonymous = await api(w.server.url, 'POST', `${repo}/issues`, { body: { title: 'Bug' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.message).toBeTypeOf('string');
    expect(await count('issues')).toBe(0);
    const created = await api(w.server.url, 'POST', `${repo}/issues`, { auth: as(w.tokens.contributor), body: { title: 'Le plan ne s’affiche pas', body: 'Voir **la carte**' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      number: 2,
      title: 'Le plan ne s’affiche pas',
      state: 'open',
      is_locked: false,
      labels: [],
      assignees: [],
      milestone: null,
      pull_request: null,
      user: { login: w.contributor.username },
      repository: { full_name: `${w.maintainer.username}/site` },
      html_url: `${w.server.url}/${w.maintainer.username}/site/issues/2`,
    });
    expect(created.body.body_html).toContain('<strong>la carte</strong>');
    const issues = await api(w.server.url, 'GET', `${repo}/issues?type=issues`);
    expect(issues.body.map((i: { number: number }) => i.number)).toEqual([2]);
    const pulls = await api(w.server.url, 'GET', `${repo}/issues?type=pulls`);
    expect(pulls.body.map((i: { number: number; pull_request: unknown }) => [i.number, i.pull_request !== null])).toEqual([[1, true]]);
    const both = await api(w.server.url, 'GET', `${repo}/issues`);
    expect(both.headers.get('x-total-count')).toBe('2');
    const repository = await api(w.server.url, 'GET', repo);
    expect(repository.body).toMatchObject({ has_issues: true, open_issues_count: 1, open_pr_counter: 1 });
    // The next pull request takes the number after the issue.
    const next = await api(w.server.url, 'POST', `${repo}/pulls`, { auth: as(w.tokens.maintainer), body: { head: 'clash', base: 'main', title: 'Clash' } });
    expect(next.body.number).toBe(3);
  });

  it('lets writers label, with exclusive scoped labels, and refuses readers', async () => {
    // setup
    const bug = await api(w.server.url, 'POST', `${repo}/labels`, { auth: as(w.tokens.maintainer), body: { name: 'kind/bug', color: '#ee0701', exclusive: true } });
    const feature = await api(w.server.url, 'POST', `${repo}/labels`, { auth: as(w.tokens.maintainer), body: { name: 'kind/feature', color: '00aabb', exclusive: true } });
    expect(bug.status).toBe(201);
    expect(bug.body).toMatchObject({ name: 'kind/bug', color: 'ee0701', exclusive: true });
    // test
    const refused = await api(w.server.url, 'POST', `${repo}/issues/2/labels`, { auth: as(w.tokens.contributor), body: { labels: [bug.body.id] } });
    expect(refused.status).toBe(403);
    expect(await count('issue_labels')).toBe(0);
    await api(w.server.url, 'POST', `${repo}/issues/2/labels`, { auth: as(w.tokens.maintainer), body: { labels: [feature.body.id] } });
    const labelled = await api(w.server.url, 'POST', `${repo}/issues/2/labels`, { auth: as(w.tokens.maintainer), body: { labels: ['kind/bug'] } });
    expect(labelled.status).toBe(200);
    expect(labelled.body.map((l: { name: string }) => l.name)).toEqual(['kind/bug']);
    const unknown = await api(w.server.url, 'POST', `${repo}/issues/2/labels`, { auth: as(w.tokens.maintainer), body: { labels: ['nope'] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toMatch(/nope/);
    const timeline = await api(w.server.url, 'GET', `${repo}/issues/2/timeline`);
    expect(timeline.body.filter((e: { type: string }) => e.type === 'label').map((e: { label_name: string; body: string }) => [e.label_name, e.body])).toEqual([
      ['kind/feature', '1'],
      ['kind/feature', ''],
      ['kind/bug', '1'],
    ]);
    const filtered = await api(w.server.url, 'GET', `${repo}/issues?labels=kind/bug`);
    expect(filtered.body.map((i: { number: number }) => i.number)).toEqual([2]);
  });

  it('lets the author and writers edit and close; others get 403; the old text stays in the history', async () => {
    // test
    const outsider = await api(w.server.url, 'PATCH', `${repo}/issues/2`, { auth: as(w.tokens.outsider), body: { title: 'Hijacked' } });
    expect(outsider.status).toBe(403);
    const assign = await api(w.server.url, 'PATCH', `${repo}/issues/2`, { auth: as(w.tokens.contributor), body: { assignees: [w.maintainer.username] } });
    expect(assign.status).toBe(403);
    const edited = await api(w.server.url, 'PATCH', `${repo}/issues/2`, { auth: as(w.tokens.contributor), body: { body: 'Voir la carte, page 2', state: 'closed' } });
    expect(edited.status).toBe(201);
    expect(edited.body).toMatchObject({ state: 'closed', body: 'Voir la carte, page 2' });
    expect(edited.body.closed_at).toBeTypeOf('string');
    const history = await api(w.server.url, 'GET', `${repo}/issues/2/content_history`);
    expect(history.body).toMatchObject([{ body: 'Voir **la carte**', editor: { login: w.contributor.username } }]);
    const reopened = await api(w.server.url, 'PATCH', `${repo}/issues/2`, { auth: as(w.tokens.maintainer), body: { state: 'open', assignees: [w.maintainer.username] } });
    expect(reopened.body).toMatchObject({ state: 'open', closed_at: null, assignee: { login: w.maintainer.username } });
  });

  it('takes comments and reactions, and once locked takes them from writers only', async () => {
    // test
    const comment = await api(w.server.url, 'POST', `${repo}/issues/2/comments`, { auth: as(w.tokens.outsider), body: { body: 'Moi aussi' } });
    expect(comment.status).toBe(201);
    expect(comment.body.issue_url).toBe(`${w.server.url}/${w.maintainer.username}/site/issues/2`);
    const reaction = await api(w.server.url, 'POST', `${repo}/issues/2/reactions`, { auth: as(w.tokens.outsider), body: { content: 'heart' } });
    expect(reaction.status).toBe(201);
    expect((await api(w.server.url, 'POST', `${repo}/issues/2/reactions`, { auth: as(w.tokens.outsider), body: { content: 'nope' } })).status).toBe(422);
    expect((await api(w.server.url, 'PUT', `${repo}/issues/2/lock`, { auth: as(w.tokens.contributor), body: {} })).status).toBe(403);
    expect((await api(w.server.url, 'PUT', `${repo}/issues/2/lock`, { auth: as(w.tokens.maintainer), body: { lock_reason: 'spam' } })).status).toBe(204);
    const before = await count('issue_comments');
    const locked = await api(w.server.url, 'POST', `${repo}/issues/2/comments`, { auth: as(w.tokens.outsider), body: { body: 'Encore' } });
    expect(locked.status).toBe(403);
    expect(locked.body.message).toMatch(/locked/);
    expect(await count('issue_comments')).toBe(before);
    expect((await api(w.server.url, 'POST', `${repo}/issues/2/comments`, { auth: as(w.tokens.maintainer), body: { body: 'Fermé au débat' } })).status).toBe(201);
    expect((await api(w.server.url, 'GET', `${repo}/issues/2`)).body.is_locked).toBe(true);
  });

  it('notes a reference on the other side\'s timeline', async () => {
    // test
    const referring = await api(w.server.url, 'POST', `${repo}/issues`, { auth: as(w.tokens.maintainer), body: { title: 'Suite', body: 'Voir #2 et #1' } });
    const timeline = await api(w.server.url, 'GET', `${repo}/issues/2/timeline`);
    expect(timeline.body.filter((e: { type: string }) => e.type === 'issue_ref').map((e: { ref_issue_number: number }) => e.ref_issue_number)).toEqual([referring.body.number]);
    const pullTimeline = await api(w.server.url, 'GET', `${repo}/issues/1/timeline`);
    expect(pullTimeline.body.some((e: { type: string; ref_issue_number: number }) => e.type === 'issue_ref' && e.ref_issue_number === referring.body.number)).toBe(true);
  });

  it('hides a private repository\'s issues (404, not listed, no reference shown) and makes an archived one read-only', async () => {
    // setup
    const { db } = w.server.app.forge;
    await buildRepo(db, w.server.config.reposDir, w.maintainer, { name: 'secret', isPrivate: true });
    const secretPath = `/repos/${w.maintainer.username}/secret`;
    const hidden = await api(w.server.url, 'POST', `${secretPath}/issues`, { auth: as(w.tokens.maintainer), body: { title: 'Confidentiel', body: `Lié à ${w.maintainer.username}/site#2` } });
    expect(hidden.status).toBe(201);
    // test
    expect((await api(w.server.url, 'GET', `${secretPath}/issues/1`, { auth: as(w.tokens.outsider) })).status).toBe(404);
    expect((await api(w.server.url, 'GET', `${secretPath}/issues`, { auth: as(w.tokens.outsider) })).status).toBe(404);
    const search = await api(w.server.url, 'GET', '/repos/issues/search?q=Confidentiel', { auth: as(w.tokens.outsider) });
    expect(search.body).toEqual([]);
    const own = await api(w.server.url, 'GET', '/repos/issues/search?q=Confidentiel', { auth: as(w.tokens.maintainer) });
    expect(own.body.map((i: { title: string }) => i.title)).toEqual(['Confidentiel']);
    const seen = async (token: string) =>
      (await api(w.server.url, 'GET', `${repo}/issues/2/timeline`, { auth: as(token) })).body.some((e: { ref_repository: string }) => e.ref_repository.endsWith('/secret'));
    expect(await seen(w.tokens.outsider)).toBe(false);
    expect(await seen(w.tokens.maintainer)).toBe(true);
    // Archived: read-only for everyone, nothing stored.
    await api(w.server.url, 'PATCH', repo, { auth: as(w.tokens.maintainer), body: { archived: true } });
    const before = await count('issues') + await count('issue_comments');
    const open = await api(w.server.url, 'POST', `${repo}/issues`, { auth: as(w.tokens.maintainer), body: { title: 'Trop tard' } });
    expect(open.status).toBe(403);
    expect(open.body.message).toMatch(/archived/);
    expect((await api(w.server.url, 'POST', `${repo}/issues/2/comments`, { auth: as(w.tokens.maintainer), body: { body: 'Non' } })).status).toBe(403);
    expect(await count('issues') + await count('issue_comments')).toBe(before);
    expect((await api(w.server.url, 'GET', `${repo}/issues/2`)).status).toBe(200);
    await api(w.server.url, 'PATCH', repo, { auth: as(w.tokens.maintainer), body: { archived: false } });
  });

  it('turns the tracker off with has_issues: issues are 404, pull requests stay', async () => {
    // test
    const off = await api(w.server.url, 'PATCH', repo, { auth: as(w.tokens.maintainer), body: { has_issues: false } });
    expect(off.body.has_issues).toBe(false);
    expect((await api(w.server.url, 'GET', `${repo}/issues/2`)).status).toBe(404);
    expect((await api(w.server.url, 'POST', `${repo}/issues`, { auth: as(w.tokens.contributor), body: { title: 'Non' } })).status).toBe(404);
    expect((await api(w.server.url, 'GET', `${repo}/issues/1`)).status).toBe(200);
    await api(w.server.url, 'PATCH', repo, { auth: as(w.tokens.maintainer), body: { has_issues: true } });
  });

  it('shows the labels of a pull request in its PullRequest JSON, as on the issue (Renovate reads them back)', async () => {
    // setup
    const auth = as(w.tokens.maintainer);
    const label = await api(w.server.url, 'POST', `${repo}/labels`, { auth, body: { name: 'accessibilité', color: '#00aa55' } });
    expect(label.status).toBe(201);
    expect((await api(w.server.url, 'POST', `${repo}/issues/1/labels`, { auth, body: { labels: [label.body.id] } })).status).toBe(200);
    // test
    const pull = await api(w.server.url, 'GET', `${repo}/pulls/1`);
    expect(pull.body).toMatchObject({ labels: [{ id: label.body.id, name: 'accessibilité', color: '00aa55' }], milestone: null, assignee: null, assignees: [] });
    const list = await api(w.server.url, 'GET', `${repo}/pulls?state=all`);
    expect(list.body.find((p: { number: number }) => p.number === 1).labels.map((l: { name: string }) => l.name)).toEqual(['accessibilité']);
  });
});

describe('a new account\'s issues', () => {
  let server: TestServer;
  afterAll(() => server.close());

  it('are limited per hour (FORGE_NEW_ACCOUNT_ISSUES_PER_HOUR): the one over is a 429 and is not stored', async () => {
    // setup
    server = await startServer({ env: { FORGE_NEW_ACCOUNT_ISSUES_PER_HOUR: '2' } });
    const { db } = server.app.forge;
    const owner = await buildUser(db);
    await buildRepo(db, server.config.reposDir, owner, { name: 'town' });
    const newcomer = await buildUser(db);
    const token = await buildToken(db, newcomer, ['write:issue']);
    const path = `/repos/${owner.username}/town/issues`;
    // test
    expect((await api(server.url, 'POST', path, { auth: as(token), body: { title: 'Un' } })).status).toBe(201);
    expect((await api(server.url, 'POST', path, { auth: as(token), body: { title: 'Deux' } })).status).toBe(201);
    const third = await api(server.url, 'POST', path, { auth: as(token), body: { title: 'Trois' } });
    expect(third.status).toBe(429);
    expect(third.body.message).toMatch(/2 issues an hour/);
    expect(await db.prepare('SELECT count(*) FROM issues').pluck().get()).toBe(2);
    // The repository's owner is not limited.
    const ownerToken = await buildToken(db, owner, ['write:issue']);
    for (const title of ['A', 'B', 'C']) expect((await api(server.url, 'POST', path, { auth: as(ownerToken), body: { title } })).status).toBe(201);
    // A token without the issue scope is refused before anything is read.
    const repoOnly = await buildToken(db, newcomer, ['write:repository']);
    const refused = await api(server.url, 'POST', path, { auth: as(repoOnly), body: { title: 'Quatre' } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('This token lacks the write:issue scope.');
  });

});
