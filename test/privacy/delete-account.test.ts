import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { PASSWORD, buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api, as, call, signIn } from '../helpers/http.js';
import type { UserRow } from '../../server/db/users.js';

/** The smallest valid PNG: one transparent pixel. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

let server: TestServer;
let maintainer: UserRow;
beforeAll(async () => {
  server = await startServer();
  maintainer = await buildUser(server.app.forge.db);
});
afterAll(() => server?.close());
const db = () => server.app.forge.db;
const rows = async (sql: string, ...params: unknown[]) => await db().prepare(sql).all(...params) as Array<Record<string, unknown>>;
const usersNamed = async (name: string) => await db().prepare('SELECT count(*) FROM users WHERE lower_name = lower(?)').pluck().get(name) as number;

/** A citizen who opened an issue (then edited its text), commented on the maintainer's, and reacted, in the maintainer's public repository. */
async function citizenWithContributions() {
  const citizen = await buildUser(db());
  const tag = citizen.username.toUpperCase();
  const repo = await buildRepo(db(), server.config.reposDir, maintainer);
  const base = `/repos/${maintainer.username}/${repo.name}`;
  const own = await api(server.url, 'POST', `${base}/issues`, { auth: as(citizen), body: { title: 'Banc cassé place Bellecour', body: `${tag}-FIRST-VERSION` } });
  expect((await api(server.url, 'PATCH', `${base}/issues/${own.body.number}`, { auth: as(citizen), body: { body: `${tag}-ISSUE-BODY` } })).status).toBe(201);
  const theirs = await api(server.url, 'POST', `${base}/issues`, { auth: as(maintainer), body: { title: 'Travaux prévus', body: 'Calendrier à venir.' } });
  const comment = await api(server.url, 'POST', `${base}/issues/${theirs.body.number}/comments`, { auth: as(citizen), body: { body: `${tag}-COMMENT` } });
  expect(comment.status).toBe(201);
  expect((await api(server.url, 'POST', `${base}/issues/${theirs.body.number}/comments`, { auth: as(maintainer), body: { body: 'Merci, noté.' } })).status).toBe(201);
  expect((await api(server.url, 'POST', `${base}/issues/${theirs.body.number}/reactions`, { auth: as(citizen), body: { content: '+1' } })).status).toBeLessThan(300);
  return { citizen, tag, base, own: own.body.number as number, theirs: theirs.body.number as number };
}

