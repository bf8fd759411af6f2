import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../server/db/users.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';

describe('GET /repos/{o}/{r}/assignees (Gitea: who may be assigned)', () => {
  let server: TestServer;
  let owner: UserRow;
  let writer: UserRow;
  let reader: UserRow;
  let outsider: UserRow;
  let suspended: UserRow;
  const tokens: Record<string, string> = {};
  const logins = (body: Array<{ login: string }>) => body.map((u) => u.login);

  beforeAll(async () => {
    // setup: a personal repository with collaborators, and an organisation's private repository reached by teams
    server = await startServer();
    const { db, config } = server.app.forge;
    [owner, writer, reader, outsider, suspended] = await Promise.all([1, 2, 3, 4, 5].map(() => buildUser(db)));
    for (const user of [owner, writer, reader, outsider]) tokens[user.username] = await buildToken(db, user, ['all']);
    await buildRepo(db, config.reposDir, owner, { name: 'site' });
    const put = (path: string, body?: unknown) => api(server.url, 'PUT', path, { auth: as(tokens[owner.username]), body });
    expect((await put(`/repos/${owner.username}/site/collaborators/${writer.username}`, { permission: 'write' })).status).toBe(204);
    expect((await put(`/repos/${owner.username}/site/collaborators/${reader.username}`, { permission: 'read' })).status).toBe(204);
    expect((await put(`/repos/${owner.username}/site/collaborators/${suspended.username}`, { permission: 'admin' })).status).toBe(204);
    await db.prepare('UPDATE users SET prohibit_login = 1 WHERE id = ?').run(suspended.id);
    expect((await api(server.url, 'POST', '/orgs', { auth: as(tokens[owner.username]), body: { username: 'voirie' } })).status).toBe(201);
    const org = await db.prepare("SELECT * FROM users WHERE lower_name = 'voirie'").get() as UserRow;
    await buildRepo(db, config.reposDir, org, { name: 'travaux', isPrivate: true });
    for (const [name, access, member] of [['devs', 'write', writer], ['lecteurs', 'read', reader]] as const) {
      const team = await api(server.url, 'POST', '/orgs/voirie/teams', { auth: as(tokens[owner.username]), body: { name, units_map: { 'repo.code': access, 'repo.issues': access } } });
      expect(team.status).toBe(201);
      expect((await put(`/teams/${team.body.id}/members/${member.username}`)).status).toBe(204);
      expect((await put(`/teams/${team.body.id}/repos/voirie/travaux`)).status).toBe(204);
    }
  });
  afterAll(() => server.close());

  it('refuses anonymous (401) and hides a private repository (404)', async () => {
    // test
    const anonymous = await api(server.url, 'GET', `/repos/${owner.username}/site/assignees`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.message).toBeTypeOf('string');
    expect((await api(server.url, 'GET', '/repos/voirie/travaux/assignees', { auth: as(tokens[outsider.username]) })).status).toBe(404);
  });

  it('lists the owner and the collaborators with write access, not readers nor suspended accounts', async () => {
    // test
    const res = await api(server.url, 'GET', `/repos/${owner.username}/site/assignees`, { auth: as(tokens[reader.username]) });
    expect(res.status).toBe(200);
    expect(logins(res.body)).toEqual([owner.username, writer.username].sort());
    expect(res.body[0]).toHaveProperty('avatar_url');
    // The same accounts are accepted when assigning, and a reader is refused.
    const issue = await api(server.url, 'POST', `/repos/${owner.username}/site/issues`, { auth: as(tokens[owner.username]), body: { title: 'Trottoir', assignees: [writer.username] } });
    expect(issue.status).toBe(201);
    expect(logins(issue.body.assignees)).toEqual([writer.username]);
    const refused = await api(server.url, 'PATCH', `/repos/${owner.username}/site/issues/${issue.body.number}`, { auth: as(tokens[owner.username]), body: { assignees: [reader.username] } });
    expect(refused.status).toBe(422);
  });

  it("lists an organisation's owners and the members of its teams with write access", async () => {
    // test
    const res = await api(server.url, 'GET', '/repos/voirie/travaux/assignees', { auth: as(tokens[reader.username]) });
    expect(res.status).toBe(200);
    expect(logins(res.body)).toEqual([owner.username, writer.username].sort());
  });
});
