import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRepo, buildToken, buildUser } from '../helpers/factories.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { catalogueFixture, licenceFile, publiccode, pushFiles, type CatalogueFixture } from './fixtures.js';
import { pushHistory } from '../helpers/git.js';
import { repoPath } from '../../server/git/store.js';

let server: TestServer;
let f: CatalogueFixture;
let ownerToken: string;
let strangerToken: string;

const get = (path: string, token?: string) => fetch(`${server.url}${path}`, { headers: token ? { authorization: `token ${token}` } : {} });
const json = async (path: string, token?: string) => {
  const response = await get(path, token);
  expect(response.status, path).toBe(200);
  return response.json();
};

beforeAll(async () => {
  server = await startServer();
  f = await catalogueFixture(server);
  ownerToken = await buildToken(server.app.forge.db, f.owner, ['all']);
  strangerToken = await buildToken(server.app.forge.db, await buildUser(server.app.forge.db), ['all']);
});
afterAll(() => server.close());

describe('GET /api/v1/repos/{owner}/{repo}/publiccode', () => {
  it('is a 404 for a private repository to those who may not read it', async () => {
    expect((await get(`/api/v1/repos/${f.org.username}/secret/publiccode`)).status).toBe(404);
    expect((await get(`/api/v1/repos/${f.org.username}/secret/publiccode`, strangerToken)).status).toBe(404);
  });

  it('shows problems with their lines to maintainers only', async () => {
    const path = `/api/v1/repos/${f.org.username}/broken/publiccode`;
    const anonymous = await json(path);
    expect(anonymous).toEqual({ present: true, valid: false, sheet: null });
    const maintainer = await json(path, ownerToken);
    expect(maintainer.valid).toBe(false);
    expect(maintainer.problems).toContainEqual(expect.objectContaining({ line: 2, message: expect.stringContaining('developmentStatus') }));
    expect(maintainer.problems).toContainEqual(expect.objectContaining({ line: 1, message: expect.stringContaining('"url" is required') }));
  });

  it('gives the sheet in the asked language', async () => {
    const path = `/api/v1/repos/${f.org.username}/carto/publiccode`;
    const fr = await json(`${path}?lang=fr`);
    expect(fr).toMatchObject({ present: true, valid: true, sheet: { name: 'Carto', language: 'fr', license: 'EUPL-1.2', developmentStatus: 'stable' } });
    const en = await json(`${path}?lang=en`);
    expect(en.sheet).toMatchObject({ language: 'en', shortDescription: "Map of the Metropole's public facilities" });
    expect((await json(`/api/v1/repos/${f.owner.username}/plain/publiccode`)).present).toBe(false);
  });

  it('follows the default branch after a push', async () => {
    // setup
    const repo = await buildRepo(server.app.forge.db, server.config.reposDir, f.owner);
    await pushFiles(server, repo, { 'README.md': 'x' });
    expect((await json(`/api/v1/repos/${f.owner.username}/${repo.name}/publiccode`)).present).toBe(false);
    // test: the same first commit (fixture ids are stable), then a second one
    pushHistory(repoPath(server.config.reposDir, repo.owner_name, repo.name), [
      { message: 'Initial commit', files: { 'README.md': 'x' } },
      { message: 'Describe the software', files: { 'publiccode.yml': publiccode({ name: 'Later' }) } },
    ]);
    expect((await json(`/api/v1/repos/${f.owner.username}/${repo.name}/publiccode`)).sheet.name).toBe('Later');
  });
});

describe('licences', () => {
  it('detects the file and compares it with publiccode.yml', async () => {
    expect(await json(`/api/v1/repos/${f.org.username}/carto/licence`)).toEqual({
      detected: 'EUPL-1.2',
      declared: 'EUPL-1.2',
      file: 'LICENSE',
      mismatch: false,
      approved_in_france: true,
    });
    expect(await json(`/api/v1/repos/${f.owner.username}/agenda/licence`)).toMatchObject({ detected: 'Apache-2.0', declared: 'MIT', mismatch: true });
    expect(await json(`/api/v1/repos/${f.owner.username}/plain/licence`)).toEqual({
      detected: null,
      declared: null,
      file: 'COPYING.txt',
      mismatch: false,
      approved_in_france: false,
    });
  });

  it("adds Gitea's licenses to the repository JSON", async () => {
    expect((await json(`/api/v1/repos/${f.org.username}/carto`)).licenses).toEqual(['EUPL-1.2']);
  });

  it("lists an organisation's unapproved licences to its owners only", async () => {
    const wtfpl = await buildRepo(server.app.forge.db, server.config.reposDir, f.org, { name: 'wtf', isPrivate: true });
    await pushFiles(server, wtfpl, { LICENSE: licenceFile('WTFPL') });
    expect((await get(`/api/v1/catalogue/licences/${f.org.username}`)).status).toBe(404);
    expect((await get(`/api/v1/catalogue/licences/${f.org.username}`, strangerToken)).status).toBe(404);
    const report = (await json(`/api/v1/catalogue/licences/${f.org.username}`, ownerToken)) as { full_name: string; licence: { detected: string } }[];
    expect(report.find((r) => r.full_name.endsWith('/wtf'))?.licence).toMatchObject({ detected: 'WTFPL', approved_in_france: false });
    expect(report.find((r) => r.full_name.endsWith('/carto'))).toBeUndefined();
  });
});

