import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import type { UserRow } from '../../server/db/users.js';
import { api } from '../helpers/http.js';

let server: TestServer;
let owner: UserRow;
let member: UserRow;
let stranger: UserRow;
const tokens: Record<string, string> = {};
const as = (who: 'owner' | 'member' | 'stranger') => ({ authorization: `token ${tokens[who]}` });
const count = async (sql: string, ...args: unknown[]) => await server.app.forge.db.prepare(sql).pluck().get(...args) as number;

beforeAll(async () => {
  // setup
  server = await startServer();
  const { db } = server.app.forge;
  owner = await buildUser(db);
  member = await buildUser(db);
  stranger = await buildUser(db);
  tokens.owner = await buildToken(db, owner, ['all']);
  tokens.member = await buildToken(db, member, ['all']);
  tokens.stranger = await buildToken(db, stranger, ['all']);
});
afterAll(async () => server.close());

describe('POST /orgs', () => {
  it('refuses anonymous (401), a token without write:organization (403), bad names (422), taken names (409); writes nothing', async () => {
    const orgs = async () => await count("SELECT count(*) FROM users WHERE type = 'org'");
    const before = await orgs();
    expect((await api(server.url, 'POST', '/orgs', { body: { username: 'lyon' } })).status).toBe(401);
    const repoOnly = await buildToken(server.app.forge.db, owner, ['write:repository']);
    expect((await api(server.url, 'POST', '/orgs', { auth: { authorization: `token ${repoOnly}` }, body: { username: 'lyon' } })).status).toBe(403);
    for (const username of ['admin', '-x', 'a b', 'explore']) {
      const res = await api(server.url, 'POST', '/orgs', { auth: as('owner'), body: { username } });
      expect(res.status, username).toBe(422);
      expect(res.body.message).toMatch(/organisation name/);
    }
    expect((await api(server.url, 'POST', '/orgs', { auth: as('owner'), body: { username: owner.username } })).status).toBe(409);
    expect((await api(server.url, 'POST', '/orgs', { auth: as('owner'), body: { username: 'lyon', visibility: 'secret' } })).status).toBe(422);
    expect(await orgs()).toBe(before);
  });

  it('creates the organisation and its Owners team with the creator', async () => {
    const res = await api(server.url, 'POST', '/orgs', {
      auth: as('owner'),
      body: { username: 'metropole', full_name: 'Métropole de Lyon', description: 'Code public', website: 'https://www.grandlyon.com', visibility: 'public' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: 'metropole', name: 'metropole', full_name: 'Métropole de Lyon', visibility: 'public' });
    const teams = await api(server.url, 'GET', '/orgs/metropole/teams', { auth: as('owner') });
    expect(teams.body).toHaveLength(1);
    expect(teams.body[0]).toMatchObject({ name: 'Owners', permission: 'owner', includes_all_repositories: true, can_create_org_repo: true });
    const members = await api(server.url, 'GET', `/teams/${teams.body[0].id}/members`, { auth: as('owner') });
    expect(members.body.map((u: { login: string }) => u.login)).toEqual([owner.username]);
    const mine = await api(server.url, 'GET', '/user/orgs', { auth: as('owner') });
    expect(mine.body.map((o: { username: string }) => o.username)).toEqual(['metropole']);
    expect((await api(server.url, 'GET', '/orgs/metropole')).status).toBe(200);
  });

  it('hides a private organisation, its members and its public repositories from outsiders (404)', async () => {
    expect((await api(server.url, 'POST', '/orgs', { auth: as('owner'), body: { username: 'secret-org', visibility: 'private' } })).status).toBe(201);
    const created = await api(server.url, 'POST', '/orgs/secret-org/repos', { auth: as('owner'), body: { name: 'visible-inside' } });
    expect(created.status).toBe(201);
    for (const path of ['/orgs/secret-org', '/orgs/secret-org/members', '/orgs/secret-org/repos', '/repos/secret-org/visible-inside', '/users/secret-org/repos']) {
      expect((await api(server.url, 'GET', path)).status, path).toBe(404);
      expect((await api(server.url, 'GET', path, { auth: as('stranger') })).status, path).toBe(404);
      expect((await api(server.url, 'GET', path, { auth: as('owner') })).status, path).toBe(200);
    }
    const search = await api(server.url, 'GET', '/repos/search?q=visible-inside', { auth: as('stranger') });
    expect(search.body.data).toEqual([]);
  });
});

describe('teams and members', () => {
  let teamId: number;

  it('refuses team creation to non-owners (404 for an unseen organisation, 403 for a visible one), then creates', async () => {
    expect((await api(server.url, 'POST', '/orgs/secret-org/teams', { auth: as('stranger'), body: { name: 'devs' } })).status).toBe(404);
    expect((await api(server.url, 'POST', '/orgs/metropole/teams', { body: { name: 'devs' } })).status).toBe(401);
    expect((await api(server.url, 'POST', '/orgs/metropole/teams', { auth: as('stranger'), body: { name: 'devs' } })).status).toBe(403);
    expect((await api(server.url, 'POST', '/orgs/metropole/teams', { auth: as('owner'), body: { name: 'bad name!' } })).status).toBe(422);
    expect(await count('SELECT count(*) FROM teams')).toBe(2);
    const res = await api(server.url, 'POST', '/orgs/metropole/teams', {
      auth: as('owner'),
      body: { name: 'devs', description: 'Développeurs', units_map: { 'repo.code': 'write', 'repo.issues': 'read' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'devs', permission: 'write', includes_all_repositories: false, organization: { username: 'metropole' } });
    teamId = res.body.id;
    expect((await api(server.url, 'POST', '/orgs/metropole/teams', { auth: as('owner'), body: { name: 'DEVS' } })).status).toBe(409);
  });

  it('adds a member and a repository to a team; the member gets the team permission on that repository only', async () => {
    const { db, config } = server.app.forge;
    const org = await db.prepare("SELECT * FROM users WHERE lower_name = 'metropole'").get() as UserRow;
    await buildRepo(db, config.reposDir, org, { name: 'voirie', isPrivate: true });
    await buildRepo(db, config.reposDir, org, { name: 'budget', isPrivate: true });
    expect((await api(server.url, 'PUT', `/teams/${teamId}/members/${member.username}`, { auth: as('stranger') })).status).toBe(403);
    expect((await api(server.url, 'PUT', `/teams/${teamId}/members/nobody-at-all`, { auth: as('owner') })).status).toBe(422);
    expect((await api(server.url, 'PUT', `/teams/${teamId}/members/${member.username}`, { auth: as('owner') })).status).toBe(204);
    expect((await api(server.url, 'PUT', `/teams/${teamId}/repos/metropole/voirie`, { auth: as('owner') })).status).toBe(204);
    expect((await api(server.url, 'PUT', `/teams/${teamId}/repos/secret-org/visible-inside`, { auth: as('owner') })).status).toBe(404);
    const voirie = await api(server.url, 'GET', '/repos/metropole/voirie', { auth: as('member') });
    expect(voirie.body.permissions).toEqual({ admin: false, push: true, pull: true });
    expect((await api(server.url, 'GET', '/repos/metropole/budget', { auth: as('member') })).status).toBe(404);
    const repos = await api(server.url, 'GET', `/teams/${teamId}/repos`, { auth: as('member') });
    expect(repos.body.map((r: { name: string }) => r.name)).toEqual(['voirie']);
    expect((await api(server.url, 'GET', `/orgs/metropole/members/${member.username}`, { auth: as('member') })).status).toBe(204);
    expect((await api(server.url, 'GET', `/orgs/metropole/members/${stranger.username}`, { auth: as('member') })).status).toBe(404);
  });

  it('changes a team permission and records it; the Owners team keeps its permission and cannot be deleted', async () => {
    const res = await api(server.url, 'PATCH', `/teams/${teamId}`, { auth: as('owner'), body: { permission: 'read' } });
    expect(res.status).toBe(200);
    expect(res.body.permission).toBe('read');
    expect((await api(server.url, 'GET', '/repos/metropole/voirie', { auth: as('member') })).body.permissions.push).toBe(false);
    expect(await count("SELECT count(*) FROM audit_events WHERE action = 'team.permission'")).toBe(1);
    const teams = await api(server.url, 'GET', '/orgs/metropole/teams', { auth: as('owner') });
    const owners = teams.body.find((t: { name: string }) => t.name === 'Owners');
    expect((await api(server.url, 'PATCH', `/teams/${owners.id}`, { auth: as('owner'), body: { permission: 'read' } })).status).toBe(422);
    expect((await api(server.url, 'DELETE', `/teams/${owners.id}`, { auth: as('owner') })).status).toBe(422);
    expect((await api(server.url, 'DELETE', `/teams/${owners.id}/members/${owner.username}`, { auth: as('owner') })).status).toBe(409);
    expect((await api(server.url, 'DELETE', `/orgs/metropole/members/${owner.username}`, { auth: as('owner') })).status).toBe(409);
    expect(await count('SELECT count(*) FROM team_members WHERE team_id = ?', owners.id)).toBe(1);
  });

  it('a member may list teams but not change them; removing a member ends their access', async () => {
    expect((await api(server.url, 'GET', '/orgs/metropole/teams', { auth: as('member') })).status).toBe(200);
    expect((await api(server.url, 'GET', '/orgs/metropole/teams', { auth: as('stranger') })).status).toBe(403);
    expect((await api(server.url, 'PATCH', `/teams/${teamId}`, { auth: as('member'), body: { permission: 'admin' } })).status).toBe(403);
    expect((await api(server.url, 'DELETE', `/teams/${teamId}/repos/metropole/voirie`, { auth: as('owner') })).status).toBe(204);
    expect((await api(server.url, 'DELETE', `/orgs/metropole/members/${member.username}`, { auth: as('owner') })).status).toBe(204);
    expect((await api(server.url, 'GET', '/repos/metropole/voirie', { auth: as('member') })).status).toBe(404);
    expect((await api(server.url, 'DELETE', `/teams/${teamId}`, { auth: as('owner') })).status).toBe(204);
    expect((await api(server.url, 'GET', `/teams/${teamId}`, { auth: as('owner') })).status).toBe(404);
  });

  it('org repositories: only those allowed create them; listings hide private ones from outsiders', async () => {
    expect((await api(server.url, 'POST', '/orgs/metropole/repos', { body: { name: 'x' } })).status).toBe(401);
    expect((await api(server.url, 'POST', '/orgs/metropole/repos', { auth: as('stranger'), body: { name: 'x' } })).status).toBe(403);
    expect((await api(server.url, 'POST', '/orgs/nowhere/repos', { auth: as('owner'), body: { name: 'x' } })).status).toBe(404);
    const created = await api(server.url, 'POST', '/orgs/metropole/repos', { auth: as('owner'), body: { name: 'open-data', auto_init: true, license: 'etalab-2.0' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ full_name: 'metropole/open-data', owner: { login: 'metropole' }, empty: false });
    const outside = await api(server.url, 'GET', '/orgs/metropole/repos');
    expect(outside.body.map((r: { name: string }) => r.name)).toEqual(['open-data']);
    const inside = await api(server.url, 'GET', '/orgs/metropole/repos', { auth: as('owner') });
    expect(inside.body.map((r: { name: string }) => r.name)).toEqual(['budget', 'open-data', 'voirie']);
  });
});

describe('collaborators', () => {
  it('adds, lists, checks, reports and removes a collaborator; refusals change nothing', async () => {
    const { db, config } = server.app.forge;
    const repo = await buildRepo(db, config.reposDir, owner, { name: 'shared', isPrivate: true });
    const base = `/repos/${owner.username}/shared/collaborators`;
    expect((await api(server.url, 'PUT', `${base}/${member.username}`, { auth: as('stranger'), body: { permission: 'write' } })).status).toBe(404);
    expect((await api(server.url, 'PUT', `${base}/nobody-at-all`, { auth: as('owner'), body: { permission: 'write' } })).status).toBe(422);
    expect((await api(server.url, 'PUT', `${base}/metropole`, { auth: as('owner'), body: { permission: 'write' } })).status).toBe(422);
    expect((await api(server.url, 'PUT', `${base}/${member.username}`, { auth: as('owner'), body: { permission: 'owner' } })).status).toBe(422);
    expect(await count('SELECT count(*) FROM collaborators WHERE repo_id = ?', repo.id)).toBe(0);

    expect((await api(server.url, 'PUT', `${base}/${member.username}`, { auth: as('owner'), body: { permission: 'write' } })).status).toBe(204);
    const list = await api(server.url, 'GET', base, { auth: as('member') });
    expect(list.body.map((u: { login: string }) => u.login)).toEqual([member.username]);
    expect((await api(server.url, 'GET', `${base}/${member.username}`, { auth: as('member') })).status).toBe(204);
    expect((await api(server.url, 'GET', `${base}/${stranger.username}`, { auth: as('member') })).status).toBe(404);
    const permission = await api(server.url, 'GET', `${base}/${member.username}/permission`, { auth: as('member') });
    expect(permission.body).toMatchObject({ permission: 'write', user: { login: member.username } });
    // of someone else: the repository's administrators only (as Gitea); anonymous: sign in
    expect((await api(server.url, 'GET', `${base}/${owner.username}/permission`, { auth: as('member') })).status).toBe(403);
    expect((await api(server.url, 'GET', `${base}/${member.username}/permission`, { auth: as('owner') })).body.permission).toBe('write');
    // A write collaborator may not manage collaborators.
    expect((await api(server.url, 'PUT', `${base}/${stranger.username}`, { auth: as('member'), body: { permission: 'read' } })).status).toBe(403);

    expect((await api(server.url, 'PUT', `${base}/${member.username}`, { auth: as('owner'), body: { permission: 'admin' } })).status).toBe(204);
    expect((await api(server.url, 'DELETE', `${base}/${member.username}`, { auth: as('owner') })).status).toBe(204);
    expect((await api(server.url, 'GET', `/repos/${owner.username}/shared`, { auth: as('member') })).status).toBe(404);
    const actions = await db.prepare("SELECT action FROM audit_events WHERE target = ? ORDER BY id").pluck().all(`repo:${owner.username}/shared`);
    expect(actions).toEqual(['repo.collaborator.add', 'repo.collaborator.change', 'repo.collaborator.remove']);
  });
});

describe('organisation profile and listing', () => {
  it('only owners edit an organisation (401, 403, 422 first); a visibility change is recorded and hides it', async () => {
    // setup
    expect((await api(server.url, 'POST', '/orgs', { auth: as('owner'), body: { username: 'commune' } })).status).toBe(201);
    // test
    expect((await api(server.url, 'PATCH', '/orgs/commune', { body: { visibility: 'private' } })).status).toBe(401);
    expect((await api(server.url, 'PATCH', '/orgs/commune', { auth: as('stranger'), body: { visibility: 'private' } })).status).toBe(403);
    expect((await api(server.url, 'PATCH', '/orgs/commune', { auth: as('owner'), body: { website: 'ftp://x' } })).status).toBe(422);
    expect((await api(server.url, 'PATCH', '/orgs/commune', { auth: as('owner'), body: { visibility: 'hidden' } })).status).toBe(422);
    expect(await count("SELECT count(*) FROM users WHERE lower_name = 'commune' AND visibility = 'public' AND website = ''")).toBe(1);
    const listedBefore = await api(server.url, 'GET', '/orgs');
    expect(listedBefore.body.map((o: { username: string }) => o.username)).toContain('commune');

    const edited = await api(server.url, 'PATCH', '/orgs/commune', { auth: as('owner'), body: { full_name: 'Commune', visibility: 'private' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ full_name: 'Commune', visibility: 'private' });
    expect(await count("SELECT count(*) FROM audit_events WHERE action = 'org.visibility' AND target = 'org:commune'")).toBe(1);
    expect((await api(server.url, 'GET', '/orgs/commune')).status).toBe(404);
    const listedAfter = await api(server.url, 'GET', '/orgs');
    expect(listedAfter.body.map((o: { username: string }) => o.username)).not.toContain('commune');
    const asOwner = await api(server.url, 'GET', '/orgs', { auth: as('owner') });
    expect(asOwner.body.map((o: { username: string }) => o.username)).toContain('commune');
  });
});
