import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giteaApi, type Api } from 'gitea-js';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildToken, buildUser } from '../helpers/factories.js';
import type { UserRow } from '../../server/db/users.js';

/** The status of a call that gitea-js rejects (it throws the response), with Gitea's `{message}` body. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; message: unknown }> {
  try {
    await call;
  } catch (err) {
    const response = err as { status: number; error: { message?: unknown } };
    return { status: response.status, message: response.error?.message };
  }
  throw new Error('expected the call to be refused');
}

let server: TestServer;
let owner: UserRow;
let helper: UserRow;
let client: Api<unknown>;
let anonymous: Api<unknown>;

beforeAll(async () => {
  // setup
  server = await startServer();
  const { db } = server.app.forge;
  owner = await buildUser(db);
  helper = await buildUser(db);
  client = giteaApi(server.url, { token: await buildToken(db, owner, ['all']) });
  anonymous = giteaApi(server.url);
});
afterAll(async () => server.close());

describe('Gitea client (gitea-js) against Fabrique', () => {
  it('creates a repository for the signed-in user and reads it back', async () => {
    expect(await refusal(anonymous.user.createCurrentUserRepo({ name: 'x' }))).toMatchObject({ status: 401, message: expect.any(String) });
    expect(await refusal(client.user.createCurrentUserRepo({ name: '.x' }))).toMatchObject({ status: 422, message: expect.stringMatching(/name/) });
    const created = await client.user.createCurrentUserRepo({ name: 'contrat', description: 'Contract test', private: false, auto_init: true, license: 'MIT' });
    expect(created.status).toBe(201);
    expect(created.data.full_name).toBe(`${owner.username}/contrat`);
    expect(created.data.owner?.login).toBe(owner.username);
    expect(created.data.empty).toBe(false);
    expect(await refusal(client.user.createCurrentUserRepo({ name: 'contrat' }))).toMatchObject({ status: 409 });

    const got = await anonymous.repos.repoGet(owner.username, 'contrat');
    expect(got.data).toMatchObject({ name: 'contrat', private: false, default_branch: 'main', permissions: { admin: false, push: false, pull: true } });
    expect(await refusal(anonymous.repos.repoGet(owner.username, 'nope'))).toMatchObject({ status: 404 });

    const edited = await client.repos.repoEdit(owner.username, 'contrat', { description: 'Edited', private: true });
    expect(edited.data).toMatchObject({ description: 'Edited', private: true });
    expect(await refusal(anonymous.repos.repoGet(owner.username, 'contrat'))).toMatchObject({ status: 404 });
  });

  it('searches repositories with the {ok, data} wrapper and X-Total-Count', async () => {
    await client.user.createCurrentUserRepo({ name: 'contrat-public' });
    const found = await anonymous.repos.repoSearch({ q: 'contrat', limit: 10 });
    expect(found.data.ok).toBe(true);
    expect(found.data.data?.map((r) => r.name)).toEqual(['contrat-public']);
    expect(found.headers.get('x-total-count')).toBe('1');
    const mine = await client.repos.repoSearch({ q: 'contrat' });
    expect(mine.data.data?.map((r) => r.name)).toEqual(['contrat', 'contrat-public']);
  });

  it('creates an organisation, a team, an organisation repository and adds members', async () => {
    const org = await client.orgs.orgCreate({ username: 'contrat-org', full_name: 'Contrat', visibility: 'public' });
    expect(org.status).toBe(201);
    expect(org.data).toMatchObject({ name: 'contrat-org', username: 'contrat-org', full_name: 'Contrat', visibility: 'public' });
    expect((await anonymous.orgs.orgGet('contrat-org')).data.username).toBe('contrat-org');

    const team = await client.orgs.orgCreateTeam('contrat-org', { name: 'devs', permission: 'write', includes_all_repositories: false, units: ['repo.code'] });
    expect(team.status).toBe(201);
    expect(team.data).toMatchObject({ name: 'devs', permission: 'write', organization: { username: 'contrat-org' } });
    const teams = await client.orgs.orgListTeams('contrat-org');
    expect(teams.data.map((t) => t.name).sort()).toEqual(['Owners', 'devs']);

    const repo = await client.orgs.createOrgRepo('contrat-org', { name: 'outil', private: true });
    expect(repo.status).toBe(201);
    expect((await client.teams.orgAddTeamRepository(team.data.id as number, 'contrat-org', 'outil')).status).toBe(204);
    expect((await client.teams.orgAddTeamMember(team.data.id as number, helper.username)).status).toBe(204);
    const members = await client.orgs.orgListMembers('contrat-org');
    expect(members.data.map((u) => u.login).sort()).toEqual([owner.username, helper.username].sort());
    const listed = await client.orgs.orgListRepos('contrat-org');
    expect(listed.data.map((r) => r.full_name)).toEqual(['contrat-org/outil']);
    expect((await anonymous.orgs.orgListRepos('contrat-org')).data).toEqual([]);
  });

  it('adds a collaborator, checks it and reads its permission', async () => {
    expect(await refusal(anonymous.repos.repoAddCollaborator(owner.username, 'contrat', helper.username, { permission: 'read' }))).toMatchObject({ status: 404 });
    const added = await client.repos.repoAddCollaborator(owner.username, 'contrat', helper.username, { permission: 'read' });
    expect(added.status).toBe(204);
    expect((await client.repos.repoCheckCollaborator(owner.username, 'contrat', helper.username)).status).toBe(204);
    const list = await client.repos.repoListCollaborators(owner.username, 'contrat');
    expect(list.data.map((u) => u.login)).toEqual([helper.username]);
    const permission = await client.repos.repoGetRepoPermissions(owner.username, 'contrat', helper.username);
    expect(permission.data).toMatchObject({ permission: 'read', user: { login: helper.username } });
    expect((await client.repos.repoDeleteCollaborator(owner.username, 'contrat', helper.username)).status).toBe(204);
    expect(await refusal(client.repos.repoCheckCollaborator(owner.username, 'contrat', helper.username))).toMatchObject({ status: 404 });
    expect((await client.repos.repoDelete(owner.username, 'contrat')).status).toBe(204);
  });
});
