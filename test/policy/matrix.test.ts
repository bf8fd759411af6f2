import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api } from '../helpers/http.js';
import type { UserRow } from '../../server/db/users.js';
import type { RepoRow } from '../../server/db/repos.js';
import { ANONYMOUS } from '../../server/auth/policy.js';
import { addTeamMember, addTeamRepo, createOrg, createTeam } from '../../server/services/orgs.js';
import { setCollaborator } from '../../server/services/repos.js';

type Pair = [publicRepo: number, privateRepo: number];

/** What each actor gets, for the public and the private repository of one organisation. */
interface Row {
  actor: string;
  get: Pair;
  /** permissions.push in the repository JSON: the write level, as the one policy computes it. */
  push: [boolean | null, boolean | null];
  patch: Pair;
  putCollaborator: Pair;
  /** Whether search lists the private repository. */
  searchSeesPrivate: boolean;
}

const MATRIX: Row[] = [
  { actor: 'anonymous', get: [200, 404], push: [false, null], patch: [401, 404], putCollaborator: [401, 404], searchSeesPrivate: false },
  { actor: 'stranger', get: [200, 404], push: [false, null], patch: [403, 404], putCollaborator: [403, 404], searchSeesPrivate: false },
  { actor: 'collaborator-read', get: [200, 200], push: [false, false], patch: [403, 403], putCollaborator: [403, 403], searchSeesPrivate: true },
  { actor: 'collaborator-write', get: [200, 200], push: [true, true], patch: [403, 403], putCollaborator: [403, 403], searchSeesPrivate: true },
  { actor: 'collaborator-admin', get: [200, 200], push: [true, true], patch: [200, 200], putCollaborator: [204, 204], searchSeesPrivate: true },
  { actor: 'team-read', get: [200, 200], push: [false, false], patch: [403, 403], putCollaborator: [403, 403], searchSeesPrivate: true },
  { actor: 'team-write', get: [200, 200], push: [true, true], patch: [403, 403], putCollaborator: [403, 403], searchSeesPrivate: true },
  { actor: 'org-owner', get: [200, 200], push: [true, true], patch: [200, 200], putCollaborator: [204, 204], searchSeesPrivate: true },
  { actor: 'site-admin', get: [200, 200], push: [true, true], patch: [200, 200], putCollaborator: [204, 204], searchSeesPrivate: true },
  // An administrator-collaborator whose token carries only read:repository: reads, never changes.
  { actor: 'read-only-token', get: [200, 200], push: [false, false], patch: [403, 403], putCollaborator: [403, 403], searchSeesPrivate: true },
  // Suspended (prohibit_login) while holding admin rights and a valid token: refused at once.
  { actor: 'suspended', get: [403, 403], push: [null, null], patch: [403, 403], putCollaborator: [403, 403], searchSeesPrivate: false },
];

let server: TestServer;
const tokens = new Map<string, string | null>();
let org: UserRow;
let repos: [RepoRow, RepoRow];
let guest: UserRow;

beforeAll(async () => {
  // setup
  server = await startServer();
  const { db, config } = server.app.forge;
  const context = { actor: ANONYMOUS, ip: '127.0.0.1' };
  const user = async (name: string, isAdmin = false, scopes: Parameters<typeof buildToken>[2] = ['all']) => {
    const row = await buildUser(db, { username: name, isAdmin });
    tokens.set(name, await buildToken(db, row, scopes));
    return row;
  };
  tokens.set('anonymous', null);
  const owner = await user('org-owner');
  org = await createOrg(db, owner, { username: 'matrix' }, context);
  repos = [await buildRepo(db, config.reposDir, org, { name: 'public' }), await buildRepo(db, config.reposDir, org, { name: 'private', isPrivate: true })];
  await user('stranger');
  await user('site-admin', true);
  guest = await buildUser(db, { username: 'guest' });
  for (const level of ['read', 'write', 'admin'] as const) {
    const collaborator = await user(`collaborator-${level}`);
    for (const repo of repos) await setCollaborator(db, repo, collaborator, level, context);
  }
  // The read team reaches every repository of the organisation; the write team the two it was given.
  const readTeam = await createTeam(db, org, { name: 'readers', permission: 'read', includesAllRepositories: true }, context);
  await addTeamMember(db, org, readTeam, await user('team-read'), context);
  const writeTeam = await createTeam(db, org, { name: 'writers', permission: 'write' }, context);
  await addTeamMember(db, org, writeTeam, await user('team-write'), context);
  for (const repo of repos) await addTeamRepo(db, org, writeTeam, repo, context);
  const readOnly = await user('read-only-token', false, ['read:repository']);
  for (const repo of repos) await setCollaborator(db, repo, readOnly, 'admin', context);
  const suspended = await user('suspended');
  for (const repo of repos) await setCollaborator(db, repo, suspended, 'admin', context);
  await db.prepare('UPDATE users SET prohibit_login = 1 WHERE id = ?').run(suspended.id);
});

afterAll(async () => server.close());

const auth = (actor: string): Record<string, string> => {
  const token = tokens.get(actor);
  return token ? { authorization: `token ${token}` } : {};
};

describe('one permission policy: actors × public/private × read/write/admin, through the HTTP API', () => {
  for (const row of MATRIX) {
    it(row.actor, async () => {
      // test
      const { db } = server.app.forge;
      for (const [i, repo] of repos.entries()) {
        const path = `/repos/matrix/${repo.name}`;
        const get = await api(server.url, 'GET', path, { auth: auth(row.actor) });
        expect(get.status, `GET ${repo.name}`).toBe(row.get[i]);
        if (get.status === 200) {
          expect(get.body.permissions.push, `push on ${repo.name}`).toBe(row.push[i]);
          expect(get.body.permissions.pull).toBe(true);
        } else {
          expect(get.body).not.toHaveProperty('name');
        }

        const before = await db.prepare('SELECT description FROM repositories WHERE id = ?').pluck().get(repo.id);
        const description = `set by ${row.actor}`;
        const patch = await api(server.url, 'PATCH', path, { auth: auth(row.actor), body: { description } });
        expect(patch.status, `PATCH ${repo.name}`).toBe(row.patch[i]);
        const after = await db.prepare('SELECT description FROM repositories WHERE id = ?').pluck().get(repo.id);
        expect(after).toBe(patch.status === 200 ? description : before);

        const put = await api(server.url, 'PUT', `${path}/collaborators/guest`, { auth: auth(row.actor), body: { permission: 'read' } });
        expect(put.status, `PUT collaborator on ${repo.name}`).toBe(row.putCollaborator[i]);
        const granted = await db.prepare('SELECT count(*) FROM collaborators WHERE repo_id = ? AND user_id = ?').pluck().get(repo.id, guest.id);
        expect(granted).toBe(put.status === 204 ? 1 : 0);
        await db.prepare('DELETE FROM collaborators WHERE repo_id = ? AND user_id = ?').run(repo.id, guest.id);
      }

      const search = await api(server.url, 'GET', '/repos/search?q=private', { auth: auth(row.actor) });
      if (row.actor === 'suspended') {
        expect(search.status).toBe(403);
      } else {
        expect(search.status).toBe(200);
        expect(search.body.data.map((r: { full_name: string }) => r.full_name)).toEqual(row.searchSeesPrivate ? ['matrix/private'] : []);
        const listed = await api(server.url, 'GET', '/orgs/matrix/repos', { auth: auth(row.actor) });
        expect(listed.body.map((r: { name: string }) => r.name).sort()).toEqual(row.searchSeesPrivate ? ['private', 'public'] : ['public']);
      }
    });
  }
});
