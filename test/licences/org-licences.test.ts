import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../server/auth/policy.js';
import type { UserRow } from '../../server/db/users.js';
import { addTeamMember, createOrg, createTeam } from '../../server/services/orgs.js';
import type { OrgLicenceItem } from '../../contract/org-licences.js';
import { licenceFile, publiccode, pushFiles } from '../catalogue/fixtures.js';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { startServer, type TestServer } from '../helpers/server.js';

const system = { actor: ANONYMOUS, ip: '127.0.0.1' };
const frenchText = (name: string) => readFileSync(new URL(`../fixtures/licences/${name}`, import.meta.url), 'utf8');

let server: TestServer;
let org: UserRow;
let hidden: UserRow;
const tokens: Record<'owner' | 'member' | 'stranger' | 'orgReadless', string> = { owner: '', member: '', stranger: '', orgReadless: '' };

const get = (path: string, token?: string) => fetch(`${server.url}/api/v1${path}`, { headers: token ? { authorization: `token ${token}` } : {} });

beforeAll(async () => {
  // setup: an organisation with a repository for each case, a member who is not an owner, a stranger
  server = await startServer();
  const { db } = server.app.forge;
  const { reposDir } = server.config;
  const owner = await buildUser(db);
  const member = await buildUser(db);
  const stranger = await buildUser(db);
  org = await createOrg(db, owner, { username: `ville${owner.id}`, visibility: 'public' }, system);
  hidden = await createOrg(db, owner, { username: `cachee${owner.id}`, visibility: 'private' }, system);
  await addTeamMember(db, org, await createTeam(db, org, { name: 'devs', permission: 'write', includesAllRepositories: true }, system), member, system);
  tokens.owner = await buildToken(db, owner, ['all']);
  tokens.member = await buildToken(db, member, ['all']);
  tokens.stranger = await buildToken(db, stranger, ['all']);
  tokens.orgReadless = await buildToken(db, owner, ['read:repository']);
  await pushFiles(server, await buildRepo(db, reposDir, org, { name: 'carto' }), { LICENSE: frenchText('EUPL-1.2-fr.txt'), 'publiccode.yml': publiccode() });
  await pushFiles(server, await buildRepo(db, reposDir, org, { name: 'agenda' }), { LICENSE: licenceFile('Apache-2.0'), 'publiccode.yml': publiccode({ license: 'MIT' }) });
  await pushFiles(server, await buildRepo(db, reposDir, org, { name: 'cecill' }), {
    LICENSE: frenchText('Licence_CeCILL-B_V1-fr.txt'),
    'publiccode.yml': publiccode({ license: 'CECILL-C' }),
  });
  await pushFiles(server, await buildRepo(db, reposDir, org, { name: 'wtf', isPrivate: true }), { LICENSE: licenceFile('WTFPL') });
  await pushFiles(server, await buildRepo(db, reposDir, org, { name: 'nue' }), { 'README.md': '# Nue\n' });
  await buildRepo(db, reposDir, org, { name: 'vide' });
});
afterAll(() => server.close());

describe('GET /api/v1/orgs/{org}/licences', () => {
  it('is a 401 signed out, a 403 to a member who is not an owner and to a stranger, with no repository named', async () => {
    const anonymous = await get(`/orgs/${org.username}/licences`);
    expect(anonymous.status).toBe(401);
    for (const who of ['member', 'stranger'] as const) {
      const answer = await get(`/orgs/${org.username}/licences`, tokens[who]);
      expect(answer.status, who).toBe(403);
      const text = await answer.text();
      expect(JSON.parse(text).message).toMatch(/owner of the organisation/);
      expect(text).not.toContain('wtf');
    }
  });

  it('is a 404 for an organisation that does not exist and for a private one the actor may not see', async () => {
    expect((await get('/orgs/personne/licences', tokens.owner)).status).toBe(404);
    expect((await get(`/orgs/${hidden.username}/licences`, tokens.stranger)).status).toBe(404);
    expect((await get(`/orgs/${hidden.username}/licences`, tokens.owner)).status).toBe(200);
  });

  it('needs the read:organization scope', async () => {
    expect((await get(`/orgs/${org.username}/licences`, tokens.orgReadless)).status).toBe(403);
  });

  it('lists every repository to an owner, the private one included, with its flags', async () => {
    const answer = await get(`/orgs/${org.username}/licences`, tokens.owner);
    expect(answer.status).toBe(200);
    const items = (await answer.json()) as OrgLicenceItem[];
    const byName = Object.fromEntries(items.map((item) => [item.name, item]));
    expect(Object.keys(byName).sort()).toEqual(['agenda', 'carto', 'cecill', 'nue', 'vide', 'wtf']);
    expect(byName.carto).toEqual({
      name: 'carto',
      full_name: `${org.username}/carto`,
      private: false,
      empty: false,
      default_branch: 'main',
      detected: 'EUPL-1.2',
      declared: 'EUPL-1.2',
      file: 'LICENSE',
      flags: [],
    });
    expect(byName.agenda).toMatchObject({ detected: 'Apache-2.0', declared: 'MIT', flags: ['mismatch'] });
    // The French CeCILL-B text under a publiccode.yml that says CeCILL-C: the two are not confused.
    expect(byName.cecill).toMatchObject({ detected: 'CECILL-B', declared: 'CECILL-C', flags: ['mismatch'] });
    expect(byName.wtf).toMatchObject({ private: true, detected: 'WTFPL', declared: null, flags: ['outside'] });
    expect(byName.nue).toMatchObject({ detected: null, declared: null, file: null, flags: ['none'] });
    expect(byName.vide).toMatchObject({ empty: true, flags: ['none'] });
  });
});

describe('GET /api/v1/licenses/{name}', () => {
  it("gives a licence's text, the official French one when asked in French", async () => {
    const english = await get('/licenses/CECILL-B?lang=en');
    expect(english.status).toBe(200);
    expect(((await english.json()) as { body: string }).body).toContain('CeCILL-B FREE SOFTWARE LICENSE AGREEMENT');
    const french = (await (await get('/licenses/CECILL-B?lang=fr')).json()) as { key: string; name: string; body: string };
    expect(french.key).toBe('CECILL-B');
    expect(french.body).toContain('CONTRAT DE LICENCE DE LOGICIEL LIBRE CeCILL-B');
    expect(((await (await get('/licenses/MIT?lang=fr')).json()) as { body: string }).body).toContain('Permission is hereby granted');
  });

  it('is a 404 with a message for a licence it does not know', async () => {
    const answer = await get('/licenses/Nope-1.0');
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as { message: string }).message).toBe('The licence "Nope-1.0" does not exist.');
  });
});
