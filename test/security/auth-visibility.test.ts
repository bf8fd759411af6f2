import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { api, as } from '../helpers/http.js';
import { createOrg } from '../../server/services/orgs.js';
import type { UserRow } from '../../server/db/users.js';

let server: TestServer;
let member: UserRow;
let stranger: UserRow;
const DESCRIPTION = 'Secret project of the cabinet';

beforeAll(async () => {
  // setup
  server = await startServer();
  const { db } = server.app.forge;
  member = await buildUser(db);
  stranger = await buildUser(db);
  const context = { actor: { kind: 'user', user: member, via: 'session', scopes: null }, ip: '127.0.0.1' } as const;
  for (const visibility of ['private', 'limited'] as const) {
    const org = await createOrg(db, member, { username: `cabinet-${visibility}`, fullName: 'Cabinet', description: DESCRIPTION, visibility }, context);
    await buildRepo(db, server.config.reposDir, org, { name: 'plans' });
  }
});
afterAll(() => server.close());

/** Every path that shows an owner's profile or what it holds. */
const PATHS = (name: string) => [`/users/${name}`, `/users/${name}/repos`, `/orgs/${name}`, `/orgs/${name}/repos`];

describe('one visibility rule for users and organisations', () => {
  it('answers 404 for a private organisation on every path to a signed-in stranger and to anonymous, and shows it to a member', async () => {
    const strangerToken = await buildToken(server.app.forge.db, stranger, ['all']);
    for (const path of PATHS('cabinet-private')) {
      for (const auth of [as(stranger), as(strangerToken), as(null)]) {
        const res = await api(server.url, 'GET', path, { auth });
        expect(res.status, `${path} ${JSON.stringify(auth)}`).toBe(404);
        expect(JSON.stringify(res.body)).not.toContain(DESCRIPTION);
      }
      expect((await api(server.url, 'GET', path, { auth: as(member) })).status, path).toBe(200);
    }
    const listed = await api(server.url, 'GET', '/orgs', { auth: as(stranger) });
    expect(listed.body.map((o: { username: string }) => o.username)).not.toContain('cabinet-private');
    // The page head served to a browser or a crawler says nothing of it either.
    const page = await fetch(`${server.url}/cabinet-private`, { headers: { accept: 'text/html', ...as(stranger) } });
    expect(await page.text()).not.toContain(DESCRIPTION);
  });

  it('shows a limited organisation to any signed-in account on every path, and to nobody anonymous', async () => {
    for (const path of PATHS('cabinet-limited')) {
      expect((await api(server.url, 'GET', path, { auth: as(stranger) })).status, path).toBe(200);
      expect((await api(server.url, 'GET', path)).status, path).toBe(404);
    }
  });

  it('reads an organisation named as a user under its token scopes, as /orgs does', async () => {
    const userOnly = await buildToken(server.app.forge.db, member, ['read:user']);
    // /orgs needs read:organization: the token is refused before any lookup, the same for every name.
    expect((await api(server.url, 'GET', '/orgs/cabinet-private', { auth: as(userOnly) })).status).toBe(403);
    expect((await api(server.url, 'GET', '/orgs/no-such-organisation', { auth: as(userOnly) })).status).toBe(403);
    expect((await api(server.url, 'GET', '/users/cabinet-private', { auth: as(userOnly) })).status).toBe(404);
  });
});