describe('DELETE /api/v1/user: refusals', () => {
  it('refuses anonymous callers, a token without write:user and a wrong password, deleting nothing', async () => {
    // setup
    const user = await buildUser(db());
    const readOnly = await buildToken(db(), user, ['read:user']);
    const writer = await buildToken(db(), user, ['write:user']);
    // test
    expect((await api(server.url, 'DELETE', '/user', { body: { password: PASSWORD } })).status).toBe(401);
    expect((await api(server.url, 'DELETE', '/user', { auth: as(readOnly), body: { password: PASSWORD } })).status).toBe(403);
    const wrong = await api(server.url, 'DELETE', '/user', { auth: as(writer), body: { password: 'not my password' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.message).toBe('The password is not correct: type your current password to delete your account.');
    expect((await api(server.url, 'DELETE', '/user', { auth: as(writer), body: {} })).status).toBe(422);
    expect(await usersNamed(user.username)).toBe(1);
    expect((await api(server.url, 'GET', '/user', { auth: as(writer) })).status).toBe(200);
  });

  it('refuses (409, naming them) while the account owns repositories, is the only owner of an organisation or the only administrator', async () => {
    // setup
    const owner = await buildUser(db());
    await buildRepo(db(), server.config.reposDir, owner, { name: 'plans' });
    await buildRepo(db(), server.config.reposDir, owner, { name: 'budget', isPrivate: true });
    const founder = await buildUser(db());
    const org = `ville-${founder.id}`;
    expect((await api(server.url, 'POST', '/orgs', { auth: as(founder), body: { username: org } })).status).toBe(201);
    // test
    const repos = await api(server.url, 'DELETE', '/user', { auth: as(owner), body: { password: PASSWORD } });
    expect(repos.status).toBe(409);
    expect(repos.body.message).toBe(`You still own repositories: ${owner.username}/budget, ${owner.username}/plans. Transfer them to another account or organisation, or delete them, first.`);
    const orgs = await api(server.url, 'DELETE', '/user', { auth: as(founder), body: { password: PASSWORD } });
    expect(orgs.status).toBe(409);
    expect(orgs.body.message).toBe(`You are the only owner of ${org}: add another owner first.`);
    // The only administrator would leave the forge without one.
    const admin = await buildUser(db(), { isAdmin: true });
    const lastAdmin = await api(server.url, 'DELETE', '/user', { auth: as(admin), body: { password: PASSWORD } });
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.body.message).toBe('You are the only site administrator: make another account administrator first.');
    expect(await usersNamed(owner.username) + await usersNamed(founder.username) + await usersNamed(admin.username)).toBe(3);
    expect(existsSync(join(server.config.reposDir, owner.username.toLowerCase(), 'plans.git'))).toBe(true);
  });
});

describe('DELETE /api/v1/user: what goes and what stays', () => {
  it('keeps the contributions as the deleted user (ghost); sessions and tokens are refused at once, the avatar file goes, the name is free again', async () => {
    // setup
    const { citizen, tag, base, own, theirs } = await citizenWithContributions();
    const token = await buildToken(db(), citizen, ['read:user']);
    expect((await api(server.url, 'PUT', `${base}/collaborators/${citizen.username}`, { auth: as(maintainer), body: { permission: 'read' } })).status).toBe(204);
    expect((await api(server.url, 'POST', '/user/avatar', { auth: as(citizen), body: { image: PNG } })).status).toBe(204);
    const avatar = await db().prepare('SELECT avatar FROM users WHERE id = ?').pluck().get(citizen.id) as string;
    const avatarFile = join(server.config.dataDir, 'avatars', avatar);
    expect(existsSync(avatarFile)).toBe(true);
    const browser = await signIn(server.url, citizen.username);
    const other = await signIn(server.url, citizen.username);
    // test
    const deleted = await call(server.url, '/api/v1/user', { method: 'DELETE', cookie: browser.cookie, csrf: browser.csrf, body: { password: PASSWORD, content: 'ghost' } });
    expect(deleted.status).toBe(204);
    // The audit trail keeps the deletion and the earlier events, with no name or address of the person.
    const audit = JSON.stringify(await rows('SELECT actor_name, target, data, ip FROM audit_events'));
    expect(audit).not.toContain(citizen.username);
    expect(audit).not.toContain(citizen.email);
    expect(await rows("SELECT actor_id, target, data, ip FROM audit_events WHERE action = 'user.delete' AND target = ?", `user:#${citizen.id}`)).toEqual([
      { actor_id: null, target: `user:#${citizen.id}`, data: '{"by":"self","content":"ghost"}', ip: null },
    ]);
    expect((await call(server.url, '/api/v1/user', { cookie: other.cookie })).status).toBe(401);
    expect((await api(server.url, 'GET', '/user', { auth: as(token) })).status).toBe(401);
    expect((await call(server.url, '/api/v1/auth/signin', { body: { username: citizen.username, password: PASSWORD } })).status).toBe(401);
    expect(await rows('SELECT id FROM sessions WHERE user_id = ?', citizen.id)).toEqual([]);
    expect(existsSync(avatarFile)).toBe(false);

    const issue = await api(server.url, 'GET', `${base}/issues/${own}`);
    expect(issue.body).toMatchObject({ title: 'Banc cassé place Bellecour', body: `${tag}-ISSUE-BODY`, user: { login: 'ghost', full_name: 'Deleted user' } });
    const comments = await api(server.url, 'GET', `${base}/issues/${theirs}/comments`);
    expect(comments.body.map((c: { user: { login: string }; body: string }) => [c.user.login, c.body])).toEqual([
      ['ghost', `${tag}-COMMENT`],
      [maintainer.username, 'Merci, noté.'],
    ]);
    // The ghost cannot sign in, and nobody can delete it.
    expect(await rows("SELECT password_hash, email, prohibit_login FROM users WHERE lower_name = 'ghost'")).toEqual([{ password_hash: null, email: null, prohibit_login: 1 }]);
    expect((await call(server.url, '/api/v1/auth/signin', { body: { username: 'ghost', password: '' } })).status).toBeGreaterThanOrEqual(400);
    // The name is free at once (Gitea's behaviour).
    const again = await buildUser(db(), { username: citizen.username });
    expect(again.id).not.toBe(citizen.id);
  });

  it('removes the comments and empties the texts when the person chooses so; the discussion of others stays', async () => {
    // setup
    const { citizen, tag, base, own, theirs } = await citizenWithContributions();
    // test
    expect((await api(server.url, 'DELETE', '/user', { auth: as(citizen), body: { password: PASSWORD, content: 'remove' } })).status).toBe(204);
    const issue = await api(server.url, 'GET', `${base}/issues/${own}`);
    expect(issue.body).toMatchObject({ title: 'Banc cassé place Bellecour', body: '', user: { login: 'ghost' } });
    const comments = await api(server.url, 'GET', `${base}/issues/${theirs}/comments`);
    expect(comments.body.map((c: { body: string }) => c.body)).toEqual(['Merci, noté.']);
    const everything = JSON.stringify(await rows('SELECT body FROM issue_comments UNION ALL SELECT body FROM content_history UNION ALL SELECT body FROM issues'));
    for (const text of [`${tag}-FIRST-VERSION`, `${tag}-ISSUE-BODY`, `${tag}-COMMENT`]) expect(everything).not.toContain(text);
    expect(await rows('SELECT id FROM reactions WHERE user_id = ?', citizen.id)).toEqual([]);
  });

  it('leaves the account whole when the deletion fails half-way (one transaction)', async () => {
    // setup: the last step, deleting the account's row, fails as a crash would
    const { citizen, tag, base, own } = await citizenWithContributions();
    const postgres = db().engine === 'postgres';
    await db().exec(postgres
      ? `CREATE FUNCTION fail_deletion() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk I/O error'; END $$;
         CREATE TRIGGER fail_deletion BEFORE DELETE ON users FOR EACH ROW WHEN (old.id = ${citizen.id}) EXECUTE FUNCTION fail_deletion();`
      : `CREATE TEMP TRIGGER fail_deletion BEFORE DELETE ON users WHEN old.id = ${citizen.id} BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    try {
      // test
      expect((await api(server.url, 'DELETE', '/user', { auth: as(citizen), body: { password: PASSWORD, content: 'remove' } })).status).toBe(500);
    } finally {
      await db().exec(postgres ? 'DROP TRIGGER fail_deletion ON users; DROP FUNCTION fail_deletion()' : 'DROP TRIGGER temp.fail_deletion');
    }
    expect((await api(server.url, 'GET', `${base}/issues/${own}`)).body).toMatchObject({ body: `${tag}-ISSUE-BODY`, user: { login: citizen.username } });
    expect(await rows('SELECT body FROM issue_comments WHERE poster_id = ?', citizen.id)).toEqual([{ body: `${tag}-COMMENT` }]);
    expect(await rows('SELECT count(*) AS n FROM content_history WHERE editor_id = ?', citizen.id)).not.toEqual([{ n: 0 }]);
    expect((await api(server.url, 'GET', '/user', { auth: as(citizen) })).status).toBe(200);
  });

  it('lets an administrator delete an account through the admin API with the same service (ghost by default, content=remove)', async () => {
    // setup
    const admin = await buildUser(db(), { isAdmin: true });
    const kept = await citizenWithContributions();
    const removed = await citizenWithContributions();
    // test
    expect((await api(server.url, 'DELETE', `/admin/users/${kept.citizen.username}`, { auth: as(admin) })).status).toBe(204);
    expect((await api(server.url, 'GET', `${kept.base}/issues/${kept.own}`)).body).toMatchObject({ body: `${kept.tag}-ISSUE-BODY`, user: { login: 'ghost' } });
    expect((await api(server.url, 'DELETE', `/admin/users/${removed.citizen.username}?content=remove`, { auth: as(admin) })).status).toBe(204);
    expect((await api(server.url, 'GET', `${removed.base}/issues/${removed.theirs}/comments`)).body).toHaveLength(1);
    expect(await rows("SELECT actor_name, data FROM audit_events WHERE action = 'user.delete' AND target IN (?, ?) ORDER BY id", `user:#${kept.citizen.id}`, `user:#${removed.citizen.id}`)).toEqual([
      { actor_name: admin.username, data: '{"by":"admin","content":"ghost"}' },
      { actor_name: admin.username, data: '{"by":"admin","content":"remove"}' },
    ]);
    expect((await api(server.url, 'DELETE', '/admin/users/ghost', { auth: as(admin) })).status).toBe(422);
  });
});