describe('GET /api/v1/catalogue', () => {
  it('lists public software with a valid publiccode.yml, never private ones', async () => {
    const page = await json('/api/v1/catalogue?lang=en', ownerToken);
    const names = page.data.map((d: { sheet: { name: string } }) => d.sheet.name);
    expect(names).toEqual(expect.arrayContaining(['Agenda', 'Carto']));
    expect(names).not.toContain('Secret');
    expect(page.data.find((d: { sheet: { name: string } }) => d.sheet.name === 'Carto')).toMatchObject({
      full_name: `${f.org.username}/carto`,
      licence: { approved_in_france: true },
      sheet: { language: 'en' },
    });
  });

  it('filters by organisation, status, licence, category and text', async () => {
    const names = async (query: string) => ((await json(`/api/v1/catalogue?${query}`)).data as { sheet: { name: string } }[]).map((d) => d.sheet.name);
    expect(await names(`organisation=${f.org.username}`)).toEqual(['Carto']);
    expect(await names('status=beta')).toEqual(['Agenda']);
    expect(await names('license=eupl-1.2')).toContain('Carto');
    expect(await names('license=eupl-1.2')).not.toContain('Agenda');
    expect(await names('category=event-management')).toEqual(['Agenda']);
    expect(await names('q=%C3%A9quipements')).toContain('Carto');
    expect(await names('q=nothing-like-this')).toEqual([]);
  });

  it('uses topics as categories', async () => {
    const put = await fetch(`${server.url}/api/v1/repos/${f.org.username}/carto/topics`, {
      method: 'PUT',
      headers: { authorization: `token ${ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ topics: ['Mobility', 'open-data'] }),
    });
    expect(put.status).toBe(204);
    expect(await json(`/api/v1/repos/${f.org.username}/carto/topics`)).toEqual({ topics: ['mobility', 'open-data'] });
    expect(((await json('/api/v1/catalogue?category=mobility')).data as { sheet: { name: string } }[]).map((d) => d.sheet.name)).toEqual(['Carto']);
  });

  it('exports CSV with proper quoting', async () => {
    const response = await get('/api/v1/catalogue.csv?lang=en');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe('name,repository,url,short_description,development_status,software_type,licence,detected_licence,approved_in_france,categories,platforms,maintenance,updated_at');
    const carto = lines.find((l) => l.startsWith('Carto,'));
    expect(carto).toContain(",Map of the Metropole's public facilities,");
    expect(lines.some((l) => l.includes('Secret'))).toBe(false);
  });
});

describe('topics', () => {
  it('refuses invalid topics like Gitea and changes only for administrators', async () => {
    const path = `/api/v1/repos/${f.owner.username}/agenda/topics`;
    const headers = { authorization: `token ${ownerToken}`, 'content-type': 'application/json' };
    expect((await fetch(`${server.url}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"topics":[]}' })).status).toBe(401);
    const bad = await fetch(`${server.url}${path}`, { method: 'PUT', headers, body: JSON.stringify({ topics: ['ok', '-bad', 'x'.repeat(36), 'with space'] }) });
    expect(bad.status).toBe(422);
    expect((await bad.json()).invalidTopics).toEqual(['-bad', 'x'.repeat(36), 'with space']);
    const auth = { authorization: `token ${ownerToken}` };
    expect((await fetch(`${server.url}${path}/Civic-Tech`, { method: 'PUT', headers: auth })).status).toBe(204);
    expect(await json(path)).toEqual({ topics: ['civic-tech'] });
    expect((await fetch(`${server.url}${path}/civic-tech`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect(await json(path)).toEqual({ topics: [] });
  });
});

describe('versions', () => {
  it("answers Gitea's and GitLab's version", async () => {
    expect((await json('/api/v1/version')).version).toMatch(/^1\.23\.\d+/);
    expect(await json('/api/v4/version')).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});

describe('GitLab v4', () => {
  it('answers the harvester check: 200, a non-empty array and the pagination headers', async () => {
    const response = await get('/api/v4/projects?per_page=1');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Array.isArray(body) && body.length).toBe(1);
    const total = Number(response.headers.get('x-total'));
    expect(total).toBeGreaterThanOrEqual(4);
    expect(response.headers.get('x-total-pages')).toBe(String(total));
    expect(response.headers.get('x-page')).toBe('1');
    expect(response.headers.get('x-per-page')).toBe('1');
    expect(response.headers.get('x-next-page')).toBe('2');
    expect(response.headers.get('x-prev-page')).toBe('');
    expect(response.headers.get('link')).toContain('rel="next"');
    expect(response.headers.get('link')).toContain(`${server.url}/api/v4/projects?`);
  });

  it('lists public projects only, paged and ordered', async () => {
    const all = (await json('/api/v4/projects?per_page=100&order_by=id&sort=asc', ownerToken)) as { id: number; path_with_namespace: string }[];
    expect(all.map((p) => p.path_with_namespace)).not.toContain(`${f.org.username}/secret`);
    expect(all.map((p) => p.id)).toEqual([...all.map((p) => p.id)].sort((a, b) => a - b));
    const after = (await json(`/api/v4/projects?id_after=${f.carto.id}&order_by=id&sort=asc&per_page=100`)) as { id: number }[];
    expect(after.every((p) => p.id > f.carto.id)).toBe(true);
    const search = (await json('/api/v4/projects?search=agenda&simple=true')) as { name: string; visibility?: string }[];
    expect(search.map((p) => p.name)).toEqual(['agenda']);
    expect(search[0].visibility).toBeUndefined();
  });

  it('shows a project by id and by URL-encoded path, with the fields the harvester reads', async () => {
    const byId = await json(`/api/v4/projects/${f.carto.id}`);
    const byPath = await json(`/api/v4/projects/${f.org.username}%2Fcarto`);
    expect(byPath).toEqual(byId);
    expect(byId).toMatchObject({
      id: f.carto.id,
      name: 'carto',
      path: 'carto',
      path_with_namespace: `${f.org.username}/carto`,
      web_url: `${server.url}/${f.org.username}/carto`,
      http_url_to_repo: `${server.url}/${f.org.username}/carto.git`,
      readme_url: `${server.url}/${f.org.username}/carto/src/branch/main/README.md`,
      default_branch: 'main',
      visibility: 'public',
      archived: false,
      star_count: 0,
      forks_count: 0,
      namespace: { id: f.org.id, name: f.org.username, path: f.org.username, kind: 'group', full_path: f.org.username },
    });
    expect(byId.license).toBeUndefined();
    const withLicence = await json(`/api/v4/projects/${f.carto.id}?license=true`);
    expect(withLicence.license).toMatchObject({ key: 'eupl-1.2', name: 'European Union Public License 1.2', html_url: expect.stringContaining('EUPL-1.2') });
  });

  it('is a 404 for a private or unknown project', async () => {
    expect((await get(`/api/v4/projects/${f.secret.id}`)).status).toBe(404);
    expect((await get(`/api/v4/projects/${f.org.username}%2Fsecret`, ownerToken)).status).toBe(404);
    expect((await get(`/api/v4/projects/${f.secret.id}/repository/tree`)).status).toBe(404);
    expect((await get('/api/v4/projects/999999')).status).toBe(404);
  });

  it('lists the tree and the tags of a project', async () => {
    const tree = (await json(`/api/v4/projects/${f.org.username}%2Fcarto/repository/tree?per_page=100`)) as { name: string; type: string }[];
    expect(tree.map((e) => e.name).sort()).toEqual(['LICENSE', 'README.md', 'publiccode.yml']);
    expect(tree[0]).toMatchObject({ type: 'blob', mode: '100644' });
    expect(await json(`/api/v4/projects/${f.carto.id}/repository/tags`)).toEqual([]);
  });

  it('finds users and groups', async () => {
    expect(await json(`/api/v4/users?username=${f.owner.username}`)).toEqual([expect.objectContaining({ id: f.owner.id, username: f.owner.username, state: 'active' })]);
    expect(await json('/api/v4/users?username=nobody-here')).toEqual([]);
    expect(await json(`/api/v4/groups/${f.org.username}`)).toMatchObject({ id: f.org.id, path: f.org.username, full_path: f.org.username });
    expect((await get(`/api/v4/groups/${f.owner.username}`)).status).toBe(404);
  });
});

describe('a renamed repository', () => {
  it('redirects its software sheet and licence to the new name, the query kept', async () => {
    // setup
    await buildRepo(server.app.forge.db, server.config.reposDir, f.owner, { name: 'ancien-logiciel' });
    const renamed = await fetch(`${server.url}/api/v1/repos/${f.owner.username}/ancien-logiciel`, {
      method: 'PATCH',
      headers: { authorization: `token ${ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'logiciel' }),
    });
    expect(renamed.status).toBe(200);
    // test
    for (const rest of ['publiccode?lang=en', 'licence']) {
      const moved = await fetch(`${server.url}/api/v1/repos/${f.owner.username}/ancien-logiciel/${rest}`, { redirect: 'manual' });
      expect(moved.status, rest).toBe(301);
      expect(moved.headers.get('location'), rest).toBe(`/api/v1/repos/${f.owner.username}/logiciel/${rest}`);
    }
    expect((await get(`/api/v1/repos/${f.owner.username}/logiciel/licence`)).status).toBe(200);
  });
});
