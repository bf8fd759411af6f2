import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';
import type { UserRow } from '../../server/db/users.js';

/** A token's issue scope on a private repository, as Gitea takes it: the issues, not the code. */
describe('issue-scoped tokens on a private repository', () => {
  let server: TestServer;
  let owner: UserRow;
  let stranger: UserRow;
  const repo = '/repos/keeper/vault';

  beforeAll(async () => {
    // setup: a private repository with one issue; an account that may not read it.
    server = await startServer();
    const { db } = server.app.forge;
    owner = await buildUser(db, { username: 'keeper' });
    stranger = await buildUser(db, { username: 'stranger' });
    await buildRepo(db, server.config.reposDir, owner, { name: 'vault', isPrivate: true });
    const created = await api(server.url, 'POST', `${repo}/issues`, { auth: as(await buildToken(db, owner, ['all'])), body: { title: 'Rotate the keys', body: 'Before Friday' } });
    expect(created.status).toBe(201);
  });
  afterAll(async () => server?.close());

  it('lets a read:issue token alone read the issues its account may read, and nothing else', async () => {
    // test
    const { db } = server.app.forge;
    const reader = await buildToken(db, owner, ['read:issue']);
    const list = await api(server.url, 'GET', `${repo}/issues`, { auth: as(reader) });
    expect(list.status).toBe(200);
    expect(list.body.map((i: { title: string }) => i.title)).toEqual(['Rotate the keys']);
    const one = await api(server.url, 'GET', `${repo}/issues/1`, { auth: as(reader) });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ number: 1, title: 'Rotate the keys', repository: { full_name: 'keeper/vault' } });
    expect((await api(server.url, 'GET', `${repo}/issues/1/comments`, { auth: as(reader) })).status).toBe(200);
    expect((await api(server.url, 'GET', `${repo}/labels`, { auth: as(reader) })).status).toBe(200);
    expect((await api(server.url, 'GET', `${repo}/milestones`, { auth: as(reader) })).status).toBe(200);
    // The code stays behind read:repository, and the scope reads: it writes nothing.
    const code = await api(server.url, 'GET', repo, { auth: as(reader) });
    expect(code.status).toBe(403);
    expect(code.body.message).toBe('This token lacks the read:repository scope.');
    const write = await api(server.url, 'POST', `${repo}/issues`, { auth: as(reader), body: { title: 'Not stored' } });
    expect(write.status).toBe(403);
    expect(await db.prepare('SELECT count(*) FROM issues').pluck().get()).toBe(1);
  });

  it('still hides the repository from an account that may not read it, whatever its token', async () => {
    // test
    const { db } = server.app.forge;
    const token = await buildToken(db, stranger, ['write:issue', 'read:issue']);
    const list = await api(server.url, 'GET', `${repo}/issues`, { auth: as(token) });
    expect(list.status).toBe(404);
    const write = await api(server.url, 'POST', `${repo}/issues`, { auth: as(token), body: { title: 'Spam' } });
    expect(write.status).toBe(404);
    expect(await db.prepare('SELECT count(*) FROM issues').pluck().get()).toBe(1);
  });
});
