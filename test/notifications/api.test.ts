import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { gitSync, pushHistory } from '../helpers/git.js';
import { api, as } from '../helpers/http.js';
import { repoPath } from '../../server/git/store.js';
import type { UserRow } from '../../server/db/users.js';
import { makeWorld, type PullWorld } from '../pulls/setup.js';

interface Thread {
  id: number;
  unread: boolean;
  pinned: boolean;
  reason: string;
  url: string;
  repository: { full_name: string };
  subject: { title: string; type: string; state: string; url: string; html_url: string; latest_comment_url: string; latest_comment_html_url: string };
}

describe('notifications: mentions, subscriptions, watches and the inbox over the Gitea API', () => {
  let w: PullWorld;
  let o: string;
  let reader: UserRow;
  const tokens: Record<string, string> = {};
  const call = (method: string, path: string, token: string | null, body?: unknown) => api(w.server.url, method, path, { auth: as(token), body });
  const inbox = async (token: string, query = ''): Promise<Thread[]> => {
    const res = await call('GET', `/notifications${query}`, token);
    expect(res.status).toBe(200);
    return res.body as Thread[];
  };
  const unread = async (token: string): Promise<number> => (await call('GET', '/notifications/new', token)).body.new as number;
  const openPull = async (head: string, title: string, body = '') => {
    const res = await call('POST', `/repos/${o}/site/pulls`, w.tokens.contributor, { head, base: 'main', title, body });
    expect(res.status).toBe(201);
    return res.body.number as number;
  };

  beforeAll(async () => {
    // setup: the pull request world, a fourth account, and a branch per pull request to open
    w = await makeWorld();
    o = w.maintainer.username;
    reader = await buildUser(w.server.app.forge.db);
    tokens.reader = await buildToken(w.server.app.forge.db, reader, ['all']);
    gitSync(w.path, ['branch', 'two', 'feature']);
    gitSync(w.path, ['branch', 'three', 'feature']);
    gitSync(w.path, ['branch', 'four', 'feature']);
  });
  afterAll(() => w.server.close());

  it('answers 401 without an account, 403 to a token without the notification scope, 422 for a date that is not one', async () => {
    expect((await call('GET', '/notifications', null)).status).toBe(401);
    expect((await call('GET', '/notifications/new', null)).status).toBe(401);
    expect((await call('PUT', '/notifications', null)).status).toBe(401);
    const repoOnly = await buildToken(w.server.app.forge.db, reader, ['read:repository']);
    const refused = await call('GET', '/notifications', repoOnly);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/read:notification/);
    const readOnly = await buildToken(w.server.app.forge.db, reader, ['read:notification']);
    expect((await call('GET', '/notifications', readOnly)).status).toBe(200);
    expect((await call('PUT', '/notifications', readOnly)).status).toBe(403);
    const bad = await call('GET', '/notifications?since=yesterday', tokens.reader);
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(/since/);
    expect((await call('GET', '/notifications/threads/999', tokens.reader)).status).toBe(404);
    const badMark = await call('PUT', '/notifications?last_read_at=soon', tokens.reader);
    expect(badMark.status).toBe(422);
    expect(badMark.body.message).toMatch(/last_read_at/);
  });

  it('notifies the people a pull request comment mentions, never its author, and subscribes them', async () => {
    // setup: the contributor opens a pull request (and so follows it)
    const n = await openPull('feature', 'Add nine');
    expect(await unread(tokens.reader)).toBe(0);
    // test: the maintainer mentions the reader (and someone who does not exist, and an email address)
    const comment = await call('POST', `/repos/${o}/site/issues/${n}/comments`, w.tokens.maintainer, {
      body: `@${reader.username} could you look? cc @nobody-here, mail ${o}@example.org, \`@${w.outsider.username}\` in code`,
    });
    expect(comment.status).toBe(201);
    const threads = await inbox(tokens.reader);
    expect(threads).toHaveLength(1);
    const base = w.server.url;
    expect(threads[0]).toMatchObject({
      unread: true,
      pinned: false,
      reason: 'mention',
      repository: { full_name: `${o}/site` },
      subject: {
        title: 'Add nine',
        type: 'Pull',
        state: 'open',
        url: `${base}/api/v1/repos/${o}/site/pulls/${n}`,
        html_url: `${base}/${o}/site/pulls/${n}`,
        latest_comment_url: `${base}/api/v1/repos/${o}/site/issues/comments/${comment.body.id}`,
        latest_comment_html_url: `${base}/${o}/site/pulls/${n}#issuecomment-${comment.body.id}`,
      },
      url: `${base}/api/v1/notifications/threads/${threads[0].id}`,
    });
    expect(await unread(tokens.reader)).toBe(1);
    // the author of the pull request follows it: the comment is news to them
    expect((await inbox(w.tokens.contributor)).map((t) => [t.subject.title, t.reason])).toEqual([['Add nine', 'comment']]);
    // the one who commented is told nothing, and code spans mention nobody
    expect(await inbox(w.tokens.maintainer)).toEqual([]);
    expect(await inbox(w.tokens.outsider)).toEqual([]);
    // the mentioned reader now follows the conversation
    const check = await call('GET', `/repos/${o}/site/issues/${n}/subscriptions/check`, tokens.reader);
    expect(check.body).toMatchObject({ subscribed: true, ignored: false, repository_url: `${base}/api/v1/repos/${o}/site` });
    const subscribers = await call('GET', `/repos/${o}/site/issues/${n}/subscriptions`, tokens.reader);
    expect(subscribers.body.map((u: { login: string }) => u.login).sort()).toEqual([w.contributor.username, w.maintainer.username, reader.username].sort());
  });

  it('keeps one notification per user and conversation, unread again on every event; marks read one or all', async () => {
    // setup
    const [thread] = await inbox(tokens.reader);
    // test: one thread marked read
    const patched = await call('PATCH', `/notifications/threads/${thread.id}`, tokens.reader);
    // 205 Reset Content, as Gitea: fetch clients see no body, so the state is read back
    expect(patched.status).toBe(205);
    expect((await call('GET', `/notifications/threads/${thread.id}`, tokens.reader)).body).toMatchObject({ id: thread.id, unread: false });
    expect(await unread(tokens.reader)).toBe(0);
    expect(await inbox(tokens.reader)).toEqual([]);
    expect((await inbox(tokens.reader, '?status-types=read')).map((t) => t.id)).toEqual([thread.id]);
    // someone else's thread is not there for them
    expect((await call('GET', `/notifications/threads/${thread.id}`, w.tokens.outsider)).status).toBe(404);
    expect((await call('PATCH', `/notifications/threads/${thread.id}`, w.tokens.outsider)).status).toBe(404);
    // a new comment makes the same thread unread again, with the subscriber's reason
    await call('POST', `/repos/${o}/site/issues/1/comments`, w.tokens.contributor, { body: 'Pushed a fix.' });
    const again = await inbox(tokens.reader);
    expect(again.map((t) => [t.id, t.unread, t.reason])).toEqual([[thread.id, true, 'comment']]);
    expect((await inbox(tokens.reader, '?all=true')).length).toBe(1);
    // closing tells the subscribers too, with the new state
    expect((await call('PATCH', `/repos/${o}/site/pulls/1`, w.tokens.maintainer, { state: 'closed' })).status).toBe(201);
    expect((await inbox(tokens.reader))[0].subject.state).toBe('closed');
    expect((await call('PATCH', `/repos/${o}/site/pulls/1`, w.tokens.maintainer, { state: 'open' })).status).toBe(201);
    expect((await inbox(tokens.reader))[0].subject.state).toBe('open');
    // test: mark all read; a later time than the last update is needed, an earlier one marks nothing
    const early = await call('PUT', '/notifications?last_read_at=2001-01-01T00:00:00Z', tokens.reader);
    expect(early.status).toBe(205);
    expect(await unread(tokens.reader)).toBe(1);
    const all = await call('PUT', '/notifications', tokens.reader);
    expect(all.status).toBe(205);
    expect((await inbox(tokens.reader, '?all=true')).map((t) => [t.id, t.unread])).toEqual([[thread.id, false]]);
    expect(await unread(tokens.reader)).toBe(0);
    // pinned stays pinned when news comes
    await call('PATCH', `/notifications/threads/${thread.id}?to-status=pinned`, tokens.reader);
    await call('POST', `/repos/${o}/site/issues/1/comments`, w.tokens.contributor, { body: 'Another fix.' });
    expect((await inbox(tokens.reader)).map((t) => [t.pinned, t.unread])).toEqual([[true, false]]);
    await call('PATCH', `/notifications/threads/${thread.id}?to-status=read`, tokens.reader);
  });

  it('does not notify a user who unsubscribed, even when mentioned; subscribing again brings the news back', async () => {
    // setup
    const path = `/repos/${o}/site/issues/1/subscriptions/${reader.username}`;
    // only the user themselves may change their subscription
    expect((await call('DELETE', path, w.tokens.contributor)).status).toBe(403);
    expect((await call('DELETE', `/repos/${o}/site/issues/99/subscriptions/${reader.username}`, tokens.reader)).status).toBe(404);
    expect((await call('DELETE', `/repos/${o}/site/issues/1/subscriptions/nobody-here`, tokens.reader)).status).toBe(404);
    // test
    expect((await call('DELETE', path, tokens.reader)).status).toBe(201);
    expect((await call('DELETE', path, tokens.reader)).status).toBe(200);
    expect((await call('GET', `/repos/${o}/site/issues/1/subscriptions/check`, tokens.reader)).body).toMatchObject({ subscribed: false, ignored: true });
    await call('POST', `/repos/${o}/site/issues/1/comments`, w.tokens.contributor, { body: `@${reader.username} and a mention` });
    expect(await unread(tokens.reader)).toBe(0);
    expect((await inbox(tokens.reader, '?all=true'))[0].unread).toBe(false);
    // the contributor, still subscribed, heard nothing of their own comment; the maintainer did
    expect((await inbox(w.tokens.maintainer)).map((t) => t.reason)).toEqual(['comment']);
    // subscribing again
    expect((await call('PUT', path, tokens.reader)).status).toBe(201);
    expect((await call('PUT', path, tokens.reader)).status).toBe(200);
    await call('POST', `/repos/${o}/site/issues/1/comments`, w.tokens.maintainer, { body: 'Thanks.' });
    expect(await unread(tokens.reader)).toBe(1);
    await call('PUT', '/notifications', tokens.reader);
  });

  it('tells the watchers of a repository of new pull requests and reviews; unwatching stops it', async () => {
    // setup
    expect((await call('GET', `/repos/${o}/site/subscription`, w.tokens.outsider)).status).toBe(404);
    expect((await call('GET', `/repos/${o}/site/subscription/check`, w.tokens.outsider)).body).toMatchObject({ subscribed: false, ignored: false });
    expect((await call('GET', `/repos/${o}/site/subscription/check`, null)).status).toBe(401);
    expect((await call('PUT', `/repos/${o}/site/subscription`, null)).status).toBe(401);
    // test: watch
    const watched = await call('PUT', `/repos/${o}/site/subscription`, w.tokens.outsider);
    expect(watched.status).toBe(200);
    expect(watched.body).toMatchObject({ subscribed: true, ignored: false, url: `${w.server.url}/api/v1/repos/${o}/site/subscription` });
    expect((await call('GET', `/repos/${o}/site/subscription`, w.tokens.outsider)).body.subscribed).toBe(true);
    expect((await call('GET', `/repos/${o}/site/subscription/check`, w.tokens.outsider)).body.subscribed).toBe(true);
    expect((await call('GET', `/repos/${o}/site/subscribers`, null)).body.map((u: { login: string }) => u.login)).toEqual([w.outsider.username]);
    expect((await call('GET', '/user/subscriptions', w.tokens.outsider)).body.map((r: { full_name: string }) => r.full_name)).toEqual([`${o}/site`]);
    const n = await openPull('two', 'Add two', `Over to @${w.maintainer.username}`);
    expect((await inbox(w.tokens.outsider)).map((t) => [t.subject.title, t.reason])).toEqual([['Add two', 'subscribed']]);
    expect((await inbox(w.tokens.maintainer)).find((t) => t.subject.title === 'Add two')?.reason).toBe('mention');
    // a review's text mentions too
    await call('PUT', '/notifications', tokens.reader);
    const review = await call('POST', `/repos/${o}/site/pulls/${n}/reviews`, w.tokens.maintainer, { event: 'COMMENT', body: `@${reader.username} what do you think?` });
    expect(review.status).toBe(200);
    expect((await inbox(tokens.reader)).map((t) => [t.subject.title, t.reason])).toEqual([['Add two', 'mention']]);
    // the repository notifications of the reader
    expect((await call('GET', `/repos/${o}/site/notifications`, tokens.reader)).body.length).toBe(1);
    expect((await call('PUT', `/repos/${o}/site/notifications`, tokens.reader)).status).toBe(205);
    expect(await unread(tokens.reader)).toBe(0);
    // test: unwatch
    expect((await call('DELETE', `/repos/${o}/site/subscription`, w.tokens.outsider)).status).toBe(204);
    await call('PUT', '/notifications', w.tokens.outsider);
    await openPull('three', 'Add three');
    expect(await inbox(w.tokens.outsider)).toEqual([]);
  });

  it('hides the notifications of a private repository from someone who may no longer read it, in the list, the count and the thread', async () => {
    // setup: a private repository with the reader as collaborator
    const { db } = w.server.app.forge;
    const secret = await buildRepo(db, w.server.config.reposDir, w.maintainer, { name: 'secret', isPrivate: true });
    pushHistory(repoPath(w.server.config.reposDir, o, 'secret'), [
      { message: 'First', files: { 'README.md': 'secret\n' } },
      { message: 'Idea', branch: 'idea', files: { 'IDEA.md': 'idea\n' } },
    ]);
    await db.prepare('UPDATE repositories SET is_empty = 0 WHERE id = ?').run(secret.id);
    expect((await call('PUT', `/repos/${o}/secret/collaborators/${reader.username}`, w.tokens.maintainer, { permission: 'read' })).status).toBe(204);
    const created = await call('POST', `/repos/${o}/secret/pulls`, w.tokens.maintainer, { head: 'idea', base: 'main', title: 'Secret idea', body: 'draft' });
    expect(created.status).toBe(201);
    // an outsider mentioned in a private repository hears nothing of it
    await call('POST', `/repos/${o}/secret/issues/1/comments`, w.tokens.maintainer, { body: `@${reader.username} @${w.outsider.username} see this` });
    expect((await inbox(w.tokens.outsider)).map((t) => t.subject.title)).not.toContain('Secret idea');
    const [thread] = await inbox(tokens.reader);
    expect(thread).toMatchObject({ subject: { title: 'Secret idea' }, repository: { full_name: `${o}/secret` } });
    expect(await unread(tokens.reader)).toBe(1);
    // test: access removed
    expect((await call('DELETE', `/repos/${o}/secret/collaborators/${reader.username}`, w.tokens.maintainer)).status).toBe(204);
    expect(await inbox(tokens.reader, '?all=true')).not.toContainEqual(expect.objectContaining({ id: thread.id }));
    expect(await unread(tokens.reader)).toBe(0);
    expect((await call('GET', `/notifications/threads/${thread.id}`, tokens.reader)).status).toBe(404);
    expect((await call('PATCH', `/notifications/threads/${thread.id}`, tokens.reader)).status).toBe(404);
    expect((await call('GET', `/repos/${o}/secret/notifications`, tokens.reader)).status).toBe(404);
    expect((await call('PUT', `/repos/${o}/secret/subscription`, tokens.reader)).status).toBe(404);
    // and a new event there tells them nothing
    await call('POST', `/repos/${o}/secret/issues/1/comments`, w.tokens.maintainer, { body: `@${reader.username} again` });
    expect(await unread(tokens.reader)).toBe(0);
    // given access back, the thread is there again
    await call('PUT', `/repos/${o}/secret/collaborators/${reader.username}`, w.tokens.maintainer, { permission: 'read' });
    expect((await inbox(tokens.reader)).map((t) => t.id)).toContain(thread.id);
  });

  it('notifies from line comments and their replies', async () => {
    // setup
    await call('PUT', '/notifications', tokens.reader);
    await call('PUT', '/notifications', w.tokens.contributor);
    // test: a line comment mentions the reader; the author of the pull request follows it
    const thread = await call('POST', `/repos/${o}/site/pulls/1/comments`, w.tokens.maintainer, { path: 'src/app.txt', body: `@${reader.username} is nine right?`, new_position: 9 });
    expect(thread.status).toBe(201);
    expect((await inbox(tokens.reader)).map((t) => [t.subject.title, t.reason])).toEqual([['Add nine', 'mention']]);
    expect((await inbox(w.tokens.contributor)).map((t) => [t.subject.title, t.reason])).toEqual([['Add nine', 'comment']]);
    // the reply is news to the others, not to its author
    await call('PUT', '/notifications', tokens.reader);
    await call('PUT', '/notifications', w.tokens.maintainer);
    expect((await call('POST', `/repos/${o}/site/pulls/1/comments/${thread.body.id}/replies`, w.tokens.contributor, { body: 'Yes.' })).status).toBe(201);
    expect((await inbox(tokens.reader)).map((t) => t.reason)).toEqual(['comment']);
    expect((await inbox(w.tokens.maintainer)).map((t) => t.reason)).toEqual(['comment']);
    expect((await inbox(w.tokens.contributor)).map((t) => t.reason)).toEqual(['comment']);
  });

  it('tells the people assigned or asked to review, if they may read the repository; an issue links to /issues/', async () => {
    // setup: these events come from the issue tracker and review requests, which publish them on the bus
    const { events } = w.server.app;
    const secret = (await call('GET', `/repos/${o}/secret`, w.tokens.maintainer)).body.id as number;
    await call('PUT', '/notifications', tokens.reader);
    await call('PUT', '/notifications', w.tokens.outsider);
    const event = { kind: 'issue' as const, title: 'Trottoir abîmé', text: '', commentId: null, actorId: w.maintainer.id };
    // test: an assignment on an issue of the public repository
    await events.publish('conversation', { ...event, repoId: w.repo.id, index: 50, action: 'assigned', targetUserIds: [reader.id] });
    const [assigned] = await inbox(tokens.reader);
    expect(assigned).toMatchObject({
      reason: 'assigned',
      subject: { type: 'Issue', title: 'Trottoir abîmé', url: `${w.server.url}/api/v1/repos/${o}/site/issues/50`, html_url: `${w.server.url}/${o}/site/issues/50` },
    });
    // the assignee now follows the issue: a later comment tells them
    await call('PATCH', `/notifications/threads/${assigned.id}`, tokens.reader);
    await events.publish('conversation', { ...event, repoId: w.repo.id, index: 50, action: 'commented', targetUserIds: [], actorId: w.contributor.id, text: 'Photo jointe.' });
    expect((await inbox(tokens.reader)).map((t) => [t.id, t.reason])).toEqual([[assigned.id, 'comment']]);
    // a review request in a private repository tells only those who may read it
    await events.publish('conversation', { ...event, kind: 'pull', repoId: secret, index: 1, action: 'review_requested', targetUserIds: [w.outsider.id, reader.id] });
    expect(await inbox(w.tokens.outsider)).toEqual([]);
    expect((await inbox(tokens.reader)).find((t) => t.repository.full_name === `${o}/secret`)?.reason).toBe('review_requested');
  });

  it('filters by subject type, time and page, with Gitea\'s total', async () => {
    const all = await call('GET', '/notifications?all=true&limit=1', w.tokens.maintainer);
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(1);
    expect(Number(all.headers.get('x-total-count'))).toBeGreaterThan(1);
    expect(all.headers.get('link')).toContain('rel="next"');
    const issues = (await call('GET', '/notifications?all=true&subject-type=issue', w.tokens.maintainer)).body as Thread[];
    expect(issues.map((t) => t.subject.type)).toEqual(['Issue']);
    expect((await call('GET', '/notifications?all=true&subject-type=commit', w.tokens.maintainer)).body).toEqual([]);
    expect((await call('GET', '/notifications?all=true&subject-type=pull&subject-type=issue', w.tokens.maintainer)).body.length).toBe(Number(all.headers.get('x-total-count')));
    expect((await call('GET', '/notifications?all=true&since=2999-01-01T00:00:00Z', w.tokens.maintainer)).body).toEqual([]);
    expect((await call('GET', '/notifications?all=true&before=2001-01-01T00:00:00Z', w.tokens.maintainer)).body).toEqual([]);
    expect((await call('GET', '/notifications?status-types=bogus', w.tokens.maintainer)).status).toBe(422);
  });

  it('tells only the people an edit newly mentions: not the subscribers, not those mentioned before', async () => {
    // setup: the contributor opens a pull request that mentions nobody; everyone's inbox is read
    const n = await openPull('four', 'Add ten', 'A first description.');
    for (const token of [tokens.reader, w.tokens.contributor, w.tokens.maintainer]) expect((await call('PUT', '/notifications', token)).status).toBe(205);
    const edit = (body: string) => call('PATCH', `/repos/${o}/site/pulls/${n}`, w.tokens.contributor, { body });
    // test: an edit that adds a mention tells that person, and only them
    expect((await edit(`A first description. @${reader.username}, can you check the figures?`)).status).toBe(201);
    expect((await inbox(tokens.reader)).map((t) => [t.subject.title, t.reason])).toEqual([['Add ten', 'mention']]);
    expect(await unread(w.tokens.maintainer)).toBe(0);
    // an edit that keeps the mention and changes other words is news to nobody
    expect((await call('PUT', '/notifications', tokens.reader)).status).toBe(205);
    expect((await edit(`A better description. @${reader.username}, can you check the figures?`)).status).toBe(201);
    expect(await unread(tokens.reader)).toBe(0);
    expect(await unread(w.tokens.maintainer)).toBe(0);
  });
  it('lists a watched private repository only to a token that may read repositories', async () => {
    // setup: the reader owns a private repository and watches it
    const { db, config } = w.server.app.forge;
    const secret = await buildRepo(db, config.reposDir, reader, { isPrivate: true });
    expect((await call('PUT', `/repos/${reader.username}/${secret.name}/subscription`, tokens.reader)).status).toBe(200);
    const userOnly = await buildToken(db, reader, ['read:user']);
    // test: the same account, through two tokens
    const names = async (token: string) => ((await call('GET', '/user/subscriptions', token)).body as { full_name: string }[]).map((r) => r.full_name);
    expect(await names(tokens.reader)).toContain(`${reader.username}/${secret.name}`);
    expect(await names(userOnly)).not.toContain(`${reader.username}/${secret.name}`);
  });
});
